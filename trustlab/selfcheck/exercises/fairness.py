"""Self-checks for the fairness notebooks (30-33): sampling bias, group metrics, counterfactual
swaps and role reversal, embedding and classifier bias, knowledge-graph embeddings.

Each expected value is computed at check time by the trustlab function the exercise uses.
"""

from __future__ import annotations

import numpy as np

from trustlab.selfcheck import Choice, Judged, Number, Vector, register

SEED = 0
STRENGTHS = (0.0, 0.25, 0.5, 0.75, 1.0)  # the mitigation strengths the exercise text names
SHARES = (0.5, 0.7, 0.9)  # the stereotype shares the exercise text names


@register("30.1", Number(rtol=0.0, atol=0.006),
          question="the smallest skew (2 decimals) at which the raw estimate overshoots by more than 0.05",
          hint="`compute_sampling_bias(skew=1.0, seed=0)` gives `group_rates`, `population_share` and "
               "`true_rate`; `expected_estimate(rates, shares, skew, \"Male\")` is a large survey's estimate. "
               "Scan skew upward in steps of 0.01.",
          insight="Men must be several times as likely to answer before the estimate is off by 5 points.")
def _smallest_skew():
    from trustlab.fairness import compute_sampling_bias, expected_estimate

    pop = compute_sampling_bias(skew=1.0, seed=SEED)
    for skew in np.round(np.arange(1.0, 50.0, 0.01), 2):
        if expected_estimate(pop.group_rates, pop.population_share, skew, "Male") - pop.true_rate > 0.05:
            return float(skew)
    raise RuntimeError("no skew below 50 overshoots by 5 points")  # pragma: no cover


@register("30.2", Number(rtol=0.0, atol=5e-4),
          question="the demographic-parity difference of the perfect predictor (y_pred = y_true) on Adult",
          hint="`group_metrics(adult[\"label\"], adult[\"label\"], adult[\"sex\"])` scores the perfect predictor; "
               "compare its demographic-parity difference with the gap between the two groups' base rates.",
          insight="A perfect predictor inherits the base-rate gap, so DP and equalized odds conflict here.")
def _perfect_dp_difference():
    from trustlab.data import load_adult
    from trustlab.fairness import group_metrics

    adult = load_adult()
    return group_metrics(adult["label"], adult["label"], adult["sex"]).demographic_parity_difference


def _judge_wrong_pronoun(answer):
    from trustlab.fairness import swap_gender
    from trustlab.fairness.counterfactual.swaps import tokenize

    if not (isinstance(answer, tuple) and len(answer) == 2 and all(isinstance(a, str) for a in answer)):
        return f"expects a pair of strings (sentence, its correct swap); got {type(answer).__name__}"
    sentence, correct = answer
    words = tokenize(sentence)
    if "her" not in (w.lower() for w in words):
        return "expects a sentence containing the word 'her'"
    ours, theirs = tokenize(swap_gender(sentence)), tokenize(correct)
    if len(ours) != len(theirs):
        return "expects the second string to be your sentence with every gendered word swapped correctly"
    differ = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    if any(words[i].lower() != "her" or {ours[i].lower(), theirs[i].lower()} != {"his", "him"} for i in differ):
        return ("expects the second string to differ from swap_gender's output only where 'her' became "
                "'his' instead of 'him' or the other way round")
    return bool(differ)


@register("31.1", Judged("a pair (sentence, its correct swap)"),
          question="(a sentence where swap_gender turns 'her' into the wrong pronoun, its correct swap)",
          hint="swap_gender reads 'her' as possessive ('his') when a noun-like content word follows it, otherwise "
               "(and before a bare verb after see/hear/make/let …) as an object ('him'). Find a sentence where "
               "that guess is wrong; then swap_gender's output and your "
               "correct swap must differ in that pronoun.",
          insight="No local rule resolves 'her' everywhere; look at swapped text before training on it.")
def _wrong_pronoun(answer):
    return _judge_wrong_pronoun(answer)


def _student_pair(answer):
    if not (isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], str)
            and isinstance(answer[1], (int, float)) and not isinstance(answer[1], bool)):
        return f"expects a pair (mode, swap_ratio) such as ('none', 0.25); got {answer!r:.60}"
    from trustlab.fairness.counterfactual.role_reversal_sweep import role_reversal_sweep
    from trustlab.stats import mean_ci

    records = role_reversal_sweep(seed=SEED)["records"]
    modes = sorted({r["mode"] for r in records})
    if answer[0].strip().lower() not in modes:
        return f"expects a mode among {', '.join(map(repr, modes))}; got {answer[0]!r}"
    plain = next(r for r in records if r["mode"] == "none" and r["swap_ratio"] == 0.0)
    limit = 1.02 * mean_ci(plain["perplexity"]).mean
    ok = [r for r in records if mean_ci(r["perplexity"]).mean <= limit]
    best = min(ok, key=lambda r: mean_ci(r["mean_abs_polarity"]).mean)
    top = mean_ci(best["mean_abs_polarity"]).high
    # Every eligible student whose interval reaches the best one's is within seed noise of it.
    tied = {(r["mode"], r["swap_ratio"]) for r in ok if mean_ci(r["mean_abs_polarity"]).low <= top}
    return (answer[0].strip().lower(), float(answer[1])) in tied


