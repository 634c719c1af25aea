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

import numpy as np

from trustlab._random import check_seed
from trustlab._validate import check_choice, check_int, check_number
from trustlab.federated.results import FederatedResult, result_from_history, setting_text  # noqa: F401

__all__ = ["ENGINES", "LEAN_HEAD", "STRATEGIES", "FederatedResult", "lean_ray_head", "live_child_processes",
           "quiet_flower", "ray_backend_config", "run_federated"]

ENGINES = ("inprocess", "simulation")
STRATEGIES = ("fedavg", "fedprox")
#: Ray's object store for simulations: small, so Ray fits Binder's 64 MB-ish /dev/shm budget
#: and a 2 GB machine (Ray's default is 30 % of RAM).
OBJECT_STORE_BYTES = 80 * 1024**2


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

    One CPU for Ray means one worker process, reused for every ClientApp one after another
    (``num_cpus=2``, Ray's default on 2 cores, adds a second worker: about 550 MB more, and no
    faster). The 80 MB object store (Ray's default is 30 % of RAM), ``include_dashboard=False``,
    ``RAY_USAGE_STATS_ENABLED=0`` and ``MALLOC_ARENA_MAX=2`` each changed the total by under
    5 MB: the store's pages are touched only when used. What did change notebook 21's peak
    (kernel + Ray's processes, PSS sampled at one instant, ``benchmarks/run.py``; 1,416 MB
    before, 1,011 MB after): :func:`lean_ray_head` (-129 MB), the clients' ``local.PlainSGD``
    in place of ``torch.optim`` (no ``torch._dynamo`` import: -138 MB) and digits loaded
    without scikit-learn and pandas (``trustlab._split``: -137 MB), the last two in the kernel
    and in Ray's worker alike.

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


def _validate(num_clients, num_rounds, local_epochs, alpha, fraction_fit, strategy, seed, engine, proximal_mu,
              dataset, partitioning, lr, batch_size, dp, noise_multiplier, clipping_norm, group_resample,
              evaluate_clients, local_trainer):
    """Everything a client or the server would refuse, refused here before any client starts."""
    from trustlab.federated.task import DATASETS, PARTITIONINGS

    check_int("num_clients", num_clients, 2, 1000)
    check_int("num_rounds", num_rounds, 1, 200)
    check_int("local_epochs", local_epochs, 1, 50)
    check_number("alpha", alpha, 0, None, low_open=True)
    check_number("fraction_fit", fraction_fit, 0, 1, low_open=True)
    check_choice("strategy", strategy, STRATEGIES)
    check_seed(seed)
    check_choice("engine", engine, ENGINES)
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
    check_choice("evaluate_clients", evaluate_clients, ("every_round", "last_round", "never"))
    check_choice("local_trainer", local_trainer, ("torch", "numpy"))


def live_child_processes(exclude=(), timeout=0.0) -> list:
    """This process's live child processes (zombies left out), after waiting up to ``timeout`` s.

    Ray stops its processes asynchronously after a simulation: a count taken the moment
    ``run_simulation`` returns can still see one. ``exclude``: pids already running before.
    """
    import psutil

    deadline = time.monotonic() + check_number("timeout", timeout, 0, 600)
    while True:
        live = []
        for proc in psutil.Process().children(recursive=True):
            try:
                if proc.pid not in exclude and proc.status() != psutil.STATUS_ZOMBIE:
                    live.append(proc)
            except psutil.NoSuchProcess:
                pass
        if not live or time.monotonic() >= deadline:
            return live
        time.sleep(0.1)


#: Head processes that ``ray.init`` starts by default and a one-machine simulation never uses:
#: the autoscaler's monitor (this cluster never scales) and the log monitor (it streams the
#: workers' logs to the driver, which ``log_to_driver=False`` discards). Without them Ray keeps
#: the GCS, the raylet, its API server and two agents (``benchmarks/run.py`` says what each saved).
LEAN_HEAD = {"no_monitor": True, "include_log_monitor": False}


@contextlib.contextmanager
def lean_ray_head():
    """Inside this block a new local Ray cluster starts without :data:`LEAN_HEAD`'s processes.

    ``ray.init`` exposes no argument for them, so its node parameters (``RayParams``) get these
    defaults for the block's duration; a Ray whose ``RayParams`` lacks either name is left as
    it is (the process-count test in ``tests/federated`` then fails and says so).
    """
    import inspect

    from ray._private import parameter

    base = parameter.RayParams
    if not set(LEAN_HEAD) <= set(inspect.signature(base.__init__).parameters):
        yield
        return

    class LeanRayParams(base):
        def __init__(self, *args, **kwargs):
            for name, value in LEAN_HEAD.items():
                kwargs.setdefault(name, value)
            super().__init__(*args, **kwargs)

    parameter.RayParams = LeanRayParams
    try:
        yield
    finally:
        parameter.RayParams = base


def _simulate(server_app, client_app, num_clients):
    from flwr.simulation import run_simulation

    # Flower's Ray backend rewrites PYTHONPATH: give it back. Ray reports usage statistics to
    # usage-stats.ray.io a minute after start unless RAY_USAGE_STATS_ENABLED=0 (read by the
    # processes ray.init starts); set it for this run unless the caller chose otherwise.
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "RAY_USAGE_STATS_ENABLED")}
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    before = {proc.pid for proc in live_child_processes()}
    try:
        with lean_ray_head():
            run_simulation(server_app=server_app, client_app=client_app, num_supernodes=num_clients,
                           backend_config=ray_backend_config())
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        # Return once Ray's processes have exited (they stop asynchronously), for at most 20 s.
        live_child_processes(exclude=before, timeout=20.0)


