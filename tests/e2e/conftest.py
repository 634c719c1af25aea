"""Fixtures for the browser test: Debian's Chromium, a throw-away JupyterLab, a Playwright page.

The test never runs ``playwright install``: it drives the system Chromium at ``/usr/bin/chromium``
(``.ci/install-chromium.sh`` installs it in CI). Without that binary the e2e tests skip, unless
``CI=true`` or ``TRUSTLAB_REQUIRE_E2E=1``, where they fail instead.

JupyterLab runs from this virtualenv on a free loopback port with a random token, on a *copy*
of ``notebooks/`` (the repository is never modified) and with its config, data, runtime,
settings and workspace directories in a temporary folder. Teardown shuts it down through
``POST /api/shutdown`` (which also shuts down its kernels), escalates to SIGTERM/SIGKILL if
needed, and reports every process it started (server, kernels, their children) that outlived it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60  # seconds until GET /api/status answers 200
SERVER_STOP_TIMEOUT = 20  # seconds for a graceful shutdown (kernels included)

#: Hosts a page may talk to in the offline tests (everything else is recorded and aborted).
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def e2e_required() -> bool:
    """True with ``CI=true`` or ``TRUSTLAB_REQUIRE_E2E=1``: then a missing Chromium is a failure."""
    return (
        os.environ.get("CI", "").strip().lower() == "true"
        or os.environ.get("TRUSTLAB_REQUIRE_E2E", "").strip() == "1"
    )


def skip_or_fail(reason: str):
    if e2e_required():
        pytest.fail(f"{reason} (required: CI=true or TRUSTLAB_REQUIRE_E2E=1)", pytrace=False)
    pytest.skip(f"{reason}; set CI=true or TRUSTLAB_REQUIRE_E2E=1 to make this a failure")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of Debian's Chromium; skips (or fails when e2e is required) if it is missing."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(
            f"e2e: no Chromium at {CHROMIUM} "
            "(install it with `apt-get install chromium` or `.ci/install-chromium.sh`)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the test extra installs playwright
        skip_or_fail(f"e2e: the playwright Python package is not importable ({exc})")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``test-artifacts/e2e/`` (git-ignored), emptied of the previous run's files."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS_DIR.iterdir():
        if old.is_file():
            old.unlink()
    return ARTIFACTS_DIR


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Loopback only: never send these requests through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class JupyterLab:
    """A JupyterLab server started for one test, with process bookkeeping for teardown."""

    def __init__(self, workdir: Path, log_copy: Path | None = None):
        import psutil

        self._psutil = psutil
        self.workdir = workdir
        self.root_dir = workdir / "notebooks"
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "jupyter-lab.log"
        self.log_copy = log_copy
        self.proc: subprocess.Popen | None = None
        self._tracked: dict[int, object] = {}  # pid -> psutil.Process (create_time pinned)
        self.survivors: list[str] | None = None  # set by stop()

    # -- start ---------------------------------------------------------------------------------
    def start(self) -> "JupyterLab":
        shutil.copytree(
            NOTEBOOKS_DIR,
            self.root_dir,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        jupyter = Path(sys.prefix) / "bin" / "jupyter"
        if not jupyter.exists():
            pytest.fail(f"e2e: {jupyter} not found; run the tests from the project virtualenv")

        env = dict(os.environ)
        home = self.workdir / "jupyter-home"
        for var, sub in {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "config/lab/user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": "config/lab/workspaces",
            "IPYTHONDIR": "ipython",
        }.items():
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(home / sub)
        env.pop("MPLBACKEND", None)  # an Agg backend from the environment would hide the plots
        env.pop("JUPYTER_TOKEN", None)
        env["PATH"] = f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["FLWR_TELEMETRY_ENABLED"] = "0"
        env["FLWR_DISABLE_UPDATE_CHECK"] = "1"

        cmd = [
            str(jupyter),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.terminals_enabled=False",
            # No news, update check or PyPI search: the environment's own settings do that
            # (scripts/lab_settings.py), and test_jupyterlab.py checks them, so none are set here.
        ]
        if os.geteuid() == 0:  # CI containers run as root
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C in pytest does not hit it first
        )
        self.track()
        self._wait_ready()
        return self

    def _request(self, method: str, path: str, timeout: float = 5.0) -> int:
        req = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method == "POST" else None,
        )
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"e2e: jupyter lab exited with code {self.proc.returncode} while starting\n"
                    + self.log_tail(),
                    pytrace=False,
                )
            try:
                # The token in the query string, exactly as the issue asks for it.
                with _OPENER.open(f"{self.base_url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last_error = exc
            time.sleep(0.25)
        pytest.fail(
            f"e2e: jupyter lab did not answer /api/status within {SERVER_START_TIMEOUT} s "
            f"({last_error})\n" + self.log_tail(),
            pytrace=False,
        )

    def kernels(self) -> list[dict]:
        with _OPENER.open(self.url("/api/kernels"), timeout=5) as r:
            return json.loads(r.read())

    def wait_kernel_connected(self, timeout: float = 60.0, page=None) -> dict:
        """Wait until some kernel is idle with a browser connected (JupyterLab may run cells).

        Pass the Playwright ``page`` when its requests are routed (``offline_page``): the routes
        are answered only while Playwright runs, so the wait must be ``page.wait_for_timeout``;
        ``time.sleep`` would hold every request of the page, the kernel start included.
        """
        pause = (lambda s: page.wait_for_timeout(s * 1000)) if page is not None else time.sleep
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for k in self.kernels():
                if k.get("connections", 0) >= 1 and k.get("execution_state") == "idle":
                    self.track()
                    return k
            pause(0.25)
        pytest.fail(
            f"e2e: no kernel was idle and connected within {timeout} s: {self.kernels()}\n"
            + self.log_tail(),
            pytrace=False,
        )

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}?token={self.token}"

    # -- process bookkeeping ------------------------------------------------------------------
    def track(self) -> None:
        """Remember the server and every current descendant (kernels and their children)."""
        if self.proc is None:
            return
        try:
            root = self._psutil.Process(self.proc.pid)
            procs = [root, *root.children(recursive=True)]
        except self._psutil.NoSuchProcess:
            return
        for p in procs:
            self._tracked.setdefault(p.pid, p)

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no jupyter log)"
        return "---- jupyter lab log (tail) ----\n" + "\n".join(lines[-n:])

    # -- stop ---------------------------------------------------------------------------------
    def stop(self) -> list[str]:
        """Shut the server and its kernels down; return descriptions of processes that outlived it.

        Idempotent. Survivors are killed before returning, so nothing leaks even when the
        caller then fails on them.
        """
        if self.survivors is not None:
            return self.survivors
        psutil = self._psutil
        self.track()
        if self.proc is not None and self.proc.poll() is None:
            try:
                self._request("POST", "/api/shutdown")  # shuts kernels down, then the server
            except (urllib.error.URLError, OSError):
                pass
            try:
                self.proc.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        # Kernels get a few seconds to exit after the server has asked them to.
        alive = [p for p in self._tracked.values() if _is_running(p)]
        _, alive = psutil.wait_procs(alive, timeout=5)
        survivors = []
        for p in alive:
            try:
                survivors.append(f"pid {p.pid}: {' '.join(p.cmdline())[:200]}")
                p.kill()
            except psutil.NoSuchProcess:
                continue
        psutil.wait_procs(alive, timeout=5)
        if getattr(self, "_log", None) is not None:
            self._log.close()
        if self.log_copy is not None and self.log_path.exists():
            shutil.copyfile(self.log_path, self.log_copy)
        self.survivors = survivors
        return survivors


def _is_running(p) -> bool:
    import psutil

    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def serve(server, name):
    """Start ``server``, yield it, and always stop it; fail if a process it started outlives it.

    The body of the server fixtures (``yield from serve(...)``): JupyterLab here, Voilà in
    ``test_voila.py``.
    """
    pytest.importorskip("psutil")
    try:
        server.start()
        yield server
    finally:
        survivors = server.stop()
    assert not survivors, f"e2e: processes started by {name} outlived it:\n" + "\n".join(survivors)


@pytest.fixture
def jupyter_lab(chromium_executable, artifacts_dir, tmp_path):
    """A running JupyterLab on a copy of notebooks/; always shut down (kernels included)."""
    yield from serve(JupyterLab(tmp_path, log_copy=artifacts_dir / "jupyter-lab.log"), "jupyter lab")


# Read in the page: an explorer's summary text, its plot's src and a SHA-256 of the plot's bytes
# (``plot`` is "<bytes>:<sha256>"). The Image widget shows a fresh blob: URL on every update, so
# the src alone proves nothing.
EXPLORER_STATE_JS = """async ([explorer, summary, img]) => {
  const e = document.querySelector(explorer);
  const s = e && e.querySelector(summary), i = e && e.querySelector(img);
  const src = i ? i.getAttribute('src') : null;
  let digest = null, plot = null;
  if (src) {
    const bytes = await (await fetch(src)).arrayBuffer();
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    digest = Array.from(d, b => b.toString(16).padStart(2, '0')).join('');
    plot = bytes.byteLength + ':' + digest;
  }
  return {summary: s ? s.innerText : null, src, digest, plot};
}"""


def explorer_state(page, explorer, summary, img) -> dict:
    """``{summary, src, digest, plot}`` of the first explorer matching the selectors."""
    return page.evaluate(EXPLORER_STATE_JS, [explorer, summary, img])


def wait_stable(page, read, seconds=1.5, timeout=30.0) -> dict:
    """Wait until ``read()``'s summary and plot stop changing (queued slider updates drained)."""
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = read()
        if (now["summary"], now["digest"]) != (last["summary"], last["digest"]):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return now
    return last


