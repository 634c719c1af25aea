"""The role-reversal sweep: every teacher-probability mode × swap ratio, 5 seeds, computed once.

Each student (see :mod:`trustlab.fairness.counterfactual.role_reversal`, Gupta et al. 2022) is
scored by intrinsic bias, utility and extrinsic bias. Intrinsic bias is the gender polarity of
its *next-word* predictions per occupation, P(he, his) − P(she, her) after prompts such as "the
nurse said that": a proxy, the kit's reading, for the paper's gender polarity of *generated
text* (they score whole generations per profession). Utility is perplexity on held-out text
from the same biased distribution; extrinsic bias the TPR gap of an occupation classifier built
on the student's embeddings (:mod:`trustlab.fairness.counterfactual.occupation`). Each seed has
its own corpus, teacher and student; the sweep keeps every seed's values, and the 20 students ×
5 seeds take minutes, so it ships in ``sweeps/`` and sliders read it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch

from trustlab._validate import check_choice, check_int, check_number
from trustlab.cache import cached
from trustlab.fairness.counterfactual.role_reversal_result import (METRICS, RoleReversalResult,
                                                                   sweep_table)

__all__ = ["N_SEEDS", "SWAP_RATIOS", "RoleReversalResult", "compute_role_reversal",
           "compute_role_reversal_now", "role_reversal_sweep", "score_students", "sweep_table"]

SWAP_RATIOS = (0.0, 0.25, 0.5, 0.75, 1.0)
N_SEEDS = 5
SHIPPED = Path(__file__).with_name("sweeps")
#: A recomputed student agrees with the shipped sweep within this (|polarity|, per seed).
SPOT_TOLERANCE = 0.02
_PROMPT = "the nurse said that"
_BIOS = {"n_train": 100, "n_test": 1000, "cue_noise": 0.5}


def _score(model, vocab, held_out, seed):
    from trustlab.fairness.counterfactual.occupation import occupation_tpr_gap
    from trustlab.fairness.counterfactual.role_reversal import perplexity, polarity

    pol = polarity(model, vocab)
    ext = occupation_tpr_gap(model[0].weight.detach().numpy(), vocab, n_train=_BIOS["n_train"],
                             n_test=_BIOS["n_test"], cue_noise=_BIOS["cue_noise"], seed=seed)
    return {"polarity": pol, "mean_abs_polarity": float(np.mean(np.abs(list(pol.values())))),
            "perplexity": perplexity(model, vocab, held_out), "bio_accuracy": ext.accuracy,
            "tpr_gap": ext.tpr_gap, "mean_abs_tpr_gap": ext.mean_abs_gap}


def _merge(scores):
    """Per-seed score dicts -> one dict of lists (nested dicts per occupation kept)."""
    out = {}
    for key in scores[0]:
        if isinstance(scores[0][key], dict):
            out[key] = {k: [s[key][k] for s in scores] for k in scores[0][key]}
        else:
            out[key] = [s[key] for s in scores]
    return out


def score_students(models, vocab, seeds):
    """Scores of stacked models (one per seed), merged: each metric a list over the seeds."""
    from trustlab.fairness.counterfactual.corpus import lm_corpus
    from trustlab.fairness.counterfactual.role_reversal import _check_seeds

    seeds = _check_seeds(seeds)
    return _merge([_score(models.member(k), vocab, lm_corpus(20, seed=s + 1000), s)
                   for k, s in enumerate(seeds)])


def _corpus_polarity(corpora):
    """P(he-word) − P(she-word) after each occupation's prompts, counted in each corpus."""
    from trustlab.fairness.counterfactual.corpus import CUES, HE_WORDS, SHE_WORDS, polarity_prompts

    out = {occ: [] for occ in CUES}
    for corpus in corpora:
        for occ in CUES:
            nxt = [s[len(p)] for p in polarity_prompts(occ) for s in corpus if s[:len(p)] == p]
            he = sum(w in HE_WORDS for w in nxt)
            she = sum(w in SHE_WORDS for w in nxt)
            out[occ].append((he - she) / max(len(nxt), 1))
    return out


def _compute(seeds, progress):
    from trustlab.fairness.counterfactual.role_reversal import (MODES, distill_many, teacher_targets,
                                                                teachers)

    big, vocab, corpora = teachers(seeds)
    X = torch.tensor([[vocab.index[w] for w in _PROMPT.split()[-3:]]])
    prompt = {mode: {w: [float(teacher_targets(big.member(k), vocab, X, mode)[0, vocab.index[w]])
                         for k in range(len(seeds))] for w in ("he", "she")} for mode in MODES}
    records = []
    for mode in MODES:
        for ratio in SWAP_RATIOS:
            students, _ = distill_many(mode, ratio, seeds=seeds)
            records.append({"mode": mode, "swap_ratio": ratio,
                            **score_students(students, vocab, seeds)})
            if progress:
                print(f"  {mode:<8} swap_ratio={ratio:.2f}  |polarity|="
                      f"{np.mean(records[-1]['mean_abs_polarity']):.3f}", flush=True)
    return {"seeds": list(seeds), "teacher": score_students(big, vocab, seeds),
            "corpus_polarity": _corpus_polarity(corpora), "prompt": _PROMPT,
            "teacher_prompt_probs": prompt, "records": records}


