"""Environment checks: the start page's one-line report, and the engine behind ``make doctor``.

:func:`check_environment` is what ``00_start_here`` prints (pinned libraries present, CPU-only
torch). :func:`run_checks` is what ``python -m trustlab.doctor`` prints, one verdict per item
with the fix for each failure: Python version, CPU torch, the pinned libraries, the
``trustlab`` kernel, JupyterLab's quiet settings, a free port, disk, Chromium (tests only) and
the shipped data files (SHA-256 from ``datasets/README.md``, :mod:`trustlab.checksums`).
Nothing here changes the environment; only torch and jupyter_client are imported.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Check", "EnvReport", "check_environment", "run_checks"]

#: Distributions the notebooks rely on (the full list of pins is in pyproject.toml).
CORE = ("torch", "opacus", "flwr", "fairlearn", "scikit-learn", "ipywidgets", "matplotlib")
PYTHON = (3, 11)
KERNEL = "trustlab"
CHROMIUM = Path("/usr/bin/chromium")
LAB_PORT = 8888
#: Free space below this fails the disk check (caches, Ray's session files in the temp dir).
DISK_MIN_MB = 1024
SETUP_FIX = "make clean && make lab (rebuilds .venv)"


@dataclass(frozen=True)
class EnvReport:
    """Versions found, whether torch is a CPU build, and the Flower privacy settings."""

    python: str
    versions: dict
    missing: tuple
    torch_cpu_only: bool
    flower_telemetry_off: bool

    @property
    def ok(self) -> bool:
        """True when every core library is installed and torch has no CUDA."""
        return not self.missing and self.torch_cpu_only

    def summary(self) -> str:
        """One line a checked notebook cell prints (versions come from the pins)."""
        parts = [f"{name} {self.versions[name]}" for name in CORE if name in self.versions]
        state = "ok" if self.ok else "PROBLEM"
        extra = f"  missing: {', '.join(self.missing)}" if self.missing else ""
        cpu = "CPU-only torch" if self.torch_cpu_only else "torch has CUDA"
        return f"environment {state}: {', '.join(parts)}; {cpu}{extra}"


def check_environment() -> EnvReport:
    """Look up the installed versions of the kit's core libraries (nothing is imported but torch)."""
    versions, missing = {}, []
    for name in CORE:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            missing.append(name)
    cpu_only = False
    if "torch" in versions:
        import torch

        cpu_only = torch.version.cuda is None and not torch.cuda.is_available()
    telemetry_off = os.environ.get("FLWR_TELEMETRY_ENABLED", "1") == "0"
    return EnvReport(sys.version.split()[0], versions, tuple(missing), cpu_only, telemetry_off)


# ------------------------------------------------------------------------------- make doctor

@dataclass(frozen=True)
class Check:
    """One doctor item: ``status`` is "ok", "warn" (works, worth knowing) or "FAIL"."""

    item: str
    status: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        """``ok    Python: 3.11.7`` or ``FAIL  data files: … -> fix: …`` (one line)."""
        fix = f" -> fix: {self.fix}" if self.fix and self.status != "ok" else ""
        return f"{self.status:<5} {self.item}: {self.detail}{fix}"


def check_python(version_info=None) -> Check:
    """The interpreter is Python 3.11 (``requires-python`` in pyproject.toml)."""
    v = tuple(version_info or sys.version_info)[:3]
    text = ".".join(map(str, v))
    if v[:2] == PYTHON:
        return Check("Python", "ok", text)
    return Check("Python", "FAIL", f"{text}; trustlab needs 3.11",
                 f"{SETUP_FIX}; setup finds Python 3.11 or installs one with uv (README)")


def check_torch() -> Check:
    """torch is installed, is a CPU build, and no nvidia-* or cuda-* package is installed."""
    try:
        version = md.version("torch")
        import torch
    except Exception as exc:  # not installed, or a broken install that fails on import
        return Check("CPU torch", "FAIL", f"torch cannot be imported ({exc})", SETUP_FIX)
    nvidia = sorted(d.metadata["Name"] for d in md.distributions()
                    if (d.metadata["Name"] or "").lower().startswith(("nvidia-", "cuda-")))
    if torch.version.cuda is not None or nvidia:
        what = f"CUDA {torch.version.cuda}" if torch.version.cuda else f"{len(nvidia)} CUDA packages ({nvidia[0]}, …)"
        return Check("CPU torch", "FAIL", f"torch {version} with {what} (gigabytes, never used here)",
                     f"{SETUP_FIX}; CPU torch is its default (README, CPU torch on your platform)")
    return Check("CPU torch", "ok", f"torch {version}, no CUDA")


def check_pins(distribution="trustlab") -> Check:
    """Every exact pin of the installed trustlab (extras included) is the installed version."""
    try:
        requires = md.requires(distribution) or []
    except md.PackageNotFoundError:
        return Check("libraries", "FAIL", f"{distribution} is not installed in {sys.prefix}", SETUP_FIX)
    wrong = []
    for req in requires:
        m = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==([^;\s]+)", req)
        if not m:
            continue
        try:
            found = md.version(m.group(1))
        except md.PackageNotFoundError:
            found = None
        if found is None or found.split("+")[0] != m.group(2):
            wrong.append(f"{m.group(1)} {found or 'missing'} (pinned {m.group(2)})")
    if wrong:
        return Check("libraries", "FAIL", "; ".join(wrong), "make setup (installs the pins)")
    return Check("libraries", "ok", f"{len(requires)} pinned versions installed")


