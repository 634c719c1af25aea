"""The federated task without Flower: data per client, the model, local training, evaluation.

As in Flower's examples, ``task.py`` holds no ``flwr`` import: the ClientApp and ServerApp call
these functions, so the same code runs in-process, on Flower's simulation engine and on
SuperNodes. Local training is plain SGD (FedAvg, McMahan et al. 2017) with FedProx's proximal
term μ/2·‖w − w_global‖² when μ > 0 (Li et al. 2020): :func:`local_train` on the torch module,
or :func:`local_train_arrays`, the same steps on the model's arrays in float64 numpy (about six
times faster for these tiny clients; what the capstone's sweeps use).
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from trustlab._random import torch_generator
from trustlab._validate import check_choice, check_int, check_number
from trustlab.federated.partition import dirichlet_partition, iid_partition, natural_partition
from trustlab.models import mlp
from trustlab.training import as_tensors, evaluate, fit

__all__ = ["DATASETS", "PARTITIONINGS", "adult_sex", "build_model", "check_group_resample", "client_data",
           "client_partitions", "evaluate", "federated_data", "local_seed", "local_train", "local_train_arrays",
           "logits_arrays"]

DATASETS = ("digits", "adult")
PARTITIONINGS = ("iid", "dirichlet", "natural")
#: Adult clients smaller than this are dropped from natural partitions (Without-pay: 21 rows).
ADULT_MIN_GROUP = 100
_ADULT_NUMERIC = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
_ADULT_CATEGORICAL = ["workclass", "education", "marital_status", "occupation", "race", "sex"]


def federated_data(dataset="digits", seed=0):
    """``(X_train, y_train, X_test, y_test, groups_train)`` as read-only numpy arrays.

    digits: the 8×8 images split 75/25 by ``seed``. adult: one-hot categoricals and
    standardized numbers (capital gains log-scaled); the original train/test files are the
    split (the same for every ``seed``), and ``groups_train`` is each training row's
    ``workclass`` (None for digits).

    >>> X, y, Xt, yt, _ = federated_data("digits", 0)
    >>> X.shape, Xt.shape
    ((1347, 64), (450, 64))
    """
    check_choice("dataset", dataset, DATASETS)
    return _digits_arrays(seed) if dataset == "digits" else _adult_arrays()


def _read_only(arrays):
    for a in (a for a in arrays if a is not None):
        a.flags.writeable = False
    return arrays


@functools.lru_cache(maxsize=4)
def _digits_arrays(seed):
    from trustlab.data import load_digits

    s = load_digits(seed=seed)
    return _read_only((s.X_train, s.y_train, s.X_test, s.y_test, None))


@functools.lru_cache(maxsize=1)
def _adult_arrays():
    # Adult's split is its two files: one cached copy serves every seed.
    import pandas as pd

    from trustlab.data import load_adult

    frame = load_adult()
    num = frame[_ADULT_NUMERIC].astype("float64")
    num[["capital_gain", "capital_loss"]] = np.log1p(num[["capital_gain", "capital_loss"]])
    train = (frame["split"] == "train").to_numpy()
    mean, std = num[train].mean(), num[train].std()
    cats = pd.get_dummies(frame[_ADULT_CATEGORICAL], dtype="float32")
    X = np.hstack([((num - mean) / std).to_numpy("float32"), cats.to_numpy("float32")])
    y = frame["label"].to_numpy("int64")
    groups = frame["workclass"].astype(str).to_numpy(object)
    return _read_only((X[train], y[train], X[~train], y[~train], groups[train]))


@functools.lru_cache(maxsize=2)
def adult_sex(split="train") -> np.ndarray:
    """Each Adult row's ``sex`` in ``split`` ("train" or "test"), aligned with :func:`federated_data`."""
    from trustlab.data import load_adult

    check_choice("split", split, ("train", "test"))
    frame = load_adult()
    sex = frame.loc[(frame["split"] == split).to_numpy(), "sex"].astype(str).to_numpy(object)
    sex.flags.writeable = False
    return sex


@functools.lru_cache(maxsize=64)
def client_partitions(dataset, partitioning, num_partitions, alpha, seed) -> tuple:
    """Training-set indices of every client, cached (clients of one run share it)."""
    check_choice("partitioning", partitioning, PARTITIONINGS)
    _, y, _, _, groups = federated_data(dataset, seed)
    if partitioning == "iid":
        return tuple(iid_partition(y, num_partitions, seed=seed))
    if partitioning == "dirichlet":
        return tuple(dirichlet_partition(y, num_partitions, alpha, seed=seed))
    if groups is None:
        raise ValueError(f"partitioning='natural' needs a dataset with groups ('adult'), got {dataset!r}")
    parts, names = natural_partition(groups, min_size=ADULT_MIN_GROUP)
    if num_partitions != len(parts):
        raise ValueError(f"num_clients must be {len(parts)} for adult by workclass ({', '.join(names)}), "
                         f"got {num_partitions}")
    return tuple(parts)


def check_group_resample(dataset, group_resample) -> float:
    """``group_resample`` as a float in [0, 1]; a ValueError unless 0 or the dataset is Adult."""
    strength = check_number("group_resample", group_resample, 0, 1)
    if strength > 0 and dataset != "adult":
        raise ValueError(f"group_resample needs a dataset with a sex column ('adult'), got dataset={dataset!r}")
    return strength


