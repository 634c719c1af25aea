"""Client-level differential privacy for FedAvg: Flower's fixed-clipping wrappers and the ε they spend.

DP-FedAvg (McMahan et al. 2018, "Learning differentially private recurrent language models";
Geyer et al. 2017): each client's update is clipped to L2 norm C, the server averages the m
sampled updates uniformly and adds N(0, (σC/m)²) — Flower's
``DifferentialPrivacyServerSideFixedClipping`` (or ``...ClientSide...`` with the clipping done
by the client's ``fixedclipping_mod``). One round is one Gaussian-mechanism step on the set of
clients, so client-level ε comes from Opacus' RDP accountant (via
:func:`trustlab.privacy.accounting.epsilon`) with sample rate m/K and one step per round. With
every client taking part each round (m = K) there is no sampling amplification to claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustlab._validate import check_choice, check_int, check_number

__all__ = ["DPFederatedResult", "client_level_epsilon", "compute_dp_federated"]


def client_level_epsilon(noise_multiplier, num_rounds, sample_rate=1.0, delta=1e-5) -> float:
    """ε spent on every client by ``num_rounds`` noisy rounds (Opacus RDP accountant).

    Smaller is better; it bounds how much any one *client's* whole data set can change the
    final model. Sampling amplification (``sample_rate`` < 1) assumes Poisson sampling of
    clients; Flower samples a fixed number, so with ``sample_rate`` < 1 the value is the
    usual approximation.

    >>> round(client_level_epsilon(1.0, 5), 2)
    12.3
    """
    from trustlab.privacy.accounting import epsilon

    return epsilon(noise_multiplier, sample_rate, check_int("num_rounds", num_rounds, 1), delta=delta)


@dataclass(frozen=True, eq=False)
class DPFederatedResult:
    """A DP-FedAvg run: its :class:`~trustlab.federated.api.FederatedResult` and the ε it spent."""

    run: object
    noise_multiplier: float
    clipping_norm: float
    epsilon: float
    delta: float

    @property
    def final_accuracy(self) -> float:
        return self.run.final_accuracy

    @property
    def global_accuracy(self):
        return self.run.global_accuracy

    def summary(self) -> str:
        """One rounded line: σ, C, accuracy and client-level ε."""
        return (f"sigma={self.noise_multiplier:.2f} C={self.clipping_norm:.2f} "
                f"clients={self.run.num_clients} rounds={self.run.config['num-server-rounds']}: "
                f"global acc={self.final_accuracy:.3f}  client-level epsilon={self.epsilon:.2f} "
                f"(delta={self.delta:g})")


def compute_dp_federated(noise_multiplier=1.0, clipping_norm=1.0, *, num_clients=10, num_rounds=5,
                         alpha=100.0, clipping="server", delta=1e-5, seed=0,
                         engine="inprocess") -> DPFederatedResult:
    """Run FedAvg under Flower's fixed-clipping DP wrapper; account client-level ε.

    Every client trains every round (fraction 1), weights are uniform, and the DP noise is
    drawn from a seeded generator — seeded noise is for reproducible teaching only.

    >>> r = compute_dp_federated(1.0, 1.0, num_clients=4, num_rounds=2)
    >>> round(r.epsilon, 2), 0 <= r.final_accuracy <= 1
    (7.08, True)
    """
    from trustlab.federated.api import run_federated

    sigma = check_number("noise_multiplier", noise_multiplier, 0, 100, low_open=True)
    c = check_number("clipping_norm", clipping_norm, 0, None, low_open=True)
    check_choice("clipping", clipping, ("server", "client"))
    check_number("delta", delta, 0, 1, low_open=True, high_open=True)
    run = run_federated(num_clients, num_rounds, 1, alpha, 1.0, "fedavg", seed, engine, dp=clipping,
                        noise_multiplier=sigma, clipping_norm=c)
    return DPFederatedResult(run, sigma, c, client_level_epsilon(sigma, num_rounds, 1.0, delta), delta)