@register("31.2", Judged("a pair (mode, swap_ratio) such as ('none', 0.25)"),
          question="(mode, swap_ratio) of the lowest-polarity student within 2 % of the plain perplexity "
                   "(any within seed noise of it counts)",
          hint="In `sweep_table(seed=0)`, drop the teacher, keep the students whose perplexity is at most 1.02 × "
               "the plain student's (mode 'none', swap_ratio 0), then take the smallest `mean_abs_polarity`.",
          insight="Balancing the teacher and augmenting the data together mitigate polarity the most.")
def _lowest_polarity_student(answer):
    return _student_pair(answer)


@register("32.1", Choice(STRENGTHS),
          question="the mitigation strength at which the career/family WEAT d first drops below 0.5",
          hint="Mitigate the target words with `mitigate_projection(gw.vec(words), gw.direction, strength)` but "
               "leave the gendered attribute words alone; run `weat_test` on `gw.weat[\"career_family\"]`.",
          insight="Projection changes the intrinsic score; whether the downstream bias follows is another question.")
def _strength_below_half():
    from trustlab.fairness.text.embeddings import mitigate_projection, weat_test
    from trustlab.fairness.text.words import load_gender_words

    gw = load_gender_words()
    _, _, male, female = gw.weat["math_arts"]
    gender_terms = set(male["words"]) | set(female["words"])
    for strength in STRENGTHS:
        def lookup(words, strength=strength):
            if set(words) <= gender_terms:
                return gw.vec(words)
            return mitigate_projection(gw.vec(words), gw.direction, strength)
        if weat_test(lookup, gw.weat["career_family"]) < 0.5:
            return strength
    raise RuntimeError("no strength brings d below 0.5")  # pragma: no cover


@register("32.2", Vector(3, rtol=0.0, atol=5e-4),
          question="[TPR gap RMS at share 0.5, 0.7, 0.9] (the `rms_gap` of each result)",
          hint="`compute_occupation_bias(stereotype_share=s, seed=0).rms_gap` for s = 0.5, 0.7 and 0.9, in that "
               "order.",
          insight="The more stereotyped the training bios, the larger the classifier's TPR gaps.")
def _gaps_by_share():
    from trustlab.fairness.text.bios import compute_occupation_bias

    return [compute_occupation_bias(stereotype_share=s, seed=SEED).rms_gap for s in SHARES]


@register("33.1", Choice(("women", "men")), question="'women' or 'men': which average of b_p has the larger shift",
          hint="Train the five models as `compute_kg_bias` does (`SETTINGS`), then `profession_bias(model, kg, persons)` "
               "with the women's and the men's person ids; the shift is the mean over professions.",
          insight="Averaging over one group changes the uniform shift a lot and the ranking little: Fisher et al. "
                  "average over all people.")
def _shift_by_group():
    from trustlab.fairness.kg.bias import SETTINGS
    from trustlab.fairness.kg.graph import adult_graph, hold_out_occupations
    from trustlab.fairness.kg.measure import profession_bias
    from trustlab.fairness.kg.transe import train_transe

    kg = adult_graph(SETTINGS["n_persons"], seed=SEED)
    train, _ = hold_out_occupations(kg, SETTINGS["test_share"], seed=SEED + 1)
    model = train_transe(kg, train, seeds=range(5), epochs=SETTINGS["epochs"], lr=SETTINGS["lr"],
                         batch_size=-(-len(kg.persons) // SETTINGS["steps_per_epoch"]))
    sex = kg.triples[kg.triples[:, 1] == kg.rel("has_sex")]
    shift = {g: profession_bias(model, kg, sex[sex[:, 2] == kg.ent(f"sex={v}"), 0]).mean()
             for g, v in (("women", "Female"), ("men", "Male"))}
    return max(shift, key=shift.get)


def _kl_weights():
    from trustlab.fairness.kg.sweep import KL_WEIGHTS

    return KL_WEIGHTS


@register("33.2", Choice(_kl_weights), question="the smallest w_KL whose probe is within 0.03 of the majority baseline",
          hint="`kg_bias_sweep(seed=0)[(w, 0.0)]` has `probe` (one value per seed) and `majority`, for each w in "
               "`KL_WEIGHTS`.",
          insight="The KL term hides gender from the probe only at the largest weight, and MRR pays for it; b_p's "
                  "spread stops falling much earlier.")
def _smallest_kl_weight():
    from trustlab.fairness.kg.sweep import kg_bias_sweep

    sweep = kg_bias_sweep(seed=SEED)
    return min(w for w in _kl_weights()
               if abs(sweep[(w, 0.0)].probe.mean() - sweep[(w, 0.0)].majority) <= 0.03)
