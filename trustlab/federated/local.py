"""What a federated client computes: local SGD (FedAvg) or FedProx, and evaluation, in float64.

FedAvg's client update (McMahan et al. 2017, Algorithm 1, "ClientUpdate"): E epochs of
mini-batch SGD from the global weights on the client's own data. FedProx (Li et al. 2020,
Algorithm 2) has each client minimize h_k(w; w_t) = F_k(w) + μ/2·‖w − w_t‖² instead; μ = 0 is
FedAvg. No flwr import: the ClientApp, the notebook's by-hand loop and SecAgg+'s NumPyClient
all call these functions.

Precision (the kit's choice, measured): the arithmetic runs in float64 and the trained weights
are rounded once, at the end, to float32, which is what a client stores and sends. The kit's
tiny model trained with a large learning rate is chaotic: in float32 a last-bit difference
between two CPUs' kernels grew, in 5 rounds of 5-epoch FedProx, into test accuracies 0.03
apart. In float64 those differences stay far below float32's rounding, so the sent weights
are bit-identical on every CPU tried; for digits it costs about 10 % more time.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch

from trustlab._random import torch_generator
from trustlab._validate import check_int, check_number
from trustlab.runtime import torch_threads
from trustlab.training import fit

__all__ = ["COMPUTE_DTYPE", "WIRE_DTYPE", "PlainSGD", "ShuffledBatches", "as_compute_tensors", "computing_in",
           "evaluate", "local_seed", "local_train", "local_train_arrays", "logits_arrays", "wire_state_dict"]

#: What clients compute in.
COMPUTE_DTYPE = torch.float64
#: What weights are stored and sent in (the global model, every update).
WIRE_DTYPE = torch.float32


def as_compute_tensors(X, y):
    """``(X, y)`` as float64 / int64 tensors; tensors already of those dtypes pass through uncopied.

    >>> X, y = as_compute_tensors(np.zeros((2, 3), np.float32), [0, 1])
    >>> X.dtype, y.dtype
    (torch.float64, torch.int64)
    """
    for name, a in (("X", X), ("y", y)):
        if isinstance(a, (str, bytes)) or not hasattr(a, "__len__"):
            raise TypeError(f"{name} must be an array or tensor, got {type(a).__name__}")
    if not (torch.is_tensor(X) and X.dtype == COMPUTE_DTYPE):
        X = torch.tensor(np.asarray(X.numpy() if torch.is_tensor(X) else X), dtype=COMPUTE_DTYPE)
    if not (torch.is_tensor(y) and y.dtype == torch.int64):
        y = torch.tensor(np.asarray(y.numpy() if torch.is_tensor(y) else y), dtype=torch.int64)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or len(y) == 0:
        raise ValueError(f"X must be 2-d and y 1-d of the same non-zero length, got X{tuple(X.shape)} "
                         f"and y{tuple(y.shape)}")
    return X, y


@contextlib.contextmanager
def computing_in(model, dtype=COMPUTE_DTYPE):
    """Run a block with ``model``'s parameters in ``dtype``, then convert them back.

    float32 → float64 → float32 is exact, so only what the block changed is rounded (once, at
    the end). A model already in ``dtype`` is left alone.
    """
    if not isinstance(model, torch.nn.Module) or next(model.parameters(), None) is None:
        raise TypeError(f"model must be a torch.nn.Module with parameters, got {type(model).__name__}")
    stored = next(model.parameters()).dtype
    if stored != dtype:
        model.to(dtype)
    try:
        yield model
    finally:
        if stored != dtype:
            model.to(stored)


def wire_state_dict(model) -> dict:
    """``model``'s weights as the client sends them: a state dict in :data:`WIRE_DTYPE`."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return {k: v.detach().to(WIRE_DTYPE) for k, v in model.state_dict().items()}


def local_seed(seed, server_round, partition_id) -> int:
    """The shuffling seed of one client in one round: different everywhere, same on every engine.

    >>> local_seed(0, 1, 2) == local_seed(0, 1, 2) != local_seed(0, 2, 2)
    True
    """
    parts = [check_int(name, v, 0) for name, v in
             (("seed", seed), ("server_round", server_round), ("partition_id", partition_id))]
    return int(np.random.SeedSequence(parts).generate_state(1)[0])


