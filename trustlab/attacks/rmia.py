"""RMIA: membership inference with few reference models (Zarifzadeh, Liu & Shokri, ICML 2024).

The paper, "Low-cost high-power membership inference attacks", compares the target model θ's
likelihood of x with its likelihood of population samples z, each relative to reference models:

    LR_θ(x, z) = (Pr(x | θ) / Pr(x)) / (Pr(z | θ) / Pr(z)),   Score_MIA(x; θ) = Pr_z[LR_θ(x, z) ≥ γ],

where Pr(x | θ) is the model's probability of x's label and Pr(x) its average over reference
models. With reference models trained both with and without x ("online") Pr(x) is their plain
average; with only models that did not train on x ("offline") the paper approximates
Pr(x) = ½((1 + a)·Pr_OUT(x) + (1 − a)), a ∈ [0, 1] tuned on reference models. The kit's default
a = 0.3 is its own choice for digits MLPs. Its selling point, checked in :func:`compare_with_lira`:
unlike LiRA, which fits a Gaussian per example, it works with one or two reference models.
"""

from __future__ import annotations

import numpy as np

from trustlab._validate import check_int, check_number

__all__ = ["compare_with_lira", "compute_rmia_attack", "rmia_scores"]


def _reference_likelihood(ref_probs, ref_in, online, a):
    """Pr(x) per example from reference models (axis −2): online mean, or the offline formula."""
    if online:
        return ref_probs.mean(axis=-2)
    out = ~ref_in
    count = out.sum(axis=-2)
    p_out = np.where(out, ref_probs, 0.0).sum(axis=-2) / np.maximum(count, 1)
    # The kit's reading: an example that every reference trained on (k small) has no OUT model;
    # it falls back to the plain mean, as LiRA's offline fit falls back to a pooled estimate.
    return np.where(count > 0, 0.5 * ((1 + a) * p_out + (1 - a)), ref_probs.mean(axis=-2))


def rmia_scores(target_probs, reference_probs, population_target_probs, population_reference_probs, *,
                reference_in=None, population_reference_in=None, online=False, a=0.3,
                gamma=1.0) -> np.ndarray:
    """RMIA's score per example: the fraction of population samples z that x dominates (1: all).

    Higher means "more likely a member"; 0.5 is typical of a non-member.

    Parameters
    ----------
    target_probs : array (n,)
        Pr(x | θ): the attacked model's probability of each example's true label (softmax).
    reference_probs : array (k, n)
        The same probability under each of k reference models (k ≥ 1).
    population_target_probs : array (n_z,)
        Pr(z | θ) on population samples z: data the attacker knows were not used by the target
        (e.g. a held-out set), as many as affordable (the paper uses thousands).
    population_reference_probs : array (k, n_z)
        Pr(z | θ′) of the same k reference models on z.
    reference_in : bool array (k, n), optional
        True where a reference model trained on the example x; None means no reference saw any
        x (pure offline). Offline, an x that every reference saw falls back to the plain mean.
    population_reference_in : bool array (k, n_z), optional
        The same for the population samples (None: no reference saw any z).
    online : bool
        Pr(x) as the plain mean over all k references (which should be IN for about half of them).
    a : float in [0, 1]
        Offline correction: Pr(x) = ½((1 + a)·Pr_OUT(x) + (1 − a)). a = 1 uses Pr_OUT(x) as is.
    gamma : float > 0
        x dominates z when LR_θ(x, z) ≥ γ.

    >>> ref = np.array([[0.5, 0.5, 0.5, 0.5]])            # one reference model
    >>> pop_t, pop_r = np.full(50, 0.5), np.full((1, 50), 0.5)
    >>> rmia_scores([0.9, 0.2, 0.5, 0.7], ref, pop_t, pop_r, a=1.0).tolist()
    [1.0, 0.0, 1.0, 1.0]
    """
    t = np.asarray(target_probs, dtype=float)
    ref = np.asarray(reference_probs, dtype=float)
    pt = np.asarray(population_target_probs, dtype=float)
    pr = np.asarray(population_reference_probs, dtype=float)
    if t.ndim != 1 or ref.ndim != 2 or ref.shape[1] != len(t):
        raise ValueError(f"target_probs must be (n,) and reference_probs (k, n), got {t.shape} and {ref.shape}")
    if pt.ndim != 1 or pr.shape != (len(ref), len(pt)) or len(pt) == 0:
        raise ValueError(f"population_target_probs must be (n_z,) with n_z >= 1 and population_reference_probs "
                         f"(k={len(ref)}, n_z), got {pt.shape} and {pr.shape}")
    for name, arr in (("target_probs", t), ("reference_probs", ref), ("population_target_probs", pt),
                      ("population_reference_probs", pr)):
        if not np.isfinite(arr).all() or (arr < 0).any() or (arr > 1).any():
            raise ValueError(f"{name} must be probabilities in [0, 1]")
    check_int("number of reference models (k)", len(ref), 1)
    a = check_number("a", a, 0.0, 1.0)
    gamma = check_number("gamma", gamma, 0.0, low_open=True)
    masks = []
    for name, mask, shape in (("reference_in", reference_in, ref.shape),
                              ("population_reference_in", population_reference_in, pr.shape)):
        mask = np.zeros(shape, bool) if mask is None else np.asarray(mask, dtype=bool)
        if mask.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {mask.shape}")
        masks.append(mask)
    tiny = 1e-30  # a zero likelihood would make the ratios undefined
    ratio_x = t / np.maximum(_reference_likelihood(ref, masks[0], online, a), tiny)
    ratio_z = np.sort(pt / np.maximum(_reference_likelihood(pr, masks[1], online, a), tiny))
    # LR(x, z) ≥ γ  ⇔  ratio_z ≤ ratio_x / γ
    return np.searchsorted(ratio_z, ratio_x / gamma, side="right") / len(ratio_z)


