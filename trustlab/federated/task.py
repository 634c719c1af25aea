"""The federated task without Flower: data per client, the model, local training, evaluation.

As in Flower's examples, ``task.py`` holds no ``flwr`` import: the ClientApp and ServerApp call
these functions, so the same code runs in-process, on Flower's simulation engine and on
SuperNodes. Local training and evaluation live in :mod:`trustlab.federated.local` (FedAvg's
client update, McMahan et al. 2017, and FedProx's, Li et al. 2020) and are re-exported here, with :func:`local_train_arrays`, the same SGD on the
model's arrays in float64 numpy (about six times faster; what the capstone's sweeps use).
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from trustlab._random import torch_generator
from trustlab._validate import check_choice, check_int, check_number
from trustlab.federated.partition import dirichlet_partition, iid_partition, natural_partition
from trustlab.federated.local import (as_compute_tensors, evaluate, local_seed, local_train, local_train_arrays,
                                      logits_arrays)
from trustlab.models import mlp

__all__ = ["DATASETS", "PARTITIONINGS", "adult_sex", "build_model", "check_group_resample", "client_data",
           "client_partitions", "client_tensors", "evaluate", "federated_data", "local_seed", "local_train",
           "local_train_arrays", "logits_arrays"]

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
    split, and ``groups_train`` is each training row's ``workclass`` (None for digits).

    >>> X, y, Xt, yt, _ = federated_data("digits", 0)
    >>> X.shape, Xt.shape
    ((1347, 64), (450, 64))
    """
    check_choice("dataset", dataset, DATASETS)
    # Adult's split is the original files': one cached copy serves every seed.
    return _federated_arrays(dataset, check_int("seed", seed, 0) if dataset == "digits" else 0)


@functools.lru_cache(maxsize=4)
def _federated_arrays(dataset, seed):
    if dataset == "digits":
        from trustlab.data import load_digits

        s = load_digits(seed=seed)
        arrays = (s.X_train, s.y_train, s.X_test, s.y_test, None)
    else:
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
        arrays = (X[train], y[train], X[~train], y[~train], groups[train])
    for a in arrays:
        if a is not None:
            a.flags.writeable = False
    return arrays


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
    check_int("num_partitions", num_partitions, 1)
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


@functools.lru_cache(maxsize=2)
def _federation(num_partitions, dataset, partitioning, alpha, seed, group_resample) -> dict:
    # One federation's client data, filled as clients ask for it: a client asks twice a round
    # (train, evaluate), and a run's clients share one process in-process (and per Ray worker).
    # Kept: two federations (a run and the one before); for Adult about 40 MB each.
    return {}


def client_data(partition_id, num_partitions, *, dataset="digits", partitioning="dirichlet",
                alpha=0.5, seed=0, group_resample=0.0):
    """``(X, y)`` held by client ``partition_id`` (of ``num_partitions``), as read-only arrays.

    ``group_resample`` in [0, 1] (Adult only) makes each client resample its own rows with
    Kamiran & Calders' weights by sex (:func:`trustlab.fairness.groups.sampling.uniform_resample`):
    a local pre-processing step, so no raw data leaves the client. The arrays are computed once
    per process and federation, and handed out again on later calls (read-only, so no caller
    can change another's data).

    >>> X, y = client_data(0, 10, partitioning="iid")
    >>> X.shape, X.dtype, X.flags.writeable
    ((135, 64), dtype('float32'), False)
    """
    clients, pid, args = _client_entry(partition_id, num_partitions, dataset, partitioning, alpha, seed,
                                       group_resample)
    if pid not in clients:
        clients[pid] = _client_arrays(pid, *args)
    return clients[pid]


def client_tensors(partition_id, num_partitions, *, dataset="digits", partitioning="dirichlet",
                   alpha=0.5, seed=0, group_resample=0.0):
    """:func:`client_data` as the float64 / int64 tensors local training computes with (cached).

    >>> X, y = client_tensors(0, 10, partitioning="iid")
    >>> X.dtype, X.shape
    (torch.float64, torch.Size([135, 64]))
    """
    clients, pid, args = _client_entry(partition_id, num_partitions, dataset, partitioning, alpha, seed,
                                       group_resample)
    if ("tensors", pid) not in clients:
        if pid not in clients:
            clients[pid] = _client_arrays(pid, *args)
        clients["tensors", pid] = as_compute_tensors(*clients[pid])
    return clients["tensors", pid]


def _client_entry(partition_id, num_partitions, dataset, partitioning, alpha, seed, group_resample):
    check_choice("dataset", dataset, DATASETS)
    check_choice("partitioning", partitioning, PARTITIONINGS)
    num_partitions = check_int("num_partitions", num_partitions, 1)
    partition_id = check_int("partition_id", partition_id, 0, num_partitions - 1)
    strength = check_group_resample(dataset, group_resample)
    alpha = check_number("alpha", alpha, 0, None, low_open=True)
    seed = check_int("seed", seed, 0)
    args = (num_partitions, dataset, partitioning, alpha, seed, strength)
    return _federation(*args), partition_id, args


def _client_arrays(partition_id, num_partitions, dataset, partitioning, alpha, seed, strength):
    X, y, *_ = federated_data(dataset, seed)
    idx = client_partitions(dataset, partitioning, num_partitions, alpha, seed)[partition_id]
    if strength > 0:
        from trustlab.fairness.groups.sampling import uniform_resample

        local = int(np.random.SeedSequence([seed, partition_id, 7]).generate_state(1)[0])
        idx = idx[uniform_resample(adult_sex()[idx], y[idx], strength, seed=local)]
    X, y = X[idx], y[idx]
    X.flags.writeable = y.flags.writeable = False
    return X, y


def build_model(dataset="digits", *, seed=0) -> torch.nn.Module:
    """The global model's architecture and seeded initial weights (a one-hidden-layer MLP).

    The weights are float32, drawn as in :func:`trustlab.models.mlp` (uniform in ±1/√fan-in)
    but in float64 and then rounded: torch's float32 ``uniform_`` rounds differently with
    another CPU's kernels (half the weights of a 32-input layer move by one unit in the last
    place), which the chaotic training below turns into different accuracies.

    >>> model = build_model("digits", seed=0)
    >>> [tuple(p.shape) for p in model.parameters()], next(model.parameters()).dtype
    ([(32, 64), (32,), (10, 32), (10,)], torch.float32)
    """
    X, y, *_ = federated_data(dataset, seed)
    model = mlp(X.shape[1], int(y.max()) + 1, hidden=(32,), seed=seed)
    gen = torch_generator(seed)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, torch.nn.Linear):
                bound = 1.0 / layer.in_features**0.5
                for p in (layer.weight, layer.bias):
                    p.copy_(torch.empty(p.shape, dtype=torch.float64).uniform_(-bound, bound, generator=gen))
    return model