def _params(seeds):
    from trustlab.fairness.counterfactual.role_reversal import (_STUDENT, _TEACHER,
                                                                N_PER_OCCUPATION)

    return {"modes": ["none", "mean", "max", "expmean"], "swap_ratios": list(SWAP_RATIOS),
            "seeds": list(seeds), "n_per_occupation": N_PER_OCCUPATION, "teacher": _TEACHER,
            "student": _STUDENT, "alpha": 0.5, "bios": _BIOS, "metrics": list(METRICS)}


def role_reversal_sweep(*, seed=0, n_seeds=N_SEEDS, use_cache=True, progress=False) -> dict:
    """The sweep as a JSON-able dict: ``teacher`` and ``records`` (one per student) with every
    seed's scores, the corpora's own polarity, and the teacher's probabilities after a prompt.

    Seeds are ``seed … seed + n_seeds − 1``. Read from the shipped file or the user cache when
    its key matches; ``use_cache=False`` recomputes live (minutes on 2 cores).
    """
    check_int("seed", seed, 0)
    check_int("n_seeds", n_seeds, 1, 20)
    seeds = tuple(range(seed, seed + n_seeds))
    return cached("role_reversal", _params(seeds), lambda: _compute(seeds, progress),
                  shipped_dir=SHIPPED, use_cache=use_cache, check=_check_sweep)


def _check_sweep(value):
    """Raise unless ``value`` has the sweep's structure and every score is in range."""
    n = len(value["seeds"])
    for rec in [value["teacher"], *value["records"]]:
        for m in METRICS:
            if len(rec[m]) != n or not all(0 <= x < 1e3 for x in rec[m]):
                raise ValueError(f"{m} must hold {n} finite non-negative values")
        if not all(-1 <= x <= 1 for v in rec["polarity"].values() for x in v):
            raise ValueError("polarity values must be in [-1, 1]")


@functools.lru_cache(maxsize=2)
def _cached_sweep(seed):
    # A slider move is a lookup: parse the sweep file once per process, not per move.
    return role_reversal_sweep(seed=seed)


def compute_role_reversal(mode="none", swap_ratio=0.0, *, seed=0, use_cache=True):
    """The sweep's student for ``mode`` and ``swap_ratio`` (a lookup once the sweep is cached).

    >>> print(compute_role_reversal("mean", 1.0).summary())  # doctest: +ELLIPSIS
    mode=mean swap_ratio=1.00  |polarity|=0.0...
    """
    from trustlab.fairness.counterfactual.role_reversal import MODES

    check_choice("mode", mode, MODES)
    check_choice("swap_ratio", swap_ratio, SWAP_RATIOS)
    sweep = _cached_sweep(seed) if use_cache else role_reversal_sweep(seed=seed, use_cache=False)
    record = next(r for r in sweep["records"]
                  if r["mode"] == mode and r["swap_ratio"] == swap_ratio)
    return RoleReversalResult(mode, float(swap_ratio), record, sweep["teacher"], sweep)


def compute_role_reversal_now(mode="none", swap_ratio=0.1, alpha=0.5, *, seed=0,
                              n_seeds=N_SEEDS) -> RoleReversalResult:
    """Distill and score a student off the grid now (any swap ratio and distillation weight α),
    ``n_seeds`` seeds, beside the shipped teachers. Tens of seconds on 2 cores."""
    from trustlab.fairness.counterfactual.role_reversal import MODES, distill_many

    check_choice("mode", mode, MODES)
    swap_ratio = check_number("swap_ratio", swap_ratio, 0, 1)
    alpha = check_number("alpha", alpha, 0, 1)
    check_int("n_seeds", n_seeds, 1, N_SEEDS)
    check_int("seed", seed, 0)
    sweep = _cached_sweep(seed)
    seeds = tuple(sweep["seeds"][:n_seeds])
    students, vocab = distill_many(mode, swap_ratio, seeds=seeds, alpha=alpha)
    record = {"mode": mode, "swap_ratio": float(swap_ratio), "alpha": float(alpha),
              **score_students(students, vocab, seeds)}
    return RoleReversalResult(mode, float(swap_ratio), record, sweep["teacher"], sweep)
