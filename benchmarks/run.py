"""Measure trustlab against DESIGN.md's performance targets; write RESULTS.md and results.json.

Usage::

    python benchmarks/run.py [--notebooks] [--explorers] [--threads] [--many] [--kernels]
                             [--compute-now] [--memory-limit] [--repeat N]

Without a section flag every section runs. ``--repeat N`` takes N times more samples: each
notebook runs N times (median time, largest peak), explorers make 30·N timed moves, the thread
benchmark makes 7·N alternating pairs. A partial run keeps the other sections of the previous
``results.json`` if it was measured on the same machine. README.md's notebook map and the
generated blocks of docs/facilitator.md are then regenerated from ``results.json`` (see
``readme_map.py`` and ``facilitator_times.py``).

How the numbers are measured
----------------------------
notebooks
    Each ``notebooks/*.ipynb`` is read into memory (never written back) and executed top to
    bottom by nbclient in a fresh ``python3`` kernel of this interpreter, cwd ``notebooks/``,
    with ``FLWR_TELEMETRY_ENABLED=0`` and ``FLWR_DISABLE_UPDATE_CHECK=1``. *Time* runs from
    kernel start to the end of the last cell (kernel shutdown excluded). *Peak RSS* is the
    kernel's ``VmHWM`` (its resident-set high-water mark, read from ``/proc/<pid>/status``
    after the last cell, before shutdown). A notebook that starts child processes (Ray/Flower
    workers, found with psutil every 0.2 s and after every cell) is charged the largest
    kernel + children PSS sampled at one instant (``/proc/<pid>/smaps_rollup``: a page shared
    by several processes, such as torch's and Ray's libraries, is split between them, so the
    sum counts it once, as the machine and Binder's memory limit do). The largest summed RSS
    at one instant, which counts those pages once per process, and the sum of every process's
    own ``VmHWM`` (peaks that do not coincide are added anyway) are reported beside it. A child
    living less than 0.2 s, and a spike between two samples, are missed; ``memory_limit``
    checks these notebooks under a real limit.
explorers
    Each entry of ``explorers.EXPLORERS`` is built, moved 3 times to warm up, then moved 30·N
    times; each move is ``time.perf_counter()`` around one ``control.value = v`` assignment
    (the explorer recomputes synchronously). Median and 95th percentile are reported.
threads
    ``trustlab.models.mlp(64, 10, (128,))`` is trained on digits (SGD, lr 0.1, momentum 0.9)
    with batch size 32 (10 epochs) and 256 (20 epochs), and one forward+backward on a batch of
    1024 is timed (mean of 50); each case alternates 1 and 2 threads (order swapped every
    repeat, after one warm-up each) and reports medians and the ratio t(2 threads)/t(1 thread).
many
    Many models at once: a loop of one-model runs against ``train_many`` (``many.py``), beside
    the loop timings of the code before ``train_many`` (``many_before.json``, recorded by
    ``many.py --before`` on that code).
kernels
    Every notebook re-executed under other CPUs' kernels; the largest move of a checked number
    in units of its last printed digit (``kernels.py``).
compute_now
    Every explorer's "compute this setting now" path at an off-grid setting, each explorer in a
    fresh interpreter: wall and CPU medians of max(3, N) calls (``compute_now.py``).
memory_limit
    Notebook 21 alone under 1.2 GB, and notebooks 20 and 21 open together under 2 GB, run for
    real inside a memory cgroup with that limit (``memory_limit.py``; needs root).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(HERE))

import compute_now  # noqa: E402
import facilitator_times  # noqa: E402
import kernels  # noqa: E402
import many  # noqa: E402
import memory_limit  # noqa: E402
import readme_map  # noqa: E402

#: DESIGN.md targets: each notebook top to bottom, and its peak memory, Ray's processes included.
NOTEBOOK_SECONDS = 60.0
NOTEBOOK_RSS_MB = 1200.0
#: Per-notebook memory targets that differ from the default (none: notebook 21's 1,800 MB
#: allowance is gone since #18).
NOTEBOOK_RSS_OVERRIDES_MB: dict[str, float] = {}
#: Per-notebook time targets that differ from the default (set by their issues).
NOTEBOOK_SECONDS_OVERRIDES: dict[str, float] = {
    "12_privacy_membership_inference.ipynb": 90.0,
    "13_privacy_canaries.ipynb": 90.0,
    "21_federated_flower.ipynb": 120.0,
    "32_fairness_measuring_bias.ipynb": 90.0,
    "33_fairness_knowledge_graphs.ipynb": 90.0,
}
#: Ratio t(2)/t(1) inside which 1 and 2 threads count as equally fast.
THREADS_TIE = 0.05
KERNEL_ENV = {"FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1"}


# ----------------------------------------------------------------------------- machine

def machine_facts() -> dict:
    """CPU model, cores, RAM, Python, torch and OS of this machine.

    Returns
    -------
    dict
        JSON-serialisable facts; also the load average when the run started (a busy machine
        gives noisy numbers).
    """
    import torch

    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as fh:
        mem_kb = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:"))
    try:
        with open("/etc/os-release") as fh:
            osr = dict(line.rstrip().split("=", 1) for line in fh if "=" in line)
        os_name = osr.get("PRETTY_NAME", "").strip('"')
    except OSError:
        os_name = platform.system()
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "os": f"{os_name} (Linux {platform.release()})",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# ----------------------------------------------------------------------------- notebooks

def _vm_hwm_mb(pid) -> float | None:
    """``VmHWM`` of ``pid`` in MB (2**20 bytes), or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def _pss_mb(pid) -> float:
    """Proportional set size of ``pid`` in MB: its private pages plus its share of shared ones.

    Summed over processes, PSS counts a shared page (torch's libraries mapped by the kernel and
    by every Ray process) once, as the machine and a container's memory limit do; summed RSS
    counts it once per process. 0 if the process is gone.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0.0
    return 0.0


class _PeakMonitor:
    """Polls a kernel's descendants (psutil) and keeps each one's last seen ``VmHWM``."""

    def __init__(self, pid, interval=0.2):
        import psutil

        self.process = psutil.Process(pid)
        self.children_mb: dict[int, float] = {}
        self.total_mb = 0.0  # largest kernel + children RSS seen at one sampling instant
        self.total_pss_mb = 0.0  # largest kernel + children PSS seen at one sampling instant
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._lock = threading.Lock()
        self._thread.start()

    def sample(self):
        import psutil

        try:
            children = self.process.children(recursive=True)
            total = self.process.memory_info().rss / 2**20
        except psutil.Error:
            return
        pss = _pss_mb(self.process.pid) + sum(_pss_mb(c.pid) for c in children)
        for child in children:
            mb = _vm_hwm_mb(child.pid)
            if mb is not None:
                with self._lock:
                    self.children_mb[child.pid] = max(mb, self.children_mb.get(child.pid, 0.0))
            try:
                total += child.memory_info().rss / 2**20
            except psutil.Error:
                pass
        with self._lock:
            self.total_mb = max(self.total_mb, total)
            self.total_pss_mb = max(self.total_pss_mb, pss)

    def _run(self, interval):
        while not self._stop.wait(interval):
            self.sample()

    def stop(self):
        self._stop.set()
        self._thread.join()


def execute_notebook(path: Path, timeout=900) -> dict:
    """Execute one notebook in a fresh kernel; return its time and peak memory.

    Parameters
    ----------
    path : pathlib.Path
        The notebook; it is read into memory and never written.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    dict
        ``seconds``, ``kernel_peak_mb``, ``children_peak_mb``, ``children``, ``peak_rss_mb``
        and ``error`` (None, or the first line of the failure).
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    state = {"monitor": None, "kernel_mb": 0.0, "end": None}

    def on_start(**_):
        pid = client.km.provisioner.pid
        state["pid"], state["monitor"] = pid, _PeakMonitor(pid)

    def on_cell(**_):
        # VmHWM never decreases, so the reading after the last cell is the kernel's peak.
        state["kernel_mb"] = _vm_hwm_mb(state["pid"]) or state["kernel_mb"]
        state["monitor"].sample()
        state["end"] = time.perf_counter()

    client.on_notebook_start = on_start
    client.on_cell_executed = on_cell
    error = None
    start = time.perf_counter()
    try:
        client.execute(env={**os.environ, **KERNEL_ENV})
    except Exception as exc:  # a failing notebook is reported, not fatal to the run
        last = (re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines() or [""])[-1]
        error = f"{type(exc).__name__}: {last[:200]}"
    finally:
        if state["monitor"] is not None:
            state["monitor"].stop()
    children = state["monitor"].children_mb if state["monitor"] else {}
    children_mb = sum(children.values())
    sampled_total = state["monitor"].total_mb if state["monitor"] else 0.0
    sampled_pss = state["monitor"].total_pss_mb if state["monitor"] else 0.0
    return {
        "seconds": (state["end"] or time.perf_counter()) - start,
        "kernel_peak_mb": state["kernel_mb"],
        "children_peak_mb": children_mb,
        "children": len(children),
        # Without children the kernel's own VmHWM is exact; with them, what the machine holds
        # at once is the sampled simultaneous total (the sum of per-process peaks is an upper
        # bound, kept as ``peak_sum_mb``).
        "peak_rss_mb": (max(state["kernel_mb"], sampled_total) if children else state["kernel_mb"]),
        "peak_sum_mb": state["kernel_mb"] + children_mb,
        "peak_pss_mb": sampled_pss,
        "error": error,
    }


