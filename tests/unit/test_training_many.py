"""train_many: K models as one batched computation, each equal to its own one-model run.

The oracles are independent of the batched code: torch's own nn.Sequential, DataLoader and
torch.optim (the loop trustlab used before), and Opacus' PrivacyEngine for DP-SGD.
"""

import functools
import math

import numpy as np
import pytest
import torch
from torch import nn

from trustlab.data import load_digits
from trustlab.models import mlp
from trustlab.stacked import StackedModel
from trustlab.training import evaluate, fit, make_loader, train, train_many


@pytest.fixture(scope="module")
def digits():
    return load_digits(seed=0)


def flat(model):
    return torch.cat([p.detach().double().ravel() for p in model.parameters()])


def rel(a, b):
    return float((a - b).norm() / a.norm())


def reference(seed, X, y, *, hidden=(128,), epochs=20, lr=0.1, batch_size=32, momentum=0.0,
              weight_decay=0.0, optimizer="sgd", dtype=torch.float32):
    """One model trained by torch's own loop: DataLoader order, torch.optim update."""
    model = mlp(X.shape[1], 10, hidden=hidden, seed=seed).to(dtype)
    opt = (torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
           if optimizer == "sgd" else torch.optim.Adam(model.parameters(), lr=lr))
    loader = make_loader(X, y, batch_size, seed=seed)
    if dtype != torch.float32:
        loader = _Reshuffled(X, y, batch_size, seed, dtype)
    fit(model, loader, opt, epochs)
    return model


class _Reshuffled:
    """make_loader's batches, cast to ``dtype`` (a fresh epoch on every iteration)."""

    def __init__(self, X, y, batch_size, seed, dtype):
        self.loader, self.dtype = make_loader(X, y, batch_size, seed=seed), dtype

    def __iter__(self):
        return ((xb.to(self.dtype), yb) for xb, yb in self.loader)


# float64: the batched arithmetic is the reference's (measured drift ~1e-15 after 860 steps).
# float32: rounding differs in the last bit (baddbmm vs addmm) and 860 SGD steps with momentum
# amplify it: measured up to 3e-4 relative (seed 0, momentum 0.9), so 1e-3 is the bound held.
@pytest.mark.parametrize("dtype, bound", [(torch.float64, 1e-10), (torch.float32, 1e-3)])
@pytest.mark.parametrize("momentum, weight_decay", [(0.0, 0.0), (0.9, 1e-4)])
def test_each_batched_model_equals_its_own_run(digits, momentum, weight_decay, dtype, bound):
    seeds = [0, 1, 2, 3]
    many = train_many(functools.partial(mlp, 64, 10, hidden=(128,)), digits.X_train,
                      digits.y_train, digits.X_test, digits.y_test, seeds=seeds, epochs=20,
                      lr=0.1, batch_size=32, momentum=momentum, weight_decay=weight_decay,
                      dtype=dtype)
    for k, seed in enumerate(seeds):
        ref = reference(seed, digits.X_train, digits.y_train, momentum=momentum,
                        weight_decay=weight_decay, dtype=dtype)
        X_test = torch.as_tensor(digits.X_test, dtype=dtype)
        ref_acc = float((ref(X_test).argmax(1) == torch.as_tensor(digits.y_test)).double().mean())
        assert abs(ref_acc - many.test_accuracy[k]) <= 1 / len(digits.y_test) + 1e-9
        assert rel(flat(ref), flat(many.model.member(k))) < bound


def test_initial_weights_and_batch_mates_do_not_change_a_model(digits):
    fn = functools.partial(mlp, 64, 10, hidden=(16,))
    untrained = StackedModel.from_modules([fn(seed=s) for s in (5, 7)])
    assert torch.equal(flat(untrained.member(1)), flat(fn(seed=7)))
    alone = train_many(fn, digits.X_train, digits.y_train, seeds=[7], epochs=3)
    with_mates = train_many(fn, digits.X_train, digits.y_train, seeds=[3, 7, 11], epochs=3)
    assert rel(flat(alone.model.member(0)), flat(with_mates.model.member(1))) < 1e-6


