"""A plain-language privacy statement for a DP-SGD run, in the style of TensorFlow Privacy's.

TensorFlow Privacy's ``compute_dp_sgd_privacy_statement`` says what unit is protected
(example- or user-level), under which adjacency, at which δ, with which accountant, and that
its Poisson-sampling number does not prove anything for a shuffled data order. The kit's wording
keeps those parts and adds what ε means for an attacker, from :mod:`trustlab.privacy.risk`.
Shuffling: Chua et al. ("How private are DP-SGD implementations?", ICML 2024) show that shuffled
fixed-size batches can be markedly less private than the Poisson accountant reports.
"""

from __future__ import annotations

__all__ = ["privacy_statement"]


def _pct(p) -> str:
    return f"{100 * p:.2g} %" if p < 0.1 else f"{100 * p:.0f} %"


def privacy_statement(risk) -> str:
    """The statement for a :class:`trustlab.privacy.risk.RiskResult` (several short lines).

    >>> from trustlab.privacy.risk import compute_risk
    >>> print(privacy_statement(compute_risk(1.0, 0.01, 10)))  # doctest: +ELLIPSIS
    DP-SGD: noise multiplier 1, each example in each batch with probability 0.01 (Poisson sampling), 1,000 steps (10 epochs).
    Example-level DP (add or remove one training example): epsilon = 1.83 at delta = 1e-05 (PLD accountant, dp-accounting).
    ...
    An attacker who flags 1 % of non-members as members can catch at most 2.9 % of members ...
    """
    from trustlab.privacy.risk.bound import RiskResult

    if not isinstance(risk, RiskResult):
        raise TypeError(f"risk must be a trustlab.privacy.risk.RiskResult (compute_risk), got {type(risk).__name__}")
    r = risk
    unit = ("Example-level DP (add or remove one training example)" if r.group_size == 1 else
            f"Group-level DP for {r.group_size} records (each sampled on its own)")
    lines = [
        f"DP-SGD: noise multiplier {r.noise_multiplier:g}, each example in each batch with probability "
        f"{r.sample_rate:g} (Poisson sampling), {r.steps:,} steps ({r.epochs:.3g} epochs).",
        f"{unit}: epsilon = {r.epsilon:.2f} at delta = {r.delta:g} (PLD accountant, dp-accounting).",
        "It covers every intermediate model, not only the final one, and holds for any data, any "
        "attacker and any amount of computation.",
    ]
    if r.group_size == 1:
        lines.append("User-level: a person with k examples is covered only as a group of k "
                     "(group_size=k), which is weaker. Client-level DP in federated learning covers "
                     "adding or removing a whole client; for one row whose client is replaced, use "
                     "group_size=2 (every client in every round).")
    t1, t01, t10 = r.tpr_at[0.01], r.tpr_at[0.001], r.tpr_at[0.1]
    lines += [
        f"An attacker who flags 1 % of non-members as members can catch at most {_pct(t1)} of "
        f"members (at 0.1 %: {_pct(t01)}; at 10 %: {_pct(t10)}); no attack's ROC AUC exceeds "
        f"{r.auc:.3f} (the (epsilon, delta) pair alone allows {r.auc_epsilon_delta:.3f}).",
        "Caveat: the accountant assumes Poisson sampling. A trainer that shuffles the data and cuts "
        "fixed-size batches is not covered by this number: shuffled batches can be markedly less "
        "private (Chua et al. 2024). The kit's Opacus path samples as assumed; its seeded noise is "
        "for reproducible teaching only.",
    ]
    return "\n".join(lines)