def _probs(confidences):
    return 1.0 / (1.0 + np.exp(-np.asarray(confidences, dtype=float)))  # φ = logit p


def compute_rmia_attack(shadow_set, n_references=None, *, online=False, a=0.3, gamma=1.0,
                        n_targets=None):
    """RMIA against a ShadowSet, each model in turn the target (as LiRA is evaluated there).

    Model t's references are the first ``n_references`` other models. Population samples: the
    whole 500-image pool (the set stores no outside scores; the attacker does not know which
    half the target saw, so using the pool leaks nothing). Returns an
    :class:`trustlab.attacks.membership.AttackResult`; a list of ShadowSets (one per seed)
    gives per-seed values, as :func:`trustlab.attacks.membership.compute_membership_attack` does.
    """
    from trustlab.attacks.membership import AttackResult, pool_seeds, roc_metrics, shadow_sets, tpr_at_fpr

    sets = shadow_sets(shadow_set)
    if len(sets) > 1:
        return pool_seeds([compute_rmia_attack(s, n_references, online=online, a=a, gamma=gamma,
                                               n_targets=n_targets) for s in sets])
    shadow_set = sets[0]
    conf, in_mask = shadow_set.confidences, shadow_set.in_mask
    n_models = len(conf)
    k = n_models - 1 if n_references is None else check_int("n_references", n_references, 1, n_models - 1)
    n_targets = n_models if n_targets is None else check_int("n_targets", n_targets, 1, n_models)
    probs = _probs(conf)
    scores = []
    for t in range(n_targets):
        refs = [m for m in range(n_models) if m != t][:k]
        scores.append(rmia_scores(probs[t], probs[refs], probs[t], probs[refs], reference_in=in_mask[refs],
                                  population_reference_in=in_mask[refs], online=online, a=a, gamma=gamma))
    scores, members = np.concatenate(scores), in_mask[:n_targets].ravel()
    fpr, tpr, auc = roc_metrics(scores, members)
    name = "rmia_online" if online else "rmia_offline"
    return AttackResult(name, fpr, tpr, auc, tpr_at_fpr(fpr, tpr, 0.001), tpr_at_fpr(fpr, tpr, 0.01), k,
                        shadow_set.noise_multiplier, shadow_set.epsilon,
                        float(np.mean(shadow_set.test_accuracy)), scores, members)


def compare_with_lira(shadow_set, n_models=(1, 2, 4, 8, 16, 32)) -> list:
    """Rows ``(k, attack, AUC, TPR@1%FPR)`` for RMIA and LiRA with k reference/shadow models each.

    LiRA needs k ≥ 2 (a Gaussian per example); offline attacks use only the OUT models among k.
    With a list of ShadowSets (one per seed), AUC and TPR are arrays of the per-seed values
    (``trustlab.stats.format_ci`` prints them as mean ± 95 % interval).
    """
    from trustlab.attacks.membership import compute_membership_attack, shadow_sets

    sets = shadow_sets(shadow_set)
    many = len(sets) > 1
    arg = sets if many else sets[0]

    def values(r):
        return (r.per_seed["auc"], r.per_seed["tpr_at_1"]) if many else (r.auc, r.tpr_at_1)

    if isinstance(n_models, (str, bytes)) or not hasattr(n_models, "__iter__"):
        raise TypeError(f"n_models must be a list of model counts, got {n_models!r}")
    rows = []
    for k in n_models:
        k = check_int("n_models", k, 1, sets[0].n_shadows)
        for online in (False, True):
            r = compute_rmia_attack(arg, k, online=online)
            rows.append((k, r.attack, *values(r)))
        if k >= 2:
            for attack in ("lira_offline", "lira_online"):
                rows.append((k, attack, *values(compute_membership_attack(arg, attack, k))))
    return rows