def bench_notebooks(repeat=1) -> dict:
    """Run every ``notebooks/*.ipynb`` ``repeat`` times; median time, largest peak RSS.

    Returns
    -------
    dict
        ``{"measured_at": ..., "rows": [...]}``, one row per notebook with its targets and
        ``passed``.
    """
    rows = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        runs = [execute_notebook(path) for _ in range(repeat)]
        errors = [r["error"] for r in runs if r["error"]]
        worst = max(runs, key=lambda r: r["peak_rss_mb"])
        row = {
            "notebook": path.name,
            "seconds": float(np.median([r["seconds"] for r in runs])),
            "seconds_runs": [round(r["seconds"], 2) for r in runs],
            **{k: worst[k] for k in ("peak_rss_mb", "peak_sum_mb", "kernel_peak_mb", "children_peak_mb",
                                     "children")},
            "peak_pss_mb": max(r["peak_pss_mb"] for r in runs),
            "target_seconds": NOTEBOOK_SECONDS_OVERRIDES.get(path.name, NOTEBOOK_SECONDS),
            "target_rss_mb": NOTEBOOK_RSS_OVERRIDES_MB.get(path.name, NOTEBOOK_RSS_MB),
            "error": errors[0] if errors else None,
        }
        # The memory held: a single kernel's VmHWM; with child processes, the sampled sum of PSS
        # (summed RSS counts torch's and Ray's shared library pages once per process).
        row["memory_mb"] = row["peak_pss_mb"] if row["children"] else row["peak_rss_mb"]
        row["passed"] = (not errors and row["seconds"] <= row["target_seconds"]
                         and row["memory_mb"] <= row["target_rss_mb"])
        rows.append(row)
        print(f"  {path.name}: {row['seconds']:.1f} s, peak {row['peak_rss_mb']:.0f} MB"
              f"{'  ERROR ' + row['error'] if row['error'] else ''}", flush=True)
    return {"measured_at": _now(), "rows": rows}


