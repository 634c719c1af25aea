"""The shipped sweeps of notebooks 30-32 are current: each file's key matches, and one cheap point
recomputed live agrees with it within the sweep's stated tolerance (``SPOT_TOLERANCE``).

A stale file would make a notebook retrain for minutes or, worse, print numbers the code no
longer gives; regenerate with ``make sweeps`` (``python -m trustlab.fairness.make_sweeps`` and
``python scripts/make_fairness_bias_sweeps.py``). The tolerances cover other CPUs' rounding.
"""

import numpy as np
import pytest

from trustlab.cache import cache_key, load_entry


def _key_matches(directory, name, params):
    path = directory / f"{name}.json"
    assert path.is_file(), f"{path} missing: run make sweeps"
    assert load_entry(path, cache_key(name, params)) is not None, f"{path} is stale: run make sweeps"


@pytest.mark.parametrize("dataset", ["digits", "adult"])
def test_disparate_impact_sweep_spot(dataset):
    from trustlab.fairness.groups import disparate as d

    grid = d.compute_disparate_impact(dataset, "clip only").sweep
    # One setting (clipping only, C = 1, the same seeds) trained again, live.
    if dataset == "digits":
        train, tests, _ = d._digits_data(8, 15, 0)
        epochs = 20
    else:
        train, tests, _ = d._adult_data("Female", None, 0)
        epochs = 3
    live = d.train_setting(train, tests, noise_multiplier=0.0, max_grad_norm=1.0,
                           seeds=grid.seeds, epochs=epochs, **d._RECIPES[dataset])
    for group in grid.groups:
        np.testing.assert_allclose(live[group], grid.per_seed[group][1], atol=d.SPOT_TOLERANCE,
                                   err_msg=f"{dataset} {group}: run make sweeps")


def test_intrinsic_extrinsic_sweep_spot():
    from trustlab.fairness.text import intrinsic

    study = intrinsic.intrinsic_extrinsic_study()
    row = next(r for r in study.rows if r["strength"] == 1.0 and r["corpus_skew"] == 0.0)
    live = intrinsic.measure_variant(1.0, 0.0, seeds=row["seeds"][:2])
    for key in intrinsic.EXTRINSIC:
        np.testing.assert_allclose(live[key], row[key][:2], atol=intrinsic.SPOT_TOLERANCE,
                                   err_msg=f"{key}: run make sweeps")
    assert live["weat"] == pytest.approx(row["weat"], abs=1e-9)


@pytest.mark.slow
def test_aps_ctf_sweep_spot():
    from trustlab.fairness.text import leakage

    shipped = leakage.compare_aps_ctf()
    live = leakage.compare_aps_ctf((0.0, 1.0), n_seeds=2, use_cache=False)
    for ratio in (0.0, 1.0):
        for key in ("aps", "ctf", "tpr_gap"):
            np.testing.assert_allclose(live.per_seed[ratio][key], shipped.per_seed[ratio][key][:2],
                                       atol=leakage.SPOT_TOLERANCE, err_msg=f"{ratio} {key}")


@pytest.mark.slow  # a teacher and a student for one seed: about a minute on 2 busy cores
def test_role_reversal_sweep_spot():
    from trustlab.fairness.counterfactual import role_reversal_sweep as rs
    from trustlab.fairness.counterfactual.role_reversal import distill_many

    shipped = rs.compute_role_reversal("mean", 0.0)
    seeds = tuple(shipped.sweep["seeds"][:1])
    students, vocab = distill_many("mean", 0.0, seeds=seeds)
    live = rs.score_students(students, vocab, seeds)
    np.testing.assert_allclose(live["mean_abs_polarity"], shipped.record["mean_abs_polarity"][:1],
                               atol=rs.SPOT_TOLERANCE, err_msg="role_reversal: run make sweeps")
    assert set(shipped.sweep) >= {"seeds", "teacher", "records", "corpus_polarity"}
