"""DP-SGD's disparate impact: the noise costs an under-represented group far more accuracy.

Bagdasaryan, Poursaeed & Shmatikov, "Differential Privacy Has Disparate Impact on Model
Accuracy", NeurIPS 2019. Clipping bounds every example's pull on the model, and noise drowns
the few consistent pulls of a small group first. Training is :func:`trustlab.privacy.dpsgd.train_dp`
(Opacus); each group's accuracy is that run's test accuracy on the group's test rows (the same
seed gives the same model, so one run per group and ε measures every group on one model).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trustlab._random import numpy_rng
from trustlab._validate import check_choice, check_int, check_number
from trustlab.cache import cached

__all__ = ["DisparateImpactPoint", "DisparateImpactResult", "compute_disparate_impact",
           "disparate_impact_adult", "disparate_impact_digits"]

SHIPPED = Path(__file__).with_name("sweeps")


@dataclass(frozen=True, eq=False)
class DisparateImpactResult:
    """Test accuracy per group for a non-private model and DP-SGD at several ε."""

    title: str
    groups: tuple
    train_counts: dict
    target_epsilons: tuple
    noise_multipliers: tuple
    epsilons: tuple
    delta: float
    accuracy: dict
    plain_accuracy: dict

    def drop(self, group, index=0) -> float:
        """Accuracy lost by ``group`` at ``target_epsilons[index]`` (0 means DP cost it nothing)."""
        return self.plain_accuracy[group] - self.accuracy[group][index]

    def summary(self) -> str:
        """One line per group: non-private accuracy, then accuracy at each ε."""
        head = "  ".join(f"eps={e:g}" for e in self.target_epsilons)
        lines = [f"{'group':<14} non-private  {head}"]
        for g in self.groups:
            accs = "  ".join(f"{a:>{len(f'eps={e:g}')}.3f}"
                             for a, e in zip(self.accuracy[g], self.target_epsilons))
            lines.append(f"{g:<14} {self.plain_accuracy[g]:>11.3f}  {accs}")
        return "\n".join(lines)


def _per_group(train, tests, target_epsilons, delta, train_kwargs, seed):
    """Run ``train_dp`` once per (ε, group), each time testing on that group's rows."""
    from trustlab.privacy.dpsgd import train_dp

    X_train, y_train = train
    out = {"accuracy": {g: [] for g in tests}, "plain": {}, "sigma": [], "epsilon": []}
    for eps in target_epsilons:
        for g, (X_test, y_test) in tests.items():
            r = train_dp((X_train, X_test, y_train, y_test), target_epsilon=float(eps),
                         delta=delta, seed=seed, **train_kwargs)
            out["accuracy"][g].append(float(r.test_accuracy))
            out["plain"][g] = float(r.plain_test_accuracy)
        out["sigma"].append(float(r.noise_multiplier))
        out["epsilon"].append(float(r.epsilon))
    return out


def _result(title, value, target_epsilons, delta, counts):
    return DisparateImpactResult(title, tuple(sorted(value["plain"])), counts, tuple(target_epsilons),
                                 tuple(value["sigma"]), tuple(value["epsilon"]), delta,
                                 {g: tuple(a) for g, a in value["accuracy"].items()},
                                 dict(value["plain"]))


def _check(target_epsilons, delta):
    eps = tuple(check_number("target_epsilons", e, 0, None, low_open=True) for e in target_epsilons)
    if not eps:
        raise ValueError("target_epsilons must hold at least one ε > 0, got ()")
    return eps, check_number("delta", delta, 0, 1, low_open=True, high_open=True)


def disparate_impact_digits(minority_class=8, n_minority=15, target_epsilons=(8.0, 3.0, 1.0),
                            delta=1e-5, epochs=20, *, seed=0, use_cache=True):
    """Digits with one class cut to ``n_minority`` training images: accuracy on it vs the rest.

    Parameters
    ----------
    minority_class : int in 0..9
    n_minority : int
        Training images of that class that are kept (≥ 1); its test images are all kept.
    target_epsilons : sequence of float
        ε budgets; each run picks σ so that ``epochs`` epochs spend that ε at ``delta``.
    epochs : int
    seed : int
    use_cache : bool
        Read/write the on-disk sweep cache (``False`` recomputes live, ~2 s per run).

    Examples
    --------
    >>> r = disparate_impact_digits(seed=0)   # the shipped sweep: no training
    >>> r.groups, r.train_counts["class 8"]
    (('class 8', 'other classes'), 15)
    """
    from trustlab.data import load_digits

    check_int("minority_class", minority_class, 0, 9)
    check_int("n_minority", n_minority, 1, 100)
    check_int("epochs", epochs, 1, 200)
    target_epsilons, delta = _check(target_epsilons, delta)
    split = load_digits(seed=seed)
    is_min = split.y_train == minority_class
    keep = numpy_rng(seed).choice(np.flatnonzero(is_min), size=min(n_minority, is_min.sum()),
                                  replace=False)
    mask = ~is_min
    mask[keep] = True
    name = f"class {minority_class}"
    t = split.y_test == minority_class
    tests = {name: (split.X_test[t], split.y_test[t]),
             "other classes": (split.X_test[~t], split.y_test[~t])}
    params = {"data": "digits", "minority_class": minority_class, "n_minority": n_minority,
              "target_epsilons": list(target_epsilons), "delta": delta, "epochs": epochs,
              "seed": seed}
    value = cached("disparate_digits", params,
                   lambda: _per_group((split.X_train[mask], split.y_train[mask]), tests,
                                      target_epsilons, delta, {"epochs": epochs}, seed),
                   shipped_dir=SHIPPED, use_cache=use_cache)
    counts = {name: int(len(keep)), "other classes": int((~is_min).sum())}
    return _result(f"Digits, class {minority_class} cut to {len(keep)} training images",
                   value, target_epsilons, delta, counts)


