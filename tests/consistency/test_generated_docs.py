"""Generated numbers in README.md and docs/facilitator.md match benchmarks/results.json.

The notebook map (README) and the run times, agendas and "try this" states of the facilitator
guide are written by ``benchmarks/readme_map.py`` and ``benchmarks/facilitator_times.py``. These
tests fail when a generated block is stale or was edited by hand (the tampering tests prove
that they can fail), when a notebook has no measured time, and when a preset shown in the
guide no longer builds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import facilitator_times as ft  # noqa: E402
import readme_map  # noqa: E402

GUIDE = ROOT / "docs" / "facilitator.md"
RESULTS = ROOT / "benchmarks" / "results.json"


def _copy_docs(tmp_path):
    """README, guide and results.json copied to tmp_path (README beside a link to notebooks/)."""
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "notebooks").symlink_to(NOTEBOOKS)
    shutil.copy(GUIDE, tmp_path / "facilitator.md")
    shutil.copy(RESULTS, tmp_path / "results.json")
    return tmp_path / "README.md", tmp_path / "facilitator.md", tmp_path / "results.json"


def _times_block(text):
    start, end = "<!-- facilitator-times:start -->", "<!-- facilitator-times:end -->"
    return text[text.index(start):text.index(end)]


def test_readme_notebook_map_is_up_to_date():
    assert readme_map.update_readme(check=True), "run `python benchmarks/readme_map.py`"


def test_facilitator_times_and_agendas_are_up_to_date():
    stale = ft.update_facilitator(check=True, presets=False)
    assert not stale, f"stale blocks {stale}: run `python benchmarks/facilitator_times.py`"


def test_check_command_line_passes_on_the_repository():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/facilitator_times.py"), "--check",
                          "--times-only"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_hand_edited_time_in_the_guide_is_caught(tmp_path):
    _, guide, results = _copy_docs(tmp_path)
    assert ft.update_facilitator(guide, results, check=True, presets=False) == []
    text = guide.read_text()
    block = _times_block(text)
    row = next(line for line in block.splitlines() if line.startswith("| [21_federated_flower"))
    cells = row.split(" | ")
    seconds = cells[3]
    assert seconds.isdigit(), row
    cells[3] = str(int(seconds) + 1)
    guide.write_text(text.replace(row, " | ".join(cells)))
    stale = ft.update_facilitator(guide, results, check=True, presets=False)
    assert stale == ["<!-- facilitator-times:start -->"]
    # without --check the generator puts the measured number back
    ft.update_facilitator(guide, results, presets=False)
    assert guide.read_text() == text


def test_a_hand_edited_agenda_time_is_caught(tmp_path):
    _, guide, results = _copy_docs(tmp_path)
    text = guide.read_text()
    tampered = re.sub(r"(\| 0:00–0:10 \| 10 \|.*\| )(\d+)( \|)",
                      lambda m: f"{m.group(1)}{int(m.group(2)) + 5}{m.group(3)}", text, count=1)
    assert tampered != text, "the 90-minute agenda no longer starts with a 10-minute slot"
    guide.write_text(tampered)
    assert ft.update_facilitator(guide, results, check=True, presets=False) == [
        "<!-- facilitator-agenda-90:start -->"]


def test_a_new_measurement_makes_both_documents_stale(tmp_path):
    readme, guide, results = _copy_docs(tmp_path)
    assert readme_map.update_readme(readme, results, check=True)
    data = json.loads(results.read_text())
    row = next(r for r in data["notebooks"]["rows"] if r["notebook"] == "20_federated_fedavg.ipynb")
    row["seconds"] += 3.0
    results.write_text(json.dumps(data))
    assert not readme_map.update_readme(readme, results, check=True)
    assert ft.update_facilitator(guide, results, check=True, presets=False) == [
        "<!-- facilitator-times:start -->", "<!-- facilitator-agenda-90:start -->",
        "<!-- facilitator-agenda-halfday:start -->"]


def test_a_hand_edited_readme_map_is_caught(tmp_path):
    readme, _, results = _copy_docs(tmp_path)
    text = readme.read_text()
    tampered = re.sub(r"(\| \[21_federated_flower\.ipynb\].*\| )(\d+)( \|)",
                      lambda m: f"{m.group(1)}{int(m.group(2)) - 1}{m.group(3)}", text, count=1)
    assert tampered != text
    readme.write_text(tampered)
    assert not readme_map.update_readme(readme, results, check=True)
    assert readme_map.update_readme(readme, results)
    assert readme.read_text() == text


def test_a_notebook_without_a_measured_time_fails_unless_pending(tmp_path):
    shutil.copy(NOTEBOOKS / "00_start_here.ipynb", tmp_path / "00_start_here.ipynb")
    shutil.copy(NOTEBOOKS / "00_start_here.ipynb", tmp_path / "50_new_topic.ipynb")
    results = json.loads(RESULTS.read_text())
    with pytest.raises(ValueError, match=r"50_new_topic\.ipynb: no measured time.*PENDING"):
        ft.run_times(results, tmp_path, pending=frozenset())
    times = ft.run_times(results, tmp_path, pending=frozenset({"50_new_topic.ipynb"}))
    assert times["50_new_topic.ipynb"] == ("pending", "pending")
    assert times["00_start_here.ipynb"][0].isdigit()


def test_a_failed_benchmark_is_not_a_time(tmp_path):
    shutil.copy(NOTEBOOKS / "00_start_here.ipynb", tmp_path / "00_start_here.ipynb")
    results = json.loads(RESULTS.read_text())
    for row in results["notebooks"]["rows"]:
        if row["notebook"] == "00_start_here.ipynb":
            row["error"] = "CellExecutionError: boom"
    with pytest.raises(ValueError, match="00_start_here.ipynb: its benchmark failed"):
        ft.run_times(results, tmp_path, pending=frozenset())


def test_every_notebook_in_the_repository_is_measured_or_pending():
    ft.run_times(json.loads(RESULTS.read_text()))  # raises with the names otherwise


def test_pending_set_is_empty_once_every_notebook_is_measured():
    assert ft.PENDING == frozenset()


def test_agendas_must_add_up(monkeypatch):
    title, total, slots = ft.AGENDAS["90"]
    monkeypatch.setitem(ft.AGENDAS, "90", (title, total, slots[:-1]))
    with pytest.raises(ValueError, match="not 90"):
        ft.agenda_table("90", json.loads(RESULTS.read_text()))


def test_every_notebook_has_a_section_in_the_guide():
    headings = set(re.findall(r"^### (\d\d) ", GUIDE.read_text(), re.M))
    for name in {p.name for p in NOTEBOOKS.glob("*.ipynb")} | set(ft.PENDING):
        assert name[:2] in headings, f"docs/facilitator.md has no '### {name[:2]} ...' section"


def test_every_measured_notebook_with_an_explorer_has_a_try_this_state():
    from trustlab.gallery import GALLERY

    shown = {t.notebook for t in ft.TRY_THIS}
    for e in GALLERY:
        if (NOTEBOOKS / e.notebook).exists() and e.notebook not in ft.PENDING:
            assert e.notebook in shown, f"add a TryThis for {e.notebook} ({e.name})"


def test_a_preset_that_does_not_build_is_reported(monkeypatch):
    bad = ft.TryThis("31_fairness_role_reversal.ipynb", "role_reversal", {"swap_ratio": 0.3})
    monkeypatch.setattr(ft, "TRY_THIS", (bad,))
    with pytest.raises(ValueError, match="role_reversal"):
        ft.try_block("31_fairness_role_reversal.ipynb")
    unknown = ft.TryThis("31_fairness_role_reversal.ipynb", "role_reversal", {"ratio": 1.0})
    monkeypatch.setattr(ft, "TRY_THIS", (unknown,))
    with pytest.raises(ValueError, match="does not build"):
        ft.try_block("31_fairness_role_reversal.ipynb")


@pytest.mark.slow
def test_every_preset_in_the_guide_builds_and_its_output_is_current(tmp_path):
    # Builds every TRY_THIS preset with trustlab.gallery.build (a ValueError names the broken
    # one) and compares the guide's "try this" blocks, summaries included.
    stale = ft.update_facilitator(check=True)
    assert not stale, f"stale blocks {stale}: run `python benchmarks/facilitator_times.py`"