# ----------------------------------------------------------------------------- explorers

def time_explorer(entry, moves=30, warmup=3) -> dict:
    """Median and 95th-percentile seconds per move of one explorer.

    Parameters
    ----------
    entry : explorers.ExplorerBench
    moves, warmup : int
        Timed moves, and untimed moves made first.

    Returns
    -------
    dict
        ``median_s``, ``p95_s``, ``moves``, ``errors`` (moves that left ``ex.error`` set),
        ``build_s`` (building the explorer, its first update included), ``target_s``, ``passed``.
    """
    start = time.perf_counter()
    ex = entry.build()
    build_s = time.perf_counter() - start
    position = {name: 0 for name, _ in entry.moves}
    times, errors = [], 0
    for i in range(warmup + moves):
        name, values = entry.moves[i % len(entry.moves)]
        control = getattr(ex, name)
        value = values[position[name] % len(values)]
        if control.value == value:  # an unchanged value triggers no update
            position[name] += 1
            value = values[position[name] % len(values)]
        position[name] += 1
        start = time.perf_counter()
        control.value = value
        elapsed = time.perf_counter() - start
        if i >= warmup:
            times.append(elapsed)
            errors += ex.error is not None
    median, p95 = float(np.median(times)), float(np.percentile(times, 95))
    return {"explorer": entry.name, "median_s": median, "p95_s": p95, "moves": len(times),
            "errors": errors, "build_s": build_s, "target_s": entry.target_s,
            "passed": errors == 0 and median <= entry.target_s}