def disparate_impact_adult(minority="Female", minority_share=None, target_epsilons=(8.0, 3.0, 1.0),
                           delta=1e-5, epochs=3, *, seed=0, use_cache=True):
    """Adult by sex: each group's accuracy and TPR (accuracy on its >50K rows) under DP-SGD.

    Parameters
    ----------
    minority : {"Female", "Male"}
        The group that may be thinned in training.
    minority_share : float or None
        If given, training keeps only enough ``minority`` rows to make up this share of the
        training set (in (0, 0.5]); None keeps Adult's natural shares (32 % women).
    target_epsilons, delta, epochs, seed, use_cache : as in :func:`disparate_impact_digits`.
    """
    from trustlab.fairness.groups.sampling import adult_features

    check_choice("minority", minority, ("Female", "Male"))
    if minority_share is not None:
        minority_share = check_number("minority_share", minority_share, 0, 0.5, low_open=True)
    check_int("epochs", epochs, 1, 50)
    target_epsilons, delta = _check(target_epsilons, delta)
    X, y, groups = adult_features()
    sex = groups["sex"]
    rng = numpy_rng(seed)
    perm = rng.permutation(len(y))
    test, train = perm[:len(y) // 3], perm[len(y) // 3:]
    if minority_share is not None:
        is_min = sex[train] == minority
        n_keep = int(round(minority_share / (1 - minority_share) * (~is_min).sum()))
        kept = rng.choice(train[is_min], size=min(n_keep, is_min.sum()), replace=False)
        train = np.sort(np.concatenate([train[~is_min], kept]))
    tests = {}
    for g in ("Female", "Male"):
        rows = test[sex[test] == g]
        tests[f"{g} accuracy"] = (X[rows], y[rows])
        pos = rows[y[rows] == 1]
        tests[f"{g} TPR"] = (X[pos], y[pos])
    params = {"data": "adult", "minority": minority, "minority_share": minority_share,
              "target_epsilons": list(target_epsilons), "delta": delta, "epochs": epochs,
              "seed": seed}
    kwargs = {"epochs": epochs, "hidden": (), "lr": 0.5, "batch_size": 512}
    value = cached("disparate_adult", params,
                   lambda: _per_group((X[train], y[train]), tests, target_epsilons, delta, kwargs,
                                      seed),
                   shipped_dir=SHIPPED, use_cache=use_cache)
    counts = {name: int((sex[train] == name.split()[0]).sum()) for name in tests}
    share = "natural shares" if minority_share is None else \
        f"{minority} thinned to {100 * minority_share:.0f}% of training"
    return _result(f"Adult by sex ({share})", value, target_epsilons, delta, counts)



@dataclass(frozen=True, eq=False)
class DisparateImpactPoint:
    """One ε of a disparate-impact sweep: each group's accuracy without DP and at that ε."""

    sweep: DisparateImpactResult
    target_epsilon: float

    @property
    def index(self) -> int:
        """Position of ``target_epsilon`` in the sweep."""
        return self.sweep.target_epsilons.index(self.target_epsilon)

    def summary(self) -> str:
        """One rounded line: per group, non-private -> DP accuracy and the drop in points."""
        i, s = self.index, self.sweep
        parts = [f"{g} {s.plain_accuracy[g]:.3f}->{s.accuracy[g][i]:.3f} "
                 f"({-100 * s.drop(g, i):+.1f} pts)" for g in s.groups]
        return f"eps={s.epsilons[i]:.2f} (sigma={s.noise_multipliers[i]:.2f}): " + ";  ".join(parts)


@functools.lru_cache(maxsize=8)
def _default_sweep(dataset, seed):
    # Explorer moves only look up an ε; building the test sets again would dominate their time.
    return (disparate_impact_digits if dataset == "digits" else disparate_impact_adult)(seed=seed)


def compute_disparate_impact(dataset="digits", target_epsilon=8.0, *, seed=0):
    """The default sweep of ``dataset`` ("digits" or "adult") read at one ε (cached: instant).

    >>> print(compute_disparate_impact("digits", 8.0).summary())   # doctest: +ELLIPSIS
    eps=8.00 (sigma=1.54): class 8 0.349->0.000 (-34.9 pts);  other classes ...
    """
    check_choice("dataset", dataset, ("digits", "adult"))
    sweep = _default_sweep(dataset, seed)
    check_choice("target_epsilon", target_epsilon, sweep.target_epsilons)
    return DisparateImpactPoint(sweep, target_epsilon)
