"""DP-SGD with Opacus: accuracy, ε accounting against Opacus, seeds, errors, clip-and-noise."""

import math
import warnings

import numpy as np
import pytest
import torch
from opacus import PrivacyEngine
from opacus.accountants import PRVAccountant, RDPAccountant
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from trustlab._random import torch_generator
from trustlab.data import load_digits
from trustlab.models import mlp
from trustlab.privacy.accounting import epsilon as accounting_epsilon
from trustlab.privacy.clipping import clip_and_noise
from trustlab.privacy.dpsgd import fit_private, train_dp
from trustlab.privacy.dpsgd_run import PrivateFit

N_TRAIN = 1347  # digits, test_size=0.25


@pytest.fixture(scope="module")
def run():
    return train_dp(noise_multiplier=1.0, epochs=10, batch_size=256, checkpoints=(5, 10), seed=0)


def test_train_dp_learns_and_reports_opacus_epsilon(run):
    assert run.test_accuracy > 0.85
    assert run.plain_test_accuracy > run.test_accuracy - 0.05
    assert run.sample_rate == pytest.approx(1 / math.ceil(N_TRAIN / 256))
    assert run.steps == 10 * math.ceil(N_TRAIN / 256)
    oracle = RDPAccountant()
    oracle.history = [(1.0, run.sample_rate, run.steps)]
    assert run.epsilon == pytest.approx(oracle.get_epsilon(delta=1e-5), rel=1e-12)
    assert run.delta == 1e-5 and run.noise_multiplier == 1.0
    assert [h[0] for h in run.history] == [5, 10]
    assert run.history[-1][1] == pytest.approx(run.test_accuracy)
    assert run.seconds > 0 and run.plain_seconds > 0 and run.slowdown > 0
    assert "epsilon=" in run.summary() and "test acc=" in run.summary()


def test_prv_accountant_is_opacus_prv():
    r = train_dp(noise_multiplier=1.0, epochs=2, accountant="prv", compare_plain=False)
    oracle = PRVAccountant()
    oracle.history = [(1.0, r.sample_rate, r.steps)]
    assert r.epsilon == pytest.approx(oracle.get_epsilon(delta=1e-5), rel=1e-9)
    rdp = RDPAccountant()
    rdp.history = oracle.history
    assert r.epsilon < rdp.get_epsilon(delta=1e-5)  # PRV is tighter than RDP


def test_target_epsilon_spends_at_most_the_target():
    r = train_dp(target_epsilon=3.0, epochs=5, compare_plain=False)
    assert 2.9 <= r.epsilon <= 3.0
    assert r.noise_multiplier > 0


def test_same_seed_same_result_other_seed_other_noise(run):
    again = train_dp(noise_multiplier=1.0, epochs=10, batch_size=256, checkpoints=(5, 10), seed=0)
    assert again.test_accuracy == run.test_accuracy
    assert again.plain_test_accuracy == run.plain_test_accuracy
    assert [h[1] for h in again.history] == [h[1] for h in run.history]
    assert again.summary() == run.summary()
    other = train_dp(noise_multiplier=1.0, epochs=10, batch_size=256, seed=1, compare_plain=False)
    assert other.test_accuracy != run.test_accuracy


def test_checkpoint_equals_a_shorter_run(run):
    short = train_dp(noise_multiplier=1.0, epochs=5, batch_size=256, seed=0)
    assert short.test_accuracy == run.history[0][1]
    assert short.plain_test_accuracy == run.plain_history[0][1]


@pytest.mark.parametrize("mode", ["hooks", "functorch"])
def test_other_per_example_gradient_engines_agree_with_ghost(mode):
    ghost = train_dp(noise_multiplier=1.0, epochs=3, compare_plain=False)
    other = train_dp(noise_multiplier=1.0, epochs=3, compare_plain=False, grad_sample_mode=mode)
    # Same clipping, same noise draws: only floating-point summation order differs.
    assert other.test_accuracy == pytest.approx(ghost.test_accuracy, abs=0.02)
    assert other.epsilon == ghost.epsilon