def run_federated(num_clients=10, num_rounds=5, local_epochs=1, alpha=0.5, fraction_fit=1.0,
                  strategy="fedavg", seed=0, engine="inprocess", *, proximal_mu=0.1, dataset="digits",
                  partitioning="dirichlet", lr=0.5, batch_size=16, dp="none", noise_multiplier=1.0,
                  clipping_norm=1.0, group_resample=0.0, evaluate_clients="every_round",
                  local_trainer="torch") -> FederatedResult:
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
    evaluate_clients : {"every_round", "last_round", "never"}
        When every client evaluates the global model on its own data. ``"last_round"`` skips
        the earlier rounds' client evaluations (their ``client_accuracy`` entries are NaN):
        training and every other number stay exactly the same, and a run is faster (the
        per-client plots and ``worst_client_accuracy`` only read the last round).
        ``"never"``: no round has client evaluations (the global model is still evaluated
        centrally every round).
    local_trainer : {"torch", "numpy"}
        The clients' SGD: on the torch module, or the same float64 steps on its arrays in
        numpy (:func:`trustlab.federated.local.local_train_arrays`, about six times faster;
        ``tests/federated`` checks the two agree).

    Examples
    --------
    >>> r = run_federated(num_clients=4, num_rounds=2, alpha=100, seed=0)
    >>> len(r.global_accuracy), len(r.client_accuracy[-1]), r.final_accuracy > r.global_accuracy[0]
    (3, 4, True)
    """
    _validate(num_clients, num_rounds, local_epochs, alpha, fraction_fit, strategy, seed, engine, proximal_mu,
              dataset, partitioning, lr, batch_size, dp, noise_multiplier, clipping_norm, group_resample,
              evaluate_clients, local_trainer)
    overrides = {"num-server-rounds": int(num_rounds), "fraction-train": float(fraction_fit),
                 "local-epochs": int(local_epochs), "lr": float(lr), "batch-size": int(batch_size),
                 "strategy": strategy, "proximal-mu": float(proximal_mu), "dataset": dataset,
                 "partitioning": partitioning, "alpha": float(alpha), "seed": int(seed),
                 "min-nodes": int(num_clients), "dp": dp, "noise-multiplier": float(noise_multiplier),
                 "clipping-norm": float(clipping_norm), "group-resample": float(group_resample),
                 "evaluate-clients": evaluate_clients, "local-trainer": local_trainer}
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
