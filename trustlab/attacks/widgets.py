"""Explorers for the attacks: membership inference vs DP noise, canary exposure vs defenses, the risk audit.

Every control position reads a precomputed sweep of five seeds (:mod:`trustlab.attacks.shadows`,
:mod:`trustlab.attacks.canary_sweep`, :mod:`trustlab.attacks.audits.one_run_sweep`), so a move
is a few numpy operations and a plot. Each explorer also has a "compute this setting now"
button: it trains the current setting with five seeds live (a progress bar shows it) and shows
the result beside the grid's, through the Explorer's guarded buttons. Builders return an
:class:`trustlab.widgets.Explorer` and never display it.
"""

from __future__ import annotations

import functools
import html

import ipywidgets as widgets

from trustlab.widgets import Explorer, explorer_builder

LIVE_SEEDS = (0, 1, 2, 3, 4)

__all__ = ["make_canary_explorer", "make_membership_explorer", "make_risk_audit_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="34em")


def _compute_now(explorer, run, note):
    """Add the "compute this setting now" button, its progress bar and the live line to ``explorer``.

    ``run(values, step)`` trains the current control values with :data:`LIVE_SEEDS` and returns a
    result with ``summary()``; it calls ``step(done, total)`` as it goes. The live result is
    ``explorer.live_result``; the line shows it under the grid's summary.
    """
    explorer.live_result = None
    explorer.progress = widgets.IntProgress(0, min=0, max=1, description="live run",
                                            layout=widgets.Layout(width="24em"))
    explorer.live = widgets.HTML()

    def step(done, total):
        explorer.progress.max, explorer.progress.value = max(int(total), 1), min(int(done), int(total))

    def compute():
        explorer.progress.value = 0
        grid = explorer.result.summary() if explorer.result is not None else "(no grid result)"
        result = run(explorer.preset(), step)
        explorer.live_result = result
        explorer.progress.value = explorer.progress.max
        explorer.live.value = (f"<code>grid:&nbsp;{html.escape(grid)}<br>now:&nbsp;&nbsp;"
                               f"{html.escape(result.summary())}</code><br><small>{html.escape(note)}</small>")
        return result

    explorer.compute_now = explorer.add_button("compute this setting now (5 seeds)", compute,
                                               busy_description="training 5 seeds…", width="20em")
    explorer.children = (*explorer.children, widgets.HBox([explorer.compute_now, explorer.progress]),
                         explorer.live)
    return explorer


@explorer_builder
def make_membership_explorer(*, seed=0, preset=None, noise_multipliers=None, n_models=None,
                             recipe=None) -> Explorer:
    """Attack vs privacy: noise multiplier, attack, shadows -> accuracy, AUC, TPR@1 %FPR, ε vs ε_lb.

    Reads the shadow sweep of five seeds (:func:`trustlab.attacks.shadows.load_shadow_seeds`;
    trained and cached on first use if not shipped). The plot is the attack's log-log ROC curve
    (every seed's guesses pooled) with the ε it proves next to the accountant's ε; a move
    computes the attack for all 33 targets of every seed (memoized). "Compute this setting now"
    retrains the 33 models of every seed at this σ and attacks them with K shadows
    (:func:`trustlab.attacks.audits.audit.compute_privacy_audit_now`).

    >>> ex = make_membership_explorer()
    >>> ex.noise_multiplier.value = 8.0
    >>> ex.result.attack.noise_multiplier, bool(ex.result.epsilon_proven.max() <= ex.result.attack.epsilon)
    (8.0, True)
    """
    from trustlab.attacks.audits.audit import compute_privacy_audit, compute_privacy_audit_now
    from trustlab.attacks.plots import plot_privacy_audit
    from trustlab.attacks.shadows import SWEEP_SEEDS, load_shadow_seeds

    seeds = [seed + s for s in SWEEP_SEEDS]
    sets = load_shadow_seeds(noise_multipliers, n_models, recipe=recipe, seeds=seeds)
    sigmas = list(sets)
    k_max = next(iter(sets.values()))[0].n_shadows
    ks = [k for k in (2, 4, 8, 16, 32, 64) if k <= k_max]
    controls = {
        "noise_multiplier": widgets.SelectionSlider(
            options=sigmas, value=sigmas[0], description="noise multiplier σ (0: no DP)",
            continuous_update=False, style=_STYLE, layout=_LAYOUT),
        "attack": widgets.Dropdown(options=[("loss threshold (Yeom 2018)", "loss"),
                                            ("LiRA online (Carlini 2022)", "lira_online"),
                                            ("LiRA offline", "lira_offline")],
                                   value="lira_online", description="attack", style=_STYLE,
                                   layout=_LAYOUT),
        "n_shadows": widgets.SelectionSlider(options=ks, value=ks[-1], description="shadow models K",
                                             continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }

    @functools.lru_cache(maxsize=256)
    def audit(noise_multiplier, attack, n_shadows):
        return compute_privacy_audit(list(sets[noise_multiplier]), attack, n_shadows, seed=seed)

    explorer = Explorer(controls, audit, plot_privacy_audit, title="Membership inference vs DP-SGD (digits MLP, "
                        "precomputed target + shadows, 5 seeds)", preset=preset)

    def now(values, step):
        from trustlab.attacks import shadows

        epochs = {**shadows.RECIPE, **(recipe or {})}["epochs"]
        return compute_privacy_audit_now(**values, n_models=k_max + 1, seeds=seeds, recipe=recipe,
                                         on_epoch=lambda e, _: step(e + 1, epochs))

    return _compute_now(explorer, now, "trained now: the 33 models of each of the five seeds at this σ (the "
                        "shipped sweep's recipe and seeds), attacked with K shadows. About 15 s on one core.")


@explorer_builder
def make_canary_explorer(*, seed=0, preset=None) -> Explorer:
    """Canary explorer: repetitions and defense -> exposure, extraction success and utility.

    Reads the canary sweep (:func:`trustlab.attacks.canary_sweep.load_canary_sweep`, five seeds;
    computed and cached on first use if not shipped); ``target ε`` applies to the DP-SGD defense.
    The plot shows mean exposure against repetitions (bars: the seeds' 95 % interval) for the
    chosen defense beside no defense. "Compute this setting now" reruns it with five seeds
    (:func:`trustlab.attacks.canary_sweep.compute_canary_attack`).

    >>> ex = make_canary_explorer()
    >>> ex.repetitions.value = 1
    >>> ex.result.repetitions, 0 <= ex.result.success_rate <= 1
    (1, True)
    """
    from trustlab.attacks.canary_sweep import (EPSILONS, FIXED, REPETITIONS, compute_canary_attack,
                                               exposure_curves, load_canary_sweep)
    from trustlab.attacks.nlu import DEFENSES
    from trustlab.attacks.plots import plot_exposure

    sweep = load_canary_sweep(seed)
    controls = {
        "repetitions": widgets.SelectionSlider(options=list(REPETITIONS), value=REPETITIONS[-1],
                                               description="canary repetitions", continuous_update=False,
                                               style=_STYLE, layout=_LAYOUT),
        "defense": widgets.Dropdown(options=list(DEFENSES), value="none", description="defense",
                                    style=_STYLE, layout=_LAYOUT),
        "target_epsilon": widgets.SelectionSlider(options=list(EPSILONS), value=EPSILONS[-1],
                                                  description="target ε (DP-SGD only)",
                                                  continuous_update=False, style=_STYLE, layout=_LAYOUT),
    }

    def compute(repetitions, defense, target_epsilon):
        return sweep[defense, target_epsilon if defense == "dp_sgd" else None, repetitions]

    def plot(result):
        eps = result.extra.get("target_epsilon")
        settings = [("none", None)] + ([(result.defense, eps)] if result.defense != "none" else [])
        return plot_exposure(exposure_curves(sweep, settings),
                             highlight=(result.repetitions, result.mean_exposure))

    explorer = Explorer(controls, compute, plot, title="Canaries in an NLU model: exposure, extraction, "
                        "defenses (precomputed, 5 seeds)", fixed={}, preset=preset)

    def now(values, step):
        eps = values["target_epsilon"] if values["defense"] == "dp_sgd" else 8.0
        return compute_canary_attack(values["repetitions"], values["defense"], target_epsilon=eps,
                                     seeds=[seed + s for s in LIVE_SEEDS], on_progress=step, **FIXED)

    return _compute_now(explorer, now, "trained now: five NLU models (five seeds' utterances and canaries); "
                        "the shipped sweep used the same seeds. About 10 s, 15 s with DP-SGD.")


@explorer_builder
def make_risk_audit_explorer(*, seed=0, preset=None) -> Explorer:
    """ε you can read: σ, q and epochs move the DP bound, a measured attack's ROC and ε_lb together.

    The bound comes from the privacy loss distribution (:mod:`trustlab.privacy.risk`, cached per
    setting); the attack and the one-run audit (Steinke, Nasr & Jagielski 2023) read the shipped
    sweep of one training run per setting and seed (:mod:`trustlab.attacks.audits.one_run_sweep`).
    "Compute this setting now" trains the five runs live
    (:func:`trustlab.attacks.audits.risk_audit.compute_risk_audit_now`).

    >>> ex = make_risk_audit_explorer()
    >>> ex.noise_multiplier.value = 4.0
    >>> bool(ex.result.epsilon_lb.max() <= ex.result.risk.epsilon)
    True
    """
    from trustlab.attacks.audits.one_run_sweep import GRID
    from trustlab.attacks.audits.risk_audit import compute_risk_audit, compute_risk_audit_now
    from trustlab.attacks.plots import plot_risk_audit

    def slider(name, description, default):
        return widgets.SelectionSlider(options=list(GRID[name]), value=default, description=description,
                                       continuous_update=False, style=_STYLE, layout=_LAYOUT)

    controls = {"noise_multiplier": slider("noise_multiplier", "noise multiplier σ (0: no noise)", 1.0),
                "sample_rate": slider("sample_rate", "sample rate q", 0.05),
                "epochs": slider("epochs", "epochs", 20)}
    compute = functools.lru_cache(maxsize=128)(compute_risk_audit)
    explorer = Explorer(controls, compute, plot_risk_audit, title="ε you can read: DP bound, a measured attack "
                        "and a one-run audit (digits MLP, precomputed runs, 5 seeds)", fixed={"seed": seed},
                        preset=preset)

    def now(values, step):
        return compute_risk_audit_now(**values, seeds=[seed + s for s in LIVE_SEEDS], seed=seed,
                                      on_epoch=lambda e, _: step(e + 1, values["epochs"]))

    return _compute_now(explorer, now, "trained now: one run per seed (the shipped sweep used the same seeds). "
                        "About 1 s per 500 training steps (steps = epochs / q).")
