"""Federated numbers that hold: float64 clients, caches that change nothing, seeds and intervals."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from trustlab.federated import task
from trustlab.federated.api import run_federated
from trustlab.federated.dp import client_level_epsilon, compute_dp_federated, row_level_epsilon
from trustlab.federated.local import evaluate, local_train
from trustlab.federated.results import run_federated_seeds, seed_list, train_central


def _same(a, b):
    return (a.global_accuracy == b.global_accuracy and a.client_accuracy == b.client_accuracy
            and a.participants == b.participants and a.bytes_uploaded == b.bytes_uploaded
            and all(np.array_equal(a.final_weights[k], b.final_weights[k]) for k in a.final_weights))


def test_caches_change_no_number():
    # The per-process caches (client data and tensors, the client's model) only save time: a run
    # after clearing them is bit-identical to a run that reuses them.
    kw = dict(num_clients=6, num_rounds=2, local_epochs=2, alpha=0.3, fraction_fit=0.5,
              strategy="fedprox", seed=4)
    warm = run_federated(**kw)
    task._federation.cache_clear()
    task._federated_arrays.cache_clear()
    task.client_partitions.cache_clear()
    from trustlab.federated import client_app

    client_app._models.__dict__.clear()
    cold = run_federated(**kw)
    assert _same(cold, warm)


def test_client_data_is_cached_and_read_only():
    a = task.client_data(1, 5, alpha=0.5, seed=2)
    assert a is task.client_data(1, 5, alpha=0.5, seed=2)
    assert not a[0].flags.writeable and not a[1].flags.writeable
    X, y = task.client_tensors(1, 5, alpha=0.5, seed=2)
    assert X.dtype == torch.float64 and torch.equal(X, torch.from_numpy(a[0].astype(np.float64)))
    with pytest.raises(ValueError, match="alpha"):
        task.client_data(0, 5, alpha=float("nan"))
    with pytest.raises(TypeError, match="seed"):
        task.client_tensors(0, 5, seed=1.5)


def test_clients_compute_in_float64_and_send_float32():
    model = task.build_model(seed=0)
    X, y = task.client_data(0, 10)
    local_train(model, X, y, lr=0.5, batch_size=16, seed=1)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    # The same training in float64 by hand, rounded once: the very weights local_train keeps.
    ref = task.build_model(seed=0).double()
    local_train(ref, X, y, lr=0.5, batch_size=16, seed=1)
    for p, r in zip(model.parameters(), ref.parameters()):
        assert torch.equal(p, r.float())
    r = run_federated(num_clients=3, num_rounds=1, seed=0)
    assert all(w.dtype == np.float32 for w in r.final_weights.values())


def test_initial_weights_are_drawn_in_float64():
    model = task.build_model(seed=3)
    gen = torch.Generator().manual_seed(3)
    first = model[0]
    bound = 1 / first.in_features ** 0.5
    expected = torch.empty(first.weight.shape, dtype=torch.float64).uniform_(-bound, bound, generator=gen)
    assert torch.equal(first.weight, expected.float())


@pytest.mark.slow
def test_numbers_are_the_same_under_portable_kernels():
    # ATEN_CPU_CAPABILITY=default runs torch's portable kernels, as on another CPU. In float32
    # this setting's accuracy after 5 rounds moved by 0.03; the float64 clients keep it identical.
    code = ("import json; from trustlab.federated import run_federated; "
            "r = run_federated(num_clients=10, num_rounds=3, local_epochs=5, alpha=0.5, strategy='fedprox', "
            "proximal_mu=0.1, seed=0); "
            "print(json.dumps([r.global_accuracy, {k: v.tolist() for k, v in r.final_weights.items()}]))")
    here = run_federated(num_clients=10, num_rounds=3, local_epochs=5, alpha=0.5, strategy="fedprox",
                         proximal_mu=0.1, seed=0)
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    acc, weights = json.loads(out.stdout.strip().splitlines()[-1])
    assert acc == list(here.global_accuracy)
    for k, w in here.final_weights.items():
        assert np.array_equal(np.asarray(weights[k], dtype=np.float32), w)


def test_last_round_client_evaluation_changes_nothing_else():
    every = run_federated(num_clients=5, num_rounds=3, alpha=0.5, seed=1)
    last = run_federated(num_clients=5, num_rounds=3, alpha=0.5, seed=1, evaluate_clients="last_round")
    assert every.global_accuracy == last.global_accuracy and every.client_accuracy[-1] == last.client_accuracy[-1]
    assert np.isnan(last.client_accuracy[0]).all() and not np.isnan(every.client_accuracy[0]).any()
    assert every.update_norms == last.update_norms
    with pytest.raises(ValueError, match="evaluate_clients"):
        run_federated(num_clients=3, num_rounds=1, evaluate_clients="sometimes")


def test_fedprox_shrinks_the_measured_client_drift():
    kw = dict(num_clients=5, num_rounds=2, local_epochs=3, alpha=0.5, seed=0)
    avg = run_federated(strategy="fedavg", **kw)
    prox = run_federated(strategy="fedprox", proximal_mu=1.0, **kw)
    assert len(avg.update_norms) == 2 and len(avg.update_norms[0]) == 5
    assert np.mean(prox.update_norms) < 0.6 * np.mean(avg.update_norms)


def test_update_norm_is_the_distance_the_client_moved():
    r = run_federated(num_clients=2, num_rounds=1, alpha=100.0, seed=0)
    model = task.build_model(seed=0)
    start = [p.detach().double().clone() for p in model.parameters()]
    X, y = task.client_data(0, 2, alpha=100.0, seed=0)
    local_train(model, X, y, lr=0.5, batch_size=16, seed=task.local_seed(0, 1, 0))
    moved = sum(float(((p.detach().double() - s) ** 2).sum()) for p, s in zip(model.parameters(), start)) ** 0.5
    assert r.update_norms[0][r.participants[0].index(0)] == pytest.approx(moved, rel=1e-12)


def test_seeds_give_per_seed_values_and_intervals():
    r = run_federated_seeds(num_clients=4, num_rounds=2, alpha=100.0, n_seeds=3, seed=5)
    assert r.seeds == (5, 6, 7) and r.global_accuracy.shape == (3, 3)
    assert [run.config["seed"] for run in r.runs] == [5, 6, 7]
    single = run_federated(num_clients=4, num_rounds=2, alpha=100.0, seed=6)
    assert tuple(r.global_accuracy[1]) == single.global_accuracy
    iv = r.interval()
    assert iv.n == 3 and iv.low <= r.final_accuracy.mean() <= iv.high
    assert r.summary().count("±") == 2 and "(3 seeds)" in r.summary()
    assert r.client_accuracy.shape == (3, 4) and np.all(np.diff(r.client_accuracy, axis=1) >= 0)
    with pytest.raises(TypeError, match="unknown settings"):
        run_federated_seeds(num_client=4)
    with pytest.raises(TypeError, match="unknown settings"):
        run_federated_seeds(engine="simulation")


def test_seed_list_validates():
    assert seed_list(2, 3) == (2, 3, 4) and seed_list(seeds=(9, 1)) == (9, 1)
    with pytest.raises(ValueError, match="n_seeds"):
        seed_list(0, 0)
    with pytest.raises(TypeError, match="seeds\\[1\\]"):
        seed_list(seeds=[0, 1.5])
    with pytest.raises(ValueError, match="distinct"):
        seed_list(seeds=[3, 3])


def test_central_baseline_uses_each_seeds_split_and_init():
    r = train_central(epochs=1, seeds=[0, 4])
    for s, acc in zip(r.seeds, r.accuracy):
        X, y, Xt, yt, _ = task.federated_data("digits", s)
        model = task.build_model(seed=s)
        local_train(model, X, y, epochs=1, lr=0.5, batch_size=16, seed=s)
        assert evaluate(model, Xt, yt)[0] == acc


def test_row_level_epsilon_is_the_replace_one_client_guarantee():
    from trustlab.privacy.risk.bound import attack_auc_bound, pld_epsilon

    # Replacing one client's clipped update moves the sum by up to 2C: noise multiplier σ/2,
    # i.e. a group of 2 clients; that is what one row of a client's data faces.
    for sigma in (1.0, 3.0, 8.0):
        assert row_level_epsilon(sigma, 5) == pytest.approx(client_level_epsilon(sigma / 2, 5))
        assert row_level_epsilon(sigma, 5) > client_level_epsilon(sigma, 5)
        assert pld_epsilon(1e-5, noise_multiplier=sigma, sample_rate=1.0, steps=5, group_size=2) == \
            pytest.approx(pld_epsilon(1e-5, noise_multiplier=sigma / 2, sample_rate=1.0, steps=5), rel=1e-6)
    assert attack_auc_bound(noise_multiplier=8.0, sample_rate=1.0, steps=5, group_size=2) > \
        attack_auc_bound(noise_multiplier=8.0, sample_rate=1.0, steps=5)
    with pytest.raises(ValueError, match="noise_multiplier"):
        row_level_epsilon(0.0, 5)


def test_dp_federated_keeps_every_seed():
    r = compute_dp_federated(1.0, 1.0, num_clients=4, num_rounds=2, n_seeds=2, seed=3)
    assert r.final_accuracy.shape == (2,) and r.runs.seeds == (3, 4)
    assert r.epsilon == pytest.approx(client_level_epsilon(1.0, 2))
    assert r.row_epsilon == pytest.approx(row_level_epsilon(1.0, 2))
    assert "(2 seeds)" in r.summary() and "one row" in r.summary()
