"""Client-level differential privacy for FedAvg: Flower's fixed-clipping wrappers and the ε they spend.

DP-FedAvg (McMahan et al. 2018, "Learning differentially private recurrent language models";
Geyer et al. 2017): each client's update is clipped to L2 norm C, the server averages the m
sampled updates uniformly and adds N(0, (σC/m)²) — Flower's
``DifferentialPrivacyServerSideFixedClipping`` (or ``...ClientSide...`` with the clipping done
by the client's ``fixedclipping_mod``). m is fixed and public (McMahan et al.'s fixed-denominator
estimator), so the noise is σC on the *sum* of clipped updates.

What one round protects (the kit's reading of the standard argument):

- *Adding or removing one client* changes the clipped sum by at most C: a Gaussian mechanism
  with noise multiplier σ. This is the neighbouring relation of Opacus' RDP accountant, so
  :func:`client_level_epsilon` (sample rate m/K, one step per round) is ε for adding or removing
  one client's whole data set.
- *Replacing one client's update* by another changes the sum by up to 2C (from +C in one
  direction to +C in the opposite one): the same mechanism with noise multiplier σ/2, i.e.
  group privacy for a group of 2.
- *One row* of a client's data can change that client's update arbitrarily within the
  clipping ball, so a row-level (membership) view faces the replace-one-client guarantee:
  :func:`row_level_epsilon`. Client-level ε does not carry over to single rows unchanged.

With every client taking part each round (m = K) there is no sampling amplification to claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustlab._validate import check_choice, check_int, check_number
from trustlab.stats import format_ci

__all__ = ["DPFederatedResult", "client_level_epsilon", "compute_dp_federated", "row_level_epsilon"]


def client_level_epsilon(noise_multiplier, num_rounds, sample_rate=1.0, delta=1e-5) -> float:
    """ε spent on every client by ``num_rounds`` noisy rounds (Opacus RDP accountant).

    Smaller is better; it bounds how much adding or removing one *client's* whole data set can
    change the final model (not one row: see :func:`row_level_epsilon`). Sampling amplification (``sample_rate`` < 1) assumes Poisson sampling of
    clients; Flower samples a fixed number, so with ``sample_rate`` < 1 the value is the
    usual approximation.

    >>> round(client_level_epsilon(1.0, 5), 2)
    12.3
    """
    from trustlab.privacy.accounting import epsilon

    return epsilon(noise_multiplier, sample_rate, check_int("num_rounds", num_rounds, 1), delta=delta)


def row_level_epsilon(noise_multiplier, num_rounds, delta=1e-5) -> float:
    """ε for one row of one client's data: the replace-one-client guarantee (every client, every round).

    Replacing one client's clipped update moves the clipped sum by up to 2C, so each round is a
    Gaussian mechanism with noise multiplier σ/2 (group privacy for 2 clients, exact here because
    every client takes part in every round). Larger than :func:`client_level_epsilon` at the
    same σ. A membership attack on single rows is bounded by this ε, or more tightly by
    ``trustlab.privacy.risk.attack_auc_bound(noise_multiplier=σ, sample_rate=1.0,
    steps=num_rounds, group_size=2)``.

    >>> round(row_level_epsilon(8.0, 5), 2), round(client_level_epsilon(8.0, 5), 2)
    (2.45, 1.14)
    """
    sigma = check_number("noise_multiplier", noise_multiplier, 0, None, low_open=True)
    return client_level_epsilon(sigma / 2, num_rounds, 1.0, delta)


@dataclass(frozen=True, eq=False)
class DPFederatedResult:
    """DP-FedAvg runs, one per seed (:class:`~trustlab.federated.results.FederatedSeeds`), and the ε spent.

    ε does not depend on the seed: it comes from σ, the rounds and the sampling rate only.
    """

    runs: object
    noise_multiplier: float
    clipping_norm: float
    epsilon: float
    delta: float
    row_epsilon: float = float("nan")

    @property
    def run(self):
        """The first seed's :class:`~trustlab.federated.results.FederatedResult`."""
        return self.runs.runs[0]

    @property
    def final_accuracy(self):
        """Test accuracy of each seed's final global model (an array over seeds)."""
        return self.runs.final_accuracy

    @property
    def global_accuracy(self):
        """Test accuracy per seed and round, shape (seeds, rounds + 1)."""
        return self.runs.global_accuracy

    def summary(self) -> str:
        """One rounded line: σ, C, accuracy (mean±95 % interval over seeds) and client-level ε."""
        n = len(self.runs.seeds)
        return (f"sigma={self.noise_multiplier:.2f} C={self.clipping_norm:.2f} "
                f"clients={self.run.num_clients} rounds={self.run.config['num-server-rounds']}: "
                f"global acc={format_ci(self.final_accuracy, 2, seeds=False)} ({n} seed{'s' if n > 1 else ''})  "
                f"epsilon: one client {self.epsilon:.2f}, one row {self.row_epsilon:.2f} (delta={self.delta:g})")


def compute_dp_federated(noise_multiplier=1.0, clipping_norm=1.0, *, num_clients=10, num_rounds=5,
                         alpha=100.0, clipping="server", delta=1e-5, seed=0, n_seeds=1,
                         engine="inprocess", local_trainer="torch") -> DPFederatedResult:
    """Run FedAvg under Flower's fixed-clipping DP wrapper, once per seed; account client-level ε.

    Every client trains every round (fraction 1), weights are uniform, and the DP noise is
    drawn from a seeded generator — seeded noise is for reproducible teaching only. Seeds are
    ``seed, seed + 1, …`` (``n_seeds`` of them), each a whole federation (split, partition,
    initial weights, batch order, noise). ``engine="simulation"`` runs each seed on Flower's
    simulation engine (Ray). ``local_trainer="numpy"``: the clients run the same float64 SGD on
    the model's arrays (:func:`trustlab.federated.local.local_train_arrays`; what the explorer
    uses, about twice as fast a move).

    >>> r = compute_dp_federated(1.0, 1.0, num_clients=4, num_rounds=2)
    >>> round(r.epsilon, 2), bool(0 <= r.final_accuracy.min() <= 1)
    (7.08, True)
    """
    from trustlab.federated.api import run_federated
    from trustlab.federated.results import FederatedSeeds, seed_list

    sigma = check_number("noise_multiplier", noise_multiplier, 0, 100, low_open=True)
    c = check_number("clipping_norm", clipping_norm, 0, None, low_open=True)
    check_choice("clipping", clipping, ("server", "client"))
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    seeds = seed_list(seed, n_seeds)
    check_int("num_rounds", num_rounds, 1, 200)
    runs = tuple(run_federated(num_clients, num_rounds, 1, alpha, 1.0, "fedavg", s, engine, dp=clipping,
                               noise_multiplier=sigma, clipping_norm=c, evaluate_clients="last_round",
                               local_trainer=local_trainer)
                 for s in seeds)
    return DPFederatedResult(FederatedSeeds(runs, seeds), sigma, c,
                             client_level_epsilon(sigma, num_rounds, 1.0, delta), delta,
                             row_level_epsilon(sigma, num_rounds, delta))