def bench_explorers(repeat=1) -> dict:
    """Time every explorer of ``explorers.EXPLORERS`` (30·``repeat`` moves each)."""
    import matplotlib

    matplotlib.use("Agg")  # this process only; kernels keep their inline backend
    from explorers import EXPLORERS

    rows = []
    for entry in EXPLORERS:
        row = time_explorer(entry, moves=30 * repeat)
        rows.append(row)
        print(f"  {entry.name}: median {row['median_s'] * 1e3:.1f} ms, "
              f"p95 {row['p95_s'] * 1e3:.1f} ms", flush=True)
    return {"measured_at": _now(), "rows": rows}


# ----------------------------------------------------------------------------- threads

def bench_threads(repeat=1) -> dict:
    """Compare ``torch`` with 1 and 2 threads on the kit's MLP (7·``repeat`` pairs per case).

    Returns
    -------
    dict
        One row per case with ``median_1``, ``median_2`` (seconds), ``ratio`` =
        median_2 / median_1 (above 1: one thread is faster), the raw runs, and a ``verdict``
        on ``trustlab.runtime.DEFAULT_NUM_THREADS`` judged on the two training cases.
    """
    import torch

    from trustlab.data import load_digits
    from trustlab.models import mlp
    from trustlab.runtime import DEFAULT_NUM_THREADS, torch_threads
    from trustlab.training import train

    split = load_digits()
    X = torch.rand(1024, 64, generator=torch.Generator().manual_seed(0))
    y = torch.randint(0, 10, (1024,), generator=torch.Generator().manual_seed(1))

    def fit(batch_size, epochs):
        def run(n):
            start = time.perf_counter()
            train(mlp(64, 10, (128,)), split.X_train, split.y_train, split.X_test, split.y_test,
                  epochs=epochs, lr=0.1, batch_size=batch_size, momentum=0.9, num_threads=n)
            return time.perf_counter() - start
        return run

    def forward_backward(n, steps=50):
        model = mlp(64, 10, (128,))
        with torch_threads(n):
            start = time.perf_counter()
            for _ in range(steps):
                model.zero_grad(set_to_none=True)
                torch.nn.functional.cross_entropy(model(X), y).backward()
            return (time.perf_counter() - start) / steps

    cases = [("train, batch 32, 10 epochs", fit(32, 10)),
             ("train, batch 256, 20 epochs", fit(256, 20)),
             ("forward+backward, batch 1024 (per step)", forward_backward)]
    rows = []
    for label, run in cases:
        times = {1: [], 2: []}
        for n in (1, 2):
            run(n)  # warm-up
        for r in range(7 * repeat):
            for n in ((1, 2) if r % 2 == 0 else (2, 1)):
                times[n].append(run(n))
        m1, m2 = float(np.median(times[1])), float(np.median(times[2]))
        rows.append({"case": label, "median_1": m1, "median_2": m2, "ratio": m2 / m1,
                     "runs_1": times[1], "runs_2": times[2]})
        print(f"  {label}: 1 thread {m1 * 1e3:.1f} ms, 2 threads {m2 * 1e3:.1f} ms, "
              f"t2/t1 {m2 / m1:.2f}", flush=True)
    training = [row["ratio"] for row in rows[:2]]
    if all(r >= 1 - THREADS_TIE for r in training):
        best = 1
    elif all(r <= 1 - THREADS_TIE for r in training):
        best = 2
    else:
        best = None
    if best is None:
        verdict = "mixed: neither thread count is faster on both training cases"
    elif best == DEFAULT_NUM_THREADS:
        verdict = f"supports DEFAULT_NUM_THREADS = {DEFAULT_NUM_THREADS}"
    else:
        verdict = f"does not support DEFAULT_NUM_THREADS = {DEFAULT_NUM_THREADS}: {best} is faster"
    return {"measured_at": _now(), "default_num_threads": DEFAULT_NUM_THREADS,
            "tie_tolerance": THREADS_TIE, "verdict": verdict, "rows": rows}


