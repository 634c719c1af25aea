"""End to end: JupyterLab in Debian's Chromium runs 00_start_here and a keyboard-moved slider
changes the explorer's estimate and plot, on a quiet and offline first screen.

Quiet and offline: no notification toast appears at any time (no "get notified about official
Jupyter news?"), the browser asks no host but 127.0.0.1 for anything (requests elsewhere are
recorded and aborted, as in the Voilà test), it never calls JupyterLab's news or update
endpoints (the server would fetch those from the internet), and the page's config shows the
news feed and PyPI extension manager off. All of that comes from the environment's own settings
(``scripts/lab_settings.py``, installed by ``make setup``); the test server sets none of it.

Run: ``python -m pytest -q tests/e2e``. Screenshots land in ``test-artifacts/e2e/``
(before/after of the explorer and of the whole page), with the JupyterLab log and the browser
console. Fixtures (Chromium, JupyterLab, page) are in ``conftest.py``.
"""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest

from tests.e2e.conftest import explorer_state, wait_changed, wait_stable

NOTEBOOK = "00_start_here.ipynb"
KERNEL_START_AND_RUN_TIMEOUT = 120_000  # ms: the first cell imports torch in a cold kernel
UPDATE_TIMEOUT = 60_000  # ms: slider move -> new estimate and plot
ESTIMATE = re.compile(r"estimate\s*=\s*(-?\d+(?:\.\d+)?)")

EXPLORER = ".trustlab-explorer"  # the notebook's first explorer is the one under test
SUMMARY = ".trustlab-summary"  # HTML widget inside it: "... estimate=0.xxx ..."
PLOT_IMG = ".trustlab-plot img"  # inside it: the matplotlib PNG (Image widget or Output <img>)
SLIDER = ".widget-slider"  # ipywidgets 8 Int/FloatSlider; .noUi-handle takes the arrow keys
SLIDER_LABEL = "P(truthful answer)"
# Every toast JupyterLab ever shows (react-toastify), recorded as it is added, so one that
# closes itself is caught too.
TOAST_RECORDER_JS = """
window.__toasts = [];
new MutationObserver(records => {
  for (const r of records) for (const n of r.addedNodes) {
    if (n.nodeType !== 1) continue;
    const toasts = n.matches('.Toastify__toast') ? [n] : [...n.querySelectorAll('.Toastify__toast')];
    for (const t of toasts) window.__toasts.push(t.innerText || t.textContent || '(empty toast)');
  }
}).observe(document, {childList: true, subtree: true});
"""
PAGE_CONFIG_JS = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
PHONE_HOME_PATHS = ("/lab/api/news", "/lab/api/update")  # the server fetches these from the web

def _state(page):
    return explorer_state(page, EXPLORER, SUMMARY, PLOT_IMG)


def _estimate(text: str) -> str:
    """The number after ``estimate=`` in the summary, as printed."""
    m = ESTIMATE.search(text or "")
    assert m, f"no 'estimate=<number>' in the summary text {text!r}"
    return m.group(1)


def _wait_kernel_idle(page, timeout):
    """Wait until no cell is queued/running ([*]) and the kernel indicator says idle."""
    page.wait_for_function(
        """() => {
          const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
          if (!nb) return false;
          const prompts = [...nb.querySelectorAll('.jp-InputPrompt')];
          if (prompts.some(p => p.textContent.includes('*'))) return false;
          const ind = nb.querySelector('.jp-Notebook-ExecutionIndicator');
          return !ind || ind.getAttribute('data-status') === 'idle';
        }""",
        timeout=timeout,
        polling=250,
    )


def _wait_stable(page):
    return wait_stable(page, lambda: _state(page))


def _errors_in_outputs(page) -> list[str]:
    return page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    ).all_inner_texts()