def test_accepts_tensor_datasets_and_arrays():
    s = load_digits(seed=0)
    train = TensorDataset(torch.as_tensor(s.X_train), torch.as_tensor(s.y_train))
    test = TensorDataset(torch.as_tensor(s.X_test), torch.as_tensor(s.y_test))
    a = train_dp((train, test), noise_multiplier=1.0, epochs=2, compare_plain=False)
    b = train_dp((s.X_train, s.X_test, s.y_train, s.y_test), noise_multiplier=1.0, epochs=2,
                 compare_plain=False)
    c = train_dp(s, noise_multiplier=1.0, epochs=2, compare_plain=False)
    assert a.test_accuracy == b.test_accuracy == c.test_accuracy
    alone = train_dp(train, noise_multiplier=1.0, epochs=1, hidden=(), compare_plain=False)
    assert math.isnan(alone.test_accuracy) and alone.epsilon > 0


@pytest.mark.parametrize("kwargs, match", [
    ({}, "exactly one of noise_multiplier or target_epsilon"),
    ({"noise_multiplier": 1.0, "target_epsilon": 3.0}, "exactly one"),
    ({"noise_multiplier": 0.0}, r"noise_multiplier must be in \(0, inf\)"),
    ({"target_epsilon": -1.0}, "target_epsilon must be in"),
    ({"noise_multiplier": 1.0, "max_grad_norm": 0.0}, r"max_grad_norm must be in \(0, inf\), got 0"),
    ({"noise_multiplier": 1.0, "batch_size": 5000}, r"batch_size must be an integer in \[1, 1347\], got 5000"),
    ({"noise_multiplier": 1.0, "grad_sample_mode": "magic"}, "grad_sample_mode must be one of 'ghost'"),
    ({"noise_multiplier": 1.0, "delta": 1.0}, "delta must be in"),
    ({"noise_multiplier": 1.0, "epochs": 0}, "epochs must be an integer"),
    ({"noise_multiplier": 1.0, "checkpoints": (0,)}, "checkpoints must be an integer"),
])
def test_bad_inputs_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_dp(**kwargs)


def test_unreachable_target_epsilon_is_explained():
    with pytest.raises(ValueError, match="target_epsilon=0.001 is unreachable"):
        train_dp(target_epsilon=1e-3, epochs=50, batch_size=1347, compare_plain=False)


def test_bad_data_and_accountant_inputs():
    with pytest.raises(TypeError, match="data must be"):
        train_dp([1, 2, 3], noise_multiplier=1.0)
    with pytest.raises(ValueError, match="accountant must be one of 'rdp', 'prv'"):
        train_dp(noise_multiplier=1.0, accountant="gdp")
    with pytest.raises(TypeError, match="noise_multiplier must be a real number"):
        train_dp(noise_multiplier="1.0")


