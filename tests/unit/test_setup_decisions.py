"""scripts/setup_lib.sh's decisions, run in bash with stub executables on a controlled PATH.

Nothing is downloaded and no Python is installed: ``uname``, ``python3.11``, ``python3``,
``uv`` and ``pip`` are small shell scripts in a temporary ``bin/``, and PATH holds only that
folder (plus links to the few system tools the functions call). Each stub logs its arguments,
so the tests check what setup *would* run on Linux x86_64, Linux aarch64 and macOS, with and
without Python 3.11, with and without uv, with and without internet.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT

LIB = ROOT / "scripts" / "setup_lib.sh"
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")

UNAME = {"linux-x86_64": ("Linux", "x86_64"), "linux-aarch64": ("Linux", "aarch64"),
         "macos-arm64": ("Darwin", "arm64"), "macos-x86_64": ("Darwin", "x86_64"),
         "windows": ("MINGW64_NT-10.0", "x86_64")}


class Sandbox:
    """A bin/ of stubs, a HOME, and a way to run setup_lib.sh functions against them."""

    def __init__(self, root: Path, platform="linux-x86_64"):
        self.root, self.bin, self.home = root, root / "bin", root / "home"
        for d in (self.bin, self.home):
            d.mkdir(parents=True)
        self.log = root / "calls.log"
        self.log.touch()
        # The stubs need these; nothing else from the system, so no stray python3 or uv leaks in.
        for tool in ("cp", "mkdir", "chmod"):
            (self.bin / tool).symlink_to(shutil.which(tool))
        system, machine = UNAME[platform]
        self.stub("uname", f'case "$1" in -s) echo {system} ;; -m) echo {machine} ;; esac')
        # What `uv python install 3.11` puts in place, and what `pip install --user uv` provides.
        self.managed = root / "uv-python" / "bin" / "python3.11"
        self.python("py311-template", "3.11", where=root)
        self.stub("uv", self._uv_body(installs=True), where=root / "uv-wheel")

    def stub(self, name, body, where=None):
        path = (where or self.bin) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'#!{BASH}\necho "${{0##*/}} $*" >> "{self.log}"\n{body}\n')
        path.chmod(0o755)
        return path

    def python(self, name, version, *, pip=False, where=None):
        """A stub interpreter answering the version probe; with ``pip``, ``-m pip install --user
        uv`` puts a working stub uv into ~/.local/bin, as pip would."""
        local = self.home / ".local" / "bin"
        install = f'mkdir -p "{local}" && cp "{self.root}/uv-wheel/uv" "{local}/uv"' if pip else "exit 1"
        return self.stub(name, f"""case "$*" in
  "-c "*) echo {version} ;;
  "-m site --user-base") echo "{self.home}/.local" ;;
  "-m pip --version") {"echo pip 24.0" if pip else "exit 1"} ;;
  "-m pip install --user --quiet uv") {install} ;;
  *) exit 3 ;;
