"""``run_federated``: one call runs the Flower app in-process or on Flower's simulation engine.

FedAvg (McMahan et al. 2017) and FedProx (Li et al. 2020) through the real Flower ClientApp
and ServerApp (``client_app.py``, ``server_app.py``). ``engine="inprocess"`` uses
:mod:`trustlab.federated.inprocess` (no Ray, a fraction of a second: what sliders call);
``engine="simulation"`` uses ``flwr.simulation.run_simulation`` with Ray sized for a 2 GB
machine. Both give the same numbers for the same seed (``tests/federated/test_parity.py``).
flwr is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field

import numpy as np

from trustlab._random import check_seed
from trustlab._validate import check_choice, check_int, check_number

__all__ = ["ENGINES", "STRATEGIES", "FederatedResult", "quiet_flower", "ray_backend_config", "run_federated"]

ENGINES = ("inprocess", "simulation")
STRATEGIES = ("fedavg", "fedprox")
#: Ray's object store for simulations: small, so Ray fits Binder's 64 MB-ish /dev/shm budget
#: and a 2 GB machine (Ray's default is 30 % of RAM).
OBJECT_STORE_BYTES = 80 * 1024**2


@dataclass(frozen=True, eq=False)
class FederatedResult:
    """What one federated run produced, round by round.

    ``global_accuracy[r]`` is the global model's test accuracy after round r (r = 0: the
    initial model). ``client_accuracy[r - 1]`` holds, for round r, the global model's accuracy
    on each client's own data (partition order). ``bytes_uploaded[r - 1]`` is what the
    round's trained clients sent (Flower's ``count_bytes`` of the reply records);
    ``raw_bytes[r - 1]`` is the size of those clients' training arrays, which never left them.
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

    @property
    def final_accuracy(self) -> float:
        """Test accuracy of the final global model."""
        return self.global_accuracy[-1]

    @property
    def worst_client_accuracy(self) -> float:
        """Lowest per-client accuracy of the final global model (who is left behind)."""
        return float(min(self.client_accuracy[-1]))

    def summary(self) -> str:
        """One rounded line: accuracy, the worst client, bytes sent vs raw data per round."""
        c = self.config
        up, raw = np.mean(self.bytes_uploaded), np.mean(self.raw_bytes)
        extra = f" mu={c['proximal-mu']:g}" if c["strategy"] == "fedprox" else ""
        split = f"alpha={c['alpha']:g}" if c["partitioning"] == "dirichlet" else f"{c['partitioning']} split"
        return (f"{c['strategy']}{extra} clients={self.num_clients} {split} "
                f"rounds={c['num-server-rounds']} epochs={c['local-epochs']}: "
                f"global acc={self.final_accuracy:.3f} worst client={self.worst_client_accuracy:.3f} "
                f"upload/round={up / 1e3:.1f} kB vs raw data {raw / 1e3:.1f} kB")


@contextlib.contextmanager
def quiet_flower(level=logging.ERROR):
    """Silence Flower's INFO logs (about 84 lines a run) inside a block; restore the level after."""
    import flwr  # noqa: F401  (the "flwr" logger is configured on import; set it after)

    logger = logging.getLogger("flwr")
    previous = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)


def ray_backend_config(num_cpus=1, object_store_bytes=OBJECT_STORE_BYTES) -> dict:
    """Flower simulation ``backend_config`` for a 2-core, 2 GB machine: quiet, no dashboard.

    One CPU for Ray means one worker process running ClientApps one after another: each
    worker imports torch and trustlab (about 550 MB here), and Ray's own services add about
    500 MB, so a second worker would push a 2 GB machine over the edge for little speed-up
    (start-up dominates these small runs).

    >>> cfg = ray_backend_config()
    >>> cfg["init_args"]["include_dashboard"], cfg["client_resources"]["num_cpus"]
    (False, 1)
    """
    return {
        "client_resources": {"num_cpus": 1, "num_gpus": 0.0},
        "init_args": {"num_cpus": int(num_cpus), "object_store_memory": int(object_store_bytes),
                      "include_dashboard": False, "log_to_driver": False,
                      "logging_level": logging.ERROR, "configure_logging": True},
    }


def _validate(num_clients, num_rounds, local_epochs, alpha, fraction_fit, strategy, seed, engine):
    check_int("num_clients", num_clients, 2, 1000)
    check_int("num_rounds", num_rounds, 1, 200)
    check_int("local_epochs", local_epochs, 1, 50)
    check_number("alpha", alpha, 0, None, low_open=True)
    check_number("fraction_fit", fraction_fit, 0, 1, low_open=True)
    check_choice("strategy", strategy, STRATEGIES)
    check_seed(seed)
    check_choice("engine", engine, ENGINES)


def _validate_training(proximal_mu, dataset, partitioning, lr, batch_size, dp, noise_multiplier,
                       clipping_norm, group_resample):
    """Everything a client or the server would refuse, refused here before any client starts."""
    from trustlab.federated.task import DATASETS, PARTITIONINGS

    check_number("proximal_mu", proximal_mu, 0)
    check_choice("dataset", dataset, DATASETS)
    check_choice("partitioning", partitioning, PARTITIONINGS)
    check_number("lr", lr, 0, None, low_open=True)
    check_int("batch_size", batch_size, 1)
    check_choice("dp", dp, ("none", "server", "client"))
    # Checked even with dp="none" (where they are unused): a typo is refused, not ignored.
    check_number("noise_multiplier", noise_multiplier, 0)
    check_number("clipping_norm", clipping_norm, 0, None, low_open=True)
    check_number("group_resample", group_resample, 0, 1)


