"""The result of a disparate-impact sweep: per group, per setting, per seed accuracy.

Settings, in order: the non-private model, clipping only (σ = 0: Poisson sampling and
per-example clipping, no noise, no privacy) and DP-SGD at each target ε
(:mod:`trustlab.fairness.groups.disparate` trains them). Means carry a 95 % interval over the
training seeds (:mod:`trustlab.stats`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustlab.stats import format_ci, mean_ci, separated

__all__ = ["SETTINGS", "DisparateImpactPoint", "DisparateImpactResult", "setting_label"]

#: The explorer's settings on the shipped grid (the non-private model is always shown too).
SETTINGS = ("clip only", "eps=8", "eps=3", "eps=1")


def setting_label(sigma, epsilon) -> str:
    """Short label of a setting: ``non-private``, ``clip only`` or ``eps=8``."""
    if sigma is None:
        return "non-private"
    if epsilon is not None and not (isinstance(epsilon, (int, float)) and 0 < epsilon < float("inf")):
        raise ValueError(f"epsilon must be None (clipping only) or a finite ε > 0, got {epsilon!r}")
    return "clip only" if epsilon is None else f"eps={epsilon:g}"


@dataclass(frozen=True, eq=False)
class DisparateImpactResult:
    """Test accuracy per group for the non-private model, clipping only and DP-SGD at each ε.

    ``per_seed[group]`` is an array (settings × seeds); ``noise_multipliers`` and ``epsilons``
    list each setting's σ and spent ε (None for non-private; σ = 0 and ε = ∞ for clipping only).
    """

    title: str
    groups: tuple
    train_counts: dict
    target_epsilons: tuple
    noise_multipliers: tuple
    epsilons: tuple
    delta: float
    max_grad_norm: float
    seeds: tuple
    per_seed: dict
    labels: tuple = ()

    @classmethod
    def from_sweep(cls, title, value, target_epsilons, delta, max_grad_norm, counts):
        """Build from a sweep's JSON value (``sigma``, ``epsilon``, ``accuracy``, ``seeds``)."""
        per_seed = {g: np.asarray(a, dtype=float) for g, a in value["accuracy"].items()}
        eps = [None, None, *target_epsilons]
        labels = tuple(setting_label(s, e) for s, e in zip(value["sigma"], eps))
        return cls(title, tuple(sorted(per_seed)), counts, tuple(target_epsilons),
                   tuple(value["sigma"]), tuple(value["epsilon"]), delta, max_grad_norm,
                   tuple(value["seeds"]), per_seed, labels)

    def mean(self, group, index) -> float:
        """Mean accuracy of ``group`` over the seeds in setting ``index``."""
        return float(self.per_seed[group][index].mean())

    def interval(self, group, index):
        """Mean and 95 % interval (a :class:`trustlab.stats.Interval`) of ``group`` at ``index``."""
        return mean_ci(self.per_seed[group][index])

    def drop(self, group, index=1) -> float:
        """Mean accuracy ``group`` loses from the non-private model to setting ``index``."""
        return self.mean(group, 0) - self.mean(group, index)

    def differs(self, group, index) -> bool:
        """True when ``group``'s accuracy at ``index`` and without DP have separate intervals."""
        return separated(self.per_seed[group][0], self.per_seed[group][index])

    def summary(self) -> str:
        """One line per group: mean ± 95 % interval in every setting, then the seed count."""
        width = max(len(g) for g in self.groups)
        cells = lambda g: "  ".join(f"{lab}={format_ci(self.per_seed[g][i], seeds=False)}"  # noqa: E731
                                    for i, lab in enumerate(self.labels))
        lines = [f"{g:<{width}}  {cells(g)}" for g in self.groups]
        sig = "".join(f"; {lab}: sigma={s:.2f}" for lab, s in zip(self.labels, self.noise_multipliers)
                      if s)
        lines.append(f"({len(self.seeds)} seeds; clipping norm C={self.max_grad_norm:g}{sig})")
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class DisparateImpactPoint:
    """One setting of a disparate-impact sweep (``index`` ≥ 1), shown against the non-private model."""

    sweep: DisparateImpactResult
    index: int

    @property
    def label(self) -> str:
        """The setting's label (``clip only``, ``eps=8`` …)."""
        return self.sweep.labels[self.index]

    def summary(self) -> str:
        """One rounded line: per group, non-private → this setting, and the drop in points."""
        s, i = self.sweep, self.index
        parts = []
        for g in s.groups:
            mark = "" if s.differs(g, i) else ", within seed noise"
            parts.append(f"{g} {s.mean(g, 0):.3f}->{s.mean(g, i):.3f} "
                         f"({-100 * s.drop(g, i):+.1f} pts{mark})")
        sigma, eps = s.noise_multipliers[i], s.epsilons[i]
        head = (f"clip only (sigma=0, C={s.max_grad_norm:g}, no privacy)" if eps is None
                else f"eps={eps:.2f} (sigma={sigma:.2f}, C={s.max_grad_norm:g})")
        return f"{head}, {len(s.seeds)} seeds: " + ";  ".join(parts)

