"""One canary experiment end to end, over seeds, and the precomputed sweep the canary explorer reads.

:func:`compute_canary_attack` plants canaries ("my pin code is ...") ``repetitions`` times in
template utterances, trains the NLU model with a defense, and measures exposure (Carlini et
al. 2019) and extraction (Parikh et al., ACL 2022) for every canary, with the model's utility;
each seed draws its own utterances, canaries and model (the seeds' models train as one batched
computation, :mod:`trustlab.attacks.nlu_many`). ``scripts/make_attack_sweeps.py`` runs it over
:data:`REPETITIONS` × defenses with :data:`SWEEP_SEEDS` and ships the results;
:func:`load_canary_sweep` reads them (or computes and caches them, keyed by parameters and the
trustlab version).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from trustlab._random import check_seed, numpy_rng
from trustlab._validate import check_array, check_callable, check_choice, check_int, check_number
from trustlab.attacks.canaries import (candidate_log_likelihoods, exposure, extract_secrets, extrapolated_exposure,
                                       insert_canaries, make_canaries)
from trustlab.attacks.nlu import DEFENSES
from trustlab.attacks.utterances import DIGITS, make_utterances

__all__ = ["EPSILONS", "REPETITIONS", "SWEEP_DIR", "SWEEP_NAME", "SWEEP_SEEDS", "CanaryResult", "ExposureCurves",
           "compute_canary_attack", "compute_sweep", "exposure_curves", "load_canary_sweep",
           "setting_label", "sweep_params"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "canary_exposure"
REPETITIONS = (1, 5, 20)
EPSILONS = (1.0, 8.0)  # target ε of the DP-SGD defense
SWEEP_SEEDS = (0, 1, 2, 3, 4)
FIXED = {"n_canaries": 4, "n_utterances": 1500, "n_samples": 1000}


@dataclass(frozen=True)
class CanaryResult:
    """Exposure and extraction of every planted canary (all seeds), and what the models are still good for."""

    repetitions: int
    defense: str
    canaries: tuple  # canary texts, seed by seed (n_seeds × n_canaries)
    exposures: tuple  # bits, by ranking all candidates
    extrapolated: tuple  # bits, skew-normal estimate from a sample of candidates
    extracted: tuple  # the secrets the extraction attack read off
    test_accuracy: tuple  # per seed: intent accuracy on held-out utterances
    test_nll: tuple  # per seed
    epsilon: float = math.inf  # the largest over the seeds
    max_exposure: float = math.log2(10**4)
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def n_seeds(self) -> int:
        """How many seeds (independent utterances, canaries and models)."""
        return len(self.test_accuracy)

    def per_seed(self, name) -> np.ndarray:
        """Per seed: ``"exposure"`` (mean over its canaries, bits), ``"extracted"`` (fraction of its
        canaries extracted exactly), ``"test_accuracy"`` or ``"test_nll"``."""
        check_choice("name", name, ("exposure", "extracted", "test_accuracy", "test_nll"))
        if name in ("test_accuracy", "test_nll"):
            return np.array(getattr(self, name), dtype=float)
        k = len(self.canaries) // self.n_seeds
        values = self.exposures if name == "exposure" else [
            t.endswith(" " + e) for t, e in zip(self.canaries, self.extracted)]
        return np.asarray(values, dtype=float).reshape(self.n_seeds, k).mean(axis=1)

    @property
    def success_rate(self) -> float:
        """Fraction of canaries whose secret was extracted exactly (0 is best for privacy)."""
        return float(self.per_seed("extracted").mean())

    @property
    def mean_exposure(self) -> float:
        """Mean exposure over the canaries (bits; 0 is best, ``max_exposure`` is rank 1)."""
        return float(np.mean(self.exposures))

    def summary(self) -> str:
        """One rounded line: means ± 95 % intervals over the seeds."""
        from trustlab.stats import format_ci, mean_ci

        eps = "" if math.isinf(self.epsilon) else f" (epsilon={self.epsilon:.2f})"
        share = mean_ci(100 * self.per_seed("extracted"))
        share = f"{share.mean:.0f}%" if self.n_seeds == 1 else f"{share.mean:.0f}±{share.half_width:.0f}%"
        k = len(self.canaries) // self.n_seeds
        return (f"repetitions={self.repetitions}  defense={self.defense}{eps}  exposure="
                f"{format_ci(self.per_seed('exposure'), 1, seeds=False)} of {self.max_exposure:.1f} bits  "
                f"extracted {share}  intent test acc={format_ci(self.per_seed('test_accuracy'), 3, seeds=False)}  "
                f"next-word NLL={format_ci(self.per_seed('test_nll'), 2, seeds=False)}  "
                f"({k} canaries x {self.n_seeds} seed{'s' if self.n_seeds != 1 else ''})")


def _data(n_utterances, n_canaries, r, seed):
    canaries = make_canaries(n_canaries, seed=seed)
    texts, intents = insert_canaries(*make_utterances(n_utterances, seed=seed), canaries, r)
    test = make_utterances(500, seed=int(numpy_rng(seed).integers(2**31 - 1)) + 1)  # as train_nlu draws it
    return canaries, (texts, intents, test)


def _train(data, defense, target_epsilon, seeds, report):
    from trustlab.attacks.nlu_many import train_nlu_many

    if defense != "dp_sgd":
        return train_nlu_many(data, defense=defense, target_epsilon=target_epsilon, seeds=seeds)
    out = []  # per-example gradients of several models cost as much as a loop: one seed at a time
    for d, s in zip(data, seeds):
        out.append(train_nlu_many([d], defense=defense, target_epsilon=target_epsilon, seeds=[s])[0])
        report()
    return out


def compute_canary_attack(repetitions=20, defense="none", *, target_epsilon=8.0, n_canaries=4,
                          n_utterances=1500, n_samples=1000, seed=0, seeds=None, on_progress=None) -> CanaryResult:
    """Plant canaries, train with ``defense``, measure exposure, extraction and utility, per seed.

    Parameters
    ----------
    repetitions : int >= 1
        Copies of every canary in the training data.
    defense : one of ``trustlab.attacks.nlu.DEFENSES``
        "none", "dropout", "early_stopping", "char_embeddings" or "dp_sgd" (at ``target_epsilon``).
    n_canaries : int
        Canaries per seed, each with its own prefix and a random 4-digit PIN (spelled out).
    n_samples : int
        Random candidates the extrapolated exposure is fitted on.
    seed, seeds : int, or a list of int
        ``seeds`` (default ``[seed]``): each draws its own utterances, canaries and model.
    on_progress : callable, optional
        ``on_progress(done, total)`` after each stage (training, then each seed's attacks).
    """
    r = check_int("repetitions", repetitions, 1, 1000)
    check_choice("defense", defense, DEFENSES)
    check_number("target_epsilon", target_epsilon, 0, None, low_open=True)
    check_int("n_canaries", n_canaries, 1, 8)
    check_int("n_utterances", n_utterances, 10, 100_000)
    check_int("n_samples", n_samples, 10, 10**4)
    seeds = [check_seed(seed)] if seeds is None else [check_seed(s) for s in seeds]
    if not seeds or not all(isinstance(s, int) for s in seeds):
        raise TypeError(f"seeds must be a non-empty list of ints, got {seeds!r}")
    done, total = [0], 2 * len(seeds) if defense == "dp_sgd" else 1 + len(seeds)
    if on_progress is not None:
        check_callable("on_progress", on_progress)

    def report():
        done[0] += 1
        if on_progress is not None:
            on_progress(done[0], total)

    drawn = [_data(n_utterances, n_canaries, r, s) for s in seeds]
    trained = _train([d for _, d in drawn], defense, target_epsilon, seeds, report)
    if defense != "dp_sgd":
        report()
    out = {"canaries": [], "exposures": [], "extrapolated": [], "extracted": []}
    for (canaries, _), model, s in zip(drawn, trained, seeds):
        rng = numpy_rng(s)
        guesses = extract_secrets(model.model, [c.prefix for c in canaries], 4, seed=s)
        for c, guess in zip(canaries, guesses):
            ll = candidate_log_likelihoods(model.model, c.prefix, len(c.secret))
            own = float(ll[int("".join(str(DIGITS.index(w)) for w in c.secret))])  # product order = base 10
            out["canaries"].append(c.text)
            out["exposures"].append(exposure(own, ll))
            out["extrapolated"].append(extrapolated_exposure(own, rng.choice(ll, n_samples, replace=False)))
            out["extracted"].append(" ".join(guess))
        report()
    return CanaryResult(r, defense, *(tuple(out[k]) for k in ("canaries", "exposures", "extrapolated", "extracted")),
                        tuple(m.test_accuracy for m in trained), tuple(m.test_nll for m in trained),
                        max(m.epsilon for m in trained), math.log2(10**4),
                        {"epochs": [m.epochs for m in trained], "seeds": seeds})


def _settings():
    return [("none", None), ("dropout", None), ("early_stopping", None), ("char_embeddings", None),
            *(("dp_sgd", e) for e in EPSILONS)]


def sweep_params(seed=0) -> dict:
    """What the canary sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab.attacks.nlu import SETTINGS

    if not isinstance(check_seed(seed), int):
        raise TypeError("seed must be an int here (it is part of the cache key), got a Generator")
    return {"repetitions": list(REPETITIONS), "settings": [list(s) for s in _settings()],
            "fixed": FIXED, "nlu": SETTINGS, "seeds": [seed + s for s in SWEEP_SEEDS]}


def compute_sweep(seed=0, progress=False) -> list:
    """Every (defense, repetitions) of the sweep as JSON-able records (per-seed values)."""
    from tqdm.auto import tqdm

    seeds = sweep_params(seed)["seeds"]
    rows = []
    for defense, eps, r in tqdm([(d, e, r) for d, e in _settings() for r in REPETITIONS], desc="canaries",
                                disable=not progress):
        res = compute_canary_attack(r, defense, target_epsilon=eps or 8.0, seeds=seeds, **FIXED)
        rows.append({"defense": defense, "target_epsilon": eps, "repetitions": r,
                     "canaries": list(res.canaries), "exposures": list(res.exposures),
                     "extrapolated": [round(v, 3) for v in res.extrapolated], "extracted": list(res.extracted),
                     "test_accuracy": list(res.test_accuracy), "test_nll": [round(v, 4) for v in res.test_nll],
                     "epsilon": None if math.isinf(res.epsilon) else res.epsilon,
                     "max_exposure": res.max_exposure, "epochs": res.extra["epochs"], "seeds": seeds})
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
        if not (len(res.exposures) == len(res.extrapolated) == len(res.extracted) == n >= 1) or \
                n % len(res.test_accuracy) or len(res.test_nll) != len(res.test_accuracy):
            raise ValueError(f"{key}: lists of different lengths")
        check_array("exposures", res.exposures, min_value=0, max_value=res.max_exposure)
        check_array("extrapolated", res.extrapolated, min_value=0)
        check_array("test_accuracy", res.test_accuracy, min_value=0, max_value=1)
        check_array("test_nll", res.test_nll, min_value=0)
        check_number("epsilon", res.epsilon, 0, low_open=True, allow_inf=True)


def _decode(rows) -> dict:
    if not isinstance(rows, list):
        raise ValueError(f"expected a list of rows, got {type(rows).__name__}")
    out = {}
    for row in rows:
        eps = math.inf if row["epsilon"] is None else row["epsilon"]
        out[row["defense"], row["target_epsilon"], row["repetitions"]] = CanaryResult(
            row["repetitions"], row["defense"], tuple(row["canaries"]), tuple(row["exposures"]),
            tuple(row["extrapolated"]), tuple(row["extracted"]), tuple(row["test_accuracy"]),
            tuple(row["test_nll"]), eps, row["max_exposure"],
            {"epochs": row["epochs"], "target_epsilon": row["target_epsilon"], "seeds": row["seeds"]})
    return out


@dataclass(frozen=True)
class ExposureCurves:
    """Mean exposure against repetitions, one curve per setting, with the seeds' 95 % intervals."""

    repetitions: tuple
    curves: dict  # label -> mean exposures
    max_exposure: float
    half_widths: dict = field(default_factory=dict)  # label -> 95 % half-widths (NaN for one seed)

    def summary(self) -> str:
        """One line per setting (mean±half per number of repetitions)."""
        def cell(label, i):
            half = self.half_widths.get(label, [math.nan] * len(self.repetitions))[i]
            v = self.curves[label][i]
            return f"{v:.1f}" if math.isnan(half) else f"{v:.1f}±{half:.1f}"

        return "\n".join(f"{label}: " + "  ".join(cell(label, i) for i in range(len(self.repetitions)))
                         for label in self.curves)


def setting_label(defense, target_epsilon=None) -> str:
    """A short label: the defense, with its ε for DP-SGD."""
    return f"dp_sgd (epsilon={target_epsilon:g})" if defense == "dp_sgd" else defense


def exposure_curves(sweep, settings=None) -> ExposureCurves:
    """Mean exposure per repetitions for ``settings`` (``(defense, target ε or None)`` pairs)."""
    from trustlab.stats import mean_ci

    settings = settings or _settings()
    reps = tuple(sorted({k[2] for k in sweep}))
    ivs = {setting_label(d, e): [mean_ci(sweep[d, e, r].per_seed("exposure")) for r in reps] for d, e in settings}
    return ExposureCurves(reps, {k: [iv.mean for iv in v] for k, v in ivs.items()},
                          next(iter(sweep.values())).max_exposure,
                          {k: [iv.half_width for iv in v] for k, v in ivs.items()})
