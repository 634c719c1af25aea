"""Every explorer's "compute this setting now" path, timed (DESIGN.md: off-grid, 5 seeds, ≤ 2 s).

Run by ``benchmarks/run.py --compute-now`` (results in results.json → RESULTS.md). Run on its
own with ``--case NAME`` to time one explorer and print its row as JSON.

What is measured
----------------
For each explorer with a button that trains the current setting live, the function that button
calls (:data:`CASES` names it), with the explorer's default controls and the seeds the button
uses, except one knob set *off* the shipped grid, so the call really trains. Every call moves
that knob by a further small step (σ 1.50, 1.51, …; repetitions 6, 7, …): each call is a setting
this process has not computed yet, as a student's next click is, so no per-setting memo (the
accountants', a risk bound's) answers it. Data and models a function keeps per process and per
seed (pre-trained LMs, teachers, loaded data sets) are reused after the first call, as in a
notebook.

How
---
Each explorer runs in a fresh interpreter (``python compute_now.py --case NAME``) with an empty
temporary ``TRUSTLAB_CACHE_DIR``, so neither another explorer's imports nor a user cache help
it. The first call is timed apart (``first_s``: imports and per-process set-up included), then
``max(3, repeat)`` calls give the medians if a call takes under 10 s, else one call does (the
row says so); a first call over 180 s is the only call. *Wall* is ``time.perf_counter()``
around the call; *CPU* is ``time.process_time()`` plus the CPU time of child processes reaped
during it (``resource.RUSAGE_CHILDREN``; none of these paths starts any: the capstone trains its
Flower runs in-process). The 1-minute load average is recorded when the section starts.

Not timed here: the explorer's redraw after the button (a look-up and a plot, timed by the
explorers section), the planner's "PRV ε" button and the DP-SGD explorer's "train with Opacus
(one seed)" (neither trains five seeds). The DP-SGD, text-rewriting, membership and LM buttons
train the slider's (grid) setting: their functions never read the sweep, so an off-grid value
costs what a grid one does. The two LM buttons train one seed, not five (their docstring:
10–60 s a seed); their rows say ``seeds 1``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

#: DESIGN.md: an off-grid "compute now" with 5 seeds, median seconds.
TARGET_S = 2.0
#: A call at least this long is timed once (after the first call), not ``max(3, repeat)`` times.
LONG_S = 10.0
#: A first call at least this long is the only call.
VERY_LONG_S = 180.0
SEEDS = (0, 1, 2, 3, 4)
ENV = {"FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1"}


def _off(value, grid, name):
    """``value``, after checking it is not one of the shipped ``grid``'s values."""
    if value in tuple(grid):
        raise ValueError(f"{name}={value!r} is on the shipped grid {tuple(grid)}")
    return value


def _nth_off(i, grid, start):
    """The ``i``-th integer from ``start`` up that is not in ``grid``."""
    return [v for v in range(start, start + i + len(grid) + 1) if v not in grid][i]


# ----------------------------------------------------------------------------- the calls

def _capstone(i):
    from trustlab.capstone.point import GRID
    from trustlab.capstone.tradeoffs import run_tradeoff_point

    sigma = _off(1.5 + 0.01 * i, GRID["noise_multiplier"], "noise_multiplier")
    run_tradeoff_point(sigma, 100, 100.0, 0.0, seed=0, n_seeds=len(SEEDS))


def _kg_bias(i):
    from trustlab.fairness.kg.sweep import KL_WEIGHTS, compute_kg_now

    compute_kg_now(_off(2.0 + 0.01 * i, KL_WEIGHTS, "kl_weight"), 0.0, seed=0)


def _disparate_impact(i):
    from trustlab.fairness.groups.disparate import compute_disparate_impact_now

    # the grid's ε are 8, 3 and 1 (and clipping only); the "compute now" row's default is 2
    compute_disparate_impact_now("digits", _off(2.0 + 0.01 * i, (1.0, 3.0, 8.0), "ε"), 1.0, seed=0)


def _role_reversal(i):
    from trustlab.fairness.counterfactual.role_reversal_sweep import (SWAP_RATIOS,
                                                                      compute_role_reversal_now)

    compute_role_reversal_now("none", _off(0.1 + 0.01 * i, SWAP_RATIOS, "swap_ratio"), 0.5, seed=0)


def _intrinsic_extrinsic(i):
    from trustlab.fairness.text.intrinsic import STRENGTHS, compute_study_point_now

    compute_study_point_now(_off(0.3 + 0.01 * i, STRENGTHS, "strength"), 0.7, seed=0)