# ----------------------------------------------------------------------------- many, kernels

def bench_many(repeat=1) -> dict:
    """Loop vs ``train_many`` timings (3·N repeats each), the target ratios and the before file."""
    result = {"measured_at": _now(), "after": many.bench_many(3 * repeat)}
    result["ratios"] = many.ratios(result["after"])
    before = HERE / "many_before.json"
    if before.exists():
        result["before"] = json.loads(before.read_text())
    return result


def bench_kernels(repeat=1) -> dict:
    """Cross-kernel moves of every notebook's checked numbers (``repeat`` is not used)."""
    return {"measured_at": _now(), "configs": {k: v for k, v in kernels.CONFIGS.items()},
            "rows": kernels.bench_kernels(sorted(NOTEBOOKS.glob("*.ipynb")))}


def bench_compute_now(repeat=1) -> dict:
    """Every explorer's "compute this setting now", off the grid (max(3, N) calls each)."""
    return {"measured_at": _now(), **compute_now.bench_compute_now(repeat)}


def _render_compute_now(cn) -> list:
    out = ["## \"Compute this setting now\" (off-grid setting, trained live)", "",
           f"Measured {cn['measured_at']} (load average {cn['load_average_at_start']}). The "
           "function each button calls, each explorer in a fresh interpreter with an empty "
           "user cache; every call a setting not computed before (`compute_now.py`). Medians "
           "of wall and CPU seconds; *first call*: the first in the fresh interpreter "
           "(imports and per-process set-up included), not in the medians.", "",
           "| explorer | function | setting | seeds | median wall (s) | median CPU (s) | "
           "calls | first call (s) | target (median) | result |",
           "|---|---|---|---:|---:|---:|---|---:|---|---|"]
    for r in cn["rows"]:
        head = f"| {r['explorer']} | `{r['function'].rsplit('.', 1)[-1]}` | {r['setting']} | {r['seeds']} |"
        if "error" in r:
            out.append(f"{head} – | – | – | – | ≤ {r['target_s']:g} s | **FAIL** ({r['error']}) |")
            continue
        calls = f"{r['calls']}" + (f" ({r['note']})" if r.get("note") else "")
        out.append(f"{head} {r['median_wall_s']:.2f} | {r['median_cpu_s']:.2f} | {calls} | "
                   f"{r['first_s']:.2f} | ≤ {r['target_s']:g} s | {_ok(r['passed'])} |")
    return out + [""]