@pytest.mark.e2e
@pytest.mark.slow
def test_start_here_slider_updates_estimate_and_plot(jupyter_lab, offline_page, artifacts_dir):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    page, foreign = offline_page
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.add_init_script(TOAST_RECORDER_JS)
    t0 = time.monotonic()
    stem = NOTEBOOK.removesuffix(".ipynb")

    # 1. Open the notebook and wait for its kernel.
    url = jupyter_lab.url(f"/lab/tree/{NOTEBOOK}")
    page.goto(url, wait_until="domcontentloaded", timeout=60_000)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=60_000)
    # Cells run before the kernel is connected are silently dropped: wait for the server to
    # see the browser connected to an idle kernel, then for the notebook's own indicator.
    jupyter_lab.wait_kernel_connected(timeout=60, page=page)
    expect(panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
        1, timeout=60_000
    )
    t_kernel = time.monotonic()
    config = page.evaluate(PAGE_CONFIG_JS)
    assert config.get("news", {}).get("disabled") is True, f"news feed on: {config.get('news')}"
    assert config.get("extensionManager", {}).get("name") == "read-only", config.get("extensionManager")

    # 2. Run → Run All Cells, through the menu as a learner would.
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(
        "#jp-mainmenu-run .lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Run All Cells'))"
    ).click()

    # 3. The explorer renders live (stored outputs carry no widget state, so it cannot be stale).
    #    Run All scrolls along to the last cell, so bring the explorer back into view first.
    explorer = page.locator(EXPLORER).first
    try:
        explorer.wait_for(state="attached", timeout=KERNEL_START_AND_RUN_TIMEOUT)
        _wait_kernel_idle(page, KERNEL_START_AND_RUN_TIMEOUT)
        explorer.scroll_into_view_if_needed()
        expect(explorer).to_be_visible()
        expect(explorer.locator(SUMMARY)).to_contain_text("estimate=", timeout=UPDATE_TIMEOUT)
        expect(explorer.locator(PLOT_IMG).first).to_be_visible(timeout=UPDATE_TIMEOUT)
    except (AssertionError, PlaywrightTimeout) as exc:
        page.screenshot(path=artifacts_dir / f"{stem}-failure.png")
        raise AssertionError(
            f"the explorer did not render after Run All Cells ({exc}); errors in outputs: "
            f"{_errors_in_outputs(page)}\n{jupyter_lab.log_tail()}"
        ) from None
    assert not _errors_in_outputs(page), f"cells raised: {_errors_in_outputs(page)}"
    t_rendered = time.monotonic()

    # 4. The slider to move: "P(truthful answer)" (else the explorer's first slider).
    sliders = explorer.locator(SLIDER)
    slider = sliders.filter(has_text=SLIDER_LABEL)
    if slider.count() == 0:
        slider = sliders
    slider = slider.first
    readout = slider.locator(".widget-readout")
    handle = slider.locator(".noUi-handle")
    before = _wait_stable(page)
    before_readout = readout.inner_text()
    assert before["plot"], "the explorer shows no plot image"
    explorer.screenshot(path=artifacts_dir / f"{stem}-explorer-before.png")
    page.screenshot(path=artifacts_dir / f"{stem}-page-before.png")

    # 5. Keyboard only: focus the noUiSlider handle, then arrow keys.
    handle.focus()
    expect(handle).to_be_focused()
    t_keys = time.monotonic()
    for key in ["ArrowRight"] * 4 + ["ArrowLeft"]:
        page.keyboard.press(key)
        page.wait_for_timeout(150)
    if readout.inner_text() == before_readout:  # started at (or next to) the maximum
        for _ in range(4):
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(150)
    after_readout = readout.inner_text()
    assert after_readout != before_readout, f"arrow keys did not move the slider ({before_readout})"

    # 6. The kernel answers: new estimate text and a new plot.
    wait_changed(page, lambda: _state(page), before, UPDATE_TIMEOUT / 1000)
    t_changed = time.monotonic()
    _wait_kernel_idle(page, UPDATE_TIMEOUT)
    after = _wait_stable(page)
    explorer.screenshot(path=artifacts_dir / f"{stem}-explorer-after.png")
    page.screenshot(path=artifacts_dir / f"{stem}-page-after.png")

    assert after["summary"] != before["summary"], f"summary unchanged: {before['summary']!r}"
    assert after["plot"] and after["plot"] != before["plot"], "the plot did not change"
    estimates = _estimate(before["summary"]), _estimate(after["summary"])
    assert float(estimates[0]) != float(estimates[1]), (before, after)
    assert not _errors_in_outputs(page), f"cells raised: {_errors_in_outputs(page)}"

    # 7. Quiet and offline all along: no toast, no host but loopback, no news or update call.
    toasts = page.evaluate("() => window.__toasts")
    assert toasts == [], f"JupyterLab showed notification toasts: {toasts}"
    assert page.locator(".Toastify__toast").count() == 0
    assert foreign == [], f"the page asked hosts other than 127.0.0.1 for: {foreign}"
    called = [u for u in asked if urllib.parse.urlsplit(u).path.endswith(PHONE_HOME_PATHS)]
    assert called == [], f"the page asked the server to fetch news or updates: {called}"

    # 8. Shut JupyterLab down here (the fixture does it too on failure) and check nothing leaked.
    t_stop = time.monotonic()
    survivors = jupyter_lab.stop()
    assert not survivors, "processes started by jupyter lab outlived it:\n" + "\n".join(survivors)
    print(
        f"\ne2e: slider {before_readout} -> {after_readout}; "
        f"estimate {estimates[0]} -> {estimates[1]}; "
        f"kernel connected {t_kernel - t0:.1f} s, explorer rendered {t_rendered - t0:.1f} s, "
        f"new estimate and plot {t_changed - t_keys:.1f} s after the first key, "
        f"{len(asked)} requests, all to 127.0.0.1, no toast, "
        f"shutdown {time.monotonic() - t_stop:.1f} s"
    )
