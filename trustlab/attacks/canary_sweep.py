"""One canary experiment end to end, and the precomputed sweep the canary explorer reads.

:func:`compute_canary_attack` plants canaries ("my pin code is ...") ``repetitions`` times in
template utterances, trains the NLU model with a defense, and measures exposure (Carlini et
al. 2019) and extraction (Parikh et al., ACL 2022) for every canary, with the model's utility.
``scripts/make_attack_sweeps.py`` runs it over :data:`REPETITIONS` × defenses and ships the
results; :func:`load_canary_sweep` reads them (or computes and caches them, keyed by parameters
and the trustlab version).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_array, check_choice, check_int, check_number
from trustlab.attacks.canaries import (candidate_texts, exposure, extract_secret, extrapolated_exposure,
                                       insert_canaries, make_canaries, sequence_log_likelihood)
from trustlab.attacks.nlu import DEFENSES, train_nlu
from trustlab.attacks.utterances import make_utterances

__all__ = ["EPSILONS", "REPETITIONS", "SWEEP_DIR", "SWEEP_NAME", "CanaryResult", "ExposureCurves",
           "compute_canary_attack", "compute_sweep", "exposure_curves", "load_canary_sweep",
           "setting_label", "sweep_params"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "canary_exposure"
REPETITIONS = (1, 2, 5, 10, 20)
EPSILONS = (1.0, 8.0)  # target ε of the DP-SGD defense
FIXED = {"n_canaries": 4, "n_utterances": 1500, "n_samples": 1000}


@dataclass(frozen=True)
class CanaryResult:
    """Exposure and extraction of every planted canary, and what the model is still good for."""

    repetitions: int
    defense: str
    canaries: tuple  # canary texts
    exposures: tuple  # bits, by ranking all candidates
    extrapolated: tuple  # bits, skew-normal estimate from a sample of candidates
    extracted: tuple  # the secrets the extraction attack read off
    test_accuracy: float  # intent accuracy on held-out utterances
    test_nll: float
    epsilon: float = math.inf
    max_exposure: float = math.log2(10**4)
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def success_rate(self) -> float:
        """Fraction of canaries whose secret was extracted exactly (0 is best for privacy)."""
        return float(np.mean([t.endswith(" " + e) for t, e in zip(self.canaries, self.extracted)]))

    @property
    def mean_exposure(self) -> float:
        """Mean exposure over the canaries (bits; 0 is best, ``max_exposure`` is rank 1)."""
        return float(np.mean(self.exposures))

    def summary(self) -> str:
        """One rounded line."""
        eps = "" if math.isinf(self.epsilon) else f" (epsilon={self.epsilon:.2f})"
        return (f"repetitions={self.repetitions}  defense={self.defense}{eps}  exposure="
                f"{self.mean_exposure:.1f} of {self.max_exposure:.1f} bits (mean of {len(self.canaries)})  "
                f"extracted {self.success_rate:.0%}  intent test acc={self.test_accuracy:.3f}  "
                f"next-word NLL={self.test_nll:.2f}")


def compute_canary_attack(repetitions=20, defense="none", *, target_epsilon=8.0, n_canaries=4,
                          n_utterances=1500, n_samples=1000, seed=0) -> CanaryResult:
    """Plant canaries, train with ``defense``, measure exposure, extraction and utility.

    Parameters
    ----------
    repetitions : int >= 1
        Copies of every canary in the training data.
    defense : one of ``trustlab.attacks.nlu.DEFENSES``
        "none", "dropout", "early_stopping", "char_embeddings" or "dp_sgd" (at ``target_epsilon``).
    n_canaries : int
        Canaries, each with its own prefix and a random 4-digit PIN (spelled out).
    n_samples : int
        Random candidates the extrapolated exposure is fitted on.
    """
    r = check_int("repetitions", repetitions, 1, 1000)
    check_choice("defense", defense, DEFENSES)
    check_number("target_epsilon", target_epsilon, 0, None, low_open=True)
    check_int("n_canaries", n_canaries, 1, 8)
    check_int("n_utterances", n_utterances, 10, 100_000)
    check_int("n_samples", n_samples, 10, 10**4)
    rng = numpy_rng(seed)
    canaries = make_canaries(n_canaries, seed=seed)
    texts, intents = insert_canaries(*make_utterances(n_utterances, seed=seed), canaries, r)
    trained = train_nlu(texts, intents, defense=defense, target_epsilon=target_epsilon, seed=seed)
    exposures, extrapolated, extracted = [], [], []
    for c in canaries:
        candidates = candidate_texts(c.prefix, len(c.secret))
        ll = sequence_log_likelihood(trained.model, candidates)
        own = float(sequence_log_likelihood(trained.model, [c.text])[0])
        exposures.append(exposure(own, ll))
        extrapolated.append(extrapolated_exposure(own, rng.choice(ll, n_samples, replace=False)))
        extracted.append(" ".join(extract_secret(trained.model, c.prefix, len(c.secret), seed=seed)))
    return CanaryResult(r, defense, tuple(c.text for c in canaries), tuple(exposures),
                        tuple(extrapolated), tuple(extracted), trained.test_accuracy, trained.test_nll,
                        trained.epsilon, math.log2(len(candidates)), {"epochs": trained.epochs})


def _settings():
    return [("none", None), ("dropout", None), ("early_stopping", None), ("char_embeddings", None),
            *(("dp_sgd", e) for e in EPSILONS)]


def sweep_params(seed=0) -> dict:
    """What the canary sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab._random import check_seed
    from trustlab.attacks.nlu import SETTINGS

    if not isinstance(check_seed(seed), int):
        raise TypeError("seed must be an int here (it is part of the cache key), got a Generator")
    return {"repetitions": list(REPETITIONS), "settings": [list(s) for s in _settings()],
            "fixed": FIXED, "nlu": SETTINGS, "seed": seed}


