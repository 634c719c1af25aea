"""Federated explorers, driven headlessly by setting control values."""

import numpy as np
import pytest

from trustlab.federated.widgets import DEFAULT_SEEDS, make_dp_federated_explorer, make_federated_explorer


def test_federated_explorer_defaults_and_moves():
    ex = make_federated_explorer()
    assert len(ex.result.seeds) == DEFAULT_SEEDS and ex.result.num_clients == 10
    assert ex.result.global_accuracy.shape == (DEFAULT_SEEDS, 6)
    ex.alpha.value = 100.0
    iid = ex.result
    ex.alpha.value = 0.05
    assert ex.result.config["alpha"] == pytest.approx(0.05, rel=0.02)
    # Strong label skew costs accuracy: far more than the spread over seeds.
    assert ex.result.final_accuracy.mean() < iid.final_accuracy.mean() - 0.1
    ex.n_seeds.value = 1
    ex.num_clients.value = 20
    assert ex.result.client_accuracy.shape == (1, 20)
    ex.fraction_fit.value = 0.5
    assert all(len(p) == 10 for p in ex.result.runs[0].participants)
    ex.strategy.value = "fedprox:0.1"
    assert ex.result.config["strategy"] == "fedprox" and ex.result.config["proximal-mu"] == 0.1
    assert set(ex.plot_data) == {"global", "clients", "bytes"}
    assert ex.error is None


def test_federated_explorer_draws_the_seed_interval():
    ex = make_federated_explorer(preset={"num_clients": 4, "num_rounds": 2, "n_seeds": 3})
    band = ex.plot_data["global"]
    assert band["accuracy"] == pytest.approx(ex.result.global_accuracy.mean(axis=0))
    assert np.all(band["half_width"][1:] > 0)
    assert ex.plot_data["clients"]["half_width"].shape == (4,)


def test_federated_explorer_preset_round_trip():
    ex = make_federated_explorer(preset={"num_clients": 3, "num_rounds": 2, "local_epochs": 2, "n_seeds": 1})
    assert ex.preset()["num_clients"] == 3 and ex.result.config["local-epochs"] == 2
    with pytest.raises(ValueError, match="unknown controls"):
        make_federated_explorer(preset={"clients": 3})


def test_dp_explorer_more_noise_less_epsilon():
    ex = make_dp_federated_explorer(num_clients=4, num_rounds=2, preset={"n_seeds": 1})
    eps = ex.result.epsilon
    ex.noise_multiplier.value = 2.5
    assert ex.result.epsilon < eps and ex.result.row_epsilon > ex.result.epsilon
    ex.clipping.value = "client"
    assert ex.result.run.config["dp"] == "client" and ex.error is None
