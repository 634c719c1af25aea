"""Federated results over several seeds, and the centralized baseline they are compared with.

A seed fixes a whole federation: the digits train/test split, the partition into clients, the
initial weights, the clients sampled each round, every client's batch order and any DP noise.
A setting run with seeds s, s+1, … gives one value per seed; the notebooks print the mean and a
95 % Student-t interval over seeds (:mod:`trustlab.stats`) and call a difference between two
settings an effect only when the intervals do not overlap (the kit's rule). Each seed is a real
Flower run through :func:`trustlab.federated.api.run_federated`.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

import numpy as np

from trustlab._validate import check_int
from trustlab.stats import Interval, format_ci, mean_ci

__all__ = ["CentralResult", "FederatedSeeds", "run_federated_seeds", "seed_list", "train_central"]


def seed_list(seed=0, n_seeds=5, seeds=None) -> tuple:
    """The seeds of a multi-seed result: ``seeds`` if given, else ``seed, seed + 1, …`` (``n_seeds``).

    >>> seed_list(0, 3), seed_list(seeds=[7, 2])
    ((0, 1, 2), (7, 2))
    """
    if seeds is None:
        start = check_int("seed", seed, 0)
        return tuple(range(start, start + check_int("n_seeds", n_seeds, 1, 100)))
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__len__"):
        raise TypeError(f"seeds must be a sequence of non-negative ints, got {seeds!r:.60}")
    out = tuple(check_int(f"seeds[{i}]", s, 0) for i, s in enumerate(seeds))
    if not 1 <= len(out) <= 100 or len(set(out)) != len(out):
        raise ValueError(f"seeds must hold 1 to 100 distinct seeds, got {list(out)!r:.60}")
    return out


def _ci(values, digits=2) -> str:
    return format_ci(mean_ci(values), digits, seeds=False)


@dataclass(frozen=True, eq=False)
class FederatedSeeds:
    """One federated setting run with several seeds: the per-seed runs and their intervals.

    ``runs[k]`` is the :class:`~trustlab.federated.api.FederatedResult` of ``seeds[k]``.
    Accuracies are arrays over seeds; :meth:`interval` turns any of them into a mean and a 95 %
    interval. Bytes do not depend on the seed (every update has the model's size).
    """

    runs: tuple
    seeds: tuple

    @property
    def config(self) -> dict:
        """The setting (the first seed's run config)."""
        return self.runs[0].config

    @property
    def num_clients(self) -> int:
        return self.runs[0].num_clients

    @property
    def global_accuracy(self) -> np.ndarray:
        """Test accuracy of the global model, shape (seeds, rounds + 1); column 0 is round 0."""
        return np.array([r.global_accuracy for r in self.runs])

    @property
    def final_accuracy(self) -> np.ndarray:
        """Test accuracy of each seed's final global model."""
        return self.global_accuracy[:, -1]

    @property
    def worst_client_accuracy(self) -> np.ndarray:
        """Each seed's lowest per-client accuracy of the final global model."""
        return np.array([r.worst_client_accuracy for r in self.runs])

    @property
    def client_accuracy(self) -> np.ndarray:
        """Each seed's per-client accuracies of the final model, sorted worst to best (seeds, clients).

        Client k of one seed holds other data than client k of another, so only the sorted
        order (the worst, the second worst, …) is comparable across seeds.
        """
        return np.sort(np.array([r.client_accuracy[-1] for r in self.runs]), axis=1)

    @property
    def update_norm(self) -> np.ndarray:
        """Each seed's mean ‖w_k − w_global‖ over every trained client and round (client drift)."""
        return np.array([np.mean([n for rnd in r.update_norms for n in rnd]) for r in self.runs])

    @property
    def bytes_uploaded(self) -> tuple:
        return self.runs[0].bytes_uploaded

    @property
    def raw_bytes(self) -> tuple:
        return self.runs[0].raw_bytes

    @property
    def seconds(self) -> float:
        return float(sum(r.seconds for r in self.runs))

    def interval(self, values=None) -> Interval:
        """Mean and 95 % interval over seeds of ``values`` (default: the final accuracy)."""
        return mean_ci(self.final_accuracy if values is None else values)

    def accuracy_after(self, server_round) -> Interval:
        """The global model's test accuracy after ``server_round`` (0: the initial model)."""
        rounds = self.global_accuracy.shape[1] - 1
        return mean_ci(self.global_accuracy[:, check_int("server_round", server_round, 0, rounds)])

    def summary(self) -> str:
        """One rounded line: the setting, accuracy and the worst client (mean±95 % interval), bytes."""
        c = self.config
        extra = f" mu={c['proximal-mu']:g}" if c["strategy"] == "fedprox" else ""
        split = f"alpha={c['alpha']:g}" if c["partitioning"] == "dirichlet" else f"{c['partitioning']} split"
        up, raw = np.mean(self.bytes_uploaded), np.mean(self.raw_bytes)
        worst = self.worst_client_accuracy
        worst_text = _ci(worst) if np.all(np.isfinite(worst)) else "undefined (clients did not evaluate)"
        return (f"{c['strategy']}{extra} clients={self.num_clients} {split} rounds={c['num-server-rounds']} "
                f"epochs={c['local-epochs']}: global acc={_ci(self.final_accuracy)} worst client={worst_text} "
                f"({len(self.seeds)} seeds) upload/round={up / 1e3:.1f} kB vs raw data {raw / 1e3:.1f} kB")


def _run_federated_kwargs() -> set:
    from trustlab.federated.api import run_federated

    return set(inspect.signature(run_federated).parameters) - {"seed", "engine"}


def run_federated_seeds(*, seed=0, n_seeds=5, seeds=None, on_seed=None, **kwargs) -> FederatedSeeds:
    """Run one federated setting once per seed (in-process Flower runs) and keep every run.

    Parameters
    ----------
    seed, n_seeds, seeds : int, int, sequence of int
        The seeds: ``seeds`` if given, else ``seed, seed + 1, …, seed + n_seeds − 1``.
    on_seed : callable, optional
        ``on_seed(done, total)`` after each seed (progress bars).
    **kwargs
        Any keyword of :func:`~trustlab.federated.api.run_federated` except ``seed`` and
        ``engine`` (the runs are in-process). ``evaluate_clients`` defaults to ``"last_round"``
        here: a multi-seed result reads only the final round's per-client accuracies.

    Examples
    --------
    >>> r = run_federated_seeds(num_clients=4, num_rounds=2, alpha=100.0, n_seeds=3)
    >>> r.global_accuracy.shape, bool(r.final_accuracy.mean() > r.global_accuracy[:, 0].mean())
    ((3, 3), True)
    """
    from trustlab.federated.api import run_federated

    unknown = sorted(set(kwargs) - _run_federated_kwargs())
    if unknown:
        raise TypeError(f"run_federated_seeds got unknown settings {unknown}; allowed: "
                        f"{sorted(_run_federated_kwargs())} (seeds come from seed/n_seeds/seeds)")
    chosen = seed_list(seed, n_seeds, seeds)
    kwargs.setdefault("evaluate_clients", "last_round")
    runs = []
    for k, s in enumerate(chosen):
        runs.append(run_federated(seed=s, engine="inprocess", **kwargs))
        if on_seed is not None:
            on_seed(k + 1, len(chosen))
    return FederatedSeeds(tuple(runs), chosen)


@dataclass(frozen=True, eq=False)
class CentralResult:
    """The federated model trained on the pooled training data, once per seed."""

    accuracy: np.ndarray
    seeds: tuple
    epochs: int

    def summary(self) -> str:
        """One rounded line: epochs and test accuracy (mean±95 % interval over seeds)."""
        return f"centralized epochs={self.epochs}: test acc={_ci(self.accuracy)} ({len(self.seeds)} seeds)"


def train_central(dataset="digits", *, epochs=5, lr=0.5, batch_size=16, seed=0, n_seeds=5,
                  seeds=None) -> CentralResult:
    """The baseline: the same model and SGD as a client, on all the training data in one place.

    Seed s uses the federation's split and initial weights of seed s (what
    :func:`run_federated_seeds` compares it with) and its own batch order.

    >>> r = train_central(epochs=1, seeds=[1, 2, 3])
    >>> r.accuracy.shape, r.summary()
    ((3,), 'centralized epochs=1: test acc=0.67±0.35 (3 seeds)')
    """
    from trustlab.federated.local import evaluate, local_train
    from trustlab.federated.task import build_model, federated_data

    check_int("epochs", epochs, 1, 1000)
    chosen = seed_list(seed, n_seeds, seeds)
    acc = []
    for s in chosen:
        X, y, X_test, y_test, _ = federated_data(dataset, s)
        model = build_model(dataset, seed=s)
        local_train(model, X, y, epochs=epochs, lr=lr, batch_size=batch_size, seed=s)
        acc.append(evaluate(model, X_test, y_test)[0])
    if not all(math.isfinite(a) for a in acc):  # pragma: no cover - evaluate returns finite values
        raise RuntimeError("a centralized run gave a non-finite accuracy")
    return CentralResult(np.array(acc), chosen, int(epochs))
