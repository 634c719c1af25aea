"""The Flower ServerApp: FedAvg or FedProx, optionally wrapped in Flower's DP fixed-clipping.

FedAvg: McMahan et al. (2017), "Communication-efficient learning of deep networks from
decentralized data"; FedProx: Li et al. (2020), "Federated optimization in heterogeneous
networks"; client-level DP with fixed clipping: McMahan et al. (2018) / Geyer et al. (2017),
as Flower's ``DifferentialPrivacy*SideFixedClipping`` wrappers implement it.

Aggregation, clipping and the message loop are Flower's (``Strategy.start``). Two things are
made reproducible, because notebooks check their numbers: Flower samples nodes with the global
``random`` module and draws DP noise with the global ``np.random``; here both draw from
generators seeded by the run's ``seed`` (subclasses below override only those steps). Replies are
put in partition order before aggregation, so float sums are the same on every engine.

Importing this module sets ``FLWR_TELEMETRY_ENABLED=0`` and ``FLWR_DISABLE_UPDATE_CHECK=1``
(unless already set) before importing flwr; nothing else.
"""

from __future__ import annotations

import json
import os
import random
import time

os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
os.environ.setdefault("FLWR_DISABLE_UPDATE_CHECK", "1")

import numpy as np  # noqa: E402
from flwr.app import Array, ArrayRecord, ConfigRecord, Context, Message, MessageType, MetricRecord, RecordDict  # noqa: E402,E501
from flwr.serverapp import Grid, ServerApp  # noqa: E402
from flwr.serverapp.strategy import (  # noqa: E402
    DifferentialPrivacyClientSideFixedClipping,
    DifferentialPrivacyServerSideFixedClipping,
    FedAvg,
    FedProx,
)
from flwr.supercore.differential_privacy import compute_stdv  # noqa: E402

from trustlab.federated import local, task  # noqa: E402

__all__ = ["DEFAULT_CONFIG", "RecordingGrid", "SeededFedAvg", "SeededFedProx", "app", "build_strategy",
           "make_server_app", "server_main"]

#: The run config (keys as in the Flower app's ``[tool.flwr.app.config]``) and its defaults.
DEFAULT_CONFIG = {
    "num-server-rounds": 5, "fraction-train": 1.0, "local-epochs": 1, "lr": 0.1, "batch-size": 32,
    "strategy": "fedavg", "proximal-mu": 0.1, "dataset": "digits", "partitioning": "dirichlet",
    "alpha": 0.5, "seed": 0, "min-nodes": 2, "dp": "none", "noise-multiplier": 1.0,
    "clipping-norm": 1.0, "group-resample": 0.0, "evaluate-clients": "every_round", "result-path": "",
    # "numpy": clients run local.local_train_arrays (the same float64 SGD without a torch module).
    "local-trainer": "torch",
}
#: When every client evaluates the global model on its own data: after every round, only after
#: the last (what the per-client plots show), or never (the global model is still evaluated
#: centrally every round). Training is the same either way.
EVALUATE_CLIENTS = ("every_round", "last_round", "never")
_CLIENT_KEYS = ("local-epochs", "lr", "batch-size", "dataset", "partitioning", "alpha", "seed",
                "group-resample")