def _dp_sgd(i):
    from trustlab.privacy.dpsgd_run import train_dp_many
    from trustlab.privacy.dpsgd_sweep import FIXED, GRID
    from trustlab.privacy.dpsgd_sweep import SEEDS as DP_SEEDS

    sigma = _off(1.5 + 0.01 * i, GRID["noise_multiplier"], "noise_multiplier")
    train_dp_many(noise_multiplier=sigma, max_grad_norm=1.0, batch_size=256, epochs=20,
                  lr=FIXED["lr"], hidden=tuple(FIXED["hidden"]), delta=FIXED["delta"],
                  seeds=DP_SEEDS, compare_plain=False)


def _membership(i):
    from trustlab.attacks.audits.audit import compute_privacy_audit_now
    from trustlab.attacks.shadows import SWEEP_MODELS, SWEEP_SIGMAS

    sigma = _off(1.5 + 0.01 * i, SWEEP_SIGMAS, "noise_multiplier")
    compute_privacy_audit_now(sigma, "lira_online", SWEEP_MODELS - 1, n_models=SWEEP_MODELS,
                              seeds=SEEDS)


def _risk_audit(i):
    from trustlab.attacks.audits.one_run_sweep import GRID
    from trustlab.attacks.audits.risk_audit import compute_risk_audit_now

    sigma = _off(1.5 + 0.01 * i, GRID["noise_multiplier"], "noise_multiplier")
    compute_risk_audit_now(sigma, 0.05, 20, seeds=SEEDS, seed=0)


def _canaries(i):
    from trustlab.attacks.canary_sweep import FIXED, REPETITIONS, compute_canary_attack

    compute_canary_attack(_nth_off(i, REPETITIONS, 10), "none", target_epsilon=8.0,
                          seeds=list(SEEDS), **FIXED)


def _text_rewriting(i):
    from trustlab.privacy.text.utility import SWEEP_EPSILONS, SWEEP_SEEDS, compute_intent_accuracy

    compute_intent_accuracy(_off(55 + 0.1 * i, SWEEP_EPSILONS, "epsilon"), seeds=SWEEP_SEEDS)


def _lm_memorization(i):
    from trustlab.lm.memorization_sweep import REPETITIONS, compute_memorization

    compute_memorization(_nth_off(i, REPETITIONS, 6), "none", seeds=(0,))


def _lm_bias(i):
    from trustlab.lm.bias_sweep import SWAP_RATIOS, compute_bias

    # mode "teacher" at swap ratio 0 is the untrained teacher; any other ratio trains one
    compute_bias("teacher", _off(0.25 + 0.01 * i, SWAP_RATIOS, "swap_ratio"), seeds=(0,))


@dataclass(frozen=True)
class ComputeNowCase:
    """One explorer's "compute now" path.

    Parameters
    ----------
    explorer : str
        The explorer's name, as in ``explorers.EXPLORERS``.
    function : str
        The function its button calls.
    setting : str
        The setting of the first call, and how later calls move off it.
    seeds : int
        Seeds the button trains.
    call : callable
        ``call(i)`` makes the ``i``-th call (``i = 0`` is the first).
    """

    explorer: str
    function: str
    setting: str
    seeds: int
    call: Callable[[int], object]


#: Every explorer with a button that trains the current setting live.
CASES = [
    ComputeNowCase("capstone", "trustlab.capstone.tradeoffs.run_tradeoff_point",
                   "σ=1.50 (+0.01 per call), 100 clients, IID, resample 0", 5, _capstone),
    ComputeNowCase("kg_bias", "trustlab.fairness.kg.sweep.compute_kg_now",
                   "w_KL=2.00 (+0.01 per call), no twins", 5, _kg_bias),
    ComputeNowCase("disparate_impact",
                   "trustlab.fairness.groups.disparate.compute_disparate_impact_now",
                   "digits, ε=2.00 (+0.01 per call), C=1", 5, _disparate_impact),
    ComputeNowCase("role_reversal",
                   "trustlab.fairness.counterfactual.role_reversal_sweep.compute_role_reversal_now",
                   "mode none, swap ratio 0.10 (+0.01 per call), α=0.5", 5, _role_reversal),
    ComputeNowCase("intrinsic_extrinsic", "trustlab.fairness.text.intrinsic.compute_study_point_now",
                   "strength 0.30 (+0.01 per call), corpus skew 0.7", 5, _intrinsic_extrinsic),
    ComputeNowCase("dp_sgd", "trustlab.privacy.dpsgd_run.train_dp_many",
                   "σ=1.50 (+0.01 per call), C=1, batch 256, 20 epochs", 5, _dp_sgd),
    ComputeNowCase("membership", "trustlab.attacks.audits.audit.compute_privacy_audit_now",
                   "σ=1.50 (+0.01 per call), LiRA online, 32 shadows (33 models a seed)", 5,
                   _membership),
    ComputeNowCase("risk_audit", "trustlab.attacks.audits.risk_audit.compute_risk_audit_now",
                   "σ=1.50 (+0.01 per call), q=0.05, 20 epochs", 5, _risk_audit),
    ComputeNowCase("canaries", "trustlab.attacks.canary_sweep.compute_canary_attack",
                   "10 repetitions (next off-grid count per call), no defense", 5, _canaries),
    ComputeNowCase("text_rewriting", "trustlab.privacy.text.utility.compute_intent_accuracy",
                   "ε=55.0 (+0.1 per call)", 5, _text_rewriting),
    ComputeNowCase("lm_memorization", "trustlab.lm.memorization_sweep.compute_memorization",
                   "6 repetitions (next off-grid count per call), no defense", 1,
                   _lm_memorization),
    ComputeNowCase("lm_bias", "trustlab.lm.bias_sweep.compute_bias",
                   "teacher retrained with CDA, swap ratio 0.25 (+0.01 per call)", 1, _lm_bias),
]