def test_from_scratch_clip_and_noise_matches_opacus_on_one_batch():
    s = load_digits(seed=0)
    X, y = torch.as_tensor(s.X_train[:200]), torch.as_tensor(s.y_train[:200])
    xb, yb = X[:40], y[:40]
    sigma, C, noise_seed = 0.7, 0.5, 123

    # Per-example gradients from first principles (one backward per example).
    model = mlp(64, 10, hidden=(16,), seed=0)
    per_example = [torch.zeros(len(xb), *p.shape) for p in model.parameters()]
    for i in range(len(xb)):
        model.zero_grad()
        nn.functional.cross_entropy(model(xb[i:i + 1]), yb[i:i + 1]).backward()
        for store, p in zip(per_example, model.parameters()):
            store[i] = p.grad
    loader = DataLoader(TensorDataset(X, y), batch_size=40)
    expected_batch_size = 40  # 200 examples, 5 batches: Opacus' int(n * sample_rate)
    ours = clip_and_noise(per_example, C, sigma, expected_batch_size,
                          generator=torch_generator(noise_seed))

    # Opacus' DPOptimizer on the same batch and the same noise generator state.
    dp_model = mlp(64, 10, hidden=(16,), seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dp_model, opt, _ = PrivacyEngine(secure_mode=False).make_private(
            module=dp_model, optimizer=torch.optim.SGD(dp_model.parameters(), lr=0.1),
            data_loader=loader, noise_multiplier=sigma, max_grad_norm=C,
            grad_sample_mode="hooks", noise_generator=torch_generator(noise_seed))
    opt.zero_grad()
    nn.functional.cross_entropy(dp_model(xb), yb).backward()
    assert opt.pre_step()  # clip, accumulate, add noise, scale: everything but the update
    for mine, p in zip(ours, dp_model.parameters()):
        torch.testing.assert_close(mine, p.grad, rtol=1e-4, atol=1e-6)


def test_clip_and_noise_clips_every_example():
    g = [torch.tensor(np.array([[30.0, 40.0], [0.03, 0.04]], dtype=np.float32))]
    out = clip_and_noise(g, 1.0, 0.0, 1)[0]
    torch.testing.assert_close(out, torch.tensor([0.6 + 0.03, 0.8 + 0.04]), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="max_grad_norm"):
        clip_and_noise(g, -1.0, 1.0, 1)


# --- fit_private: a caller's model trained in place through PrivacyEngine -----------------


def _tiny(n=30, d=5, classes=3):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, d)).astype(np.float32), rng.integers(classes, size=n)


def _plain_full_batch(model, X, y, steps, opt_class, lr, loss_fn=nn.functional.cross_entropy):
    opt = opt_class(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(model(torch.as_tensor(X)), torch.as_tensor(y)).backward()
        opt.step()


def _assert_ordinary(model):
    for m in model.modules():
        assert not m._forward_hooks and not m._backward_hooks and not m._forward_pre_hooks
        assert not hasattr(m, "ft_compute_sample_grad")
    for p in model.parameters():
        assert not hasattr(p, "grad_sample") and not hasattr(p, "summed_grad") and p.grad is None


@pytest.mark.parametrize("optimizer, opt_class, mode", [("sgd", torch.optim.SGD, "hooks"),
                                                        ("sgd", torch.optim.SGD, "ghost"),
                                                        ("adam", torch.optim.Adam, "hooks")])
def test_fit_private_without_noise_or_clipping_is_plain_full_batch_training(optimizer, opt_class,
                                                                           mode):
    X, y = _tiny()
    a, b = mlp(5, 3, hidden=(8,), seed=1), mlp(5, 3, hidden=(8,), seed=1)
    # sample rate 1 (every example in every batch), sigma 0, a clipping norm nothing reaches
    r = fit_private(a, X, y, noise_multiplier=0.0, max_grad_norm=1e6, batch_size=30, epochs=3,
                    lr=0.05, optimizer=optimizer, grad_sample_mode=mode)
    _plain_full_batch(b, X, y, 3, opt_class, 0.05)
    assert isinstance(r, PrivateFit) and r.steps == 3 and r.sample_rate == 1.0
    assert math.isinf(r.epsilon) and r.seconds > 0
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5)
    _assert_ordinary(a)


def test_fit_private_per_example_gradients_cover_the_nlu_embedding():
    """The NLU model's embedding layer (functorch in Opacus) gets all of its gradient."""
    from trustlab.attacks.nlu import NLUModel, Vocabulary, nlu_loss
    from trustlab.attacks.utterances import make_utterances

    texts, intents = make_utterances(24, seed=0)
    vocab, names = Vocabulary.build(texts), sorted(set(intents))
    X, y = vocab.encode(texts, 14), np.array([names.index(i) for i in intents])
    a, b = (NLUModel(vocab, len(names), dim=8, hidden=16, seed=3) for _ in range(2))
    fit_private(a, X, y, noise_multiplier=0.0, max_grad_norm=1e6, batch_size=len(y), epochs=2,
                lr=0.01, loss_fn=nlu_loss, optimizer="adam")
    _plain_full_batch(b, X, y, 2, torch.optim.Adam, 0.01, nlu_loss)
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5, msg=name)
    _assert_ordinary(a)
    assert isinstance(a(torch.as_tensor(X))[0], torch.Tensor)  # an ordinary module again