class ShuffledBatches:
    """Mini-batches of ``(X, y)`` in a fresh seeded order each epoch (an iterable for ``fit``).

    Slicing two tensors costs a few microseconds a batch; a DataLoader over a TensorDataset
    indexes and collates example by example, about ten times slower for these tiny clients,
    and a slider runs hundreds of client epochs.
    """

    def __init__(self, X, y, batch_size, *, seed=0):
        self.X, self.y = as_compute_tensors(X, y)
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.generator = torch_generator(seed)

    def __iter__(self):
        order = torch.randperm(len(self.y), generator=self.generator)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            yield self.X[idx], self.y[idx]


class PlainSGD:
    """Mini-batch SGD, w <- w - lr * grad: the step ``torch.optim.SGD(params, lr)`` takes with its
    defaults (no momentum, dampening or weight decay), without ``torch.optim``.

    Constructing any ``torch.optim`` optimizer imports ``torch._dynamo`` and sympy, about 70 MB
    in every process that does it, Ray's worker included, for this one subtraction
    (``tests/federated`` checks the trained weights equal torch.optim.SGD's bit for bit).
    """

    def __init__(self, params, lr):
        self.params = list(params) if not isinstance(params, (str, bytes, torch.Tensor)) else [params]
        if not self.params or not all(isinstance(p, torch.Tensor) and p.requires_grad for p in self.params):
            raise TypeError(f"params must be a non-empty iterable of tensors that require grad (a model's "
                            f"parameters()), got {type(params).__name__}")
        self.lr = check_number("lr", lr, 0, None, low_open=True)

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p.add_(p.grad, alpha=-self.lr)


def local_train(model, X, y, *, epochs=1, lr=0.1, batch_size=32, proximal_mu=0.0, seed=0) -> float:
    """Train ``model`` in place on one client's data; return the last epoch's mean loss.

    With ``proximal_mu`` > 0 the loss gains FedProx's μ/2·‖w − w_global‖², where w_global are
    the weights the model had on entry (the global model the server sent). The arithmetic is
    float64; a float32 model is float32 again afterwards (rounded once).

    >>> from trustlab.federated.task import build_model, client_data
    >>> model = build_model()
    >>> loss = local_train(model, *client_data(0, 10), lr=0.5, batch_size=16, seed=1)
    >>> round(loss, 2), next(model.parameters()).dtype
    (1.0, torch.float32)
    """
    check_number("lr", lr, 0, None, low_open=True)
    mu = check_number("proximal_mu", proximal_mu, 0)
    check_int("epochs", epochs, 1)
    loader = ShuffledBatches(X, y, batch_size, seed=seed)
    ce = torch.nn.CrossEntropyLoss()
    with computing_in(model):
        global_params = [p.detach().clone() for p in model.parameters()]

        def loss_fn(logits, target):
            loss = ce(logits, target)
            if mu > 0:
                prox = sum(((p - g) ** 2).sum() for p, g in zip(model.parameters(), global_params))
                loss = loss + mu / 2 * prox
            return loss

        return fit(model, loader, PlainSGD(model.parameters(), lr), epochs, loss_fn=loss_fn)


def evaluate(model, X, y) -> tuple[float, float]:
    """``(accuracy, mean cross-entropy)`` of ``model`` on ``(X, y)``, computed in float64.

    1.0 accuracy: every example classified right.

    >>> from trustlab.federated.task import build_model, client_data
    >>> model = build_model()
    >>> acc, loss = evaluate(model, *client_data(0, 10, partitioning="iid"))
    >>> round(acc, 3), next(model.parameters()).dtype
    (0.059, torch.float32)
    """
    X, y = as_compute_tensors(X, y)
    with torch.no_grad(), torch_threads(), computing_in(model):
        model.eval()
        logits = model(X)
        loss = torch.nn.functional.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).double().mean().item()
    return acc, loss


def _relu_layers(arrays):
    """``[(W, b), ...]`` from a state dict's arrays (Linear layers with ReLU between), in float64."""
    arrays = [np.asarray(a) for a in arrays]
    if len(arrays) < 2 or len(arrays) % 2:
        raise ValueError(f"arrays must be [weight, bias, ...] of Linear layers, got {len(arrays)} arrays")
    pairs = [(arrays[i].astype(np.float64), arrays[i + 1].astype(np.float64)) for i in range(0, len(arrays), 2)]
    if any(W.ndim != 2 or b.shape != W.shape[:1] or (i and W.shape[1] != pairs[i - 1][0].shape[0])
           for i, (W, b) in enumerate(pairs)):
        raise ValueError(f"arrays must be the weights and biases of stacked Linear layers, got shapes "
                         f"{[a.shape for a in arrays]}")
    return pairs


