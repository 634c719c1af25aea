"""The role-reversal sweep: every teacher-probability mode × swap ratio, computed once and cached.

Each student (see :mod:`trustlab.fairness.counterfactual.role_reversal`, Gupta et al. 2022) is
scored by intrinsic bias (gender polarity of its next-word predictions per occupation), utility
(perplexity on held-out text from the same biased distribution) and extrinsic bias (TPR gap of
an occupation classifier built on its embeddings;
:mod:`trustlab.fairness.counterfactual.occupation`).
A sweep of 20 students takes minutes, so it ships in ``trustlab/fairness/counterfactual/sweeps/``
and sliders read it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from trustlab._validate import check_choice
from trustlab.cache import cached

__all__ = ["SWAP_RATIOS", "RoleReversalResult", "compute_role_reversal", "role_reversal_sweep",
           "sweep_table"]

SWAP_RATIOS = (0.0, 0.25, 0.5, 0.75, 1.0)
SHIPPED = Path(__file__).with_name("sweeps")
_PROMPT = "the nurse said that"


def _score(model, vocab, held_out, seed):
    from trustlab.fairness.counterfactual.occupation import occupation_tpr_gap
    from trustlab.fairness.counterfactual.role_reversal import perplexity, polarity

    pol = polarity(model, vocab)
    ext = occupation_tpr_gap(model.embed.weight.detach().numpy(), vocab, n_train=100,
                             n_test=1000, seed=seed)
    return {"polarity": pol, "mean_abs_polarity": float(np.mean(np.abs(list(pol.values())))),
            "perplexity": perplexity(model, vocab, held_out), "bio_accuracy": ext.accuracy,
            "tpr_gap": ext.tpr_gap, "mean_abs_tpr_gap": ext.mean_abs_gap,
            "gap_share_correlation": ext.share_correlation}


def _compute(seed, progress):
    from trustlab.fairness.counterfactual.corpus import lm_corpus
    from trustlab.fairness.counterfactual.role_reversal import (MODES, distill, teacher,
                                                                teacher_targets)

    big, vocab, _ = teacher(seed=seed)
    held_out = lm_corpus(20, seed=seed + 1000)
    X = torch.tensor([[vocab.index[w] for w in _PROMPT.split()[-3:]]])
    prompt = {}
    for mode in MODES:
        p = teacher_targets(big, vocab, X, mode)[0]
        prompt[mode] = {w: float(p[vocab.index[w]]) for w in ("he", "she")}
    records = []
    for mode in MODES:
        for ratio in SWAP_RATIOS:
            student, _ = distill(mode, ratio, seed=seed)
            records.append({"mode": mode, "swap_ratio": ratio,
                            **_score(student, vocab, held_out, seed)})
            if progress:
                print(f"  {mode:<8} swap_ratio={ratio:.2f}  |polarity|="
                      f"{records[-1]['mean_abs_polarity']:.3f}", flush=True)
    return {"teacher": _score(big, vocab, held_out, seed), "prompt": _PROMPT,
            "teacher_prompt_probs": prompt, "records": records}


def role_reversal_sweep(*, seed=0, use_cache=True, progress=False) -> dict:
    """The sweep as a JSON-able dict: ``teacher`` scores, ``records`` (one per student), prompt probs.

    Read from the shipped file or the user cache when its key matches; ``use_cache=False``
    recomputes live (a few minutes on 2 cores).
    """
    params = {"modes": ["none", "mean", "max", "expmean"], "swap_ratios": list(SWAP_RATIOS),
              "seed": seed, "teacher": [60, 32, 128, 30], "student": [16, 32, 40, 0.5],
              "bios": [100, 1000, 0.5]}
    return cached("role_reversal", params, lambda: _compute(seed, progress),
                  shipped_dir=SHIPPED, use_cache=use_cache)


@dataclass(frozen=True, eq=False)
class RoleReversalResult:
    """One student of the sweep (``mode``, ``swap_ratio``), with the teacher and all students."""

    mode: str
    swap_ratio: float
    record: dict
    teacher: dict
    sweep: dict

    def summary(self) -> str:
        """One rounded line: polarity, perplexity and TPR gap, each next to the teacher's."""
        r, t = self.record, self.teacher
        return (f"mode={self.mode} swap_ratio={self.swap_ratio:.2f}  |polarity|="
                f"{r['mean_abs_polarity']:.3f} (teacher {t['mean_abs_polarity']:.3f})  "
                f"perplexity={r['perplexity']:.3f} (teacher {t['perplexity']:.3f})  "
                f"bio acc={r['bio_accuracy']:.3f}  mean |TPR gap|={r['mean_abs_tpr_gap']:.3f} "
                f"(teacher {t['mean_abs_tpr_gap']:.3f})")


@functools.lru_cache(maxsize=2)
def _cached_sweep(seed):
    # A slider move is a lookup: parse the 50 kB sweep file once per process, not per move.
    return role_reversal_sweep(seed=seed)


def compute_role_reversal(mode="none", swap_ratio=0.0, *, seed=0, use_cache=True):
    """The sweep's student for ``mode`` and ``swap_ratio`` (a lookup once the sweep is cached).

    >>> print(compute_role_reversal("mean", 1.0).summary())  # doctest: +ELLIPSIS
    mode=mean swap_ratio=1.00  |polarity|=0.0... (teacher 0.5...)  perplexity=...
    """
    from trustlab.fairness.counterfactual.role_reversal import MODES

    check_choice("mode", mode, MODES)
    check_choice("swap_ratio", swap_ratio, SWAP_RATIOS)
    sweep = _cached_sweep(seed) if use_cache else role_reversal_sweep(seed=seed, use_cache=False)
    record = next(r for r in sweep["records"]
                  if r["mode"] == mode and r["swap_ratio"] == swap_ratio)
    return RoleReversalResult(mode, float(swap_ratio), record, sweep["teacher"], sweep)


def sweep_table(*, seed=0, use_cache=True):
    """The sweep as a DataFrame: one row per student (mode, swap ratio) plus the teacher's row.

    >>> t = sweep_table()
    >>> len(t), list(t.columns)[:3]
    (21, ['mode', 'swap_ratio', 'mean_abs_polarity'])
    """
    import pandas as pd

    sweep = role_reversal_sweep(seed=seed, use_cache=use_cache)
    cols = ["mean_abs_polarity", "perplexity", "bio_accuracy", "mean_abs_tpr_gap"]
    rows = [{"mode": "teacher", "swap_ratio": float("nan"), **{c: sweep["teacher"][c] for c in cols}}]
    rows += [{"mode": r["mode"], "swap_ratio": r["swap_ratio"], **{c: r[c] for c in cols}}
             for r in sweep["records"]]
    return pd.DataFrame(rows)
