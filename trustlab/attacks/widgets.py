"""Explorers for the attacks: membership inference vs DP noise, and canary exposure vs defenses.

Every control position reads a precomputed sweep (:mod:`trustlab.attacks.shadows`,
:mod:`trustlab.attacks.canary_sweep`), so a move is a few numpy operations and a plot.
Builders return an :class:`trustlab.widgets.Explorer` and never display it.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets

from trustlab.widgets import Explorer, explorer_builder

__all__ = ["make_canary_explorer", "make_membership_explorer", "make_risk_audit_explorer"]

_STYLE = {"description_width": "12em"}
_LAYOUT = widgets.Layout(width="34em")


@explorer_builder
def make_membership_explorer(*, seed=0, preset=None, noise_multipliers=None, n_models=None,
                             recipe=None) -> Explorer:
    """Attack vs privacy: noise multiplier, attack, shadows -> accuracy, AUC, TPR@1 %FPR, ε vs ε_lb.

    Reads the shadow sweep (:func:`trustlab.attacks.shadows.load_shadow_sets`; trained and
    cached on first use if not shipped). The plot is the attack's log-log ROC curve with the ε
    it proves next to the accountant's ε; a move computes LiRA for all 33 targets (memoized).

    >>> ex = make_membership_explorer()
    >>> ex.noise_multiplier.value = 8.0
    >>> ex.result.attack.noise_multiplier, ex.result.audit.epsilon_lb_low <= ex.result.attack.epsilon
    (8.0, True)
    """
    from trustlab.attacks.audits.audit import compute_privacy_audit
    from trustlab.attacks.plots import plot_privacy_audit
    from trustlab.attacks.shadows import load_shadow_sets

    sets = load_shadow_sets(noise_multipliers, n_models, recipe=recipe, seed=seed)
    sigmas = list(sets)
    k_max = next(iter(sets.values())).n_shadows
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
        return compute_privacy_audit(sets[noise_multiplier], attack, n_shadows, seed=seed)

    return Explorer(controls, audit, plot_privacy_audit, title="Membership inference vs DP-SGD (digits MLP, "
                    "precomputed target + shadows)", preset=preset)


@explorer_builder
def make_canary_explorer(*, seed=0, preset=None) -> Explorer:
    """Canary explorer: repetitions and defense -> exposure, extraction success and utility.

    Reads the canary sweep (:func:`trustlab.attacks.canary_sweep.load_canary_sweep`; computed
    and cached on first use if not shipped); ``target ε`` applies to the DP-SGD defense. The
    plot shows exposure against repetitions for the chosen defense beside no defense.

    >>> ex = make_canary_explorer()
    >>> ex.repetitions.value = 1
    >>> ex.result.repetitions, 0 <= ex.result.success_rate <= 1
    (1, True)
    """
    from trustlab.attacks.canary_sweep import (EPSILONS, REPETITIONS, exposure_curves,
                                               load_canary_sweep)
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

    return Explorer(controls, compute, plot, title="Canaries in an NLU model: exposure, extraction, "
                    "defenses (precomputed)", fixed={}, preset=preset)


@explorer_builder
def make_risk_audit_explorer(*, seed=0, preset=None) -> Explorer:
    """ε you can read: σ, q and epochs move the DP bound, a measured attack's ROC and ε_lb together.

    The bound comes from the privacy loss distribution (:mod:`trustlab.privacy.risk`, cached per
    setting); the attack and the one-run audit (Steinke, Nasr & Jagielski 2023) read the shipped
    sweep of one training run per setting (:mod:`trustlab.attacks.audits.canary_audit`).

    >>> ex = make_risk_audit_explorer()
    >>> ex.noise_multiplier.value = 4.0
    >>> ex.result.audit.epsilon_lb <= ex.result.risk.epsilon
    True
    """
    from trustlab.attacks.audits.canary_audit import GRID
    from trustlab.attacks.plots import plot_risk_audit
    from trustlab.attacks.audits.risk_audit import compute_risk_audit

    def slider(name, description, default):
        return widgets.SelectionSlider(options=list(GRID[name]), value=default, description=description,
                                       continuous_update=False, style=_STYLE, layout=_LAYOUT)

    controls = {"noise_multiplier": slider("noise_multiplier", "noise multiplier σ (0: no noise)", 1.0),
                "sample_rate": slider("sample_rate", "sample rate q", 0.05),
                "epochs": slider("epochs", "epochs", 20)}
    compute = functools.lru_cache(maxsize=128)(compute_risk_audit)
    return Explorer(controls, compute, plot_risk_audit, title="ε you can read: DP bound, a measured attack "
                    "and a one-run audit (digits MLP, precomputed runs)", fixed={"seed": seed}, preset=preset)
