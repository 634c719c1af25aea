"""The generation-bias experiment over seeds, and the cached sweep the swap-ratio explorer reads.

Per seed, a teacher transformer is trained on occupation sentences whose pronouns follow the
BLS share of women (:func:`trustlab.lm.occupation_corpus`). Each *mode* then gives a model
whose sampled continuations of occupation prompts are classified by gender
(:mod:`trustlab.lm.bias`): ``"teacher"`` retrains the teacher-sized model on its data with
counterfactual augmentation at ``swap_ratio``; ``"none"``, ``"mean"``, ``"max"`` and
``"expmean"`` distil a smaller student from the unaugmented teacher with that role-reversal
mode and CDA at ``swap_ratio`` (:mod:`trustlab.lm.mitigation`, Gupta et al. 2022). Utility is
perplexity on held-out sentences of the same (biased) distribution. :func:`bias_sweep` runs
:data:`MODES` × :data:`SWAP_RATIOS` × :data:`SEEDS` once and caches it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._random import check_seeds
from trustlab._validate import check_bool, check_choice, check_int, check_number
from trustlab.lm._stats import format_ci, mean_ci, run_seeds
from trustlab.lm.bias import gender_counts, share_correlation, summarize_counts
from trustlab.lm.corpus import Tokenizer, occupation_corpus
from trustlab.lm.mitigation import distill, train_cda
from trustlab.lm.model import perplexity

__all__ = ["MODES", "SEEDS", "SETTINGS", "SWAP_RATIOS", "BiasResult", "bias_sweep", "compute_bias",
           "prepare_bias", "run_bias"]

SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
MODES = ("teacher", "none", "mean", "max", "expmean")
SWAP_RATIOS = (0.0, 0.5, 1.0)
SEEDS = (0, 1, 2, 3, 4)
SETTINGS = {"per_occupation": 60, "heldout_per_occupation": 20, "epochs": 10, "alpha": 0.5,
            "n_samples": 100, "temperature": 1.0, "top_k": None, "max_new_tokens": 8}


_PER_SEED = ("mean_abs_polarity", "mean_equitability", "min_equitability", "share_correlation")


@dataclass(frozen=True)
class BiasResult:
    """Gender counts of sampled continuations per occupation, and perplexity, one entry per seed."""

    mode: str
    swap_ratio: float
    seeds: tuple
    counts: tuple  # per seed: {occupation: (n_female, n_male, n_neutral)}
    perplexity: tuple

    @functools.cached_property
    def per_seed(self) -> list:
        """Per seed: polarity, equitability and female share per occupation, and their means."""
        return [{**summarize_counts(c), "share_correlation": share_correlation(c)} for c in self.counts]

    def values(self, field) -> np.ndarray:
        """One value of ``field`` per seed ("mean_abs_polarity", "share_correlation", …)."""
        check_choice("field", field, _PER_SEED)
        return np.array([s[field] for s in self.per_seed], dtype=float)

    def by_occupation(self, field="polarity") -> dict:
        """``{occupation: (mean, half-width)}`` of ``field`` over seeds (95 % t-interval).

        A seed whose continuations of an occupation held no gendered word (value NaN) is left
        out of that occupation's interval.
        """
        check_choice("field", field, ("polarity", "equitability", "female_share"))
        out = {}
        for o in self.per_seed[0][field]:
            vals = [s[field][o] for s in self.per_seed if not math.isnan(s[field][o])]
            out[o] = mean_ci(vals) if vals else (math.nan, math.nan)
        return out

    def _finite(self, field) -> np.ndarray:
        v = np.asarray(self.perplexity if field == "perplexity" else self.values(field), dtype=float)
        return v[np.isfinite(v)]  # a seed without a defined value (NaN) is left out

    def interval(self, field) -> tuple:
        """``(mean, half-width)`` over seeds of ``field`` (a per-seed value or "perplexity")."""
        check_choice("field", field, (*_PER_SEED, "perplexity"))
        v = self._finite(field)
        return mean_ci(v) if len(v) else (math.nan, math.nan)

    def summary(self) -> str:
        """One rounded line with mean ± 95 % interval over seeds."""
        def ci(field):
            v = self._finite(field)
            return format_ci(v) if len(v) else "undefined"

        return (f"mode={self.mode}  swap_ratio={self.swap_ratio:.1f}  |polarity|="
                f"{ci('mean_abs_polarity')}  equitability={ci('mean_equitability')}  rank corr. "
                f"with BLS shares={ci('share_correlation')}  perplexity={ci('perplexity')}  "
                f"({len(self.seeds)} seeds)")


def prepare_bias(seed=0) -> tuple:
    """``(tokenizer, training sentences, held-out sentences, teacher)`` of a seed (memoized)."""
    return _prepare_bias(check_int("seed", seed, 0))


@functools.lru_cache(maxsize=8)
def _prepare_bias(seed):
    from trustlab.fairness import augment

    s = SETTINGS
    corpus = occupation_corpus(s["per_occupation"], seed=seed)
    heldout = occupation_corpus(s["heldout_per_occupation"], seed=seed + 1000)
    tokenizer = Tokenizer.build(corpus + augment(corpus, 1.0) + heldout)
    teacher = train_cda(corpus, 0.0, tokenizer=tokenizer, epochs=s["epochs"], seed=seed)
    return tokenizer, corpus, heldout, teacher.model


def run_bias(mode="teacher", swap_ratio=0.0, *, seed=0) -> dict:
    """One seed of one setting: train or distil, sample, count genders; a JSON-able record."""
    check_choice("mode", mode, MODES)
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    s = SETTINGS
    tokenizer, corpus, heldout, teacher = prepare_bias(seed)
    if mode == "teacher":
        model = teacher if swap_ratio == 0 else train_cda(
            corpus, swap_ratio, tokenizer=tokenizer, epochs=s["epochs"], seed=seed).model
    else:
        model = distill(teacher, tokenizer, corpus, mode, swap_ratio, alpha=s["alpha"],
                        epochs=s["epochs"], seed=seed).model
    counts = gender_counts(model, tokenizer, n_samples=s["n_samples"], temperature=s["temperature"],
                           top_k=s["top_k"], max_new_tokens=s["max_new_tokens"], seed=seed)
    return {"seed": seed, "mode": mode, "swap_ratio": swap_ratio,
            "counts": {o: list(c) for o, c in counts.items()},
            "perplexity": perplexity(model, tokenizer, heldout)}


def _result(records) -> BiasResult:
    first = records[0]
    return BiasResult(first["mode"], first["swap_ratio"], tuple(r["seed"] for r in records),
                      tuple({o: tuple(c) for o, c in r["counts"].items()} for r in records),
                      tuple(r["perplexity"] for r in records))


def compute_bias(mode="teacher", swap_ratio=0.0, *, seeds=SEEDS, on_seed=None) -> BiasResult:
    """Gender counts and perplexity of one setting over ``seeds``, computed now.

    Each seed costs a teacher (once per process) and one training or distillation: about
    10–25 s of one core.
    """
    seeds = check_seeds(seeds)
    check_choice("mode", mode, MODES)
    check_number("swap_ratio", swap_ratio, 0, 1)
    return _result(run_seeds(lambda seed: run_bias(mode, swap_ratio, seed=seed), seeds, on_seed))


def sweep_params(seeds=SEEDS) -> dict:
    """What the bias sweep depends on (its cache key hashes this and the trustlab version)."""
    from trustlab.lm.mitigation import STUDENT_CONFIG
    from trustlab.lm.train import DEFAULT_CONFIG

    return {"modes": list(MODES), "swap_ratios": list(SWAP_RATIOS), "seeds": list(seeds),
            "settings": SETTINGS, "teacher": DEFAULT_CONFIG, "student": STUDENT_CONFIG}


def bias_sweep(seeds=SEEDS, *, use_cache=True, progress=False) -> dict:
    """``{(mode, swap_ratio): BiasResult}`` over the grid, from the shipped sweep or the cache.

    Computing it takes about 15–30 minutes of one core (75 trainings and their samples).
    """
    from trustlab.cache import cached

    seeds = check_seeds(seeds)
    check_bool("use_cache", use_cache)
    check_bool("progress", progress)

    def compute():
        from tqdm.auto import tqdm

        jobs = [(s, m, r) for s in seeds for m in MODES for r in SWAP_RATIOS]
        return [run_bias(m, r, seed=s) for s, m, r in tqdm(jobs, desc="bias", disable=not progress)]

    rows = cached("lm_bias", sweep_params(seeds), compute, shipped_dir=SWEEP_DIR, use_cache=use_cache)
    return {(m, r): _result([row for row in rows if row["mode"] == m and row["swap_ratio"] == r])
            for m in MODES for r in SWAP_RATIOS}

