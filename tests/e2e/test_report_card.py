"""End to end: the audit's report card opens in Chromium with no network, and shows the numbers
of the result objects (read from the page's DOM, compared with values formatted from the results).

Run: ``python -m pytest -q tests/e2e/test_report_card.py``. A screenshot lands in
``test-artifacts/e2e/report-card.png``. Chromium comes from ``conftest.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM_ARGS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from audit_results import expected_numbers, results  # noqa: E402


@pytest.mark.e2e
def test_report_card_opens_offline_with_the_results_numbers(chromium_executable, artifacts_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    from trustlab.audit import write_report

    r = results()
    card = write_report(tmp_path / "report", **r, model="logistic regression")
    url = card.html_path.as_uri()
    requests, errors = [], []

    def route(route):
        requests.append(route.request.url)
        if route.request.url == url or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            context.route("**/*", route)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url, wait_until="load")
            shown = page.eval_on_selector_all("[data-key]", "els => Object.fromEntries("
                                              "els.map(e => [e.dataset.key, e.textContent]))")
            images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
            page.screenshot(path=str(artifacts_dir / "report-card.png"), full_page=True)
        finally:
            browser.close()
    foreign = [u for u in requests if u != url and not u.startswith("data:")]
    assert foreign == [], f"the report asked the network for {foreign}"
    assert errors == []
    assert shown == card.numbers
    expected = expected_numbers(r)
    assert {k: shown[k] for k in expected} == expected
    assert len(images) == 3 and all(ok and width > 100 for ok, width in images), images