def test_fit_private_spends_the_accounted_epsilon_and_trains_the_callers_model():
    s = load_digits(seed=0)
    model = mlp(64, 10, hidden=(32,), seed=0)
    before = [p.detach().clone() for p in model.parameters()]
    r = fit_private(model, s.X_train, s.y_train, noise_multiplier=1.1, max_grad_norm=1.0,
                    batch_size=128, epochs=4, lr=0.5, delta=1e-6, seed=0)
    assert r.steps == 4 * math.ceil(N_TRAIN / 128) and r.sample_rate == 1 / math.ceil(N_TRAIN / 128)
    assert r.epsilon == accounting_epsilon(1.1, r.sample_rate, r.steps, delta=1e-6)
    oracle = RDPAccountant()
    oracle.history = [(1.1, r.sample_rate, r.steps)]
    assert r.epsilon == pytest.approx(oracle.get_epsilon(delta=1e-6), rel=1e-9)
    assert r.delta == 1e-6 and "epsilon=" in r.summary()
    assert all(not torch.equal(p, q) for p, q in zip(model.parameters(), before))
    _assert_ordinary(model)
    acc = (model(torch.as_tensor(s.X_test)).argmax(1).numpy() == s.y_test).mean()
    assert acc > 0.6  # chance is 0.1: the noisy steps trained the caller's own module
    again = mlp(64, 10, hidden=(32,), seed=0)
    fit_private(again, s.X_train, s.y_train, noise_multiplier=1.1, max_grad_norm=1.0,
                batch_size=128, epochs=4, lr=0.5, delta=1e-6, seed=0)
    for p, q in zip(model.parameters(), again.parameters()):
        assert torch.equal(p, q)  # seeded sampling and noise: the same run


@pytest.mark.parametrize("kwargs, error, match", [
    ({"noise_multiplier": -1.0}, ValueError, r"noise_multiplier must be in \[0, inf\), got -1"),
    ({"noise_multiplier": math.inf}, ValueError, "noise_multiplier must be finite"),
    ({"max_grad_norm": 0.0}, ValueError, r"max_grad_norm must be in \(0, inf\), got 0"),
    ({"batch_size": 31}, ValueError, r"batch_size must be an integer in \[1, 30\], got 31"),
    ({"epochs": 0}, ValueError, "epochs must be an integer"),
    ({"lr": 0.0}, ValueError, "lr must be in"),
    ({"delta": 0.0}, ValueError, "delta must be in"),
    ({"optimizer": "rmsprop"}, ValueError, "optimizer must be one of 'sgd', 'adam'"),
    ({"grad_sample_mode": "magic"}, ValueError, "grad_sample_mode must be one of"),
    ({"grad_sample_mode": "ghost", "loss_fn": nn.functional.cross_entropy}, ValueError,
     "grad_sample_mode='ghost' needs the default cross-entropy loss"),
    ({"y": np.zeros(29, dtype=int)}, ValueError, r"one label per row, got X\(30, 5\) and y\(29,\)"),
    ({"model": "mlp"}, TypeError, "model must be a torch.nn.Module, got str"),
])
def test_fit_private_bad_inputs_raise_clear_errors(kwargs, error, match):
    X, y = _tiny()
    args = {"model": mlp(5, 3, hidden=(), seed=0), "X": X, "y": y, "noise_multiplier": 1.0,
            "max_grad_norm": 1.0, "batch_size": 10, "epochs": 1, "lr": 0.1, **kwargs}
    with pytest.raises(error, match=match):
        fit_private(args.pop("model"), args.pop("X"), args.pop("y"), **args)
