"""PlainSGD, the clients' optimizer, against torch.optim.SGD: the same weights, bit for bit."""

import subprocess
import sys

import pytest
import torch

from trustlab.federated import local, task


@pytest.mark.parametrize("mu", [0.0, 0.1])
def test_local_train_with_plain_sgd_equals_torch_optim_sgd(mu, monkeypatch):
    X, y = task.client_data(1, 6)
    kw = dict(epochs=2, lr=0.3, batch_size=16, proximal_mu=mu, seed=4)
    ours = task.build_model()
    theirs = task.build_model()
    theirs.load_state_dict(ours.state_dict())
    loss = local.local_train(ours, X, y, **kw)
    monkeypatch.setattr(local, "PlainSGD", lambda params, lr: torch.optim.SGD(params, lr=lr))
    loss_torch = local.local_train(theirs, X, y, **kw)
    assert loss == loss_torch
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        assert torch.equal(a, b)


def test_plain_sgd_steps_and_zero_grad_like_torch():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    v = torch.nn.Parameter(w.detach().clone())
    ours, theirs = local.PlainSGD([w], 0.25), torch.optim.SGD([v], lr=0.25)
    for opt, p in ((ours, w), (theirs, v)):
        for _ in range(3):
            opt.zero_grad(set_to_none=True)
            (p**3).sum().backward()
            opt.step()
    assert torch.equal(w, v)
    ours.zero_grad(set_to_none=False)
    assert torch.equal(w.grad, torch.zeros(2, dtype=torch.float64))
    with pytest.raises(ValueError, match="lr"):
        local.PlainSGD([w], 0.0)


def test_a_client_round_imports_no_dynamo_sklearn_or_pandas():
    # What the Ray worker imports when it runs the ClientApp: torch._dynamo (any torch.optim
    # optimizer), scikit-learn and pandas would each add tens of MB to notebook 21's peak.
    code = ("import sys; from trustlab.federated import run_federated; "
            "run_federated(num_clients=3, num_rounds=1, seed=0, strategy='fedprox'); "
            "print(sorted(m for m in ('torch._dynamo', 'sklearn', 'pandas', 'sympy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
