"""One student of the role-reversal sweep, and the sweep as a table, with seed intervals.

Every score is kept per seed (each seed: its own corpus, teacher and student); summaries print
the mean ± 95 % interval over the seeds (:mod:`trustlab.stats`), and the table gives the mean
and the interval's half-width of each score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trustlab.stats import format_ci, mean_ci

__all__ = ["METRICS", "RoleReversalResult", "sweep_table"]

#: Scalar scores of every student (and the teacher), each a list over the seeds.
METRICS = ("mean_abs_polarity", "perplexity", "bio_accuracy", "mean_abs_tpr_gap")


@dataclass(frozen=True, eq=False)
class RoleReversalResult:
    """One student (``mode``, ``swap_ratio``): its ``record``, the ``teacher`` and the ``sweep``.

    ``record[metric]`` and ``teacher[metric]`` are lists over the seeds; ``record["polarity"]``
    maps each occupation to its per-seed polarities.
    """

    mode: str
    swap_ratio: float
    record: dict
    teacher: dict
    sweep: dict

    def mean(self, metric, *, teacher=False) -> float:
        """The seed mean of ``metric`` for the student (or the teacher)."""
        return float(np.mean((self.teacher if teacher else self.record)[metric]))

    def summary(self) -> str:
        """One rounded line: polarity, perplexity and TPR gap (mean ± 95 % interval), teacher's beside."""
        r, t = self.record, self.teacher
        ci = lambda v, d=3: format_ci(v, d, seeds=False)  # noqa: E731
        return (f"mode={self.mode} swap_ratio={self.swap_ratio:.2f}  |polarity|="
                f"{ci(r['mean_abs_polarity'])} (teacher {ci(t['mean_abs_polarity'])})  "
                f"perplexity={ci(r['perplexity'], 2)} (teacher {ci(t['perplexity'], 2)})  "
                f"bio acc={ci(r['bio_accuracy'])}  mean |TPR gap|={ci(r['mean_abs_tpr_gap'])} "
                f"(teacher {ci(t['mean_abs_tpr_gap'])})  ({len(r['perplexity'])} seeds)")


def sweep_table(*, seed=0, use_cache=True):
    """The sweep as a DataFrame: one row per student (mode, swap ratio) plus the teacher's row.

    Each score has its seed mean and the half-width of its 95 % interval (``…_ci``).

    >>> t = sweep_table()
    >>> len(t), list(t.columns)[:4]
    (21, ['mode', 'swap_ratio', 'mean_abs_polarity', 'mean_abs_polarity_ci'])
    """
    import pandas as pd

    from trustlab.fairness.counterfactual.role_reversal_sweep import role_reversal_sweep

    sweep = role_reversal_sweep(seed=seed, use_cache=use_cache)

    def row(mode, ratio, rec):
        out = {"mode": mode, "swap_ratio": ratio}
        for m in METRICS:
            iv = mean_ci(rec[m])
            out[m], out[f"{m}_ci"] = iv.mean, iv.half_width
        return out

    rows = [row("teacher", float("nan"), sweep["teacher"])]
    rows += [row(r["mode"], r["swap_ratio"], r) for r in sweep["records"]]
    return pd.DataFrame(rows)
