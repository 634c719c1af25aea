"""The shipped grid of notebook 33: every (w_KL, twins) setting trained with 5 seeds, and the explorer's look-up.

``kg_bias_sweep`` reads ``sweeps/kg_bias.json`` (written by ``make sweeps`` through
``scripts/make_fairness_bias_sweeps.py``), which keeps every per-seed value of
:class:`~trustlab.fairness.kg.bias.KGBiasResult`. ``compute_kg_point`` picks one setting and
one occupation from it (no training); ``compute_kg_now`` trains the same setting live with 5
seeds, for the explorer's "compute this setting now" button. Recomputing a grid point must
give the shipped values within :data:`TOLERANCE` (a consistency test checks one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._validate import check_choice
from trustlab.fairness.kg.bias import SETTINGS, KGBiasResult, compute_kg_bias

__all__ = ["COUNTERFACTUAL", "KL_WEIGHTS", "N_SEEDS", "TOLERANCE", "KGPoint", "compute_kg_now",
           "compute_kg_point", "from_json", "kg_bias_sweep", "sweep_params", "to_json"]

#: The grid: Fisher et al.'s KL weight w_KL × share of people with a gender-swapped twin.
KL_WEIGHTS = (0.0, 0.3, 1.0, 3.0, 10.0)
COUNTERFACTUAL = (0.0, 1.0)
#: Seeds per setting, in the sweep and in "compute now".
N_SEEDS = 5
#: Largest allowed difference between a recomputed and a shipped per-seed value (float64 runs
#: agree far closer than this across CPU kernels; a stale sweep misses it by orders).
TOLERANCE = 1e-6
SWEEP_DIR = Path(__file__).resolve().parent / "sweeps"
SWEEP_NAME = "kg_bias"
_ARRAYS = ("b", "female_share", "mrr", "hits1", "hits3", "gap", "probe")


def sweep_params(seed=0) -> dict:
    """The sweep's cache parameters: grid, seeds and :data:`~trustlab.fairness.kg.bias.SETTINGS`."""
    grid = [[w, cf] for cf in COUNTERFACTUAL for w in KL_WEIGHTS]
    return {"grid": grid, "seed": seed, "n_seeds": N_SEEDS, **SETTINGS}


def to_json(r: KGBiasResult) -> dict:
    """A result as plain JSON values (per-seed arrays as lists)."""
    out = {"kl_weight": r.kl_weight, "counterfactual_share": r.counterfactual_share,
           "seeds": list(r.seeds), "occupations": list(r.occupations),
           "popularity": r.popularity, "majority": r.majority}
    out.update({k: np.asarray(getattr(r, k)).tolist() for k in _ARRAYS})
    return out


def from_json(d) -> KGBiasResult:
    """The inverse of :func:`to_json` (``seconds`` is NaN: nothing was trained)."""
    arrays = {k: np.asarray(d[k], dtype=np.float64) for k in _ARRAYS}
    return KGBiasResult(d["kl_weight"], d["counterfactual_share"], tuple(d["seeds"]),
                        tuple(d["occupations"]), popularity=d["popularity"],
                        majority=d["majority"], seconds=float("nan"), **arrays)


def compute_sweep(seed=0, progress=False) -> list:
    """Train every grid setting (``N_SEEDS`` seeds each) and return the JSON rows."""
    grid = sweep_params(seed)["grid"]
    if progress:
        from tqdm.auto import tqdm
        grid = tqdm(grid, desc="TransE settings (5 seeds each)")
    return [to_json(compute_kg_bias(w, cf, n_seeds=N_SEEDS, seed=seed)) for w, cf in grid]


def kg_bias_sweep(*, seed=0, use_cache=True, progress=False) -> dict:
    """Every (w_KL, twins) of the grid → KGBiasResult; shipped for seed 0, cached otherwise."""
    from trustlab.cache import cached

    rows = cached(SWEEP_NAME, sweep_params(seed), lambda: compute_sweep(seed, progress),
                  shipped_dir=SWEEP_DIR, use_cache=use_cache)
    return {(r["kl_weight"], r["counterfactual_share"]): from_json(r) for r in rows}


@dataclass(frozen=True, eq=False)
class KGPoint:
    """One setting's result (``result``), the whole grid (``sweep``), the picked ``occupation``,
    and a live recomputation (``live``) when one was asked for."""

    result: KGBiasResult
    sweep: dict
    occupation: str
    live: KGBiasResult | None = None

    def b_p(self, result=None) -> str:
        """The picked occupation's b_p (×10⁻³) with its interval."""
        from trustlab.fairness.kg.bias import SCALE
        from trustlab.stats import format_ci

        r = self.result if result is None else result
        col = r.occupations.index(self.occupation)
        return format_ci(r.b[:, col] * SCALE, 1, seeds=False)

    def summary(self) -> str:
        line = f"{self.result.summary()} | {self.occupation}: b_p={self.b_p()} (×1e-3)"
        if self.live is not None:
            line += (f" | computed now: MRR={self.live.summary().split('MRR=')[1].split(' ')[0]}"
                     f" {self.occupation} b_p={self.b_p(self.live)}")
        return line


def _check_setting(kl_weight, counterfactual_share):
    check_choice("kl_weight", kl_weight, KL_WEIGHTS)
    check_choice("counterfactual_share", counterfactual_share, COUNTERFACTUAL)


def compute_kg_point(kl_weight=0.0, counterfactual_share=0.0, occupation="Craft-repair", *,
                     seed=0) -> KGPoint:
    """The shipped run at (w_KL, twins) with one occupation picked (no training)."""
    _check_setting(kl_weight, counterfactual_share)
    sweep = kg_bias_sweep(seed=seed)
    result = sweep[(float(kl_weight), float(counterfactual_share))]
    check_choice("occupation", occupation, result.occupations)
    return KGPoint(result, sweep, occupation)


def compute_kg_now(kl_weight=0.0, counterfactual_share=0.0, occupation="Craft-repair", *,
                   seed=0) -> KGPoint:
    """:func:`compute_kg_point` plus the same setting trained live with 5 seeds (≈ 2–4 s)."""
    point = compute_kg_point(kl_weight, counterfactual_share, occupation, seed=seed)
    live = compute_kg_bias(kl_weight, counterfactual_share, n_seeds=N_SEEDS, seed=seed)
    return KGPoint(point.result, point.sweep, occupation, live)
