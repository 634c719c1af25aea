"""The committed benchmark results say every notebook fits its memory target, Ray included.

``benchmarks/results.json`` is written by ``make benchmarks``. These tests read it (they do
not re-measure): a re-run that finds notebook 21 over 1.2 GB, or two notebooks over Binder's
2 GB, fails here until the regression is fixed or the miss is recorded by changing a target.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import memory_limit  # noqa: E402
import run  # noqa: E402

RESULTS = json.loads((ROOT / "benchmarks" / "results.json").read_text())


def test_every_notebook_within_its_memory_target():
    rows = RESULTS["notebooks"]["rows"]
    assert {r["notebook"] for r in rows} == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    over = {r["notebook"]: r["memory_mb"] for r in rows if r["memory_mb"] > run.NOTEBOOK_RSS_MB}
    assert not over, over
    assert not run.NOTEBOOK_RSS_OVERRIDES_MB  # no notebook has a larger allowance


def test_notebooks_with_child_processes_are_judged_by_pss():
    flower = next(r for r in RESULTS["notebooks"]["rows"] if r["notebook"].startswith("21_"))
    assert flower["children"] >= 5  # Ray's processes were there when it was measured
    assert flower["memory_mb"] == flower["peak_pss_mb"] < flower["peak_rss_mb"]


def test_the_memory_limit_runs_completed():
    section = RESULTS["memory_limit"]
    assert section["measured"], section.get("reason")
    assert [r["limit_mb"] for r in section["rows"]] == [c[2] for c in memory_limit.CASES]
    for r in section["rows"]:
        assert r["limited"]["completed"] and r["limited"]["oom_kills"] == 0, r
        assert r["unlimited"]["peak_mapped_mb"] < r["limit_mb"], r


def test_an_unmeasured_section_says_why():
    lines = memory_limit.render({"measured": False, "reason": "needs root (to create a memory cgroup)"})
    assert "Not measured on this machine: needs root" in "\n".join(lines)