def _forward(layers, X):
    """Logits and each hidden layer's activations (ReLU between Linear layers)."""
    hidden, h = [], X
    for i, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if i < len(layers) - 1:
            np.maximum(h, 0.0, out=h)
            hidden.append(h)
    return h, hidden


def logits_arrays(arrays, X) -> np.ndarray:
    """The logits of :func:`~trustlab.federated.task.build_model`'s network with weights ``arrays`` on rows ``X``, in float64.

    >>> from trustlab.federated.task import build_model, federated_data
    >>> arrays = [p.detach().numpy() for p in build_model("digits", seed=0).parameters()]
    >>> logits_arrays(arrays, federated_data("digits", 0)[2]).shape
    (450, 10)
    """
    layers = _relu_layers(arrays)
    return _forward(layers, _inputs(X, layers))[0]


def _inputs(X, layers):
    """``X`` as a float64 matrix with the first layer's number of columns, or a clear error."""
    X = np.asarray(X, dtype=np.float64)
    d = layers[0][0].shape[1]
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"X must be 2-d with {d} columns (the first layer's inputs), got shape {X.shape}")
    return X


def local_train_arrays(arrays, X, y, *, epochs=1, lr=0.1, batch_size=32, proximal_mu=0.0, seed=0):
    """:func:`local_train` on the model's arrays: the same SGD steps in float64 numpy.

    ``arrays`` are the state dict's arrays of :func:`~trustlab.federated.task.build_model`
    (Linear weight, bias, …, ReLU between). The batches are the same (a ``torch.randperm`` per epoch from
    ``torch_generator(seed)``, as :class:`ShuffledBatches`), the loss is the same mean
    cross-entropy plus μ/2·‖w − w_global‖², the update the same plain SGD step; only the
    arithmetic is float64 and the backward pass written out (``tests/unit`` checks it against
    torch's autograd in float64 to 1e-12). Returns ``(new arrays in the input dtypes, the last
    epoch's mean loss)``.
    """
    check_int("epochs", epochs, 1)
    check_number("lr", lr, 0, None, low_open=True)
    mu, bs = check_number("proximal_mu", proximal_mu, 0), check_int("batch_size", batch_size, 1)
    dtypes = [np.asarray(a).dtype for a in arrays]
    layers = _relu_layers(arrays)
    start = [(W.copy(), b.copy()) for W, b in layers] if mu > 0 else None
    X = _inputs(X, layers)
    y = np.asarray(y, dtype=np.int64)
    if y.shape != (len(X),) or not len(y):
        raise ValueError(f"X must be 2-d and y 1-d of the same non-zero length, got X{X.shape} and y{y.shape}")
    generator, mean_loss = torch_generator(seed), float("nan")
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator).numpy()
        Xe, ye, total = X[order], y[order], 0.0  # this epoch's batches are consecutive slices
        for s in range(0, len(y), bs):
            xb, yb = Xe[s:s + bs], ye[s:s + bs]
            B, rows = len(yb), np.arange(len(yb))
            z, hidden = _forward(layers, xb)
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            norm = p.sum(axis=1)
            p /= norm[:, None]
            total += float(np.log(norm).sum() - z[rows, yb].sum()) + (B * mu / 2 * sum(
                float(((W - W0) ** 2).sum() + ((b - b0) ** 2).sum()) for (W, b), (W0, b0) in zip(layers, start))
                if mu > 0 else 0.0)
            p[rows, yb] -= 1.0
            g = p / B  # d(mean cross-entropy)/d(logits)
            for i in range(len(layers) - 1, -1, -1):
                W, b = layers[i]
                a = hidden[i - 1] if i else xb
                gW, gb = g.T @ a, g.sum(axis=0)
                if i:
                    g = (g @ W) * (a > 0)
                if mu > 0:
                    gW += mu * (W - start[i][0])
                    gb += mu * (b - start[i][1])
                W -= lr * gW
                b -= lr * gb
        mean_loss = total / len(y)
    out = [a for W, b in layers for a in (W, b)]
    return [a.astype(dt) for a, dt in zip(out, dtypes)], mean_loss
