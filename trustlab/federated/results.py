"""What federated runs produce: one run, one setting over several seeds, the centralized baseline.

:class:`FederatedResult` is one Flower run (read from the history ``server_main`` records).

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
from dataclasses import dataclass, field

import numpy as np

from trustlab._validate import check_int
from trustlab.stats import Interval, format_ci, mean_ci

__all__ = ["CentralResult", "FederatedResult", "FederatedSeeds", "result_from_history", "run_federated_seeds",
           "seed_list", "setting_text", "train_central"]


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


@dataclass(frozen=True, eq=False)
class FederatedResult:
    """What one federated run produced, round by round.

    ``global_accuracy[r]`` is the global model's test accuracy after round r (r = 0: the
    initial model). ``client_accuracy[r - 1]`` holds, for round r, the global model's accuracy
    on each client's own data (partition order). ``bytes_uploaded[r - 1]`` is what the
    round's trained clients sent (Flower's ``count_bytes`` of the reply records);
    ``raw_bytes[r - 1]`` is the size of those clients' training arrays, which never left them.
    ``update_norms[r - 1]`` holds ‖w_k − w_global‖ of each trained client's update in round r
    (in ``participants`` order, before any DP clipping): how far local training drifted.
    """

    config: dict
    num_clients: int
    engine: str
    global_accuracy: tuple
    client_accuracy: tuple
    participants: tuple
    bytes_uploaded: tuple
    bytes_downloaded: tuple
    raw_bytes: tuple
    final_weights: dict = field(repr=False)
    seconds: float = float("nan")
    update_norms: tuple = ()

    @property
    def final_accuracy(self) -> float:
        """Test accuracy of the final global model."""
        return self.global_accuracy[-1]

    @property
    def worst_client_accuracy(self) -> float:
        """Lowest per-client accuracy of the final global model (who is left behind)."""
        return float(min(self.client_accuracy[-1]))

    def summary(self) -> str:
        """One rounded line (one seed: compare settings with :func:`run_federated_seeds`)."""
        up, raw = np.mean(self.bytes_uploaded), np.mean(self.raw_bytes)
        return (f"{setting_text(self.config, self.num_clients)}: global acc={self.final_accuracy:.2f} "
                f"worst client={self.worst_client_accuracy:.2f} (1 seed) "
                f"upload/round={up / 1e3:.1f} kB vs raw data {raw / 1e3:.1f} kB")


def setting_text(config, num_clients) -> str:
    """``fedprox mu=0.1 clients=10 alpha=0.5 rounds=5 epochs=1``: a run config in one line."""
    c = config
    extra = f" mu={c['proximal-mu']:g}" if c["strategy"] == "fedprox" else ""
    split = f"alpha={c['alpha']:g}" if c["partitioning"] == "dirichlet" else f"{c['partitioning']} split"
    return (f"{c['strategy']}{extra} clients={num_clients} {split} rounds={c['num-server-rounds']} "
            f"epochs={c['local-epochs']}")


def result_from_history(history, engine, seconds=float("nan")) -> FederatedResult:
    """A :class:`FederatedResult` from the JSON-able history ``server_main`` returns or writes."""
    trains = [r for r in history["rounds"] if r["type"] == "train"]
    evals = [r for r in history["rounds"] if r["type"] == "evaluate"]
    errors = [e for r in history["rounds"] for e in r["errors"]]
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed, first: {errors[0]}")
    n = history["num_clients"]

    def by_partition(entry):
        acc = np.full(n, np.nan)
        if entry is not None:
            acc[entry["partitions"]] = [m["accuracy"] for m in entry["metrics"]]
        return tuple(float(a) for a in acc)

    # A round whose clients did not evaluate (evaluate_clients "last_round" or "never") is all NaN.
    evals_by_round = {e.get("round", r): e for r, e in enumerate(evals, start=1)}
    return FederatedResult(
        config=dict(history["config"]), num_clients=n, engine=engine,
        global_accuracy=tuple(history["global_accuracy"]),
        client_accuracy=tuple(by_partition(evals_by_round.get(r)) for r in range(1, len(trains) + 1)),
        participants=tuple(tuple(t["partitions"]) for t in trains),
        bytes_uploaded=tuple(int(t["bytes_up"]) for t in trains),
        bytes_downloaded=tuple(int(t["bytes_down"]) for t in trains),
        raw_bytes=tuple(int(sum(m["raw-bytes"] for m in t["metrics"])) for t in trains),
        final_weights={k: np.asarray(v, dtype=np.float32) for k, v in history["final_weights"].items()},
        seconds=seconds,
        update_norms=tuple(tuple(float(m.get("update-norm", np.nan)) for m in t["metrics"]) for t in trains))


def _ci(values, digits=2) -> str:
    return format_ci(mean_ci(values), digits, seeds=False)


@dataclass(frozen=True, eq=False)
class FederatedSeeds:
    """One federated setting run with several seeds: the per-seed runs and their intervals.

    ``runs[k]`` is the :class:`~trustlab.federated.results.FederatedResult` of ``seeds[k]``.
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
        up, raw = np.mean(self.bytes_uploaded), np.mean(self.raw_bytes)
        n = len(self.seeds)
        return (f"{setting_text(self.config, self.num_clients)}: global acc={_ci(self.final_accuracy)} "
                f"worst client={_ci(self.worst_client_accuracy)} ({n} seed{'s' if n > 1 else ''}) "
                f"upload/round={up / 1e3:.1f} kB vs raw data {raw / 1e3:.1f} kB")


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

    from trustlab._validate import check_choice, check_number
    from trustlab.federated.task import DATASETS

    check_choice("dataset", dataset, DATASETS)
    check_int("epochs", epochs, 1, 1000)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
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