def _render_many(mn) -> list:
    a, b = mn["after"], mn.get("before", {})
    out = ["## Many models at once (`train_many`)", "",
           f"Measured {mn['measured_at']} (load average {a['load_average_at_start']}); medians, "
           "wall and CPU time of this process in seconds. *Before*: the loop on the code before "
           f"`train_many` ({b.get('code', 'not recorded')}, measured {b.get('measured', '–')}, "
           f"load average {b.get('load_average_at_start', '–')}).", "",
           "| case | before: loop | now: loop | now: `train_many` float32 | now: float64 |",
           "|---|---:|---:|---:|---:|"]

    def cell(d, key):
        return f"{d[key]['wall_s']:.2f} / {d[key]['cpu_s']:.2f}" if key in d else "–"

    for K in (1, 16, 64):
        out.append(f"| MLP 64-128-10, {K} seed{'s' if K > 1 else ''}, 20 epochs | "
                   f"{cell(b, f'mlp_{K}_loop')} | {cell(a, f'mlp_{K}_loop')} | "
                   f"{cell(a, f'mlp_{K}_many_f32')} | {cell(a, f'mlp_{K}_many_f64')} |")
    out.append(f"| 64 LiRA shadows (halves of 500, 60 epochs) | {cell(b, 'lira_64_loop')} | "
               f"{cell(a, 'lira_64_loop')} | {cell(a, 'lira_64_many')} | – |")
    out.append(f"| DP-SGD, 1 seed (Opacus loop / batched) | {cell(b, 'dp_1_opacus')} | "
               f"{cell(a, 'dp_1_opacus')} | {cell(a, 'dp_1_many')} | – |")
    out.append(f"| DP-SGD, 8 seeds (Opacus loop / batched) | {cell(b, 'dp_8_opacus')} | "
               f"{cell(a, 'dp_8_opacus')} | {cell(a, 'dp_8_many')} | – |")
    out += ["", "Cells: wall / CPU seconds.", "", "| target ratio | CPU time | wall time |",
            "|---|---:|---:|"]
    for name, r in mn["ratios"].items():
        out.append(f"| {name} | {r['cpu_s']:.2f} | {r['wall_s']:.2f} |")
    return out + [""]


def _render_kernels(kn) -> list:
    names = list(kn["configs"])
    out = ["## Checked numbers on other CPUs' kernels", "",
           f"Measured {kn['measured_at']}. Each notebook re-executed with "
           + "; ".join(f"`{n}`: " + " ".join(f"{k}={v}" for k, v in kn["configs"][n].items())
                       for n in names)
           + ". Cells: the largest move of a checked number, in units of its last printed digit "
           "(target: below 0.1), and how many checked cells differ at all.", "",
           "| notebook | checked cells | " + " | ".join(names) + " |",
           "|---|---:|" + "---:|" * len(names)]
    for nb, row in kn["rows"].items():
        cells = []
        for n in names:
            r = row.get(n, {})
            if "error" in r:
                cells.append(f"error: {r['error']}")
            elif r.get("text_differs"):
                cells.append(f"text differs ({r['cells_differing']} cells)")
            else:
                cells.append(f"{r['max_units']:.2g} ({r['cells_differing']} cells)")
        out.append(f"| {nb} | {row['checked_cells']} | " + " | ".join(cells) + " |")
    return out + [""]


# ----------------------------------------------------------------------------- output

def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _ok(passed) -> str:
    return "pass" if passed else "**FAIL**"