esac""", where)

    def _uv_body(self, installs):
        install = (f'mkdir -p "{self.managed.parent}" && cp "{self.root}/py311-template" "{self.managed}"'
                   if installs else 'echo "error: failed to download Python" >&2; exit 2')
        return (f'case "$1 $2" in\n  "python install") {install} ;;\n'
                f'  "python find") [ -x "{self.managed}" ] && echo "{self.managed}" || exit 2 ;;\nesac')

    def uv(self, installs=True):
        return self.stub("uv", self._uv_body(installs))

    def run(self, snippet, env=None, cwd=None, stdin=None):
        full = {"PATH": str(self.bin), "HOME": str(self.home), **(env or {})}
        return subprocess.run([BASH, "-c", f'source "{LIB}"; {snippet}'], env=full, cwd=cwd or self.root,
                              input=stdin, capture_output=True, text=True, timeout=60)

    def calls(self):
        return self.log.read_text().splitlines()


@pytest.fixture
def sandbox(tmp_path):
    return Sandbox(tmp_path)


# ---------------------------------------------------------------------------- find_python

def test_python311_on_path_is_used_and_uv_is_not_touched(sandbox):
    sandbox.python("python3", "3.12")
    py = sandbox.python("python3.11", "3.11")
    sandbox.uv()
    out = sandbox.run("find_python")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(py)
    assert not [c for c in sandbox.calls() if c.startswith("uv ")]


def test_python3_that_is_311_is_found(sandbox):
    py = sandbox.python("python3", "3.11")
    assert sandbox.run("find_python").stdout.strip() == str(py)


def test_without_311_uv_on_path_installs_one(sandbox):
    sandbox.python("python3", "3.13")
    sandbox.uv()
    out = sandbox.run("find_python")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(sandbox.managed)
    assert ["uv python install 3.11", "uv python find 3.11"] == [c for c in sandbox.calls() if c.startswith("uv ")]
    assert "getting one with" in out.stderr


def test_without_uv_it_is_installed_with_pip_user_then_used(sandbox):
    sandbox.python("python3", "3.12", pip=True)
    out = sandbox.run("find_python")
    assert out.returncode == 0, out.stderr
    calls = sandbox.calls()
    assert "python3 -m pip install --user --quiet uv" in calls
    assert calls.index("python3 -m pip install --user --quiet uv") < calls.index("uv python install 3.11")
    assert out.stdout.strip() == str(sandbox.managed)


def test_no_311_no_uv_no_pip_says_what_to_do_per_platform(sandbox):
    sandbox.python("python3", "3.12", pip=False)
    out = sandbox.run("find_python")
    assert out.returncode == 1 and out.stdout == ""
    for line in ("Linux:   curl -LsSf https://astral.sh/uv/install.sh | sh && ~/.local/bin/uv python install 3.11",
                 "macOS:   brew install python@3.11", "Windows: winget install -e --id Python.Python.3.11",
                 "TRUSTLAB_PYTHON=/path/to/python3.11 make lab", "this machine: Linux x86_64"):
        assert line in out.stderr, out.stderr
    assert "no pip to install it" in out.stderr


def test_uv_python_install_fails_offline_and_the_message_says_why(sandbox):
    sandbox.python("python3", "3.12")
    sandbox.uv(installs=False)
    out = sandbox.run("find_python")
    assert out.returncode == 1
    assert "python install 3.11` failed: it downloads Python, so it needs the internet" in out.stderr
    assert "brew install python@3.11" in out.stderr


def test_trustlab_python_must_be_311(sandbox):
    py312 = sandbox.python("python3.12", "3.12")
    sandbox.python("python3.11", "3.11")
    out = sandbox.run("find_python", env={"TRUSTLAB_PYTHON": str(py312)})
    assert out.returncode == 1 and "is Python 3.12; trustlab needs 3.11" in out.stderr
    py311 = sandbox.python("my-python", "3.11")
    assert sandbox.run("find_python", env={"TRUSTLAB_PYTHON": str(py311)}).stdout.strip() == str(py311)


def test_a_broken_shim_is_skipped(sandbox):
    sandbox.stub("python3.11", "exit 127")  # e.g. a pyenv shim of a version not installed
    py = sandbox.python("python3", "3.11")
    assert sandbox.run("find_python").stdout.strip() == str(py)


# ---------------------------------------------------------------------------- torch_plan

class _Index(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802
        self.send_response(200 if self.path == "/whl/cpu/torch/" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cpu_index():
    """A local stand-in for PyTorch's CPU index (answers HEAD /whl/cpu/torch/)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/whl/cpu"
    server.shutdown()


def _closed_port_url():
    import socket

    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/whl/cpu"


def _plan(tmp_path, platform, env, cwd=None):
    root = tmp_path / f"box{len(list(tmp_path.glob('box*')))}"
    return Sandbox(root, platform).run(f'torch_plan "{sys.executable}"', env=env, cwd=cwd)


@pytest.mark.parametrize("platform, reachable, expected", [
    ("linux-x86_64", True, "cpu-index torch==2.13.0+cpu --extra-index-url {url}"),
    ("linux-x86_64", False, "configured torch==2.13.0"),
    ("linux-aarch64", True, "cpu-index torch==2.13.0 --index-url {url}"),
    ("linux-aarch64", False, "configured torch==2.13.0"),
    ("macos-arm64", True, "pypi torch==2.13.0"),
    ("macos-x86_64", False, "pypi torch==2.13.0"),
])
def test_torch_source_per_platform(tmp_path, cpu_index, platform, reachable, expected):
    url = cpu_index if reachable else _closed_port_url()
    out = _plan(tmp_path, platform, {"TRUSTLAB_TORCH_CPU_INDEX": url})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected.format(url=url)


