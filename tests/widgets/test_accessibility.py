"""Accessibility of every explorer and of the notebooks' static plots, checked headlessly.

Figures: every panel has a title (or the figure a suptitle) and x and y labels; every colour a
line, patch or collection uses is colour-blind safe (:func:`trustlab.plotting.is_colour_blind_safe`).

Units rule: a label passes when it names its unit in parentheses (``"(nats)"``, ``"(%)"``,
``"(kB)"``, ``"(ms)"``, ``"(units of the query f)"`` …) or when it names a quantity that has
no unit: listed in ``UNITLESS`` (probabilities, rates, accuracies, ε and σ, scores and
ratios), a count (steps, rounds, examples …) or a category (clients, words, metrics …). A new
label matching neither fails here: give it its unit, or add its unitless quantity to the list.

Explorers: the plot image carries a text alternative renewed on every redraw, and every
control is a keyboard-operable ipywidgets control with a visible, accessible label.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest
from explorer_states import move

from trustlab.gallery import build, names
from trustlab.plotting import describe_figure, is_colour_blind_safe
from trustlab.widgets import PlotImage

UNIT = re.compile(r"\([^()]*(?:%|\b(?:bits|nats|kB|MB|bytes|ms|s|seconds|percentage points|"
                  r"units of|per unit of)\b)")
UNITLESS = (
    # dimensionless quantities
    "accuracy", "ε", "σ", "auc", "rate", "probability", "p(", "tpr", "fpr", "fraction", "share",
    "polarity", "perplexity", "score", "cos", "weat", "effect size", "aps", "hits@10", "skew",
    # counts
    "steps", "round", "epoch", "examples", "times",
    # categories
    "client", "metric", "word", "occupation", "way of training", "group",
)


def label_problem(label):
    """None if ``label`` satisfies the units rule, else why not."""
    if not label.strip():
        return "empty label"
    if UNIT.search(label) or any(term in label.lower() for term in UNITLESS):
        return None
    return f"{label!r} names no unit in parentheses and no unitless quantity"


def panels(fig):
    """Visible axes grouped by position (a twin axes belongs to the panel it overlays)."""
    groups = {}
    for ax in fig.get_axes():
        if ax.get_visible() and ax.axison:
            groups.setdefault(tuple(np.round(ax.get_position().bounds, 3)), []).append(ax)
    return list(groups.values())


def used_colours(fig):
    """``(where, rgba)`` for every colour drawn by lines, patches and collections."""
    found = []
    for ax in fig.get_axes():
        for line in ax.get_lines():
            for c in (line.get_color(), line.get_markerfacecolor(), line.get_markeredgecolor()):
                found.append((f"line {line.get_label()!r}", c))
        for patch in ax.patches:
            found += [(f"patch {patch.get_label()!r}", patch.get_facecolor()),
                      (f"patch edge {patch.get_label()!r}", patch.get_edgecolor())]
        for coll in ax.collections:
            found += [(f"collection {coll.get_label()!r}", tuple(c))
                      for c in [*coll.get_facecolors(), *coll.get_edgecolors()]]
        assert not ax.images, "images need a check of their colour map"
    return found


def figure_problems(fig):
    """Every accessibility problem of a figure, as readable strings (empty: none)."""
    problems = []
    suptitle = getattr(fig, "_suptitle", None)
    has_suptitle = suptitle is not None and suptitle.get_text().strip()
    groups = panels(fig)
    if not groups:
        problems.append("no visible axes")
    for axes in groups:
        x0, y0 = axes[0].get_position().bounds[:2]
        where = f"panel at ({x0:.2f}, {y0:.2f})"
        if not has_suptitle and not any(a.get_title().strip() for a in axes):
            problems.append(f"{where}: no title")
        xlabels = [a.get_xlabel() for a in axes if a.get_xlabel().strip()]
        problems += [f"{where}: x {p}" for p in map(label_problem, xlabels or [""]) if p]
        problems += [f"{where}: y {p}" for p in (label_problem(a.get_ylabel()) for a in axes) if p]
    problems += dict.fromkeys(f"{where}: colour {c} is not colour-blind safe"
                              for where, c in used_colours(fig) if not is_colour_blind_safe(c))
    return problems


def test_the_rules_catch_what_they_should():
    from trustlab.plotting import figure_axes

    fig, ax = figure_axes()
    ax.plot([0, 1], [0, 1], color="tab:red")
    ax.set_xlabel("time")
    assert figure_problems(fig) == [
        "panel at (0.12, 0.15): no title",
        "panel at (0.12, 0.15): x 'time' names no unit in parentheses and no unitless quantity",
        "panel at (0.12, 0.15): y empty label",
        "line '_child0': colour tab:red is not colour-blind safe"]
    ax.set(title="t", xlabel="time (s)", ylabel="test accuracy")
    ax.lines[0].set_color("#D55E00")
    assert figure_problems(fig) == []


# --- explorers: default state and one moved state -------------------------------------------

KEYBOARD_CONTROLS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider,
                     widgets.SelectionSlider, widgets.Dropdown, widgets.ToggleButtons,
                     widgets.RadioButtons, widgets.Text, widgets.Checkbox,
                     widgets.FloatText)  # a number box (the "compute now" rows' off-grid values)
#: Everything else an explorer may contain: layout, text, the plot and native <button>s.
OTHER_WIDGETS = (widgets.Box, widgets.HTML, PlotImage, widgets.Button, widgets.IntProgress,
                 widgets.FileUpload)
INTERACTIVE_HTML = re.compile(r"<(button|input|select|textarea)\b|\bon\w+\s*=|tabindex", re.I)


def all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_widgets(child)


def alt_text_problems(ex):
    alt = ex.image.tooltip or ""
    problems = [] if alt == describe_figure(ex.figure) else [f"stale alt text {alt!r}"]
    state = ex.image.get_state()
    # The front end puts the tooltip on the <img> as its title only with an empty description.
    if state.get("description") != "" or state.get("tooltip") != alt:
        problems.append(f"image state does not carry the alt text: {state.get('tooltip')!r}")
    titles = [a.get_title() for a in ex.figure.get_axes() if a.get_title()]
    if not alt.startswith("Plot: ") or not all(t in alt for t in titles):
        problems.append(f"alt text {alt!r} misses the titles {titles}")
    return problems


@pytest.mark.parametrize("name", names())
def test_explorer_figures_alt_text_and_controls(name):
    ex = build(name)
    assert figure_problems(ex.figure) == [], "default state"
    assert alt_text_problems(ex) == []
    before = ex.figure
    assert move(ex, 1)
    assert ex.figure is not before
    assert figure_problems(ex.figure) == [], f"moved state {ex.preset()}"
    assert alt_text_problems(ex) == []

    for control_name, control in ex.controls.items():
        assert isinstance(control, KEYBOARD_CONTROLS), f"{control_name}: {type(control).__name__}"
        assert control.description.strip(), f"control {control_name!r} has no description"
    for w in all_widgets(ex):
        assert isinstance(w, KEYBOARD_CONTROLS + OTHER_WIDGETS), type(w).__name__
        assert w.tabbable is not False, f"{type(w).__name__} is taken out of the tab order"
        if isinstance(w, widgets.Button):
            assert w.description.strip(), "a button without a label"
        if isinstance(w, widgets.HTML):
            assert not INTERACTIVE_HTML.search(w.value), f"interactive HTML: {w.value[:80]}"


# --- the static plots the notebooks show ------------------------------------------------------


def _static_figures():
    """``name -> zero-argument callable`` drawing each static plot the notebooks use."""
    from trustlab.attacks import plots as ap
    from trustlab.fairness.counterfactual import plots as fc
    from trustlab.fairness.groups import plots as fg
    from trustlab.fairness.kg import plots as fk
    from trustlab.fairness.text import plots as ft
    from trustlab.federated import plots as dp
    from trustlab.lm import plots as lp
    from trustlab.privacy import plots as pp
    from trustlab.privacy.text import plots as pt
    from trustlab.privacy.risk import compute_risk as risk
    from trustlab.privacy.risk.plots import plot_risk as risk_plot

    def explorer_result(name, **preset):
        return build(name, preset=preset or None).result

    from trustlab.privacy.text.guarantee import release_by_distance

    def text_utility():
        from trustlab.privacy.text.utility import utility_sweep

        return pt.plot_text_utility(utility_sweep(), epsilon=60)

    def privacy_utility():
        from trustlab.privacy.dpsgd_sweep import load_privacy_utility

        return pp.plot_privacy_utility(load_privacy_utility(), baseline=0.97)

    def audits():
        from trustlab.attacks.audits.audit import compute_privacy_audit
        from trustlab.attacks.shadows import load_shadow_sets

        sets = list(load_shadow_sets().values())
        return [compute_privacy_audit(s, "lira_online", seed=0) for s in (sets[0], sets[-1])]

    def roc():
        from trustlab.attacks.membership import compute_membership_attack
        from trustlab.attacks.shadows import load_shadow_sets

        plain = next(iter(load_shadow_sets().values()))
        return ap.plot_roc([compute_membership_attack(plain, a) for a in ("loss", "lira_online")])

    def exposure():
        from trustlab.attacks.canary_sweep import exposure_curves, load_canary_sweep

        return ap.plot_exposure(exposure_curves(load_canary_sweep(0)))

    def lm_exposure():
        from trustlab.lm.memorization import DEFENSES
        from trustlab.lm.memorization_sweep import memorization_sweep

        return lp.plot_exposure(memorization_sweep(), DEFENSES)

    def lm_tradeoff():
        from trustlab.lm.bias_sweep import bias_sweep

        return lp.plot_bias_tradeoff(bias_sweep())

    def label_distribution():
        rng = np.random.default_rng(0)
        y = rng.integers(0, 10, 300)
        return dp.plot_label_distribution(y, np.array_split(rng.permutation(300), 5))

    def aps_vs_ctf():
        from trustlab.fairness.text.leakage import compare_aps_ctf

        return ft.plot_aps_vs_ctf(compare_aps_ctf((0.0, 1.0), n_per_profession=40, seed=0))

    return {
        "plot_randomized_response": lambda: pp.plot_randomized_response(
            explorer_result("randomized_response")),
        "plot_mechanism(gaussian)": lambda: pp.plot_mechanism(
            explorer_result("mechanism", mechanism="gaussian", epsilon=0.5)),
        "plot_privacy_plan": lambda: pp.plot_privacy_plan(explorer_result("epsilon_planner")),
        "plot_privacy_utility": privacy_utility,
        "plot_training_time": lambda: pp.plot_training_time({"without DP": 0.01, "DP, ghost": 0.02}),
        "plot_substitutions": lambda: pt.plot_substitutions(explorer_result("text_rewriting")),
        "plot_text_utility": text_utility,
        "plot_release_by_distance": lambda: pt.plot_release_by_distance(
            release_by_distance("boston", epsilons=(40, 60), n_draws=2000), marks=["chicago", "sausage"]),
        "plot_roc": roc,
        "plot_privacy_audit(sweep)": lambda: ap.plot_privacy_audit((a := audits())[-1], sweep=a),
        "plot_exposure": exposure,
        "plot_label_distribution": label_distribution,
        "plot_client_accuracy": lambda: dp.plot_client_accuracy(explorer_result("federated", num_rounds=2)),
        "plot_update_bytes": lambda: dp.plot_update_bytes(explorer_result("federated", num_rounds=2)),
        "plot_sampling_bias": lambda: fg.plot_sampling_bias(explorer_result("sampling_bias", skew=10.0)),
        "plot_group_metrics": lambda: fg.plot_group_metrics(explorer_result("sampling_bias").metrics),
        "plot_disparate_impact": lambda: fg.plot_disparate_impact(
            explorer_result("disparate_impact").sweep),
        "plot_polarity": lambda: fc.plot_polarity(explorer_result("role_reversal")),
        "plot_role_reversal": lambda: fc.plot_role_reversal(explorer_result("role_reversal", mode="mean")),
        "plot_gender_projection": lambda: ft.plot_gender_projection(["nurse", "engineer"], [0.3, -0.2]),
        "plot_aps_vs_ctf": aps_vs_ctf,
        "plot_intrinsic_extrinsic(study)": lambda: ft.plot_intrinsic_extrinsic(
            explorer_result("intrinsic_extrinsic").study),
        "plot_intrinsic_extrinsic(direct bias, APS)": lambda: ft.plot_intrinsic_extrinsic(
            explorer_result("intrinsic_extrinsic"), intrinsic="direct_bias", extrinsic="aps"),
        "plot_intrinsic_extrinsic(counterfactual gap)": lambda: ft.plot_intrinsic_extrinsic(
            explorer_result("intrinsic_extrinsic"), extrinsic="ctf"),
        "plot_kg_bias": lambda: fk.plot_kg_bias(explorer_result("kg_bias", kl_weight=3.0)),
        "plot_risk": lambda: risk_plot(risk(1.0, 0.01, 10)),
        "plot_risk(group of 2)": lambda: risk_plot(risk(8.0, 1.0, steps=5, group_size=2)),
        "plot_exposure(lm)": lm_exposure,
        "plot_shares": lambda: lp.plot_shares(explorer_result("lm_bias")),
        "plot_bias_tradeoff": lm_tradeoff,
    }


STATIC = _static_figures()


@pytest.mark.parametrize("plot", list(STATIC))
def test_static_plot_is_titled_labelled_and_colour_blind_safe(plot):
    fig = STATIC[plot]()[0]
    assert figure_problems(fig) == []
    assert describe_figure(fig).startswith("Plot: ")


def test_every_plot_function_the_notebooks_call_is_checked(root):
    import json

    called = set()
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"\b(plot_\w+)\(", "".join(cell["source"])))
    checked = {name.split("(")[0] for name in STATIC}
    assert called - checked == set()
