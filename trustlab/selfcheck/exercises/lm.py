"""Self-checks for notebook 34: a small transformer's memorization and the gender of its generations.

Each expected value is computed at check time by the trustlab function the exercise uses.
"""

from __future__ import annotations

from trustlab.selfcheck import Choice, Number, register

SEED = 0


def _repetitions():
    from trustlab.lm.memorization_sweep import REPETITIONS

    return REPETITIONS


@register("34.1", Choice(_repetitions),
          question="the fewest repetitions at which DP-SGD's exposure interval lies entirely above chance",
          hint="In `memorization_sweep()`, `sweep['dp_sgd', r].interval('exposure')` is (mean, half-width) "
               "over 5 seeds and `.chance` the chance level; find the smallest r with mean − half > chance.",
          insight="ε = 8 holds per sentence: r copies of a canary only get the group guarantee r·ε.")
def _dp_leaves_chance():
    from trustlab.lm.memorization_sweep import REPETITIONS, memorization_sweep

    sweep = memorization_sweep()
    for r in REPETITIONS:
        mean, half = sweep["dp_sgd", r].interval("exposure")
        if mean - half > sweep["dp_sgd", r].chance:
            return r
    raise RuntimeError("DP-SGD's exposure never leaves chance on this grid")  # pragma: no cover


@register("34.2", Number(rtol=0.0, atol=0.0051),
          question="the female share of gendered continuations of 'the nurse said that' at temperature 0.5",
          hint="`tokenizer, corpus, heldout, teacher = prepare_bias(0)`; sample 200 continuations with "
               "`generate(teacher, tokenizer, 'the nurse said that', n_samples=200, temperature=0.5, "
               "seed=0)`, classify each with `classify_gender` and divide the female count by the "
               "female + male count.",
          insight="A low temperature sharpens the distribution: the majority pronoun wins even more "
                  "often than the training data say, so sampling settings amplify bias.")
def _nurse_share_at_low_temperature():
    from trustlab.lm import generate
    from trustlab.lm.bias import classify_gender
    from trustlab.lm.bias_sweep import prepare_bias

    tokenizer, _, _, teacher = prepare_bias(SEED)
    labels = [classify_gender(t) for t in generate(teacher, tokenizer, "the nurse said that",
                                                    n_samples=200, temperature=0.5, seed=SEED)]
    return labels.count("female") / (labels.count("female") + labels.count("male"))
