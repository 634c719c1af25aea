"""Defenses against memorization while fine-tuning the language model on private text.

- ``"dp_sgd"``: DP-SGD (Abadi et al. 2016) through Opacus' ``PrivacyEngine``, via the kit's
  one Opacus path :func:`trustlab.privacy.dpsgd.fit_private`, with ghost clipping (Li et al.
  2022: per-example gradient norms without per-example gradients) for the Linear and Embedding
  layers and per-example gradients for LayerNorm. One sentence is one example, Poisson-sampled;
  σ is chosen by Opacus' RDP accountant so the run spends ``target_epsilon`` at ``delta``. The
  guarantee is per sentence: a canary written r times is protected only at group level, with
  at most r·ε (Dwork and Roth 2014, group privacy; Carlini et al. 2019 find DP-SGD still
  removes measurable exposure).
- ``"dedup"``: drop exact duplicate sentences before training (Kandpal, Wallace and Raffel,
  ICML 2022, "Deduplicating training data mitigates privacy risks in language models").
- ``"early_stopping"``: stop when held-out perplexity stops improving, keep the best epoch
  (Carlini et al. 2019 observe exposure peaks after the validation loss stops improving).
- ``"none"``: plain fine-tuning with Adam.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from trustlab._validate import check_choice, check_int, check_number
from trustlab.lm.corpus import deduplicate
from trustlab.lm.train import train_lm

__all__ = ["DEFENSES", "DP_SETTINGS", "FineTuneResult", "fine_tune"]

DEFENSES = ("none", "dedup", "early_stopping", "dp_sgd")
#: DP fine-tuning settings, tuned apart from plain fine-tuning: larger batches and learning rate
#: (noise is added once per batch, clipping shrinks the gradient) and at most 4 epochs (each
#: step spends ε, so fewer steps allow less noise for the same ε).
DP_SETTINGS = {"batch_size": 128, "max_grad_norm": 1.0, "lr": 3e-3, "delta": 1e-5, "epochs": 4}


@dataclass(frozen=True)
class FineTuneResult:
    """What a defended fine-tuning run did: sentences used, epochs kept, ε spent, wall time."""

    defense: str
    n_train: int
    epochs: int
    epsilon: float  # inf without DP
    noise_multiplier: float  # 0 without DP
    seconds: float

    def summary(self) -> str:
        """One rounded line."""
        eps = "" if math.isinf(self.epsilon) else \
            f"  epsilon={self.epsilon:.2f} (sigma={self.noise_multiplier:.2f})"
        return f"defense={self.defense}  sentences={self.n_train}  epochs={self.epochs}{eps}"


def fine_tune(model, tokenizer, texts, defense="none", *, heldout=None, epochs=4, lr=1e-3,
              batch_size=32, target_epsilon=8.0, patience=1, seed=0) -> FineTuneResult:
    """Fine-tune ``model`` in place on ``texts`` with one of :data:`DEFENSES`.

    Parameters
    ----------
    model : trustlab.lm.GPT
        A (pre-trained) model, trained in place.
    texts : list of str
        The private sentences (canaries included).
    defense : {"none", "dedup", "early_stopping", "dp_sgd"}
    heldout : list of str
        Held-out sentences; needed by "early_stopping".
    epochs, lr, batch_size : settings of plain fine-tuning ("dp_sgd" uses :data:`DP_SETTINGS`
        for batch size, learning rate, clipping, and at most its own number of epochs).
    target_epsilon : float > 0
        The ε that "dp_sgd" spends (δ = ``DP_SETTINGS["delta"]``).
    """
    check_choice("defense", defense, DEFENSES)
    check_int("epochs", epochs, 1)
    start = time.perf_counter()
    if defense == "dp_sgd":
        return _dp_fine_tune(model, tokenizer, texts, min(epochs, DP_SETTINGS["epochs"]),
                             target_epsilon, seed, start)
    if defense == "dedup":
        texts = deduplicate(texts)
    run = train_lm(texts, tokenizer=tokenizer, model=model, epochs=epochs, lr=lr,
                   batch_size=batch_size, heldout=heldout if defense == "early_stopping" else None,
                   patience=patience if defense == "early_stopping" else None, seed=seed)
    return FineTuneResult(defense, len(texts), run.epochs, math.inf, 0.0,
                          time.perf_counter() - start)


def _dp_fine_tune(model, tokenizer, texts, epochs, target_epsilon, seed, start):
    from trustlab.privacy.accounting import noise_multiplier_for
    from trustlab.privacy.dpsgd import fit_private

    check_number("target_epsilon", target_epsilon, 0, None, low_open=True)
    s = DP_SETTINGS
    X, Y = tokenizer.encode(texts, model.context)
    batches = math.ceil(len(X) / s["batch_size"])
    sigma = noise_multiplier_for(target_epsilon, 1.0 / batches, epochs * batches, delta=s["delta"])
    model.train()  # Opacus validates a model in training mode
    run = fit_private(model, X, Y, noise_multiplier=sigma, max_grad_norm=s["max_grad_norm"],
                      batch_size=min(s["batch_size"], len(X)), epochs=epochs, lr=s["lr"],
                      optimizer="adam", delta=s["delta"], grad_sample_mode="ghost", seed=seed)
    model.eval()
    return FineTuneResult("dp_sgd", len(X), epochs, run.epsilon, run.noise_multiplier,
                          time.perf_counter() - start)