def client_data(partition_id, num_partitions, *, dataset="digits", partitioning="dirichlet",
                alpha=0.5, seed=0, group_resample=0.0):
    """``(X, y)`` held by client ``partition_id`` (of ``num_partitions``).

    ``group_resample`` in [0, 1] (Adult only) makes each client resample its own rows with
    Kamiran & Calders' weights by sex (:func:`trustlab.fairness.groups.sampling.uniform_resample`):
    a local pre-processing step, so no raw data leaves the client.

    >>> X, y = client_data(0, 10, partitioning="iid")
    >>> X.shape
    (135, 64)
    """
    check_int("num_partitions", num_partitions, 1)
    check_int("partition_id", partition_id, 0, num_partitions - 1)
    strength = check_group_resample(dataset, group_resample)
    X, y, *_ = federated_data(dataset, seed)
    idx = _client_rows(dataset, partitioning, int(num_partitions), float(alpha), seed, int(partition_id), strength)
    return X[idx], y[idx]


@functools.lru_cache(maxsize=1024)
def _client_rows(dataset, partitioning, num_partitions, alpha, seed, partition_id, strength):
    """One client's training rows (resampled), cached: a client reads them every round."""
    idx = client_partitions(dataset, partitioning, num_partitions, alpha, seed)[partition_id]
    if strength > 0:
        from trustlab.fairness.groups.sampling import uniform_resample

        _, y, *_ = federated_data(dataset, seed)
        local = int(np.random.SeedSequence([seed, partition_id, 7]).generate_state(1)[0])
        idx = idx[uniform_resample(adult_sex()[idx], y[idx], strength, seed=local)]
    return _read_only((np.array(idx),))[0]


def build_model(dataset="digits", *, seed=0) -> torch.nn.Module:
    """The global model's architecture and seeded initial weights (a one-hidden-layer MLP)."""
    X, y, *_ = federated_data(dataset, seed)
    return mlp(X.shape[1], int(y.max()) + 1, hidden=(32,), seed=seed)


def local_seed(seed, server_round, partition_id) -> int:
    """The shuffling seed of one client in one round: different everywhere, same on every engine.

    >>> local_seed(0, 1, 2) == local_seed(0, 1, 2) != local_seed(0, 2, 2)
    True
    """
    return int(np.random.SeedSequence([seed, server_round, partition_id]).generate_state(1)[0])


class ShuffledBatches:
    """Mini-batches of ``(X, y)`` in a fresh seeded order each epoch (an iterable for ``fit``).

    Slicing two tensors costs a few microseconds a batch; a DataLoader over a TensorDataset
    indexes and collates example by example, about ten times slower for these tiny clients,
    and a slider runs hundreds of client epochs.
    """

    def __init__(self, X, y, batch_size, *, seed=0):
        self.X, self.y = as_tensors(np.array(X), np.array(y))
        self.batch_size = check_int("batch_size", batch_size, 1)
        self.generator = torch_generator(seed)

    def __iter__(self):
        order = torch.randperm(len(self.y), generator=self.generator)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            yield self.X[idx], self.y[idx]


def local_train(model, X, y, *, epochs=1, lr=0.1, batch_size=32, proximal_mu=0.0, seed=0) -> float:
    """Train ``model`` in place on one client's data; return the last epoch's mean loss.

    With ``proximal_mu`` > 0 the loss gains FedProx's μ/2·‖w − w_global‖², where w_global are
    the weights the model had on entry (the global model the server sent).
    """
    check_number("lr", lr, 0, None, low_open=True)
    mu = check_number("proximal_mu", proximal_mu, 0)
    global_params = [p.detach().clone() for p in model.parameters()]
    ce = torch.nn.CrossEntropyLoss()

    def loss_fn(logits, target):
        loss = ce(logits, target)
        if mu > 0:
            prox = sum(((p - g) ** 2).sum() for p, g in zip(model.parameters(), global_params))
            loss = loss + mu / 2 * prox
        return loss

    loader = ShuffledBatches(X, y, batch_size, seed=seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    return fit(model, loader, opt, epochs, loss_fn=loss_fn)


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
    """The logits of :func:`build_model`'s network with weights ``arrays`` on rows ``X``, in float64.

    >>> arrays = [p.detach().numpy() for p in build_model("digits", seed=0).parameters()]
    >>> logits_arrays(arrays, federated_data("digits", 0)[2]).shape
    (450, 10)
    """
    return _forward(_relu_layers(arrays), np.asarray(X, dtype=np.float64))[0]


def local_train_arrays(arrays, X, y, *, epochs=1, lr=0.1, batch_size=32, proximal_mu=0.0, seed=0):
    """:func:`local_train` on the model's arrays: the same SGD steps in float64 numpy.

    ``arrays`` are the state dict's arrays of :func:`build_model` (Linear weight, bias, …, ReLU
    between). The batches are the same (a ``torch.randperm`` per epoch from
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
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if X.ndim != 2 or y.shape != (len(X),) or not len(y):
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