def wait_changed(page, read, before, timeout) -> dict:
    """Poll ``read()`` until both the summary and the plot differ from ``before`` (or ``timeout`` s)."""
    deadline = time.monotonic() + timeout
    now = read()
    while (now["summary"] == before["summary"] or now["digest"] == before["digest"]) and (
        time.monotonic() < deadline
    ):
        page.wait_for_timeout(200)
        now = read()
    return now


@pytest.fixture
def page(chromium_executable, artifacts_dir, tmp_path):
    """A Playwright page in Debian's Chromium with a fresh profile (user-data-dir)."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    console: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            context.set_default_timeout(30_000)
            pg = context.pages[0] if context.pages else context.new_page()
            pg.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
            pg.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))
            yield pg
        finally:
            (artifacts_dir / "browser-console.log").write_text("\n".join(console) + "\n")
            context.close()


def is_local(url: str) -> bool:
    """True for loopback URLs and for data:, blob: and about: (which never leave the browser)."""
    parsed = urllib.parse.urlsplit(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in LOOPBACK


@pytest.fixture
def offline_page(request, chromium_executable, artifacts_dir, tmp_path):
    """A Playwright page whose requests to any host but loopback are recorded and aborted.

    Yields ``(page, foreign)``: ``foreign`` lists every non-loopback URL the page asked for
    (HTTP, WebSocket and service-worker requests alike), each of which failed. The browser
    console goes to ``<module>-browser-console.log`` (``voila-…``, ``jupyterlab-…``).
    """
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    console: list[str] = []
    foreign: list[str] = []
    log_name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort("internetdisconnected")

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000}, service_workers="block")
        try:
            context.set_default_timeout(30_000)
            context.route("**/*", route)  # before any page exists: nothing slips through
            pg = context.pages[0] if context.pages else context.new_page()
            pg.on("websocket", lambda ws: None if is_local(ws.url) else foreign.append(ws.url))
            pg.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
            pg.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))
            yield pg, foreign
        finally:
            (artifacts_dir / f"{log_name}-browser-console.log").write_text("\n".join(console) + "\n")
            context.close()