def test_subsets_train_each_model_on_its_own_rows(digits):
    X, y = digits.X_train, digits.y_train
    rng = np.random.default_rng(0)
    rows = [np.sort(rng.choice(len(y), size=n, replace=False)) for n in (300, 451, 600)]
    many = train_many(functools.partial(mlp, 64, 10, hidden=(32,)), X, y, seeds=[0, 1, 2],
                      subsets=rows, epochs=5, lr=0.1, batch_size=32, momentum=0.9)
    for k, r in enumerate(rows):
        ref = reference(k, X[r], y[r], hidden=(32,), epochs=5, momentum=0.9)
        assert rel(flat(ref), flat(many.model.member(k))) < 1e-4
        assert many.train_accuracy[k] == pytest.approx(evaluate(ref, X[r], y[r])[0], abs=1 / len(r))
    mask = np.zeros((3, len(y)), dtype=bool)
    for k, r in enumerate(rows):
        mask[k, r] = True
    by_mask = train_many(functools.partial(mlp, 64, 10, hidden=(32,)), X, y, seeds=[0, 1, 2],
                         subsets=mask, epochs=5, lr=0.1, batch_size=32, momentum=0.9)
    assert torch.equal(flat(by_mask.model.member(2)), flat(many.model.member(2)))


def test_adam_matches_torch_adam(digits):
    many = train_many(functools.partial(mlp, 64, 10, hidden=(32,)), digits.X_train,
                      digits.y_train, seeds=[0, 1], epochs=5, lr=0.01, batch_size=64,
                      optimizer="adam")
    for k in (0, 1):
        ref = reference(k, digits.X_train, digits.y_train, hidden=(32,), epochs=5, lr=0.01,
                        batch_size=64, optimizer="adam")
        assert rel(flat(ref), flat(many.model.member(k))) < 1e-4


def window_lm(vocab=30, dim=4, hidden=16, seed=0):
    gen = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Embedding(vocab, dim), nn.Flatten(), nn.Linear(3 * dim, hidden),
                          nn.Tanh(), nn.Linear(hidden, vocab))
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-0.1, 0.1, generator=gen)
    return model


def test_embedding_model_with_soft_targets_matches_a_hand_loop():
    rng = np.random.default_rng(0)
    X = torch.as_tensor(rng.integers(0, 30, size=(400, 3)))
    X[:50, :2] = 0  # repeated ids inside one window (padding at sentence starts)
    y = torch.as_tensor(rng.integers(0, 30, size=400))
    soft = torch.softmax(torch.as_tensor(rng.normal(size=(400, 30))), 1).float()
    many = train_many(window_lm, X, y, seeds=[0, 1], epochs=3, lr=0.02, batch_size=64,
                      optimizer="adam", soft_targets=soft, alpha=0.5)
    for k in (0, 1):
        model = window_lm(seed=k)
        opt = torch.optim.Adam(model.parameters(), lr=0.02)
        loader = make_loader(np.zeros((400, 1)), np.arange(400), 64, seed=k)

        def loss_fn(logits, idx):
            logp = torch.log_softmax(logits, 1)
            kl = (soft[idx] * (torch.log(soft[idx] + 1e-12) - logp)).sum(1).mean()
            return 0.5 * kl + 0.5 * nn.functional.nll_loss(logp, y[idx])

        for _ in range(3):
            for _, idx in loader:
                opt.zero_grad()
                loss_fn(model(X[idx]), idx).backward()
                opt.step()
        assert rel(flat(model), flat(many.model.member(k))) < 1e-4


