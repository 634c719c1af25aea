"""Explorer of notebook 14: metric-DP text rewriting (a :class:`trustlab.widgets.Explorer`)."""

from __future__ import annotations

import ipywidgets as widgets

from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_text_rewriting_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


def _rewriting_details(result) -> str:
    """HTML for what the one-line summary cannot hold: the rewrites and N_w / S_w per word."""
    import html

    if result is None:
        return ""
    rows = "".join(f"<li>{html.escape(text)}</li>" for text in result.rewrites)
    cells = "".join(f"<tr><td>{html.escape(s.word)}</td><td>{s.n_w}</td><td>{s.s_w}</td></tr>"
                    for s in result.deniability)
    draws = result.deniability[0].n_draws if result.deniability else 0
    return (f"<b>Rewrites</b><ol>{rows}</ol><b>Plausible deniability over {draws} draws</b> "
            f"(N<sub>w</sub>: times kept, S<sub>w</sub>: distinct outputs)"
            f"<table><tr><th>word</th><th>N<sub>w</sub></th><th>S<sub>w</sub></th></tr>{cells}</table>")


@explorer_builder
def make_text_rewriting_explorer(*, seed=0, preset=None) -> Explorer:
    """Metric-DP text rewriting: ε, a sentence and a word -> rewrites, N_w/S_w, substitutes, accuracy.

    ε moves over the values of the shipped intent-accuracy sweep (5 seeds), so every update is a
    lookup plus ~2,000 noisy nearest-neighbour searches. ``.details`` shows the rewrites and
    N_w/S_w; the button "compute intent accuracy now" retrains the 5 seeds' classifiers at the
    current ε live (``.compute_now()``, result in ``.now_accuracies``) beside the sweep's.

    >>> ex = make_text_rewriting_explorer()
    >>> ex.epsilon.value = 150
    >>> ex.result.p_kept, ex.result.p_far
    (1.0, 0.0)
    """
    from trustlab.privacy.text.explore import compute_text_rewriting
    from trustlab.privacy.text.plots import plot_substitutions
    from trustlab.privacy.text.utility import (SWEEP_EPSILONS, SWEEP_SEEDS, compute_intent_accuracy,
                                               utility_sweep)
    from trustlab.stats import format_ci

    controls = {
        "epsilon": widgets.SelectionSlider(options=list(SWEEP_EPSILONS), value=60, description="ε per unit distance",
                                           continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "sentence": widgets.Text("Remind me to call my doctor in Boston tomorrow!", description="sentence",
                                 continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "word": widgets.Text("boston", description="word to follow", continuous_update=False,
                             style=_STYLE, layout=_LAYOUT),
    }
    sweep = utility_sweep()
    ex = Explorer(controls, compute_text_rewriting, plot_substitutions,
                  title="Metric-DP word substitution: where do words go?",
                  fixed={"seed": seed, "sweep": sweep}, preset=preset)
    ex.details = widgets.HTML(_rewriting_details(ex.result))
    ex.now_accuracies = None
    ex.progress = widgets.IntProgress(0, min=0, max=len(SWEEP_SEEDS), description="live run",
                                      layout=widgets.Layout(width="24em"))
    ex.live = widgets.HTML()

    def _now():
        epsilon = ex.epsilon.value
        ex.progress.value = 0
        acc = compute_intent_accuracy(epsilon, seeds=SWEEP_SEEDS,
                                      on_seed=lambda k: setattr(ex.progress, "value", k + 1))
        ex.now_accuracies = acc
        ex.live.value = (f"<code>intent accuracy at ε = {epsilon:g}, now: {format_ci(acc, 2)}; "
                         f"sweep: {format_ci(sweep.interval(epsilon), 2)}</code>")
        return acc

    ex.now_button = ex.add_button(f"compute intent accuracy now ({len(SWEEP_SEEDS)} seeds)", _now,
                                  busy_description="training 5 classifiers …", width="24em")
    ex.compute_now = ex.now_button.run
    ex.children = ex.children[:-1] + (ex.details,) + ex.children[-1:] + (
        widgets.HBox([ex.now_button, ex.progress]), ex.live)

    def refresh(_change):  # registered after the Explorer's own observer, so ex.result is fresh
        ex.details.value = _rewriting_details(ex.result)

    for control in controls.values():
        control.observe(ex.guard(refresh, "details"), names="value")
    return ex
