"""The capstone's Flower runs (numpy clients, no client evaluation, server-side DP, resampling)
give the same numbers on Flower's simulation engine (Ray) as in-process, for the same seed."""

import numpy as np
import pytest

from trustlab.federated.api import run_federated

pytestmark = pytest.mark.slow


def test_capstone_runs_match_flower_simulation(no_leftover_processes):
    from trustlab.capstone.tradeoffs import FIXED

    kw = dict(num_clients=4, num_rounds=2, local_epochs=FIXED["local_epochs"], alpha=100.0, seed=3,
              dataset="adult", lr=FIXED["lr"], batch_size=FIXED["batch_size"], dp="server",
              noise_multiplier=2.0, clipping_norm=FIXED["clipping_norm"], group_resample=0.5,
              local_trainer=FIXED["local_trainer"], evaluate_clients="every_round" if FIXED["client_evaluation"] else "never")
    fast = run_federated(engine="inprocess", **kw)
    ray = run_federated(engine="simulation", **kw)
    assert ray.participants == fast.participants
    assert np.isnan(fast.client_accuracy).all() and np.isnan(ray.client_accuracy).all()
    assert ray.global_accuracy == fast.global_accuracy
    assert ray.bytes_uploaded == fast.bytes_uploaded and ray.raw_bytes == fast.raw_bytes
    for name, w in fast.final_weights.items():
        np.testing.assert_array_equal(ray.final_weights[name], w)
