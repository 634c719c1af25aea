"""The Flower ClientApp: local training and evaluation on one client's partition.

A Flower 1.x message-API ``ClientApp`` (Beutel et al. 2020, "Flower: A Friendly Federated
Learning Framework"). The same ``app`` object runs in trustlab's in-process runner, on Flower's
simulation engine and on SuperNodes (``flwr run``). Everything a client needs to build its data
comes in the server's ConfigRecord; its identity comes from ``context.node_config``
(``partition-id``, ``num-partitions``), as Flower's simulation engine and SuperNodes set it.

Importing this module sets ``FLWR_TELEMETRY_ENABLED=0`` and ``FLWR_DISABLE_UPDATE_CHECK=1``
in ``os.environ`` (unless already set) *before* importing flwr: a teaching kit that runs
offline never phones home. This is its only side effect.
"""

from __future__ import annotations

import os
import threading

import torch

os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
os.environ.setdefault("FLWR_DISABLE_UPDATE_CHECK", "1")

from flwr.app import ArrayRecord, Context, Message, MetricRecord, RecordDict  # noqa: E402
from flwr.clientapp import ClientApp  # noqa: E402
from flwr.clientapp.mod import fixedclipping_mod  # noqa: E402

from trustlab.federated import local, task  # noqa: E402

__all__ = ["app", "clip_if_requested_mod", "client_config"]

#: The ClientApp referenced by the Flower app's pyproject (``trustlab.federated.client_app:app``).
app = ClientApp()


def client_config(message: Message, context: Context) -> dict:
    """Partition id, client count and the task settings the server sent, as plain values."""
    config = dict(message.content["config"])
    return {
        "partition_id": int(context.node_config["partition-id"]),
        "num_partitions": int(context.node_config["num-partitions"]),
        "dataset": str(config["dataset"]),
        "partitioning": str(config["partitioning"]),
        "alpha": float(config["alpha"]),
        "seed": int(config["seed"]),
        "group_resample": float(config.get("group-resample", 0.0)),
        "config": config,
    }


_models = threading.local()


def _model(dataset):
    # The architecture, built once per thread and kept in float64, the clients' arithmetic
    # (trustlab.federated.local): every call overwrites all its weights with the server's.
    cache = _models.__dict__
    if dataset not in cache:
        cache[dataset] = task.build_model(dataset).to(local.COMPUTE_DTYPE)
    return cache[dataset]


def _data_settings(cfg):
    return dict(dataset=cfg["dataset"], partitioning=cfg["partitioning"], alpha=cfg["alpha"],
                seed=cfg["seed"], group_resample=cfg["group_resample"])


def _load(message, context):
    """The client's settings, the received global model and the client's data (cached tensors)."""
    cfg = client_config(message, context)
    X, y = task.client_tensors(cfg["partition_id"], cfg["num_partitions"], **_data_settings(cfg))
    model = _model(cfg["dataset"])
    model.load_state_dict(message.content["arrays"].to_torch_state_dict())
    model.zero_grad(set_to_none=True)
    return cfg, model, X, y


def clip_if_requested_mod(msg: Message, ctxt: Context, call_next) -> Message:
    """Flower's ``fixedclipping_mod`` when the server asks for client-side clipping, else a no-op.

    ``DifferentialPrivacyClientSideFixedClipping`` puts ``clipping_norm`` in the train config;
    without it the same ClientApp serves plain FedAvg/FedProx runs.
    """
    if "clipping_norm" in msg.content["config"]:
        return fixedclipping_mod(msg, ctxt, call_next)
    return call_next(msg, ctxt)


@app.train(mods=[clip_if_requested_mod])
def train(msg: Message, context: Context) -> Message:
    """Train the received global model on the local data; reply with its weights and size.

    With ``local-trainer = "numpy"`` in the config the same float64 SGD runs on the arrays
    (:func:`trustlab.federated.local.local_train_arrays`), without a torch module.
    """
    cfg = client_config(msg, context)
    c = cfg["config"]
    settings = dict(epochs=int(c["local-epochs"]), lr=float(c["lr"]), batch_size=int(c["batch-size"]),
                    proximal_mu=float(c.get("proximal-mu", 0.0)),
                    seed=task.local_seed(cfg["seed"], int(c["server-round"]), cfg["partition_id"]))
    received = msg.content["arrays"]
    if c.get("local-trainer", "torch") == "numpy":
        X, y = task.client_data(cfg["partition_id"], cfg["num_partitions"], **_data_settings(cfg))
        weights, loss = local.local_train_arrays(received.to_numpy_ndarrays(), X, y, **settings)
        sent = dict(zip(received.keys(), (torch.from_numpy(w) for w in weights)))
    else:
        cfg, model, X, y = _load(msg, context)
        loss = local.local_train(model, X, y, **settings)
        sent = local.wire_state_dict(model)  # float32 (local.WIRE_DTYPE), as the global model travels
    # How far local training moved the model (client drift; before any DP clipping).
    drift = sum(float(((w.double() - torch.from_numpy(r).double()) ** 2).sum())
                for w, r in zip(sent.values(), received.to_numpy_ndarrays())) ** 0.5
    raw = sum(a.nbytes for a in task.client_data(cfg["partition_id"], cfg["num_partitions"], **_data_settings(cfg)))
    metrics = MetricRecord({"train-loss": float(loss), "num-examples": len(y), "unit-weight": 1,
                            "raw-bytes": raw, "update-norm": drift})
    reply = RecordDict({"arrays": ArrayRecord(sent), "metrics": metrics})
    return Message(reply, reply_to=msg)


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    """Accuracy of the received global model on this client's own data."""
    cfg, model, X, y = _load(msg, context)
    acc, loss = task.evaluate(model, X, y)
    metrics = MetricRecord({"accuracy": float(acc), "loss": float(loss), "num-examples": len(y),
                            "unit-weight": 1})
    return Message(RecordDict({"metrics": metrics}), reply_to=msg)


@app.query()
def query(msg: Message, context: Context) -> Message:
    """Tell the server which partition this node holds (it samples clients in that order)."""
    pid = int(context.node_config["partition-id"])
    return Message(RecordDict({"metrics": MetricRecord({"partition-id": pid})}), reply_to=msg)
