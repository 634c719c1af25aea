"""End to end, app mode: Voilà serves 90_explorer_gallery offline, and in Debian's Chromium a
keyboard-moved slider changes the explorer's summary and plot, and the drop-down picks another
explorer from the keyboard.

Every request to a host other than the Voilà server (127.0.0.1) is recorded and aborted, and the
test asserts there were none: the page must render, icons included, with no network. (Voilà's
stock "lab" template asks cdn.jsdelivr.net for two Font Awesome stylesheets; trustlab's template,
``trustlab/share/jupyter/voila/templates/trustlab``, drops them.)

Run: ``python -m pytest -q tests/e2e/test_voila.py``. Screenshots, the Voilà log and the browser
console land in ``test-artifacts/e2e/`` (``voila-*``). Chromium and the shutdown bookkeeping come
from ``conftest.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from pathlib import Path

import pytest

from trustlab.gallery import GALLERY, entry
from tests.e2e.conftest import (
    _OPENER,
    CHROMIUM_ARGS,
    NOTEBOOKS_DIR,
    REPO_ROOT,
    SERVER_START_TIMEOUT,
    JupyterLab,
    explorer_state,
    serve,
    wait_changed,
    wait_stable,
)

NOTEBOOK = "90_explorer_gallery.ipynb"
TEMPLATE = "trustlab"
TEMPLATE_ROOT = REPO_ROOT / "trustlab" / "share" / "jupyter"  # a Jupyter data dir (JUPYTER_PATH)
RENDER_TIMEOUT = 120_000  # ms: Voilà runs the whole notebook (imports torch) before showing it
UPDATE_TIMEOUT = 60_000  # ms: slider move -> new summary and plot
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}

EXPLORER = ".trustlab-gallery .trustlab-explorer"
SUMMARY = ".trustlab-summary"
PLOT_IMG = ".trustlab-plot img"
SLIDER = ".widget-slider"

# Font Awesome is the one icon font Voilà's page uses: render an icon and report its font.
_ICON_JS = """async () => {
  const i = document.createElement('i');
  i.className = 'fa fa-check';
  document.body.appendChild(i);
  const family = getComputedStyle(i, '::before').fontFamily;
  await document.fonts.load('900 16px "Font Awesome 5 Free"');
  const loaded = document.fonts.check('900 16px "Font Awesome 5 Free"') &&
    [...document.fonts].some(f => f.family.includes('Font Awesome 5 Free') && f.status === 'loaded');
  i.remove();
  return {family, loaded};
}"""


class Voila(JupyterLab):
    """A standalone Voilà on a free loopback port, on a copy of notebooks/, with a random token.

    Reuses :class:`conftest.JupyterLab`'s process bookkeeping and :meth:`stop`. Voilà has no
    ``/api/shutdown``: SIGTERM is its graceful stop (it stops its loop, then shuts its kernels
    down), so :meth:`_request` sends that when ``stop`` asks for the shutdown.
    """

    def __init__(self, workdir: Path, log_copy: Path | None = None):
        super().__init__(workdir, log_copy)
        self.log_path = workdir / "voila.log"

    def start(self) -> "Voila":
        shutil.copytree(NOTEBOOKS_DIR, self.root_dir,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        voila = Path(sys.prefix) / "bin" / "voila"
        if not voila.exists():
            pytest.fail(f"e2e: {voila} not found; install the pinned voila (scripts/setup.sh)")
        env = dict(os.environ)
        home = self.workdir / "jupyter-home"
        for var, sub in {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
                         "JUPYTER_RUNTIME_DIR": "runtime", "IPYTHONDIR": "ipython"}.items():
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(home / sub)
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATE_ROOT), env.get("JUPYTER_PATH")]))
        env.pop("MPLBACKEND", None)
        env["PATH"] = f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["FLWR_TELEMETRY_ENABLED"] = "0"
        env["FLWR_DISABLE_UPDATE_CHECK"] = "1"
        cmd = [str(voila), NOTEBOOK, "--no-browser", "--Voila.ip=127.0.0.1", f"--port={self.port}",
               "--Voila.port_retries=0", f"--template={TEMPLATE}", f"--Voila.token={self.token}"]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root_dir, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.track()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        # A static file of the template: answers once Voilà listens, starts no kernel, and
        # proves the template was found.
        probe = f"{self.base_url}/voila/templates/{TEMPLATE}/static/voila.js"
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"e2e: voila exited with code {self.proc.returncode} while starting\n"
                            + self.log_tail(), pytrace=False)
            try:
                with _OPENER.open(probe, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last_error = exc
            time.sleep(0.25)
        pytest.fail(f"e2e: voila did not serve {probe} within {SERVER_START_TIMEOUT} s ({last_error})\n"
                    + self.log_tail(), pytrace=False)

    def _request(self, method: str, path: str, timeout: float = 5.0) -> int:
        if (method, path) != ("POST", "/api/shutdown"):
            raise NotImplementedError(f"{method} {path}")
        self.proc.send_signal(signal.SIGTERM)
        return 200

    def log_tail(self, n: int = 40) -> str:
        return super().log_tail(n).replace("jupyter lab log", "voila log")

    def page_url(self) -> str:
        return f"{self.base_url}/?token={self.token}"


@pytest.fixture
def voila(chromium_executable, artifacts_dir, tmp_path):
    """A running Voilà on the gallery notebook; always shut down (kernel included)."""
    yield from serve(Voila(tmp_path, log_copy=artifacts_dir / "voila.log"), "voila")


@pytest.fixture
def offline_page(chromium_executable, artifacts_dir, tmp_path):
    """A Playwright page whose requests to any host but loopback are recorded and aborted.

    Yields ``(page, foreign)``: ``foreign`` lists every non-loopback URL the page asked for
    (HTTP, WebSocket and service-worker requests alike), each of which failed.
    """
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    console: list[str] = []
    foreign: list[str] = []

    def is_local(url: str) -> bool:
        parsed = urllib.parse.urlsplit(url)
        return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in LOOPBACK

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
            (artifacts_dir / "voila-browser-console.log").write_text("\n".join(console) + "\n")
            context.close()


def _state(page):
    return explorer_state(page, EXPLORER, SUMMARY, PLOT_IMG)


def _wait_stable(page):
    return wait_stable(page, lambda: _state(page))


def test_template_drops_exactly_voilas_cdn_stylesheets():
    """The strings our template removes are still in Voilà's lab template (else a Voilà upgrade
    would bring the CDN links back; the browser test below would then fail on them)."""
    ours = (TEMPLATE_ROOT / "voila/templates" / TEMPLATE / "index.html.j2").read_text()
    lab = Path(sys.prefix) / "share/jupyter/voila/templates/lab/index.html.j2"
    if not lab.is_file():
        pytest.fail(f"voila's lab template not found at {lab}; is the pinned voila installed?")
    cdn_links = re.findall(r'<link rel="stylesheet" href="(https://[^"]+)" type="text/css" />', lab.read_text())
    assert cdn_links, "Voilà's lab template no longer links stylesheets from a CDN: drop our override"
    fa_cdn = re.search(r"set fa_cdn = '([^']+)'", ours).group(1)
    removed = {fa_cdn + name for name in re.findall(r"fa_cdn ~ '([^'\"]+)\"", ours)}
    assert set(cdn_links) == removed, (cdn_links, removed)


@pytest.mark.e2e
@pytest.mark.slow
def test_voila_app_renders_offline_and_slider_updates_summary_and_plot(voila, offline_page, artifacts_dir):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    page, foreign = offline_page
    t0 = time.monotonic()

    # 1. Voilà runs the notebook, then shows its outputs: wait for the gallery's explorer.
    page.goto(voila.page_url(), wait_until="domcontentloaded", timeout=RENDER_TIMEOUT)
    explorer = page.locator(EXPLORER).first
    try:
        expect(page.locator("#rendered_cells")).to_be_visible(timeout=RENDER_TIMEOUT)
        expect(explorer.locator(SUMMARY)).to_contain_text("estimate=", timeout=RENDER_TIMEOUT)
        expect(explorer.locator(PLOT_IMG).first).to_be_visible(timeout=UPDATE_TIMEOUT)
    except (AssertionError, PlaywrightTimeout) as exc:
        page.screenshot(path=artifacts_dir / "voila-failure.png")
        raise AssertionError(f"the gallery did not render ({exc}); foreign requests: {foreign}\n"
                             + voila.log_tail()) from None
    voila.track()  # the kernel now exists: the teardown checks it exits too
    t_rendered = time.monotonic()
    picker = page.locator(".trustlab-gallery-picker select")
    expect(picker).to_have_value(entry("randomized_response").title)  # ipywidgets: option values are labels
    problems = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert problems.count() == 0, f"stderr or error outputs on the page: {problems.all_inner_texts()}"
    icon = page.evaluate(_ICON_JS)
    assert "Font Awesome 5 Free" in icon["family"] and icon["loaded"], f"icons do not render: {icon}"

    # 2. Keyboard only: focus the first slider's handle and press the arrow keys.
    slider = explorer.locator(SLIDER).first
    readout = slider.locator(".widget-readout")
    handle = slider.locator(".noUi-handle")
    before = _wait_stable(page)
    before_readout = readout.inner_text()
    assert before["summary"] and before["src"], f"no summary or plot: {before}"
    page.screenshot(path=artifacts_dir / "voila-page-before.png")
    handle.focus()
    expect(handle).to_be_focused()
    t_keys = time.monotonic()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
    after_readout = readout.inner_text()
    assert after_readout != before_readout, f"arrow keys did not move the slider ({before_readout})"

    # 3. The kernel answers: a new summary and a new plot (new src and new bytes).
    wait_changed(page, lambda: _state(page), before, UPDATE_TIMEOUT / 1000)
    t_changed = time.monotonic()
    after = _wait_stable(page)
    page.screenshot(path=artifacts_dir / "voila-page-after.png")
    explorer.screenshot(path=artifacts_dir / "voila-explorer-after.png")
    assert after["summary"] != before["summary"], f"summary unchanged: {before['summary']!r}"
    assert after["src"] != before["src"] and after["digest"] != before["digest"], "the plot did not change"

    # 4. The drop-down, by keyboard too: ArrowDown on the focused <select> picks the next explorer,
    #    which the kernel builds (and the page shows) in place of the first.
    picker.focus()
    page.keyboard.press("ArrowDown")
    second = GALLERY[[e.name for e in GALLERY].index("randomized_response") + 1]
    expect(picker).to_have_value(second.title)
    expect(page.locator(".trustlab-gallery")).to_contain_text(second.notebook, timeout=UPDATE_TIMEOUT)
    expect(page.locator(EXPLORER)).to_have_count(1, timeout=UPDATE_TIMEOUT)
    expect(page.locator(EXPLORER).locator(SUMMARY)).not_to_have_text(after["summary"], timeout=UPDATE_TIMEOUT)
    expect(page.locator(EXPLORER).locator(SUMMARY)).not_to_be_empty()
    expect(page.locator(".trustlab-gallery-status")).not_to_contain_text("could not build")
    t_picked = time.monotonic()

    # 5. Offline: nothing but the Voilà server was asked for anything, and the page is whole.
    assert foreign == [], f"the page asked hosts other than 127.0.0.1 for: {foreign}"

    # 6. Shut Voilà down here (the fixture does it too on failure) and check nothing leaked.
    t_stop = time.monotonic()
    survivors = voila.stop()
    assert not survivors, "processes started by voila outlived it:\n" + "\n".join(survivors)
    print(f"\ne2e voila: slider {before_readout} -> {after_readout}; "
          f"summary {before['summary']!r} -> {after['summary']!r}; "
          f"rendered {t_rendered - t0:.1f} s, new summary and plot {t_changed - t_keys:.1f} s after "
          f"the first key, next explorer by keyboard {t_picked - t_changed:.1f} s, "
          f"shutdown {time.monotonic() - t_stop:.1f} s")


@pytest.mark.e2e
@pytest.mark.slow
def test_voila_link_opens_the_explorer_in_the_linked_state(voila, offline_page, artifacts_dir):
    """A teacher's link (``?explorer=…&preset=…``) opens the page on that explorer, in that state,
    and the page shows the link of its own state."""
    from playwright.sync_api import expect

    from trustlab.app import share_link

    page, foreign = offline_page
    preset = {"noise_multiplier": 8.0, "num_clients": 10, "alpha": 100.0, "group_resample": 0.0}
    query = urllib.parse.urlsplit(share_link("capstone", preset)).query
    page.goto(f"{voila.page_url()}&{query}", wait_until="domcontentloaded", timeout=RENDER_TIMEOUT)
    summary = page.locator(EXPLORER).first.locator(SUMMARY)
    try:
        expect(summary).to_contain_text("sigma=8 clients=10 IID resample=0", timeout=RENDER_TIMEOUT)
    except AssertionError as exc:
        page.screenshot(path=artifacts_dir / "voila-link-failure.png")
        raise AssertionError(f"the linked state did not open ({exc})\n" + voila.log_tail()) from None
    voila.track()
    expect(page.locator(".trustlab-gallery-picker select")).to_have_value(entry("capstone").title)
    expect(page.locator(".trustlab-gallery-share a")).to_have_attribute("href", re.compile(r"explorer=capstone"))
    expect(page.locator(".trustlab-gallery-status")).not_to_contain_text("could not")
    page.screenshot(path=artifacts_dir / "voila-link.png")
    assert foreign == [], f"the page asked hosts other than 127.0.0.1 for: {foreign}"


@pytest.mark.e2e
@pytest.mark.slow
def test_voila_nested_link_shows_a_clear_message(voila, offline_page, artifacts_dir):
    """The probe's 9 kB link with 1,500 nested ``[`` in its preset: the page opens on the first
    explorer and says why the link could not be opened (no RecursionError, no dead page)."""
    from playwright.sync_api import expect

    page, foreign = offline_page
    depth = 1500
    query = urllib.parse.urlencode({"explorer": "mechanism",
                                    "preset": '{"epsilon": ' + "[" * depth + "]" * depth + "}"})
    assert len(query) > 8_000
    page.goto(f"{voila.page_url()}&{query}", wait_until="domcontentloaded", timeout=RENDER_TIMEOUT)
    status = page.locator(".trustlab-gallery-status")
    try:
        expect(status).to_contain_text("this link could not be opened", timeout=RENDER_TIMEOUT)
    except AssertionError as exc:
        page.screenshot(path=artifacts_dir / "voila-nested-link-failure.png")
        raise AssertionError(f"no clear message for the nested link ({exc})\n" + voila.log_tail()) from None
    voila.track()
    expect(status).to_contain_text("characters long")
    expect(page.locator(EXPLORER).first.locator(SUMMARY)).to_contain_text("estimate=")  # the page works
    problems = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert problems.count() == 0, f"error outputs on the page: {problems.all_inner_texts()}"
    assert "RecursionError" not in page.content()
    page.screenshot(path=artifacts_dir / "voila-nested-link.png")
    assert foreign == [], f"the page asked hosts other than 127.0.0.1 for: {foreign}"
