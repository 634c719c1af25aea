"""Shared test fixtures and paths."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# Notebook kernels started by nbval inherit this: a privacy kit never phones home.
os.environ.setdefault("FLWR_TELEMETRY_ENABLED", "0")
os.environ.setdefault("FLWR_DISABLE_UPDATE_CHECK", "1")


def in_ci() -> bool:
    """True where checks that skip elsewhere must run (CI=true or TRUSTLAB_REQUIRE_E2E=1)."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("TRUSTLAB_REQUIRE_E2E") == "1"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def _record_trustlab_errors(request):
    """Collect what trustlab logs at ERROR level during the test (see the hook below)."""
    recorder = _Recorder()
    logger = logging.getLogger("trustlab")
    logger.addHandler(recorder)
    request.node._trustlab_errors = recorder.records
    try:
        yield recorder.records
    finally:
        logger.removeHandler(recorder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test in which trustlab logged an ERROR: an explorer, plot or button hit a bug.

    Explorers show every exception in their message area (so a lesson never dies), and log the
    unexpected ones (not a ValueError/TypeError of compute) on the ``trustlab`` logger at ERROR
    level; here those become test failures, so a bug is never hidden as a user message. A test
    that forces such an error on purpose takes the ``shown_errors`` fixture, which collects them.
    """
    result = yield
    records = getattr(item, "_trustlab_errors", [])
    if records and "shown_errors" not in getattr(item, "fixturenames", ()):
        shown = "\n".join(f"{r.name}: {r.getMessage()}" for r in records)
        pytest.fail(f"unexpected error(s) shown by an explorer (logged on 'trustlab'):\n{shown}",
                    pytrace=False)
    return result


@pytest.fixture
def shown_errors(request):
    """The ERROR records trustlab logged during this test (errors forced on purpose)."""
    return request.node._trustlab_errors