def _simulate(server_app, client_app, num_clients):
    from flwr.simulation import run_simulation

    saved = os.environ.get("PYTHONPATH")  # Flower's Ray backend rewrites it; give it back
    try:
        run_simulation(server_app=server_app, client_app=client_app, num_supernodes=num_clients,
                       backend_config=ray_backend_config())
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def run_federated(num_clients=10, num_rounds=5, local_epochs=1, alpha=0.5, fraction_fit=1.0,
                  strategy="fedavg", seed=0, engine="inprocess", *, proximal_mu=0.1, dataset="digits",
                  partitioning="dirichlet", lr=0.5, batch_size=16, dp="none", noise_multiplier=1.0,
                  clipping_norm=1.0, group_resample=0.0) -> FederatedResult:
    """Train a model with FedAvg or FedProx over ``num_clients`` simulated clients.

    Parameters
    ----------
    num_clients : int in [2, 1000]
    num_rounds : int
        Server rounds (each: train on the sampled clients, aggregate, evaluate).
    local_epochs : int
        Epochs each sampled client trains per round.
    alpha : float > 0
        Dirichlet label-skew concentration (``partitioning="dirichlet"``): small = non-IID.
    fraction_fit : float in (0, 1]
        Share of the clients sampled to train each round (at least one).
    strategy : {"fedavg", "fedprox"}
    seed : int
        Seeds the split, the model's initial weights, sampling, shuffling and DP noise.
    engine : {"inprocess", "simulation"}
    proximal_mu : float
        FedProx's μ (ignored by FedAvg).
    dataset, partitioning : ``"digits"`` / ``"adult"``; ``"iid"``, ``"dirichlet"``, ``"natural"``.
    lr : float > 0
        Clients' learning rate (finite).
    batch_size : int >= 1
        Clients' mini-batch size (an exact integer: 2.9 is refused, not truncated).
    dp : {"none", "server", "client"}
        Flower's DP wrapper with fixed clipping (server- or client-side clipping).
    noise_multiplier, clipping_norm : float
        DP noise σ >= 0 and clipping norm C > 0 (finite; checked even when ``dp="none"``).
    group_resample : float in [0, 1]
        Adult only: each client resamples its rows by sex and label before training
        (:func:`trustlab.federated.task.client_data`); 0 leaves the data as it is.

    Examples
    --------
    >>> r = run_federated(num_clients=4, num_rounds=2, alpha=100, seed=0)
    >>> len(r.global_accuracy), len(r.client_accuracy[-1]), r.final_accuracy > r.global_accuracy[0]
    (3, 4, True)
    """
    _validate(num_clients, num_rounds, local_epochs, alpha, fraction_fit, strategy, seed, engine)
    _validate_training(proximal_mu, dataset, partitioning, lr, batch_size, dp, noise_multiplier,
                       clipping_norm, group_resample)
    overrides = {"num-server-rounds": int(num_rounds), "fraction-train": float(fraction_fit),
                 "local-epochs": int(local_epochs), "lr": float(lr), "batch-size": int(batch_size),
                 "strategy": strategy, "proximal-mu": float(proximal_mu), "dataset": dataset,
                 "partitioning": partitioning, "alpha": float(alpha), "seed": int(seed),
                 "min-nodes": int(num_clients), "dp": dp, "noise-multiplier": float(noise_multiplier),
                 "clipping-norm": float(clipping_norm), "group-resample": float(group_resample)}
    from trustlab.federated import task

    # Fail here, with a clear message, rather than inside every client.
    task.client_partitions(dataset, partitioning, int(num_clients), float(alpha), int(seed))
    task.check_group_resample(dataset, group_resample)

    from trustlab.federated.client_app import app as client_app
    from trustlab.federated.server_app import make_server_app

    sink: list = []
    start = time.perf_counter()
    with quiet_flower():
        server_app = make_server_app(overrides, sink)
        if engine == "inprocess":
            from trustlab.federated.inprocess import run_inprocess

            run_inprocess(server_app, client_app, num_clients)
        else:
            _simulate(server_app, client_app, num_clients)
    if not sink:
        raise RuntimeError("the Flower run ended without a result (see Flower's log above)")
    return result_from_history(sink[0], engine, time.perf_counter() - start)


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
        acc[entry["partitions"]] = [m["accuracy"] for m in entry["metrics"]]
        return tuple(float(a) for a in acc)

    return FederatedResult(
        config=dict(history["config"]), num_clients=n, engine=engine,
        global_accuracy=tuple(history["global_accuracy"]),
        client_accuracy=tuple(by_partition(e) for e in evals),
        participants=tuple(tuple(t["partitions"]) for t in trains),
        bytes_uploaded=tuple(int(t["bytes_up"]) for t in trains),
        bytes_downloaded=tuple(int(t["bytes_down"]) for t in trains),
        raw_bytes=tuple(int(sum(m["raw-bytes"] for m in t["metrics"])) for t in trains),
        final_weights={k: np.asarray(v, dtype=np.float32) for k, v in history["final_weights"].items()},
        seconds=seconds)
