"""The clients' float64 numpy SGD (``local_trainer="numpy"``) against torch's autograd, and the
two run options the capstone uses (numpy clients, no client evaluation) against the defaults."""

import numpy as np
import pytest
import torch

from trustlab._random import torch_generator
from trustlab.federated import task
from trustlab.federated.api import run_federated
from trustlab.training import fit


def _torch_float64(arrays, X, y, *, epochs, lr, batch_size, proximal_mu, seed):
    """The same SGD with torch's autograd and optimizer, in float64, on the same batches."""
    model = task.build_model("adult", seed=0).double()
    with torch.no_grad():
        for p, a in zip(model.parameters(), arrays):
            p.copy_(torch.from_numpy(np.asarray(a, dtype=np.float64)))
    start = [p.detach().clone() for p in model.parameters()]
    Xt, yt = torch.from_numpy(np.asarray(X, dtype=np.float64)), torch.from_numpy(np.asarray(y))
    generator = torch_generator(seed)

    class Batches:
        def __iter__(self):
            order = torch.randperm(len(yt), generator=generator)
            for s in range(0, len(order), batch_size):
                yield Xt[order[s:s + batch_size]], yt[order[s:s + batch_size]]

    ce = torch.nn.CrossEntropyLoss()

    def loss_fn(logits, target):
        prox = sum(((p - g) ** 2).sum() for p, g in zip(model.parameters(), start))
        return ce(logits, target) + proximal_mu / 2 * prox

    loss = fit(model, Batches(), torch.optim.SGD(model.parameters(), lr=lr), epochs, loss_fn=loss_fn)
    return [p.detach().numpy() for p in model.parameters()], loss


@pytest.mark.parametrize("mu", [0.0, 0.1])
def test_numpy_sgd_equals_torch_autograd_in_float64(mu):
    X, y = task.client_data(3, 10, dataset="adult", alpha=100.0, group_resample=0.5)
    arrays = [p.detach().double().numpy() for p in task.build_model("adult", seed=0).parameters()]
    kw = dict(epochs=2, lr=0.1, batch_size=32, proximal_mu=mu, seed=5)
    ours, loss = task.local_train_arrays(arrays, X, y, **kw)
    ref, ref_loss = _torch_float64(arrays, X, y, **kw)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert loss == pytest.approx(ref_loss, abs=1e-12)
    assert all(a.dtype == np.float64 for a in ours)


def test_numpy_sgd_matches_the_torch_module_path_to_float32_rounding():
    # The shipped default (torch, float32) and the numpy path take the same steps.
    X, y = task.client_data(0, 10, dataset="adult", alpha=100.0)
    model = task.build_model("adult", seed=0)
    arrays = [p.detach().numpy().copy() for p in model.parameters()]
    task.local_train(model, X, y, epochs=1, lr=0.1, batch_size=32, seed=3)
    ours, _ = task.local_train_arrays(arrays, X, y, epochs=1, lr=0.1, batch_size=32, seed=3)
    for a, p in zip(ours, model.parameters()):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=0, atol=1e-5)


def test_numpy_sgd_refuses_bad_input():
    arrays = [p.detach().numpy() for p in task.build_model("adult", seed=0).parameters()]
    X, y = np.zeros((4, 56), np.float32), np.zeros(4, np.int64)
    with pytest.raises(ValueError, match="arrays"):
        task.local_train_arrays(arrays[:3], X, y)
    with pytest.raises(ValueError, match="arrays"):
        task.local_train_arrays([arrays[0], arrays[3], arrays[2], arrays[1]], X, y)
    with pytest.raises(ValueError, match="lr"):
        task.local_train_arrays(arrays, X, y, lr=0)
    with pytest.raises(ValueError, match="X must be 2-d"):
        task.local_train_arrays(arrays, X, y[:3])


def test_capstone_run_options_change_speed_not_the_training():
    kw = dict(num_clients=4, num_rounds=2, alpha=100.0, seed=1, dataset="adult", lr=0.1, batch_size=32,
              dp="server", noise_multiplier=2.0, group_resample=0.5)
    base = run_federated(**kw)
    no_eval = run_federated(**kw, evaluate_clients="never")
    # Clients that do not evaluate change nothing else: same participants, same model.
    assert np.isnan(no_eval.client_accuracy).all() and np.isnan(no_eval.worst_client_accuracy)
    assert no_eval.global_accuracy == base.global_accuracy and no_eval.bytes_uploaded == base.bytes_uploaded
    for k, w in base.final_weights.items():
        np.testing.assert_array_equal(no_eval.final_weights[k], w)
    fast = run_federated(**kw, local_trainer="numpy", evaluate_clients="never")
    assert fast.bytes_uploaded == base.bytes_uploaded  # float32 arrays of the same shapes
    assert fast.global_accuracy == base.global_accuracy
    for k, w in base.final_weights.items():  # both float64 arithmetic, rounded to float32 once a round
        np.testing.assert_allclose(fast.final_weights[k], w, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="local_trainer"):
        run_federated(**kw, local_trainer="jax")
    with pytest.raises(ValueError, match="evaluate_clients"):
        run_federated(**kw, evaluate_clients=0.5)