def render_markdown(results: dict) -> str:
    """RESULTS.md text for ``results`` (the dict written to results.json)."""
    m = results["machine"]
    out = ["<!-- Generated by `make benchmarks` (benchmarks/run.py); do not edit by hand. -->",
           "# trustlab benchmark results", "",
           f"Generated {results['date']} by `make benchmarks`; targets from DESIGN.md "
           "\"Performance targets\". How each number is measured: `benchmarks/run.py` docstring.",
           "", "| machine | |", "|---|---|",
           f"| CPU | {m['cpu']} |", f"| cores | {m['cores']} |", f"| RAM | {m['ram_gb']} GB |",
           f"| Python | {m['python']} |", f"| torch | {m['torch']} |", f"| OS | {m['os']} |",
           f"| load average at start | {' / '.join(map(str, m['load_average_at_start']))} |", ""]
    nbs = results.get("notebooks")
    if nbs:
        out += ["## Notebooks (top to bottom, fresh kernel)", "",
                f"Measured {nbs['measured_at']}. Time includes kernel start; peak RSS is the "
                "kernel's VmHWM; for notebooks that start child processes (Ray), the largest "
                "kernel + children RSS sampled at one instant every 0.2 s, with the sum of each "
                "process's own peak beside it as an upper bound, and the largest simultaneous "
                "proportional set size (PSS: shared pages split between the processes that map "
                "them, so the sum does not count shared libraries twice) (MB = 2^20 bytes). The "
                "target is checked against the kernel's peak RSS, or, with child processes, "
                "against the peak PSS: summed RSS counts the pages of torch and Ray that the "
                "processes share once per process. Those notebooks are also run under a real "
                "memory limit below.", "",
                "| notebook | time (s) | peak RSS (MB) | sum of per-process peaks | peak PSS (MB) | target | result |",
                "|---|---:|---:|---:|---:|---|---|"]
        for r in nbs["rows"]:
            result = _ok(r["passed"]) + (f" ({r['error']})" if r["error"] else "")
            out.append(f"| {r['notebook']} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | "
                       f"{r.get('peak_sum_mb', r['peak_rss_mb']):.0f} ({r['children']} child proc.) | "
                       f"{_mb(r.get('peak_pss_mb'))} | ≤ {r['target_seconds']:.0f} s, ≤ {r['target_rss_mb']:.0f} MB"
                       f"{' (PSS)' if r['children'] else ''} | {result} |")
        out.append("")
    exs = results.get("explorers")
    if exs:
        out += ["## Explorers (one slider move → new number)", "",
                f"Measured {exs['measured_at']}.", "",
                "| explorer | median (ms) | p95 (ms) | moves | build (ms) | target (median) | result |",
                "|---|---:|---:|---:|---:|---|---|"]
        for r in exs["rows"]:
            errors = f" ({r['errors']} moves errored)" if r["errors"] else ""
            out.append(f"| {r['explorer']} | {r['median_s'] * 1e3:.1f} | {r['p95_s'] * 1e3:.1f} | "
                       f"{r['moves']} | {r['build_s'] * 1e3:.0f} | ≤ {r['target_s']:g} s | "
                       f"{_ok(r['passed'])}{errors} |")
        out.append("")
    th = results.get("threads")
    if th:
        out += ["## torch threads: 1 vs 2 on the kit's MLP (64-128-10, digits)", "",
                f"Measured {th['measured_at']}; medians of {len(th['rows'][0]['runs_1'])} "
                "alternating runs each. Ratio above 1: one thread is faster.", "",
                "| case | 1 thread (ms) | 2 threads (ms) | t(2)/t(1) |", "|---|---:|---:|---:|"]
        for r in th["rows"]:
            out.append(f"| {r['case']} | {r['median_1'] * 1e3:.1f} | {r['median_2'] * 1e3:.1f} | "
                       f"{r['ratio']:.2f} |")
        out += ["", f"Verdict (training cases, ±{th['tie_tolerance']:.0%} counts as a tie): "
                f"{th['verdict']}.", ""]
    if results.get("many"):
        out += _render_many(results["many"])
    if results.get("kernels"):
        out += _render_kernels(results["kernels"])
    if results.get("compute_now"):
        out += _render_compute_now(results["compute_now"])
    if results.get("memory_limit"):
        out += memory_limit.render(results["memory_limit"])
    out += _render_sweeps()
    return "\n".join(out)


def _mb(value) -> str:
    return f"{value:.0f}" if value else "–"


