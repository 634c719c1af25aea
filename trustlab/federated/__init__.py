"""Federated learning: clients train locally and send model updates, never their raw data.

Partitions (IID, Dirichlet label skew, natural groups), the task without Flower, a real Flower
ClientApp/ServerApp (FedAvg, FedProx, DP wrappers), an in-process runner for sliders beside
Flower's simulation engine, results over several seeds, and plots and explorers. Importing
this package imports no flwr.
"""

from trustlab.federated.api import run_federated
from trustlab.federated.dp import (DPFederatedResult, client_level_epsilon, compute_dp_federated,
                                   row_level_epsilon)
from trustlab.federated.partition import (
    dirichlet_partition,
    iid_partition,
    label_distribution,
    natural_partition,
)
from trustlab.federated.results import FederatedResult, FederatedSeeds, run_federated_seeds, train_central

__all__ = ["DPFederatedResult", "FederatedResult", "FederatedSeeds", "client_level_epsilon", "compute_dp_federated",
           "dirichlet_partition", "iid_partition", "label_distribution", "natural_partition",
           "row_level_epsilon", "run_federated", "run_federated_seeds", "train_central"]
