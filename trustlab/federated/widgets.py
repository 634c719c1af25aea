"""Explorers for the federated notebooks (built on :class:`trustlab.widgets.Explorer`).

Both run the real Flower ClientApp and strategy through the in-process runner, once per seed:
a slider move is a few federated runs (about 0.2 s each for 10 clients × 5 rounds here), and
results show the mean over seeds with its 95 % interval. "seeds" trades speed for certainty.
The clients run their SGD on the model's arrays in float64 numpy (``local_trainer="numpy"``:
the same steps as the torch module, tested against it), which halves a move's time.
"""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_dp_federated_explorer", "make_federated_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


#: Seeds a slider move runs by default: 3 keep a move near one second on 2 cores.
DEFAULT_SEEDS = 3


def _seeds_control():
    return widgets.Dropdown(options=[("1 (fast, no interval)", 1), ("3", 3), ("5", 5)], value=DEFAULT_SEEDS,
                            description="seeds", style=_STYLE, layout=_LAYOUT)


def _run(num_clients, alpha, local_epochs, num_rounds, fraction_fit, strategy, n_seeds, seed):
    from trustlab.federated.results import run_federated_seeds

    name, mu = strategy.split(":") if ":" in strategy else (strategy, "0.1")
    return run_federated_seeds(num_clients=num_clients, num_rounds=num_rounds, local_epochs=local_epochs,
                               alpha=alpha, fraction_fit=fraction_fit, strategy=name, proximal_mu=float(mu),
                               seed=seed, n_seeds=n_seeds, local_trainer="numpy")


@explorer_builder
def make_federated_explorer(*, seed=0, preset=None) -> Explorer:
    """FedAvg/FedProx live: clients, α, local epochs, rounds, client fraction, strategy.

    Shows the global accuracy curve, each client's accuracy (who is left behind) and the
    bytes uploaded per round against the bytes of raw data those clients kept; accuracies are
    means over the seeds with 95 % intervals.

    >>> ex = make_federated_explorer(preset={"num_clients": 4, "num_rounds": 2, "n_seeds": 1})
    >>> ex.alpha.value = 100.0
    >>> ex.result.client_accuracy.shape, ex.result.config["alpha"]
    ((1, 4), 100.0)
    """
    from trustlab.federated.plots import plot_federated

    controls = {
        "num_clients": widgets.IntSlider(10, min=2, max=100, description="clients",
                                         continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "alpha": widgets.FloatLogSlider(0.5, base=10, min=-1.3, max=2, step=0.1, readout_format=".2g",
                                        description="α (small = non-IID)", continuous_update=False,
                                        style=_STYLE, layout=_LAYOUT),
        "local_epochs": widgets.IntSlider(1, min=1, max=10, description="local epochs",
                                          continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "num_rounds": widgets.IntSlider(5, min=1, max=20, description="rounds",
                                        continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "fraction_fit": widgets.FloatSlider(1.0, min=0.1, max=1.0, step=0.1, readout_format=".1f",
                                            description="client fraction / round",
                                            continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "strategy": widgets.Dropdown(options=[("FedAvg", "fedavg"), ("FedProx μ=0.01", "fedprox:0.01"),
                                              ("FedProx μ=0.1", "fedprox:0.1")],
                                     value="fedavg", description="strategy", style=_STYLE, layout=_LAYOUT),
        "n_seeds": _seeds_control(),
    }
    return Explorer(controls, _run, plot_federated,
                    title="Federated learning on digits: who learns, and what travels",
                    fixed={"seed": seed}, preset=preset)


@explorer_builder
def make_dp_federated_explorer(*, seed=0, preset=None, num_clients=10, num_rounds=5) -> Explorer:
    """DP-FedAvg with Flower's fixed-clipping wrapper: noise multiplier, clipping -> accuracy, ε.

    Accuracy is the mean over the seeds with its 95 % interval; ε is for adding or removing one
    client, and the row-level ε for one row of a client's data (replace-one-client).

    >>> ex = make_dp_federated_explorer(num_clients=4, num_rounds=2, preset={"n_seeds": 1})
    >>> ex.noise_multiplier.value = 2.0
    >>> round(ex.result.epsilon, 2), round(ex.result.row_epsilon, 2)
    (3.19, 7.08)
    """
    from trustlab.federated.dp import compute_dp_federated
    from trustlab.federated.plots import plot_global_accuracy

    controls = {
        "noise_multiplier": widgets.FloatSlider(1.0, min=0.1, max=3.0, step=0.1, readout_format=".1f",
                                                description="noise multiplier σ", continuous_update=False,
                                                style=_STYLE, layout=_LAYOUT),
        "clipping_norm": widgets.FloatLogSlider(1.0, base=10, min=-1, max=1, step=0.1, readout_format=".2g",
                                                description="clipping norm C", continuous_update=False,
                                                style=_STYLE, layout=_LAYOUT),
        "clipping": widgets.ToggleButtons(options=[("server-side", "server"), ("client-side", "client")],
                                          value="server", description="clipping", style=_STYLE),
        "n_seeds": _seeds_control(),
    }
    return Explorer(controls, compute_dp_federated, lambda r: plot_global_accuracy(r.runs),
                    title="Client-level DP for FedAvg: noise, clipping, accuracy and ε",
                    fixed={"seed": seed, "num_clients": num_clients, "num_rounds": num_rounds,
                           "local_trainer": "numpy"},
                    preset=preset)
