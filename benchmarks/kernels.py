"""How far each checked notebook number moves on another CPU's kernels, in units of its last digit.

Every notebook is executed (in memory, never written back) once per kernel configuration
below, in a fresh kernel with that environment; the printed output of every cell tagged
``nbval-check-output`` is compared with the stored output, number by number. A number printed
with d decimals that moves by x counts x·10^d units of its last digit; the kit's rule is that
the largest move stays below 0.1 (so a rounding boundary is rarely crossed), and a change in
the text around the numbers counts as a difference too.

Configurations:

``avx2``
    ``ATEN_CPU_CAPABILITY=avx2``: torch's AVX2 kernels, as on most laptops without AVX-512.
``default``
    ``ATEN_CPU_CAPABILITY=default``: torch's portable kernels (no SIMD dispatch), as on CPUs
    without AVX2 and the closest this machine gets to another vendor's arithmetic; it also
    changes which matrix-multiply path runs.
``mkl-compatible``
    ``MKL_CBWR=COMPATIBLE``: Intel MKL's conditional-numerical-reproducibility mode, whose
    kernels round differently from the ones MKL picks for this CPU.

Run by ``benchmarks/run.py --kernels`` (results in results.json → RESULTS.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CONFIGS = {
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "default": {"ATEN_CPU_CAPABILITY": "default"},
    "mkl-compatible": {"MKL_CBWR": "COMPATIBLE"},
}
_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?(?:e[-+]?\d+)?")
_SANITIZE = [(re.compile(r"0x[0-9a-fA-F]+"), "0xADDRESS"),
             (re.compile(r"\d+(\.\d+)? ?s \(wall\)"), "T s (wall)")]


def checked_outputs(nb) -> list[str]:
    """Printed text of every checked cell, in order (streams and text/plain results)."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "nbval-check-output" not in cell.metadata.get("tags", []):
            continue
        text = ""
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                text += o.get("text", "")
            elif "data" in o and "text/plain" in o["data"]:
                text += o["data"]["text/plain"]
        for pattern, repl in _SANITIZE:
            text = pattern.sub(repl, text)
        out.append(text)
    return out


def compare(stored: str, fresh: str) -> tuple[float, bool]:
    """``(largest move in units of the last printed digit, whether the text around differs)``."""
    if _NUMBER.sub("#", stored) != _NUMBER.sub("#", fresh):
        return float("inf"), True
    worst = 0.0
    for a, b in zip(_NUMBER.finditer(stored), _NUMBER.finditer(fresh)):
        decimals = len(a.group(1) or "")
        if "e" in a.group(0).lower():
            mantissa = a.group(0).lower().split("e")[0]
            decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
            scale = 10 ** (decimals - int(a.group(0).lower().split("e")[1]))
        else:
            scale = 10 ** decimals
        worst = max(worst, abs(float(a.group(0)) - float(b.group(0))) * scale)
    return worst, False


def run_notebook(path: Path, env: dict, timeout=900):
    """Execute ``path`` in memory with ``env`` added to the kernel's environment; return the nb."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
    os.environ.setdefault("FLWR_DISABLE_UPDATE_CHECK", "1")
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def bench_kernels(notebooks, configs=None) -> dict:
    """Per notebook and configuration: the largest move of a checked number, and cells that differ."""
    import nbformat

    configs = configs or CONFIGS
    results = {}
    for path in notebooks:
        stored = checked_outputs(nbformat.read(path, as_version=4))
        row = {"checked_cells": len(stored)}
        for name, env in configs.items():
            try:
                fresh = checked_outputs(run_notebook(path, env))
            except Exception as exc:  # a failing notebook is a result, not a crash of the table
                row[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"}
                continue
            moves = [compare(a, b) for a, b in zip(stored, fresh)]
            worst = max((m for m, _ in moves), default=0.0)
            row[name] = {"max_units": worst if worst != float("inf") else None,
                         "cells_differing": sum(1 for m, t in moves if m > 0 or t),
                         "text_differs": any(t for _, t in moves)}
        results[path.name] = row
    return results
