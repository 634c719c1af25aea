"""Explorers of DP from first principles and DP-SGD (notebooks 00, 10, 11).

They are built on :class:`trustlab.widgets.Explorer`; text rewriting's explorer is in
:mod:`trustlab.privacy.text.widgets`.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from trustlab.privacy.planner import compute_privacy_plan
from trustlab.privacy.loss import compute_mechanism
from trustlab.privacy.plots import plot_mechanism, plot_privacy_plan, plot_randomized_response
from trustlab.privacy.randomized_response import compute_randomized_response
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_dpsgd_explorer", "make_mechanism_explorer", "make_epsilon_planner_explorer",
           "make_randomized_response_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


@explorer_builder
def make_randomized_response_explorer(*, seed=0, preset=None) -> Explorer:
    """A live randomized-response survey: p_truth, respondents and true rate -> estimate, ε.

    >>> ex = make_randomized_response_explorer()
    >>> ex.p_truth.value = 0.9
    >>> round(ex.result.epsilon, 2)
    2.2
    """
    controls = {
        "p_truth": widgets.FloatSlider(0.75, min=0.51, max=0.99, step=0.01, readout_format=".2f",
                                       description="P(truthful answer)", continuous_update=False,
                                       style=_STYLE, layout=_LAYOUT),
        "n_respondents": widgets.IntSlider(1000, min=100, max=10000, step=100,
                                           description="respondents", continuous_update=False,
                                           style=_STYLE, layout=_LAYOUT),
        "true_rate": widgets.FloatSlider(0.3, min=0.0, max=1.0, step=0.01, readout_format=".2f",
                                         description="true 'yes' rate", continuous_update=False,
                                         style=_STYLE, layout=_LAYOUT),
    }
    return Explorer(controls, compute_randomized_response,
                    lambda r: plot_randomized_response(r),
                    title="Randomized response: a survey of a sensitive question",
                    fixed={"seed": seed}, preset=preset)


@explorer_builder
def make_mechanism_explorer(*, seed=0, preset=None) -> Explorer:
    """The Laplace and Gaussian mechanisms: ε, sensitivity, δ -> output densities on D and D′, privacy loss.

    >>> ex = make_mechanism_explorer()
    >>> ex.epsilon.value = 0.5
    >>> ex.result.scale, ex.result.max_loss
    (2.0, 0.5)
    """
    controls = {
        "mechanism": widgets.Dropdown(options=[("Laplace", "laplace"), ("Gaussian (classic σ, ε < 1)", "gaussian"),
                                               ("Gaussian (analytic σ)", "analytic_gaussian")],
                                      value="laplace", description="mechanism", style=_STYLE, layout=_LAYOUT),
        "epsilon": widgets.FloatSlider(1.0, min=0.05, max=5.0, step=0.05, readout_format=".2f",
                                       description="ε (privacy loss bound)", continuous_update=False,
                                       style=_STYLE, layout=_LAYOUT),
        "sensitivity": widgets.FloatSlider(1.0, min=0.1, max=5.0, step=0.1, readout_format=".1f",
                                           description="sensitivity Δ", continuous_update=False,
                                           style=_STYLE, layout=_LAYOUT),
        "delta": widgets.FloatLogSlider(1e-5, base=10, min=-8, max=-1, step=1, readout_format=".0e",
                                        description="δ (Gaussian only)", continuous_update=False,
                                        style=_STYLE, layout=_LAYOUT),
    }
    return Explorer(controls, compute_mechanism, lambda r: plot_mechanism(r),
                    title="Laplace vs Gaussian: how much does one person change the output?",
                    fixed={"seed": seed}, preset=preset)


@explorer_builder
def make_epsilon_planner_explorer(*, preset=None) -> Explorer:
    """An ε planner for DP-SGD: σ, q, epochs, δ -> ε (RDP, live), or target ε -> σ; PRV on a button.

    Moving a slider never runs the PRV accountant (0.1–15 s); the button does, for the current
    setting, and its answer is cached.

    >>> planner = make_epsilon_planner_explorer()
    >>> planner.mode.value = "noise_multiplier"
    >>> round(planner.result.noise_multiplier, 3)
    0.865
    """
    controls = {
        "mode": widgets.ToggleButtons(options=[("σ → ε", "epsilon"), ("target ε → σ", "noise_multiplier")],
                                      value="epsilon", description="direction", style=_STYLE),
        "noise_multiplier": widgets.FloatSlider(1.0, min=0.3, max=5.0, step=0.05, readout_format=".2f",
                                                description="noise multiplier σ", continuous_update=False,
                                                style=_STYLE, layout=_LAYOUT),
        "target_epsilon": widgets.FloatSlider(3.0, min=0.2, max=20.0, step=0.1, readout_format=".1f",
                                              description="target ε", continuous_update=False,
                                              style=_STYLE, layout=_LAYOUT),
        "sample_rate": widgets.FloatLogSlider(0.01, base=10, min=-4, max=0, step=0.1, readout_format=".2g",
                                              description="sample rate q", continuous_update=False,
                                              style=_STYLE, layout=_LAYOUT),
        "epochs": widgets.IntSlider(10, min=1, max=100, description="epochs", continuous_update=False,
                                    style=_STYLE, layout=_LAYOUT),
        "delta": widgets.FloatLogSlider(1e-5, base=10, min=-8, max=-2, step=1, readout_format=".0e",
                                        description="δ", continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }
    planner = Explorer(controls, compute_privacy_plan, lambda r: plot_privacy_plan(r),
                       title="ε planner: how much privacy does a DP-SGD run spend?",
                       fixed={"with_prv": False}, preset=preset)
    planner.prv_button = widgets.Button(description="PRV ε for this setting (slow: 0.1–15 s)",
                                        layout=widgets.Layout(width="24em"))

    def _prv(_button):
        label = planner.prv_button.description
        planner.prv_button.disabled, planner.prv_button.description = True, "computing PRV ε …"  # feedback
        planner._fixed["with_prv"] = True
        try:
            planner.update()
        finally:
            planner._fixed["with_prv"] = False
            planner.prv_button.disabled, planner.prv_button.description = False, label

    planner.prv_button.on_click(_prv)

    def _show_mode(_change=None):  # the slider the current direction ignores is greyed out
        inverse = planner.mode.value == "noise_multiplier"
        planner.noise_multiplier.disabled, planner.target_epsilon.disabled = inverse, not inverse

    planner.mode.observe(_show_mode, names="value")
    _show_mode()
    planner.children = (*planner.children[:-2], planner.prv_button, *planner.children[-2:])
    return planner


@explorer_builder
def make_dpsgd_explorer(*, seed=0, preset=None, grid=None) -> Explorer:
    """DP-SGD on digits: noise multiplier, clipping norm, batch size, epochs -> accuracy, ε, time.

    Every slider position is precomputed (:func:`trustlab.privacy.dpsgd_sweep.load_dpsgd_grid`,
    seed 0), so moving a slider reads the sweep; "train this setting now" retrains the setting
    live with :func:`trustlab.privacy.dpsgd.train_dp` and ``seed``, showing progress. The live
    result is ``explorer.live_result``.

    >>> ex = make_dpsgd_explorer()
    >>> ex.noise_multiplier.value = 3.0
    >>> ex.result.noise_multiplier, ex.result.epsilon_rdp > 0
    (3.0, True)
    """
    from trustlab.privacy.dpsgd import train_dp
    from trustlab.privacy.dpsgd_sweep import FIXED, GRID, load_dpsgd_grid
    from trustlab.privacy.plots import plot_dpsgd_point

    grid = grid or GRID
    points = load_dpsgd_grid(grid)
    defaults = {"noise_multiplier": 2.0, "max_grad_norm": 1.0, "batch_size": 256, "epochs": 20}
    labels = {"noise_multiplier": "noise multiplier σ", "max_grad_norm": "clipping norm C",
              "batch_size": "expected batch size", "epochs": "epochs"}
    controls = {name: widgets.SelectionSlider(
        options=list(grid[name]), value=defaults[name] if defaults[name] in grid[name] else grid[name][0],
        description=labels[name], continuous_update=False, style=_STYLE, layout=_LAYOUT)
        for name in ("noise_multiplier", "max_grad_norm", "batch_size", "epochs")}

    def compute(noise_multiplier, max_grad_norm, batch_size, epochs):
        return points[(noise_multiplier, max_grad_norm, batch_size, epochs)]

    explorer = Explorer(controls, compute, lambda p: plot_dpsgd_point(p, points, legend=False),
                        title="DP-SGD explorer (digits, 64-128-10 MLP; precomputed sweep)",
                        preset=preset)
    explorer.caption = widgets.HTML(
        "<small>grey dots: every precomputed setting; <span style='color:#0072B2'>blue line</span>: "
        "this σ, C and batch size with 5, 10, 20, 40 epochs; <span style='color:#D55E00'>red dot"
        "</span>: this setting; dotted line: the same settings without DP (no clipping, same lr)"
        "</small>")
    explorer.live_result = None
    explorer.train_now = widgets.Button(description="train this setting now",
                                        layout=widgets.Layout(width="16em"))
    explorer.progress = widgets.IntProgress(0, min=0, max=1, description="live run",
                                            layout=widgets.Layout(width="24em"))
    explorer.live = widgets.HTML()

    def _train(_button=None):
        values = explorer.preset()
        explorer.train_now.disabled = True
        explorer.progress.max, explorer.progress.value = values["epochs"], 0
        try:
            result = train_dp(**values, lr=FIXED["lr"], hidden=tuple(FIXED["hidden"]),
                              delta=FIXED["delta"], seed=seed,
                              on_epoch=lambda epoch, loss: setattr(explorer.progress, "value", epoch + 1))
        finally:
            explorer.train_now.disabled = False
        explorer.live_result = result
        explorer.live.value = (f"<code>live: {html.escape(result.summary())}<br>time: DP "
                               f"{result.seconds:.2f} s vs non-private {result.plain_seconds:.2f} s "
                               f"(wall), ×{result.slowdown:.1f} in CPU time</code>")
        return result

    explorer.train_now.on_click(_train)
    explorer.train = _train
    explorer.children = (*explorer.children, explorer.caption,
                         widgets.HBox([explorer.train_now, explorer.progress]), explorer.live)
    return explorer
