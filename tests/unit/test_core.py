"""Seeds, validation, runtime threads, models and the shared training loop."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from trustlab._random import numpy_rng, torch_generator
from trustlab._validate import check_choice, check_int, check_number
from trustlab.models import count_parameters, logistic_regression, mlp
from trustlab.runtime import torch_threads
from trustlab.training import evaluate, make_loader, train


def test_seeds_give_identical_streams_and_reject_bad_values():
    assert np.array_equal(numpy_rng(3).random(5), numpy_rng(3).random(5))
    assert torch.equal(torch.rand(4, generator=torch_generator(3)), torch.rand(4, generator=torch_generator(3)))
    for bad in (-1, 1.5, "0", True):
        with pytest.raises((ValueError, TypeError), match="seed"):
            numpy_rng(bad)


def test_validation_messages_name_parameter_value_and_range():
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\), got 0"):
        check_number("lr", 0, 0, None, low_open=True)
    with pytest.raises(ValueError, match=r"epochs must be an integer in \[1, inf\], got 0"):
        check_int("epochs", 0, 1)
    with pytest.raises(TypeError, match="epochs must be an integer"):
        check_int("epochs", 2.0, 1)
    with pytest.raises(ValueError, match="got nan"):
        check_number("x", float("nan"), 0, 1)
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b', got 'c'"):
        check_choice("mode", "c", ("a", "b"))


def test_torch_threads_restores_global_setting_even_on_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        with torch_threads(1):
            assert torch.get_num_threads() == 1
            raise RuntimeError("boom")
    assert torch.get_num_threads() == before


def test_models_are_seeded_and_sized():
    a, b = mlp(64, 10, (32,), seed=1), mlp(64, 10, (32,), seed=1)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, mlp(64, 10, (32,), seed=2)[0].weight)
    assert count_parameters(logistic_regression(5, 3)) == 5 * 3 + 3


def test_training_learns_a_separable_problem_and_is_reproducible():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    r1 = train(logistic_regression(2, 2, seed=0), X[:300], y[:300], X[300:], y[300:], epochs=20, lr=0.5, seed=0)
    r2 = train(logistic_regression(2, 2, seed=0), X[:300], y[:300], X[300:], y[300:], epochs=20, lr=0.5, seed=0)
    assert r1.test_accuracy > 0.95
    assert r1.summary() == r2.summary()
    assert "test acc=" in r1.summary()


def test_training_rejects_bad_inputs():
    model = logistic_regression(2, 2)
    with pytest.raises(ValueError, match="same length"):
        train(model, np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="lr must be"):
        train(model, np.zeros((3, 2)), np.zeros(3), lr=-1)
    with pytest.raises(ValueError, match="empty"):
        evaluate(model, np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match="batch_size"):
        make_loader(np.zeros((3, 2)), np.zeros(3), batch_size=0)


def test_importing_trustlab_changes_no_global_state():
    code = """
import matplotlib as mpl, numpy as np, torch
rc = dict(mpl.rcParams); threads = torch.get_num_threads()
np_state = np.random.get_state()[1].copy(); t_state = torch.random.get_rng_state().clone()
import trustlab, trustlab.data, trustlab.models, trustlab.training, trustlab.plotting, trustlab.widgets
import trustlab.privacy, trustlab.privacy.plots, trustlab.privacy.widgets, trustlab.envcheck
trustlab.privacy.widgets.make_randomized_response_explorer()
assert dict(mpl.rcParams) == rc, "rcParams changed"
assert torch.get_num_threads() == threads, "torch threads changed"
assert (np.random.get_state()[1] == np_state).all(), "numpy global RNG used"
assert torch.equal(torch.random.get_rng_state(), t_state), "torch global RNG used"
print("clean")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "clean"


def test_fit_with_seed_makes_dropout_reproducible_and_restores_global_rng():
    from torch import nn

    from trustlab.training import fit

    X = torch.randn(64, 4, generator=torch_generator(0))
    y = (X[:, 0] > 0).long()

    def run():
        model = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 2))
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(0.1)
        state = torch.random.get_rng_state()
        fit(model, make_loader(X, y, 16, seed=0), torch.optim.SGD(model.parameters(), lr=0.1), 2, seed=5)
        assert torch.equal(torch.random.get_rng_state(), state)  # caller's generator untouched
        return [p.detach().clone() for p in model.parameters()]

    first = run()
    torch.rand(3)  # move the global generator: must not matter
    assert all(torch.equal(a, b) for a, b in zip(first, run()))