def compute_sweep(seed=0, progress=False) -> list:
    """Every (defense, repetitions) of the sweep as JSON-able records."""
    from tqdm.auto import tqdm

    jobs = [(d, e, r) for d, e in _settings() for r in REPETITIONS]
    rows = []
    for defense, eps, r in tqdm(jobs, desc="canaries", disable=not progress):
        res = compute_canary_attack(r, defense, target_epsilon=eps or 8.0, seed=seed, **FIXED)
        rows.append({"defense": defense, "target_epsilon": eps, "repetitions": r,
                     "canaries": list(res.canaries), "exposures": list(res.exposures),
                     "extrapolated": list(res.extrapolated), "extracted": list(res.extracted),
                     "test_accuracy": res.test_accuracy, "test_nll": res.test_nll,
                     "epsilon": None if math.isinf(res.epsilon) else res.epsilon,
                     "max_exposure": res.max_exposure, "epochs": res.extra["epochs"]})
    return rows


def load_canary_sweep(seed=0, *, use_cache=True, progress=False) -> dict:
    """``{(defense, target ε or None, repetitions): CanaryResult}`` from the shipped sweep or cache."""
    from trustlab.cache import cached

    rows = cached(SWEEP_NAME, sweep_params(seed), lambda: compute_sweep(seed, progress),
                  shipped_dir=SWEEP_DIR, use_cache=use_cache, check=_check_rows)
    return _decode(rows)


def _check_rows(rows) -> None:
    """Raise unless ``rows`` is the full sweep: every (setting, repetitions) once, values in range."""
    sweep = _decode(rows)
    want = {(d, e, r) for d, e in _settings() for r in REPETITIONS}
    if set(sweep) != want or len(rows) != len(want):
        raise ValueError(f"expected the {len(want)} settings x repetitions of the sweep, got {len(rows)} rows")
    for key, res in sweep.items():
        n = len(res.canaries)
        if not (len(res.exposures) == len(res.extrapolated) == len(res.extracted) == n >= 1):
            raise ValueError(f"{key}: lists of different lengths")
        check_array("exposures", res.exposures, min_value=0, max_value=res.max_exposure)
        check_array("extrapolated", res.extrapolated, min_value=0)
        check_number("test_accuracy", res.test_accuracy, 0, 1)
        check_number("test_nll", res.test_nll, 0)
        check_number("epsilon", res.epsilon, 0, low_open=True, allow_inf=True)


def _decode(rows) -> dict:
    if not isinstance(rows, list):
        raise ValueError(f"expected a list of rows, got {type(rows).__name__}")
    out = {}
    for row in rows:
        eps = math.inf if row["epsilon"] is None else row["epsilon"]
        out[row["defense"], row["target_epsilon"], row["repetitions"]] = CanaryResult(
            row["repetitions"], row["defense"], tuple(row["canaries"]), tuple(row["exposures"]),
            tuple(row["extrapolated"]), tuple(row["extracted"]), row["test_accuracy"], row["test_nll"],
            eps, row["max_exposure"], {"epochs": row["epochs"], "target_epsilon": row["target_epsilon"]})
    return out


@dataclass(frozen=True)
class ExposureCurves:
    """Mean exposure against repetitions, one curve per setting (what :func:`plot_exposure` draws)."""

    repetitions: tuple
    curves: dict  # label -> mean exposures
    max_exposure: float

    def summary(self) -> str:
        """One line per setting."""
        return "\n".join(f"{label}: " + "  ".join(f"{v:.1f}" for v in values)
                         for label, values in self.curves.items())


def setting_label(defense, target_epsilon=None) -> str:
    """A short label: the defense, with its ε for DP-SGD."""
    return f"dp_sgd (epsilon={target_epsilon:g})" if defense == "dp_sgd" else defense


def exposure_curves(sweep, settings=None) -> ExposureCurves:
    """Mean exposure per repetitions for ``settings`` (``(defense, target ε or None)`` pairs)."""
    settings = settings or _settings()
    reps = tuple(sorted({k[2] for k in sweep}))
    curves = {setting_label(d, e): [sweep[d, e, r].mean_exposure for r in reps] for d, e in settings}
    return ExposureCurves(reps, curves, next(iter(sweep.values())).max_exposure)
