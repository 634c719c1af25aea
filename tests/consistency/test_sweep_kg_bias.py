"""The shipped kg_bias sweep (notebook 33) is current: its key matches, and one recomputed
setting gives the shipped per-seed values within the sweep's stated tolerance.

A stale sweep (older code, other settings) passes the key check only if nobody changed the
parameters; the recomputation catches a change of the code itself. After a change, run
``python scripts/make_fairness_bias_sweeps.py --only kg_bias`` (part of ``make sweeps``).
"""

from __future__ import annotations

import numpy as np

from trustlab.cache import cache_key, load_entry
from trustlab.fairness.kg import sweep as kg


def test_shipped_kg_bias_sweep_key_is_current():
    path = kg.SWEEP_DIR / f"{kg.SWEEP_NAME}.json"
    assert path.is_file(), f"{path} missing: run make sweeps"
    assert load_entry(path, cache_key(kg.SWEEP_NAME, kg.sweep_params())) is not None, \
        f"{path} is stale: run python scripts/make_fairness_bias_sweeps.py --only kg_bias"


def test_one_recomputed_setting_matches_the_shipped_values():
    shipped = kg.kg_bias_sweep()[(1.0, 0.0)]       # a setting with the KL term: all code paths
    fresh = kg.compute_kg_now(1.0, 0.0)
    assert fresh.seeds == shipped.seeds and fresh.occupations == shipped.occupations
    for name in ("b", "mrr", "hits1", "hits3", "gap", "probe", "female_share"):
        diff = np.max(np.abs(getattr(fresh, name) - getattr(shipped, name)))
        assert diff <= kg.TOLERANCE, f"{name} moved by {diff:.3g} > {kg.TOLERANCE}: stale sweep"
    assert fresh.popularity == shipped.popularity and fresh.majority == shipped.majority