# ----------------------------------------------------------------------------- timing

def _timed_call(call, i) -> tuple[float, float]:
    """``(wall s, cpu s)`` of ``call(i)``; CPU includes child processes reaped meanwhile."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    w, c = time.perf_counter(), time.process_time()
    call(i)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return wall, cpu + child


def time_case(case: ComputeNowCase, repeat=1) -> dict:
    """Time one case in this process: a first call, then the medians (see the module docstring).

    Returns
    -------
    dict
        The row: ``explorer``, ``function``, ``setting``, ``seeds``, ``first_s``,
        ``median_wall_s``, ``median_cpu_s``, ``calls``, ``wall_runs``, ``note``, ``target_s``
        and ``passed`` (median wall ≤ target).
    """
    first_wall, first_cpu = _timed_call(case.call, 0)
    runs, note = [], None
    if first_wall >= VERY_LONG_S:
        runs, note = [(first_wall, first_cpu)], f"the first call (≥ {VERY_LONG_S:.0f} s) only"
    else:
        runs.append(_timed_call(case.call, 1))
        if runs[0][0] < LONG_S:
            runs += [_timed_call(case.call, i) for i in range(2, max(3, repeat) + 1)]
        else:
            note = f"a call takes ≥ {LONG_S:.0f} s"
    wall = statistics.median(w for w, _ in runs)
    return {"explorer": case.explorer, "function": case.function, "setting": case.setting,
            "seeds": case.seeds, "first_s": round(first_wall, 3),
            "median_wall_s": round(wall, 3),
            "median_cpu_s": round(statistics.median(c for _, c in runs), 3),
            "calls": len(runs), "wall_runs": [round(w, 3) for w, _ in runs], "note": note,
            "target_s": TARGET_S, "passed": wall <= TARGET_S}


def _run_case(name, repeat) -> dict:
    """Time case ``name`` in a fresh interpreter with an empty temporary user cache."""
    with tempfile.TemporaryDirectory(prefix="trustlab-compute-now-") as cache:
        env = {**os.environ, **ENV, "TRUSTLAB_CACHE_DIR": cache}
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--case", name,
                               "--repeat", str(repeat)], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        case = next(c for c in CASES if c.explorer == name)
        return {"explorer": name, "function": case.function, "setting": case.setting,
                "seeds": case.seeds, "error": last[:200], "target_s": TARGET_S, "passed": False}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_compute_now(repeat=1) -> dict:
    """Time every case of :data:`CASES`, each in its own interpreter.

    Returns
    -------
    dict
        ``load_average_at_start`` (1, 5, 15 min), ``repeat``, ``target_s`` and ``rows``.
    """
    out = {"load_average_at_start": [round(x, 2) for x in os.getloadavg()], "repeat": repeat,
           "target_s": TARGET_S, "rows": []}
    for case in CASES:
        row = _run_case(case.explorer, repeat)
        out["rows"].append(row)
        if "error" in row:
            print(f"  {case.explorer}: ERROR {row['error']}", flush=True)
        else:
            print(f"  {case.explorer}: median {row['median_wall_s']:.2f} s wall, "
                  f"{row['median_cpu_s']:.2f} s CPU ({row['calls']} call{'s' * (row['calls'] > 1)}; first "
                  f"{row['first_s']:.2f} s)", flush=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", required=True, choices=[c.explorer for c in CASES])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    import warnings

    warnings.filterwarnings("ignore")
    row = time_case(next(c for c in CASES if c.explorer == args.case), args.repeat)
    print(json.dumps(row))


if __name__ == "__main__":
    main()