def test_default_cpu_index_is_pytorchs():
    text = LIB.read_text()
    assert "TORCH_CPU_INDEX_DEFAULT=https://download.pytorch.org/whl/cpu" in text
    binder = (ROOT / "binder" / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in binder  # the same index


def test_override_wins_over_the_platform_default(tmp_path, cpu_index):
    out = _plan(tmp_path, "linux-x86_64", {"TRUSTLAB_TORCH_CPU_INDEX": cpu_index,
                                           "TRUSTLAB_TORCH_INDEX": "https://example.org/simple"})
    assert out.stdout.strip() == "override torch==2.13.0 --index-url https://example.org/simple"


def test_wheelhouse_explicit_and_automatic(tmp_path, cpu_index):
    wh = tmp_path / "usb" / "wheels"
    wh.mkdir(parents=True)
    env = {"TRUSTLAB_TORCH_CPU_INDEX": cpu_index, "TRUSTLAB_TORCH_INDEX": "https://example.org/simple"}
    out = _plan(tmp_path, "linux-x86_64", {**env, "TRUSTLAB_WHEELHOUSE": str(wh)})
    assert out.stdout.strip() == f"wheelhouse torch==2.13.0 --no-index --find-links {wh}"
    # wheelhouse/ in the working directory is used only when it holds wheels
    repo = tmp_path / "repo"
    (repo / "wheelhouse").mkdir(parents=True)
    env.pop("TRUSTLAB_TORCH_INDEX")
    assert _plan(tmp_path, "macos-arm64", env, cwd=repo).stdout.strip() == "pypi torch==2.13.0"
    (repo / "wheelhouse" / "torch-2.13.0-cp311-none-macosx_11_0_arm64.whl").touch()
    out = _plan(tmp_path, "macos-arm64", env, cwd=repo)
    assert out.stdout.strip() == f"wheelhouse torch==2.13.0 --no-index --find-links {repo / 'wheelhouse'}"
    out = _plan(tmp_path, "macos-arm64", {**env, "TRUSTLAB_WHEELHOUSE": "off"}, cwd=repo)
    assert out.stdout.strip() == "pypi torch==2.13.0"
    out = _plan(tmp_path, "macos-arm64", {**env, "TRUSTLAB_WHEELHOUSE": str(tmp_path / "nowhere")}, cwd=repo)
    assert out.returncode == 1 and "is not a directory (make wheelhouse creates one)" in out.stderr


def test_windows_shells_are_sent_to_the_readme(tmp_path):
    out = _plan(tmp_path, "windows", {})
    assert out.returncode == 1 and 'see README, "Windows"' in out.stderr


# ---------------------------------------------------------------------------- cuda_in_report

def _report(*packages):
    return json.dumps({"install": [{"metadata": {"name": n, "version": v}} for n, v in packages]})


@pytest.mark.parametrize("packages, cuda", [
    ([("torch", "2.13.0+cpu"), ("sympy", "1.14.0")], None),
    ([("torch", "2.13.0"), ("filelock", "3.20.0")], None),  # macOS / a CPU mirror
    ([("torch", "2.13.0"), ("nvidia-cublas-cu12", "12.8.4.1"), ("nvidia-cudnn-cu12", "9.10.2.21")],
     "nvidia-cublas-cu12==12.8.4.1, nvidia-cudnn-cu12==9.10.2.21"),
    ([("torch", "2.13.0+cu128")], "torch==2.13.0+cu128"),
    ([("torch", "2.13.0"), ("cuda-toolkit", "13.0.3"), ("cuda-bindings", "13.0.3")],  # PyPI's 2.13.0
     "cuda-toolkit==13.0.3, cuda-bindings==13.0.3"),
])
def test_a_cuda_resolution_is_recognised_before_download(sandbox, packages, cuda):
    out = sandbox.run(f'cuda_in_report "{sys.executable}"', stdin=_report(*packages))
    assert (out.returncode == 0) == (cuda is not None), out.stderr
    if cuda:
        assert out.stdout.strip() == cuda