def check_kernel(name=KERNEL) -> Check:
    """A Jupyter kernel ``trustlab`` runs this interpreter, with Flower's telemetry off."""
    fix = (f"make setup, or: {sys.executable} -m ipykernel install --sys-prefix --name {name} "
           f'--display-name "Python 3 (trustlab)" --env FLWR_TELEMETRY_ENABLED 0')
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        spec = KernelSpecManager().get_kernel_spec(name)
    except (ImportError, NoSuchKernel) as exc:
        return Check("kernel", "FAIL", f"no Jupyter kernel named {name!r} ({type(exc).__name__})", fix)
    if not spec.argv or not Path(spec.argv[0]).exists():
        return Check("kernel", "FAIL", f"{name!r} points to a missing interpreter {spec.argv[:1]}", fix)
    if Path(spec.argv[0]).absolute() != Path(sys.executable).absolute():
        return Check("kernel", "warn", f"{name!r} runs {spec.argv[0]}, not {sys.executable}", fix)
    if (spec.env or {}).get("FLWR_TELEMETRY_ENABLED") != "0":
        return Check("kernel", "FAIL", f"{name!r} does not turn Flower's telemetry off", fix)
    return Check("kernel", "ok", f"{name!r} registered in {spec.resource_dir}")


def check_lab_settings(prefix=None) -> Check:
    """JupyterLab's overrides in this environment turn off news and update checks."""
    path = Path(prefix or sys.prefix) / "share/jupyter/lab/settings/overrides.json"
    fix = "make setup (writes it with scripts/lab_settings.py)"
    try:
        notes = json.loads(path.read_text())["@jupyterlab/apputils-extension:notification"]
    except (OSError, ValueError, KeyError):
        return Check("JupyterLab settings", "warn", f"no quiet settings in {path}: the first screen "
                     "asks to fetch Jupyter news", fix)
    if notes.get("fetchNews") != "false" or notes.get("checkForUpdates") is not False:
        return Check("JupyterLab settings", "warn", f"{path} leaves news or update checks on", fix)
    return Check("JupyterLab settings", "ok", "news and update checks off")


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_port(port=LAB_PORT, tries=20) -> Check:
    """JupyterLab's port is free on 127.0.0.1 (or one of the next ``tries`` it would try)."""
    if _bindable(port):
        return Check("port", "ok", f"{port} is free on 127.0.0.1")
    for other in range(port + 1, port + 1 + tries):
        if _bindable(other):
            return Check("port", "warn", f"{port} is taken (another Jupyter?); JupyterLab will use "
                         f"{other} and print that URL", "jupyter server list; jupyter server stop 8888")
    return Check("port", "FAIL", f"ports {port}-{port + tries} are all taken on 127.0.0.1",
                 'stop other servers, or make lab LAB_ARGS="--port 9999"')


def check_disk(paths=None, min_mb=DISK_MIN_MB) -> Check:
    """At least ``min_mb`` free where trustlab and Ray write (the repository, the temp dir)."""
    paths = paths or [Path(__file__).resolve().parents[1], Path(tempfile.gettempdir())]
    free = {str(p): shutil.disk_usage(p).free / 2**20 for p in paths}
    worst = min(free, key=free.get)
    if free[worst] < min_mb:
        return Check("disk", "FAIL", f"{free[worst]:,.0f} MB free in {worst} (needs {min_mb:,} MB)",
                     "free some disk space (the trustlab cache is ~/.cache/trustlab)")
    return Check("disk", "ok", ", ".join(f"{mb / 1024:,.1f} GB free in {p}" for p, mb in free.items()))


def check_chromium(path=CHROMIUM) -> Check:
    """Debian's Chromium and Playwright, for ``make test``'s browser tests only."""
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return Check("Chromium (tests only)", "warn", f"no {path}: the browser tests will skip",
                     "bash .ci/install-chromium.sh (Debian/Ubuntu, needs sudo); lessons do not need it")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return Check("Chromium (tests only)", "warn", "playwright is not installed", "make setup")
    return Check("Chromium (tests only)", "ok", str(path))


def check_data(directory=None) -> Check:
    """The shipped data files are present and match ``datasets/README.md``'s SHA-256."""
    from trustlab.checksums import verify_data_files

    try:
        checks = verify_data_files(directory)
    except (OSError, ValueError) as exc:
        return Check("data files", "FAIL", str(exc), "git checkout -- datasets/")
    bad = [c for c in checks if c.status != "ok"]
    if bad:
        names = " ".join(c.name.split(".")[0] for c in bad)
        return Check("data files", "FAIL", "; ".join(c.summary() for c in bad),
                     f"git checkout -- datasets/ (restores the shipped files), or "
                     f"python datasets/build.py --only {names.replace(' ', ' --only ')}")
    return Check("data files", "ok", f"{len(checks)} files intact (SHA-256 as in datasets/README.md)")


def run_checks() -> tuple:
    """Every doctor item, in the order ``make doctor`` prints them."""
    return (check_python(), check_torch(), check_pins(), check_kernel(), check_lab_settings(),
            check_port(), check_disk(), check_chromium(), check_data())