def _render_sweeps() -> list:
    """``make sweeps`` before and after, from the two hand-run timing files beside this script."""
    files = {k: HERE / f"sweeps_{k}.json" for k in ("before", "after")}
    if not all(p.exists() for p in files.values()):
        return []
    before, after = (json.loads(p.read_text()) for p in files.values())
    out = ["## `make sweeps`, command by command (wall seconds)", "",
           f"Before ({before['code']}): {before['note']}.", "", f"After: {after['note']}.", "",
           "| command | before | after | what the after run trains |", "|---|---:|---:|---|"]
    for cmd in dict.fromkeys([*before["commands"], *after["commands"]]):
        b, a = before["commands"].get(cmd), after["commands"].get(cmd, {})
        out.append(f"| `{cmd}` | {b if b is not None else '–'} | {a.get('seconds', 'not re-measured')} | "
                   f"{a.get('trains', '')} |")
    return out + [""]


def main(argv=None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", action="store_true", help="execute every notebook")
    parser.add_argument("--explorers", action="store_true", help="time every registered explorer")
    parser.add_argument("--threads", action="store_true", help="compare 1 and 2 torch threads")
    parser.add_argument("--many", action="store_true", help="loop vs train_many timings")
    parser.add_argument("--kernels", action="store_true",
                        help="checked numbers under other CPUs' kernels")
    parser.add_argument("--compute-now", action="store_true",
                        help="every explorer's 'compute this setting now', off the grid")
    parser.add_argument("--memory-limit", action="store_true",
                        help="notebooks 21, and 20 + 21, inside a memory cgroup with a limit")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="N times more samples (default 1)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be >= 1, got {args.repeat}")
    sections = ("notebooks", "explorers", "threads", "many", "kernels", "compute_now", "memory_limit")
    chosen = [s for s in sections if getattr(args, s)] or list(sections)

    machine = machine_facts()
    results = {"generated_by": "make benchmarks (benchmarks/run.py); do not edit by hand",
               "machine": machine, "date": _now()}
    json_path = HERE / "results.json"
    if len(chosen) < len(sections) and json_path.exists():
        old = json.loads(json_path.read_text())
        same = all(old.get("machine", {}).get(k) == machine[k]
                   for k in ("cpu", "cores", "ram_gb", "python", "torch"))
        for section in set(sections) - set(chosen):
            if same and section in old:
                results[section] = old[section]
    bench = {"notebooks": bench_notebooks, "explorers": bench_explorers, "threads": bench_threads,
             "many": bench_many, "kernels": bench_kernels, "compute_now": bench_compute_now,
             "memory_limit": lambda repeat: memory_limit.bench_memory_limits({**os.environ, **KERNEL_ENV}, _now())}
    start = time.perf_counter()
    for section in chosen:
        print(f"{section}:", flush=True)
        results[section] = bench[section](args.repeat)
    results["run_seconds"] = round(time.perf_counter() - start, 1)
    json_path.write_text(json.dumps(results, indent=1) + "\n")
    (HERE / "RESULTS.md").write_text(render_markdown(results))
    print(f"wrote {HERE / 'RESULTS.md'} and {json_path.name} in {results['run_seconds']} s")
    readme_map.update_readme()
    try:
        facilitator_times.update_facilitator()
        guide_ok = True
    except (FileNotFoundError, ValueError) as err:  # e.g. a notebook without a measured time
        print(f"docs/facilitator.md not updated: {err}", file=sys.stderr)
        guide_ok = False
    missed = [r.get("notebook") or r.get("explorer") for s in ("notebooks", "explorers")
              for r in results.get(s, {}).get("rows", []) if not r["passed"]]
    if missed:
        print(f"targets missed: {', '.join(missed)} (see RESULTS.md)")
    # Missed targets are results, not failures; a notebook that raises is a failure.
    broken = [r for r in results.get("notebooks", {}).get("rows", []) if r["error"]]
    return 1 if broken or not guide_ok else 0


if __name__ == "__main__":
    sys.exit(main())
