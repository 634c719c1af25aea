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
    """An ε planner for DP-SGD: σ, q, epochs, δ -> ε (RDP, live) and the attack bound, or target ε -> σ.

    Every move also reads out the largest true-positive rate any membership attack can reach at
    1 % false positives (:func:`trustlab.privacy.risk.compute_risk`, cached per setting). Moving
    a slider never runs the PRV accountant (0.1–15 s); the button does, for the current setting.

    >>> planner = make_epsilon_planner_explorer()
    >>> planner.mode.value = "noise_multiplier"
    >>> round(planner.result.noise_multiplier, 3), round(planner.result.risk.tpr_at[0.01], 3)
    (0.865, 0.038)
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
                       fixed={"with_prv": False, "with_risk": True}, preset=preset)

    def _prv():
        planner._fixed["with_prv"] = True
        try:
            planner.update()
        finally:
            planner._fixed["with_prv"] = False

    planner.prv_button = planner.add_button("PRV ε for this setting (slow: 0.1–15 s)", _prv,
                                            busy_description="computing PRV ε …", width="24em")

    def _show_mode(_change=None):  # the slider the current direction ignores is greyed out
        inverse = planner.mode.value == "noise_multiplier"
        planner.noise_multiplier.disabled, planner.target_epsilon.disabled = inverse, not inverse

    planner.mode.observe(planner.guard(_show_mode, "direction"), names="value")
    _show_mode()
    planner.children = (*planner.children[:-2], planner.prv_button, *planner.children[-2:])
    return planner


@explorer_builder
def make_dpsgd_explorer(*, seed=0, preset=None, grid=None) -> Explorer:
    """DP-SGD on digits: noise multiplier, clipping norm, batch size, epochs -> accuracy, ε, time.

    Every slider position is precomputed with 5 seeds (:func:`trustlab.privacy.dpsgd_sweep.load_dpsgd_grid`),
    so moving a slider reads the sweep. Two buttons train the current setting live, with a
    progress bar: "compute this setting now" trains the sweep's seeds as one batched
    computation (:func:`trustlab.privacy.dpsgd_run.train_dp_many`; result in ``.now_result``,
    method ``.compute_now()``), "train with Opacus" trains seed ``seed`` through Opacus'
    PrivacyEngine (:func:`trustlab.privacy.dpsgd.train_dp`, with its non-private twin and the
    time each takes; ``.live_result``, method ``.train()``). For the same seed both give the
    sweep's numbers.

    >>> ex = make_dpsgd_explorer()
    >>> ex.noise_multiplier.value = 3.0
    >>> ex.result.noise_multiplier, ex.result.epsilon_rdp > 0
    (3.0, True)
    """
    from trustlab.privacy.dpsgd import train_dp
    from trustlab.privacy.dpsgd_run import train_dp_many
    from trustlab.privacy.dpsgd_sweep import FIXED, GRID, SEEDS, load_dpsgd_grid
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
                        title="DP-SGD explorer (digits, 64-128-10 MLP; precomputed sweep, 5 seeds)",
                        preset=preset)
    explorer.caption = widgets.HTML(
        "<small>grey dots: every precomputed setting (mean of 5 seeds); <span style='color:#0072B2'>"
        "blue line</span>: this σ, C and batch size with 5, 10, 20, 40 epochs; <span style='color:#D55E00'>"
        "red dot</span>: this setting; bars: 95 % intervals over the seeds; dotted line: the same "
        "settings without DP (no clipping, lr 0.5)</small>")
    explorer.live_result = explorer.now_result = None
    explorer.progress = widgets.IntProgress(0, min=0, max=1, description="live run",
                                            layout=widgets.Layout(width="24em"))
    explorer.live = widgets.HTML()
    fixed = dict(lr=FIXED["lr"], hidden=tuple(FIXED["hidden"]), delta=FIXED["delta"])

    def _progress(epochs):
        explorer.progress.max, explorer.progress.value = epochs, 0
        return lambda epoch, loss: setattr(explorer.progress, "value", epoch + 1)

    def _now():
        values = explorer.preset()
        result = train_dp_many(**values, **fixed, seeds=SEEDS, compare_plain=False,
                               on_epoch=_progress(values["epochs"]))
        explorer.now_result = result
        explorer.live.value = (f"<code>now ({len(SEEDS)} seeds, batched, {result.seconds:.1f} s): "
                               f"{html.escape(result.summary())}<br>sweep: "
                               f"{html.escape(explorer.result.summary())}</code>")
        return result

    def _opacus():
        values = explorer.preset()
        result = train_dp(**values, **fixed, seed=seed, on_epoch=_progress(values["epochs"]))
        explorer.live_result = result
        explorer.live.value = (f"<code>Opacus, seed {seed}: {html.escape(result.summary())}<br>time: DP "
                               f"{result.seconds:.2f} s vs non-private {result.plain_seconds:.2f} s "
                               f"(wall), ×{result.slowdown:.1f} in CPU time</code>")
        return result

    explorer.now_button = explorer.add_button(f"compute this setting now ({len(SEEDS)} seeds)", _now,
                                              busy_description="training 5 seeds …", width="20em")
    explorer.train_now = explorer.add_button("train with Opacus (one seed)", _opacus,
                                             busy_description="training with Opacus …", width="20em")
    explorer.compute_now, explorer.train = explorer.now_button.run, explorer.train_now.run
    explorer.children = (*explorer.children, explorer.caption,
                         widgets.HBox([explorer.now_button, explorer.train_now, explorer.progress]),
                         explorer.live)
    return explorer
