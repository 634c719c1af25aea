"""The install paths stay wired: README's two commands, the offline check in CI, Binder's quiet
settings, and Ray's usage statistics off wherever trustlab starts a simulation.

The offline install itself runs in CI (``.ci/offline-install.sh``, minutes and a network to
build the wheelhouse), not here; these tests make sure CI keeps running it and that it keeps
the guards that stop it from passing with an index in reach.
"""

from __future__ import annotations

import os
import re

from tests.conftest import ROOT


def test_readme_two_commands_are_unchanged():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip().startswith("make")]
    assert commands == ["make lab", "make test"]


def test_ci_runs_the_offline_install_before_the_tests():
    run = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in run
    lines = [line.strip() for line in run.splitlines()]
    assert lines.index("bash .ci/offline-install.sh") < next(
        i for i, line in enumerate(lines) if line.startswith("make test "))


def test_offline_check_has_no_index_in_reach_and_proves_it():
    script = (ROOT / ".ci" / "offline-install.sh").read_text()
    assert "set -euo pipefail" in script
    for guard in ("env -i", "PIP_CONFIG_FILE=/dev/null", "PIP_NO_INDEX=1", "PIP_NO_CACHE_DIR=1",
                  "unshare --net", "TRUSTLAB_WHEELHOUSE="):
        assert guard in script, guard
    # it fails when pip can still fetch torch, and when setup did not use the wheelhouse
    assert re.search(r"if .*pip download .*torch==2\.13\.0.*then\s+say .*\s+exit 1", script, re.S)
    assert 'grep -q "installing from the wheelhouse' in script
    assert "-m trustlab.doctor" in script


def test_make_targets_and_binder_settings():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^doctor: setup\n\t@\$\(PY\) -m trustlab\.doctor$", makefile, re.M)
    assert re.search(r"^wheelhouse:\n\t@bash scripts/wheelhouse\.sh \$\(WHEELHOUSE\)$", makefile, re.M)
    assert "export RAY_USAGE_STATS_ENABLED := 0" in makefile
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "python scripts/lab_settings.py" in post_build
    assert "--env RAY_USAGE_STATS_ENABLED 0" in post_build
    assert (ROOT / ".gitignore").read_text().count("wheelhouse") >= 2


def test_simulation_runs_with_ray_usage_stats_off_and_restores_the_environment(monkeypatch):
    import flwr.simulation

    from trustlab.federated import api

    seen = {}

    def fake_run_simulation(**kwargs):
        seen["env"] = os.environ.get("RAY_USAGE_STATS_ENABLED")
        os.environ["PYTHONPATH"] = "rewritten by Flower"
        seen["backend_config"] = kwargs["backend_config"]

    monkeypatch.setattr(flwr.simulation, "run_simulation", fake_run_simulation)
    monkeypatch.delenv("RAY_USAGE_STATS_ENABLED", raising=False)
    monkeypatch.setenv("PYTHONPATH", "mine")
    api._simulate(None, None, 2)
    assert seen["env"] == "0"
    assert "RAY_USAGE_STATS_ENABLED" not in os.environ and os.environ["PYTHONPATH"] == "mine"
    assert seen["backend_config"] == api.ray_backend_config()
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "1")  # a caller's explicit choice is kept
    api._simulate(None, None, 2)
    assert seen["env"] == "1"