def test_ghost_norms_equal_explicit_per_example_gradients():
    torch.manual_seed(0)
    for model, x in ((mlp(5, 3, hidden=(7, 4), seed=0), torch.randn(6, 5)),
                     (window_lm(seed=1), torch.tensor([[0, 0, 3], [1, 2, 3], [4, 4, 4], [5, 6, 5]]))):
        y = torch.tensor([0, 1, 2, 1, 0, 2])[:len(x)]
        stacked = StackedModel.from_modules([model], dtype=torch.float64)
        logits, cache = stacked.forward(x[None])
        logp = torch.log_softmax(logits, -1)
        grad = logp.exp() - nn.functional.one_hot(y, logits.shape[-1])[None]
        norms = stacked.sq_norms(stacked.backward(cache, grad))[0]
        m64 = model.double()
        for i in range(len(x)):
            m64.zero_grad()
            xi = x[i:i + 1] if not x.is_floating_point() else x[i:i + 1].double()
            nn.functional.cross_entropy(m64(xi), y[i:i + 1]).backward()
            explicit = sum(float((p.grad ** 2).sum()) for p in m64.parameters())
            assert norms[i].item() == pytest.approx(explicit, rel=1e-9)


def test_dropout_is_seeded_per_model(digits):
    def net(seed):
        return nn.Sequential(*list(mlp(64, 10, hidden=(32,), seed=seed))[:2], nn.Dropout(0.3),
                             mlp(64, 10, hidden=(32,), seed=seed)[2])

    a = train_many(net, digits.X_train, digits.y_train, seeds=[4], epochs=2)
    b = train_many(net, digits.X_train, digits.y_train, seeds=[9, 4], epochs=2)
    c = train_many(net, digits.X_train, digits.y_train, seeds=[9, 4], epochs=2)
    assert rel(flat(a.model.member(0)), flat(b.model.member(1))) < 1e-6
    assert torch.equal(flat(b.model.member(0)), flat(c.model.member(0)))
    nodrop = train_many(functools.partial(mlp, 64, 10, hidden=(32,)), digits.X_train,
                        digits.y_train, seeds=[4], epochs=2)
    assert rel(flat(a.model.member(0)), flat(nodrop.model.member(0))) > 1e-3


def test_train_is_train_many_with_one_seed(digits):
    model = mlp(64, 10, hidden=(32,), seed=3)
    one = train(model, digits.X_train, digits.y_train, digits.X_test, digits.y_test, epochs=3,
                seed=3)
    many = train_many(functools.partial(mlp, 64, 10, hidden=(32,)), digits.X_train,
                      digits.y_train, digits.X_test, digits.y_test, seeds=[3], epochs=3)
    assert torch.equal(flat(model), flat(many.model.member(0)))
    assert one.test_accuracy == many.test_accuracy[0]
    assert "(1 seed)" in many.summary()


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_batched_dp_sgd_reproduces_opacus(digits):
    from trustlab.privacy.dpsgd import fit_private

    X, y = digits.X_train[:600], digits.y_train[:600]
    fn = functools.partial(mlp, 64, 10, hidden=(32,))
    for sigma in (0.0, 1.5):
        many = train_many(fn, X, y, seeds=[0, 1], epochs=2, lr=0.5, batch_size=60,
                          noise_multiplier=sigma, max_grad_norm=1.0)
        for k in (0, 1):
            ref = fn(seed=k)
            run = fit_private(ref, X, y, noise_multiplier=sigma, max_grad_norm=1.0,
                              batch_size=60, epochs=2, lr=0.5, seed=k)
            assert (run.steps, run.sample_rate) == (many.steps[k], many.sample_rate[k])
            assert rel(flat(ref), flat(many.model.member(k))) < 1e-5


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("kw", [dict(batch_size=64, lr=0.1, momentum=0.9, hidden=(32,)),  # the naive recipe
                                dict(batch_size=256, lr=1.0, momentum=0.0, hidden=(32,))])
