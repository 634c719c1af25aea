"""Explorers for notebook 34: memorization against defenses, and gender bias against mitigation.

Both read a cached sweep over 5 seeds (:func:`~trustlab.lm.memorization_sweep.memorization_sweep`,
:func:`~trustlab.lm.bias_sweep.bias_sweep`), so moving a control is a lookup and a plot. Training
one setting takes 10–60 s, so "compute this setting now" recomputes the current setting live for
one seed, with progress, and sets it beside the sweep's run of the same seed: the same seed gives
the same numbers. Builders return an :class:`trustlab.widgets.Explorer` and never display it.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from trustlab._random import check_seed
from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_generation_bias_explorer", "make_memorization_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="36em")


def _add_compute_now(explorer, compute_one, describe, seed):
    """A "compute this setting now" button: ``compute_one(**controls)`` live, shown under the plot."""
    explorer.live_result = None
    explorer.compute_now = widgets.Button(description="compute this setting now",
                                          tooltip=f"retrain the current setting for seed {seed} "
                                                  "(10–60 s)", layout=widgets.Layout(width="18em"))
    explorer.progress = widgets.IntProgress(0, min=0, max=1, description=f"seed {seed}",
                                            layout=widgets.Layout(width="20em"))
    explorer.live = widgets.HTML()

    def _compute(_button=None):
        values = explorer.preset()
        explorer.compute_now.disabled = True
        explorer.progress.value = 0
        explorer.live.value = "<code>computing … (10–60 s)</code>"
        try:
            result = compute_one(**values, on_seed=lambda i: setattr(explorer.progress, "value", i))
        except (ValueError, TypeError) as exc:
            explorer.live.value = f"<span style='color:#D55E00'>{html.escape(str(exc))}</span>"
            return None
        finally:
            explorer.compute_now.disabled = False
        explorer.live_result = result
        explorer.live.value = f"<code>{html.escape(describe(result, values))}</code>"
        return result

    explorer.compute_now.on_click(_compute)
    explorer.compute = _compute
    explorer.children = (*explorer.children, widgets.HBox([explorer.compute_now, explorer.progress]),
                         explorer.live)
    return explorer


@explorer_builder
def make_memorization_explorer(*, seed=0, preset=None) -> Explorer:
    """Canary repetitions and defense -> exposure, extraction and perplexity (5 seeds, cached).

    >>> ex = make_memorization_explorer()
    >>> ex.repetitions.value, ex.defense.value = 50, "none"
    >>> round(ex.result.interval("exposure")[0], 1)
    13.3
    """
    from trustlab.lm.memorization import DEFENSES
    from trustlab.lm.memorization_sweep import REPETITIONS, compute_memorization, memorization_sweep
    from trustlab.lm.plots import plot_memorization

    check_seed(seed)
    sweep = memorization_sweep()
    labels = {"none": "none", "dedup": "deduplication (Kandpal 2022)",
              "early_stopping": "early stopping", "dp_sgd": "DP-SGD fine-tuning, ε = 8"}
    controls = {
        "repetitions": widgets.SelectionSlider(options=list(REPETITIONS), value=10,
                                               description="canary repetitions",
                                               continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "defense": widgets.Dropdown(options=[(labels[d], d) for d in DEFENSES], value="none",
                                    description="defense", style=_STYLE, layout=_LAYOUT),
    }
    explorer = Explorer(controls, lambda repetitions, defense: sweep[defense, repetitions],
                        lambda r: plot_memorization(r, sweep),
                        title="Canaries in a small transformer: exposure and extraction "
                              "(5 seeds, precomputed)", preset=preset)

    def compute_one(repetitions, defense, on_seed):
        return compute_memorization(repetitions, defense, seeds=(seed,), on_seed=on_seed)

    def describe(live, values):
        cached = sweep[values["defense"], values["repetitions"]]
        i = cached.seeds.index(seed) if seed in cached.seeds else None
        ref = "" if i is None else (f"; the sweep's seed-{seed} run: exposure="
                                    f"{cached.exposure[i]:.1f}, perplexity={cached.perplexity[i]:.2f}")
        return (f"live, seed {seed}: exposure={live.exposure[0]:.1f} bits, extracted "
                f"{live.extracted[0]:.2f}, perplexity={live.perplexity[0]:.2f}{ref}")

    return _add_compute_now(explorer, compute_one, describe, seed)


@explorer_builder
def make_generation_bias_explorer(*, seed=0, preset=None) -> Explorer:
    """Swap ratio and mode -> gender polarity of generations and perplexity (5 seeds, cached).

    >>> ex = make_generation_bias_explorer()
    >>> ex.mode.value, ex.swap_ratio.value = "teacher", 0.0
    >>> ex.result.interval("share_correlation")[0] > 0.8
    True
    """
    from trustlab.lm.bias_sweep import SWAP_RATIOS, bias_sweep, compute_bias
    from trustlab.lm.plots import plot_bias

    check_seed(seed)
    sweep = bias_sweep()
    modes = [("teacher, retrained with CDA", "teacher"), ("student: plain distillation", "none"),
             ("student: mean with swapped", "mean"), ("student: max with swapped", "max"),
             ("student: exponentiated mean", "expmean")]
    controls = {
        "swap_ratio": widgets.SelectionSlider(options=list(SWAP_RATIOS), value=0.0,
                                              description="swap ratio (CDA)",
                                              continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "mode": widgets.Dropdown(options=modes, value="teacher", description="model",
                                 style=_STYLE, layout=_LAYOUT),
    }
    explorer = Explorer(controls, lambda swap_ratio, mode: sweep[mode, swap_ratio],
                        lambda r: plot_bias(r, sweep),
                        title="Gender in generated text: counterfactual augmentation and role "
                              "reversal (5 seeds, precomputed)", preset=preset)

    def compute_one(swap_ratio, mode, on_seed):
        return compute_bias(mode, swap_ratio, seeds=(seed,), on_seed=on_seed)

    def describe(live, values):
        cached = sweep[values["mode"], values["swap_ratio"]]
        i = cached.seeds.index(seed) if seed in cached.seeds else None
        pol = live.values("mean_abs_polarity")[0]
        ref = "" if i is None else (f"; the sweep's seed-{seed} run: |polarity|="
                                    f"{cached.values('mean_abs_polarity')[i]:.2f}, perplexity="
                                    f"{cached.perplexity[i]:.2f}")
        return f"live, seed {seed}: |polarity|={pol:.2f}, perplexity={live.perplexity[0]:.2f}{ref}"

    return _add_compute_now(explorer, compute_one, describe, seed)
