"""The Flower-free task, FedAvg against Flower's own aggregation, and the in-process runner."""

import ast
from pathlib import Path

import numpy as np
import pytest

from trustlab.federated import task
from trustlab.federated.api import run_federated

PKG = Path(task.__file__).parent


def test_task_and_partition_do_not_import_flwr():
    for name in ("task.py", "partition.py", "plots.py", "api.py", "dp.py", "widgets.py", "__init__.py"):
        tree = ast.parse((PKG / name).read_text())
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        mods = [a.name for n in top if isinstance(n, ast.Import) for a in n.names]
        mods += [n.module or "" for n in top if isinstance(n, ast.ImportFrom)]
        assert not any(m.split(".")[0] == "flwr" for m in mods), name


def test_fedavg_by_hand_equals_flowers_aggregation():
    # The notebook's three-line weighted average, checked against Flower's aggregate_arrayrecords.
    from flwr.app import Array, ArrayRecord, MetricRecord, RecordDict
    from flwr.serverapp.strategy.strategy_utils import aggregate_arrayrecords

    rng = np.random.default_rng(0)
    clients = [({"w": rng.normal(size=(3, 2)).astype(np.float32)}, n) for n in (10, 30, 60)]
    records = [RecordDict({"arrays": ArrayRecord({k: Array(v) for k, v in w.items()}),
                           "metrics": MetricRecord({"num-examples": n})}) for w, n in clients]
    flower = aggregate_arrayrecords(records, "num-examples")["w"].numpy()
    total = sum(n for _, n in clients)
    by_hand = sum(w["w"] * (n / total) for w, n in clients)
    np.testing.assert_allclose(flower, by_hand, rtol=1e-6)


def test_fedprox_term_pulls_towards_the_global_model():
    X, y = task.client_data(0, 5, alpha=0.1)
    far = {}
    for mu in (0.0, 1.0):
        model = task.build_model(seed=0)
        start = [p.detach().clone() for p in model.parameters()]
        task.local_train(model, X, y, epochs=3, lr=0.5, proximal_mu=mu, seed=1)
        far[mu] = sum(float(((p.detach() - s) ** 2).sum()) for p, s in zip(model.parameters(), start))
    assert far[1.0] < 0.5 * far[0.0]


def test_run_is_deterministic_and_learns():
    a = run_federated(num_clients=5, num_rounds=3, alpha=100, fraction_fit=0.6, seed=0)
    b = run_federated(num_clients=5, num_rounds=3, alpha=100, fraction_fit=0.6, seed=0)
    assert a.global_accuracy == b.global_accuracy and a.participants == b.participants
    assert all(len(p) == 3 for p in a.participants)
    assert a.final_accuracy > 0.5 > a.global_accuracy[0]
    for k in a.final_weights:
        np.testing.assert_array_equal(a.final_weights[k], b.final_weights[k])


def test_bytes_are_measured_from_the_messages():
    r = run_federated(num_clients=4, num_rounds=1, alpha=1.0, seed=0)
    n_params = sum(v.size for v in r.final_weights.values())
    # Each client sends its float32 weights (+ a few bytes of headers and metrics).
    assert 4 * 4 * n_params <= r.bytes_uploaded[0] < 4 * 4 * n_params + 4 * 2000
    X, y, *_ = task.federated_data("digits", 0)
    assert r.raw_bytes[0] == X.nbytes + y.nbytes  # all 4 clients together hold the training set


def test_non_iid_leaves_some_clients_behind():
    iid = run_federated(num_clients=10, num_rounds=3, alpha=100, seed=0)
    skew = run_federated(num_clients=10, num_rounds=3, alpha=0.05, seed=0)
    assert skew.final_accuracy < iid.final_accuracy
    assert skew.worst_client_accuracy < iid.worst_client_accuracy


def test_errors_name_the_parameter():
    with pytest.raises(ValueError, match="num_clients"):
        run_federated(num_clients=1)
    with pytest.raises(ValueError, match="alpha"):
        run_federated(alpha=0)
    with pytest.raises(ValueError, match="engine"):
        run_federated(engine="ray")
    with pytest.raises(ValueError, match="num_clients must be 6"):
        run_federated(num_clients=5, dataset="adult", partitioning="natural")


def test_dp_noise_is_seeded_and_spends_epsilon():
    from trustlab.federated.dp import client_level_epsilon, compute_dp_federated

    a = compute_dp_federated(1.0, 1.0, num_clients=4, num_rounds=2, seed=0)
    b = compute_dp_federated(1.0, 1.0, num_clients=4, num_rounds=2, seed=0)
    c = compute_dp_federated(1.0, 1.0, num_clients=4, num_rounds=2, seed=1)
    assert np.array_equal(a.global_accuracy, b.global_accuracy)
    assert not np.array_equal(a.global_accuracy, c.global_accuracy)
    assert client_level_epsilon(2.0, 5) < client_level_epsilon(1.0, 5) < client_level_epsilon(1.0, 10)
    with pytest.raises(ValueError, match="noise_multiplier"):
        compute_dp_federated(0.0, 1.0)


def test_seeded_dp_noise_has_flowers_standard_deviation():
    # trustlab replaces only the generator of Flower's DP noise; its std must stay sigma*C/m.
    from flwr.app import Array, ArrayRecord
    from flwr.supercore.differential_privacy import compute_stdv

    from trustlab.federated.server_app import SeededFedAvg, _ServerSideDP

    dp = _ServerSideDP(SeededFedAvg(), noise_multiplier=1.5, clipping_norm=2.0, num_sampled_clients=10)
    dp.noise_rng = np.random.default_rng(0)
    noisy = dp._add_noise_to_aggregated_arrays(ArrayRecord({"w": Array(np.zeros(200_000, np.float32))}))
    std = float(noisy["w"].numpy().std())
    assert std == pytest.approx(compute_stdv(1.5, 2.0, 10), rel=0.01)
    assert compute_stdv(1.5, 2.0, 10) == pytest.approx(0.3)


def test_adult_by_workclass_sends_far_less_than_its_data():
    r = run_federated(num_clients=6, num_rounds=1, dataset="adult", partitioning="natural",
                      lr=0.1, batch_size=64, seed=0)
    assert r.final_accuracy > 0.75  # the majority class alone is 0.75
    assert r.bytes_uploaded[0] * 50 < r.raw_bytes[0]