def test_streams_train_dp_reproduce_opacus_train_dp_and_its_twin(digits, kw):
    # streams="train_dp" draws init, Poisson batches and noise as train_dp does: the batched
    # model of seed s is Opacus' model of seed s (its test accuracy, and its non-private twin's).
    from trustlab.privacy.dpsgd import train_dp

    seeds, hidden = [0, 3], kw.pop("hidden")
    fn = functools.partial(mlp, 64, 10, hidden=hidden)
    common = dict(seeds=seeds, epochs=3, streams="train_dp", **kw)
    many = train_many(fn, digits.X_train, digits.y_train, digits.X_test, digits.y_test, noise_multiplier=1.3,
                      max_grad_norm=1.0, **common)
    twins = train_many(fn, digits.X_train, digits.y_train, digits.X_test, digits.y_test, **common)
    for k, s in enumerate(seeds):
        run = train_dp(digits, noise_multiplier=1.3, max_grad_norm=1.0, epochs=3, hidden=hidden, seed=s, **kw)
        assert (run.steps, run.sample_rate) == (many.steps[k], many.sample_rate[k])
        assert abs(run.test_accuracy - many.test_accuracy[k]) <= 1 / len(digits.y_test) + 1e-6
        assert abs(run.plain_test_accuracy - twins.test_accuracy[k]) <= 1 / len(digits.y_test) + 1e-6


def test_batched_dp_noise_has_standard_deviation_sigma_c_over_b(digits):
    X, y = digits.X_train[:640], digits.y_train[:640]
    fn = functools.partial(mlp, 64, 10, hidden=(128,))
    kw = dict(seeds=[0], epochs=1, lr=1.0, batch_size=640, max_grad_norm=0.5)
    quiet = train_many(fn, X, y, noise_multiplier=0.0, **kw)  # q = 1: one step, full batch
    noisy = train_many(fn, X, y, noise_multiplier=4.0, **kw)
    noise = flat(quiet.model.member(0)) - flat(noisy.model.member(0))  # lr · noise / B
    assert noise.std().item() == pytest.approx(4.0 * 0.5 / 640, rel=0.03)
    assert abs(noise.mean().item()) < 4 * 4.0 * 0.5 / 640 / math.sqrt(noise.numel())


@pytest.mark.parametrize("kwargs, match", [
    (dict(seeds=[]), "seeds"),
    (dict(seeds=[0, 1], subsets=[np.arange(5)]), "subsets"),
    (dict(seeds=[0, 1], subsets=np.ones((3, 100), dtype=bool)), "subsets"),
    (dict(seeds=[0], subsets=[np.array([0, 500])]), r"subsets\[0\]"),
    (dict(seeds=[0], noise_multiplier=1.0), "max_grad_norm"),
    (dict(seeds=[0], batch_size=2.5), "batch_size"),
    (dict(seeds=[1.5]), "seed"),
    (dict(seeds=[0], epochs=0), "epochs"),
    (dict(seeds=[0], streams="opacus"), "streams"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    X, y = np.zeros((100, 4)), np.zeros(100, dtype=int)
    with pytest.raises((ValueError, TypeError), match=match):
        train_many(functools.partial(mlp, 4, 2, hidden=(3,)), X, y, **kwargs)


def test_bad_data_and_architectures_are_refused():
    X, y = np.zeros((10, 4)), np.zeros(10, dtype=int)
    fn = functools.partial(mlp, 4, 2, hidden=(3,))
    with pytest.raises(TypeError, match="Conv1d"):
        train_many(lambda seed: nn.Sequential(nn.Conv1d(1, 1, 1)), X, y, seeds=[0])
    with pytest.raises(TypeError, match="nn.Sequential"):
        train_many(lambda seed: nn.Linear(4, 2), X, y, seeds=[0])
    with pytest.raises(ValueError, match="finite"):
        train_many(fn, np.full((10, 4), np.nan), y, seeds=[0])
    with pytest.raises(ValueError, match=r"labels in \[0, 1\]"):
        train_many(fn, X, np.full(10, 2), seeds=[0])
    with pytest.raises(ValueError, match="same architecture"):
        train_many(lambda seed: mlp(4, 2, hidden=(3 + seed,)), X, y, seeds=[0, 1])