class SeededFedAvg(FedAvg):
    """Flower's FedAvg, sampling clients with a seeded ``random.Random`` in partition order."""

    def __init__(self, *args, seed=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rng = random.Random(seed)
        self.node_order: list[int] | None = None  # node ids by partition id, set by server_main
        self.evaluate_from_round = 1  # clients evaluate from this round on (server_main sets it)

    def _nodes(self, grid):
        live = set(grid.get_node_ids())
        order = self.node_order or sorted(live)
        return [n for n in order if n in live]

    def configure_train(self, server_round, arrays, config, grid):
        # FedAvg.configure_train with random.sample(...) replaced by the seeded generator.
        if self.fraction_train == 0.0:
            return []
        nodes = self._nodes(grid)
        k = min(len(nodes), max(int(len(nodes) * self.fraction_train), self.min_train_nodes))
        chosen = set(self.rng.sample(nodes, k))
        config["server-round"] = server_round
        record = RecordDict({self.arrayrecord_key: arrays, self.configrecord_key: config})
        return self._construct_messages(record, [n for n in nodes if n in chosen], MessageType.TRAIN)

    def configure_evaluate(self, server_round, arrays, config, grid):
        # Every client evaluates the global model: the per-client spread is the point.
        if server_round < self.evaluate_from_round:
            return []
        config["server-round"] = server_round
        record = RecordDict({self.arrayrecord_key: arrays, self.configrecord_key: config})
        return self._construct_messages(record, self._nodes(grid), MessageType.EVALUATE)


class SeededFedProx(FedProx, SeededFedAvg):
    """Flower's FedProx (it only adds ``proximal-mu`` to the train config) with seeded sampling."""

    def __init__(self, *, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.rng = random.Random(seed)
        self.evaluate_from_round = 1


class _SeededNoise:
    """Flower's DP wrappers add N(0, (σC/m)²) with ``np.random``; this uses a seeded Generator."""

    noise_rng: np.random.Generator

    def _add_noise_to_aggregated_arrays(self, aggregated_arrays):
        stdv = compute_stdv(self.noise_multiplier, self.clipping_norm, self.num_sampled_clients)
        return ArrayRecord({k: Array(np.asarray(v + self.noise_rng.normal(0, stdv, v.shape).astype(v.dtype)))
                            for k, v in zip(aggregated_arrays.keys(), aggregated_arrays.to_numpy_ndarrays())})


class _ServerSideDP(_SeededNoise, DifferentialPrivacyServerSideFixedClipping):
    pass


class _ClientSideDP(_SeededNoise, DifferentialPrivacyClientSideFixedClipping):
    pass


def build_strategy(config, num_clients):
    """The Flower strategy a run config asks for (DP wrappers need equal client weights)."""
    seed = int(config["seed"])
    dp = config["dp"]
    common = dict(fraction_train=float(config["fraction-train"]), min_train_nodes=1, min_evaluate_nodes=1,
                  min_available_nodes=1, seed=seed,
                  # DP noise σC/m matches the sensitivity of a *uniform* average of clipped updates.
                  weighted_by_key="unit-weight" if dp != "none" else "num-examples")
    if config["strategy"] == "fedprox":
        base = SeededFedProx(proximal_mu=float(config["proximal-mu"]), **common)
    elif config["strategy"] == "fedavg":
        base = SeededFedAvg(**common)
    else:
        raise ValueError(f"strategy must be 'fedavg' or 'fedprox', got {config['strategy']!r}")
    if dp == "none":
        return base, base
    m = min(num_clients, max(int(num_clients * base.fraction_train), 1))
    wrapper = {"server": _ServerSideDP, "client": _ClientSideDP}.get(dp)
    if wrapper is None:
        raise ValueError(f"dp must be 'none', 'server' or 'client', got {dp!r}")
    strategy = wrapper(base, float(config["noise-multiplier"]), float(config["clipping-norm"]), m)
    strategy.noise_rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    return strategy, base


def _count_bytes(message):
    return sum(record.count_bytes() for record in message.content.values())


class ForwardingGrid(Grid):
    """A Grid that forwards every call to ``self.grid``; subclasses override what they observe."""

    def __init__(self, grid):
        self.grid = grid

    def set_run(self, run):
        self.grid.set_run(run)

    @property
    def run(self):
        return self.grid.run

    def create_message(self, content, message_type, dst_node_id, group_id, ttl=None):
        return self.grid.create_message(content, message_type, dst_node_id, group_id, ttl)

    def get_node_ids(self):
        return self.grid.get_node_ids()

    def push_messages(self, messages):
        return self.grid.push_messages(messages)

    def pull_messages(self, message_ids):
        return self.grid.pull_messages(message_ids)

    def send_and_receive(self, messages, *, timeout=None):
        return self.grid.send_and_receive(messages, timeout=timeout)


class RecordingGrid(ForwardingGrid):
    """A Grid that forwards to another and records what went through: bytes, per-client metrics.

    Replies come back in partition order, so aggregation sums in the same order on every engine.
    """

    def __init__(self, grid, partition_of):
        super().__init__(grid)
        self.partition_of = dict(partition_of)
        self.rounds: list[dict] = []

    def send_and_receive(self, messages, *, timeout=None):
        messages = list(messages)
        down = sum(_count_bytes(m) for m in messages)
        replies = sorted(self.grid.send_and_receive(messages, timeout=timeout),
                         key=lambda r: self.partition_of.get(r.metadata.src_node_id, -1))
        if not messages:
            return replies
        ok = [r for r in replies if not r.has_error()]
        entry = {"type": messages[0].metadata.message_type, "bytes_down": down,
                 "round": int(messages[0].content.config_records.get("config", {}).get("server-round", 0)),
                 "bytes_up": sum(_count_bytes(r) for r in ok),
                 "partitions": [self.partition_of.get(r.metadata.src_node_id) for r in ok],
                 "metrics": [dict(r.content["metrics"]) for r in ok],
                 "errors": [str(r.error.reason) for r in replies if r.has_error()]}
        self.rounds.append(entry)
        return replies


def _query_partitions(grid, min_nodes, timeout):
    deadline = time.time() + timeout
    while len(list(grid.get_node_ids())) < min_nodes:
        if time.time() > deadline:
            raise RuntimeError(f"only {len(list(grid.get_node_ids()))} of {min_nodes} nodes connected")
        time.sleep(0.2)
    queries = [Message(RecordDict(), dst_node_id=n, message_type=MessageType.QUERY) for n in grid.get_node_ids()]
    replies = grid.send_and_receive(queries, timeout=timeout)
    return {r.metadata.src_node_id: int(r.content["metrics"]["partition-id"]) for r in replies if not r.has_error()}


def server_main(grid: Grid, context: Context, overrides=None) -> dict:
    """Run the configured strategy on ``grid``; return the history as a JSON-able dict.

    The config is :data:`DEFAULT_CONFIG`, updated by ``context.run_config`` (``flwr run``) and
    then by ``overrides`` (the Python API). With ``result-path`` set, the history is also
    written there as JSON (how ``flwr run`` hands results back).
    """
    cfg = {**DEFAULT_CONFIG, **dict(context.run_config), **(overrides or {})}
    partition_of = _query_partitions(grid, int(cfg["min-nodes"]), timeout=600)
    strategy, base = build_strategy(cfg, len(partition_of))
    base.node_order = sorted(partition_of, key=partition_of.get)
    if cfg["evaluate-clients"] not in EVALUATE_CLIENTS:
        raise ValueError(f"evaluate-clients must be one of {EVALUATE_CLIENTS}, got {cfg['evaluate-clients']!r}")
    if cfg["evaluate-clients"] != "every_round":
        rounds = int(cfg["num-server-rounds"])
        base.evaluate_from_round = rounds if cfg["evaluate-clients"] == "last_round" else rounds + 1
    seed = int(cfg["seed"])
    model = task.build_model(cfg["dataset"], seed=seed)
    _, _, X_test, y_test, _ = task.federated_data(cfg["dataset"], seed)
    X_test, y_test = local.as_compute_tensors(X_test, y_test)  # converted once, not every round

    def central_evaluate(server_round, arrays):
        model.load_state_dict(arrays.to_torch_state_dict())
        acc, loss = task.evaluate(model, X_test, y_test)
        return MetricRecord({"accuracy": acc, "loss": loss})

    recording = RecordingGrid(grid, partition_of)
    # Sent only when not the default, so default runs send the same bytes as before.
    keys = _CLIENT_KEYS + (("local-trainer",) if cfg["local-trainer"] != "torch" else ())
    result = strategy.start(grid=recording, initial_arrays=ArrayRecord(model.state_dict()),
                            num_rounds=int(cfg["num-server-rounds"]),
                            train_config=ConfigRecord({k: cfg[k] for k in keys}),
                            evaluate_config=ConfigRecord({k: cfg[k] for k in keys}),
                            evaluate_fn=central_evaluate)
    history = {
        "config": {k: v for k, v in cfg.items()},
        "num_clients": len(partition_of),
        "global_accuracy": [float(result.evaluate_metrics_serverapp[r]["accuracy"])
                            for r in sorted(result.evaluate_metrics_serverapp)],
        "rounds": recording.rounds,
        "final_weights": {k: v.tolist() for k, v in zip(result.arrays.keys(), result.arrays.to_numpy_ndarrays())},
    }
    if cfg["result-path"]:
        with open(cfg["result-path"], "w") as fh:
            json.dump(history, fh)
    return history


def make_server_app(overrides=None, sink=None) -> ServerApp:
    """A ServerApp running :func:`server_main` with ``overrides``; its history is appended to ``sink``."""
    server_app = ServerApp()

    @server_app.main()
    def main(grid: Grid, context: Context) -> None:
        history = server_main(grid, context, overrides)
        if sink is not None:
            sink.append(history)

    return server_app


#: The ServerApp referenced by the Flower app's pyproject (``trustlab.federated.server_app:app``).
app = make_server_app()
