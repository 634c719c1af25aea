"""Notebooks under a hard memory limit, as Binder runs them: does the session survive?

``run.py --notebooks`` *samples* memory (the RSS and PSS of the kernel and its children every
0.2 s). This runs notebooks for real inside a Linux memory cgroup with a limit and no swap, the
way Binder's 2 GB pod does: a session that needs more is OOM-killed, and reported as failed.
The page cache is dropped first, so the library pages the kernel and Ray's processes read
(torch, Ray) are charged to the cgroup, as in a fresh pod.

Cases (``CASES``): notebook 21 alone under DESIGN's 1.2 GB, and notebooks 20 and 21 open
together (20 run to its end and kept open, then 21) under Binder's 2 GB. Each case runs once
without a limit, to read its peak, then under the limit.

Needs root and the cgroup v1 memory controller (``/sys/fs/cgroup/memory``); elsewhere each
case is reported as not measured, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from pathlib import Path

CGROUP_V1 = Path("/sys/fs/cgroup/memory")
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MB = 2**20
#: (name, notebooks (by number) opened one after another and kept open, limit in MB)
CASES = (
    ("notebook 21 alone", ("21",), 1200),
    ("notebooks 20 and 21 open together", ("20", "21"), 2000),
)


def unavailable_reason() -> str | None:
    """Why cgroup runs cannot be made here, or None."""
    if os.geteuid() != 0:
        return "needs root (to create a memory cgroup)"
    if not (CGROUP_V1 / "memory.limit_in_bytes").exists():
        return "no cgroup v1 memory controller at /sys/fs/cgroup/memory"
    if not os.access(CGROUP_V1, os.W_OK):
        return "/sys/fs/cgroup/memory is not writable"
    return None


class MemoryCgroup:
    """A cgroup v1 memory group with a limit (swap included), its peak and its OOM kills."""

    def __init__(self, name: str, limit_mb: float | None):
        self.path = CGROUP_V1 / name
        self.path.mkdir()
        if limit_mb is not None:
            limit = str(int(limit_mb * MB))
            (self.path / "memory.limit_in_bytes").write_text(limit)
            memsw = self.path / "memory.memsw.limit_in_bytes"
            if memsw.exists():
                memsw.write_text(limit)
        self.peak_mapped_mb = 0.0  # largest sampled rss + mapped_file: what processes hold, no page cache
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    @contextlib.contextmanager
    def spawning(self):
        """Inside the block this process is in the group, so what it starts is born there.

        (cgroup v1 charges a page to the group of the process that first touched it, so a
        kernel moved in after its start would leave its first pages outside.) Afterwards this
        process goes back to its own group; the little it allocated meanwhile stays charged
        here, which can only overstate the peak.
        """
        own = _own_group()
        (self.path / "cgroup.procs").write_text(str(os.getpid()))
        try:
            yield
        finally:
            (own / "cgroup.procs").write_text(str(os.getpid()))

    def _stat(self) -> dict:
        stat = {}
        for line in (self.path / "memory.stat").read_text().splitlines():
            key, value = line.split()
            stat[key] = int(value)
        return stat

    def _sample(self):
        while not self._stop.wait(0.2):
            try:
                stat = self._stat()
            except OSError:
                return
            self.peak_mapped_mb = max(self.peak_mapped_mb, (stat["total_rss"] + stat["total_mapped_file"]) / MB)

    def report(self) -> dict:
        oom = dict(line.split() for line in (self.path / "memory.oom_control").read_text().splitlines())
        return {"peak_charged_mb": int((self.path / "memory.max_usage_in_bytes").read_text()) / MB,
                "peak_mapped_mb": self.peak_mapped_mb,
                "limit_hits": int((self.path / "memory.failcnt").read_text()),
                "oom_kills": int(oom.get("oom_kill", 0))}

    def remove(self):
        self._stop.set()
        self._sampler.join()
        for _ in range(100):  # processes still inside (a kernel that did not stop) are killed
            pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        self.path.rmdir()


def _own_group() -> Path:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return CGROUP_V1 / path.lstrip("/")
    return CGROUP_V1


def _drop_page_cache():
    subprocess.run(["sync"], check=False)
    Path("/proc/sys/vm/drop_caches").write_text("3")


#: Seconds a cell may take under a limit. A session squeezed below what it needs is not always
#: OOM-killed: the kernel may instead evict and re-read library code pages without end
#: (measured: notebook 21 under 800 MB still ran after 10 minutes). Such a run is a failure.
CELL_TIMEOUT = 300


def run_case(notebooks, limit_mb, env) -> dict:
    """Open ``notebooks`` one after another in kernels inside one cgroup; each runs to its end.

    Returns the cgroup's report plus ``seconds``, ``completed`` and ``error`` (the first
    failure's last line: an OOM kill surfaces as ``DeadKernelError``, thrashing as a timeout).
    """
    import nbformat
    from nbclient import NotebookClient

    _drop_page_cache()
    group = MemoryCgroup(f"trustlab-bench-{os.getpid()}", limit_mb)
    clients, error = [], None
    start = time.perf_counter()
    try:
        for number in notebooks:
            (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                    resources={"metadata": {"path": str(NOTEBOOKS)}})
            client.km = client.create_kernel_manager()
            with group.spawning():  # the kernel, and so Ray's processes it starts, live in the group
                client.start_new_kernel(env=env)
            clients.append(client)
            client.start_new_kernel_client()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    except Exception as exc:
        error = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[-1][:160]}"
    finally:
        seconds = time.perf_counter() - start
        report = group.report()
        for client in clients:
            try:
                client._cleanup_kernel()
            except Exception:
                pass
        group.remove()
    return {**report, "seconds": seconds, "completed": error is None, "error": error}


def bench_memory_limits(env, measured_at="") -> dict:
    """Every case in ``CASES``, without a limit and then under it."""
    reason = unavailable_reason()
    if reason:
        return {"measured_at": measured_at, "measured": False, "reason": reason, "rows": []}
    rows = []
    for label, notebooks, limit_mb in CASES:
        free = run_case(notebooks, None, env)
        limited = run_case(notebooks, limit_mb, env)
        rows.append({"case": label, "notebooks": list(notebooks), "limit_mb": limit_mb,
                     "unlimited": free, "limited": limited,
                     "passed": free["completed"] and limited["completed"] and limited["oom_kills"] == 0})
    return {"measured_at": measured_at, "measured": True, "rows": rows}


def render(section: dict) -> list:
    """RESULTS.md lines for this section."""
    out = ["## Under a hard memory limit (as on Binder)", ""]
    if not section.get("measured"):
        return out + [f"Not measured on this machine: {section.get('reason')}.", ""]
    out += [f"Measured {section['measured_at']} (`memory_limit.py`): each case runs in a memory cgroup "
            "(no swap) after the page cache is dropped, first without a limit, then under it. "
            "*Charged* is the cgroup's peak, page cache included (a limit makes the kernel reclaim "
            "cache first); *held* is the largest sampled resident + mapped-file memory of its "
            "processes (the kernels and Ray's, each page once).", "",
            "| case | no limit: charged / held (MB), time | limit | under the limit: completed, time | result |",
            "|---|---|---:|---|---|"]
    for r in section["rows"]:
        free, lim = r["unlimited"], r["limited"]
        done = "yes" if lim["completed"] else f"no ({lim['error']})"
        if lim["oom_kills"]:
            done += f", {lim['oom_kills']} OOM kill(s)"
        out.append(f"| {r['case']} | {free['peak_charged_mb']:.0f} / {free['peak_mapped_mb']:.0f}, "
                   f"{free['seconds']:.0f} s | {r['limit_mb']} MB | {done}, {lim['seconds']:.0f} s | "
                   f"{'met' if r['passed'] else '**missed**'} |")
    return out + [""]
