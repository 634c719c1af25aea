"""Self-checks for the federated notebooks (20, 21): bandwidth, non-IID skew and client-level ε.

Each expected value is computed at check time by the trustlab function the exercise uses.
"""

from __future__ import annotations

import numpy as np

from trustlab.selfcheck import Choice, Number, register

SEED = 0
ALPHAS = (0.05, 0.1, 0.5, 1, 10, 100)  # the grid the exercise text names


@register("20.1", Number(rtol=0.0, atol=0.005),
          question="bytes uploaded per round with fraction_fit=0.3 divided by those with all 10 clients",
          hint="Every client uploads the same model; `run_federated(...).bytes_uploaded[0]` is one round's total.",
          insight="Upload volume is proportional to the number of clients sampled per round.")
def _bandwidth_ratio():
    from trustlab.federated import run_federated

    everyone = run_federated(num_clients=10, num_rounds=2, fraction_fit=1.0, seed=SEED)
    some = run_federated(num_clients=10, num_rounds=2, fraction_fit=0.3, seed=SEED)
    return some.bytes_uploaded[0] / everyone.bytes_uploaded[0]


@register("20.2", Choice(ALPHAS),
          question="the smallest alpha at which the worst client's mean accuracy over 5 seeds reaches 0.5",
          hint="For each α, run `run_federated_seeds(num_clients=10, num_rounds=5, alpha=α, seed=0, n_seeds=5)` "
               "and average `worst_client_accuracy`; small α means more skewed clients.",
          insight="The average accuracy hides the clients that non-IID skew leaves behind.")
def _smallest_alpha():
    from trustlab.federated.results import run_federated_seeds

    for alpha in sorted(ALPHAS):  # stop at the first: each α trains 5 federations of 10 clients
        r = run_federated_seeds(num_clients=10, num_rounds=5, alpha=alpha, seed=SEED, n_seeds=5)
        if r.worst_client_accuracy.mean() >= 0.5:
            return alpha
    raise RuntimeError("no alpha reaches a mean worst-client accuracy of 0.5")  # pragma: no cover


@register("21.1", Number(rtol=0.0, atol=0.05),
          question="epsilon with all clients divided by epsilon with 10 % sampled per round (sigma=1, 5 rounds)",
          hint="`client_level_epsilon(1.0, num_rounds=5, sample_rate=...)` with sample_rate 1.0 and 0.1; "
               "divide the first by the second.",
          insight="Amplification by sampling: a client that is rarely sampled leaks much less.")
def _amplification_factor():
    from trustlab.federated import client_level_epsilon

    return client_level_epsilon(1.0, num_rounds=5, sample_rate=1.0) / client_level_epsilon(
        1.0, num_rounds=5, sample_rate=0.1)


@register("21.2", Number(rtol=0.0, atol=0.01),
          question="the smallest sigma (in steps of 0.1) with client-level epsilon <= 3 after 5 full rounds",
          hint="Evaluate `client_level_epsilon(sigma, num_rounds=5)` for sigma = 0.5, 0.6, 0.7, … and stop at "
               "the first value at or below 3.",
          insight="Client-level ε grows with rounds, so more rounds need a larger σ.")
def _smallest_sigma():
    from trustlab.federated import client_level_epsilon

    for sigma in np.round(np.arange(0.5, 10.0, 0.1), 1):
        if client_level_epsilon(float(sigma), num_rounds=5) <= 3:
            return float(sigma)
    raise RuntimeError("no sigma below 10 reaches epsilon <= 3")  # pragma: no cover
