"""``make doctor`` and the data checksums it relies on.

The checksums in datasets/README.md must match the shipped files; a changed or missing file must
be reported by name, and ``python -m trustlab.doctor`` must then fail with a line that says
what is wrong and how to fix it. The other checks are driven into failure one by one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from trustlab import envcheck
from trustlab.checksums import expected_checksums, sha256_of, verify_data_files

DATASETS = ROOT / "datasets"
README = DATASETS / "README.md"
NOT_DATA = {"README.md", "build.py"}


def _copy_data(tmp_path, skip=()):
    target = tmp_path / "data"
    target.mkdir()
    for path in DATASETS.iterdir():
        if path.is_file() and path.name not in NOT_DATA and path.name not in skip:
            shutil.copy(path, target / path.name)
    return target


def test_readme_checksums_match_every_shipped_file():
    listed = expected_checksums(README)
    shipped = {p.name for p in DATASETS.iterdir() if p.is_file() and p.name not in NOT_DATA}
    assert set(listed) == shipped, "every file in datasets/ needs a row in README's Checksums table"
    for name, (size, digest) in listed.items():
        path = DATASETS / name
        assert (path.stat().st_size, sha256_of(path)) == (size, digest), f"update the row of {name}"
    assert all(c.status == "ok" for c in verify_data_files(DATASETS))


def test_a_changed_and_a_missing_file_are_named(tmp_path):
    data = _copy_data(tmp_path, skip={"gender_swap.json"})
    raw = bytearray((data / "adult.csv.gz").read_bytes())
    raw[-5] ^= 0xFF
    (data / "adult.csv.gz").write_bytes(bytes(raw))
    checks = {c.name: c for c in verify_data_files(data, README)}
    assert checks["gender_swap.json"].status == "missing"
    assert checks["gender_swap.json"].summary() == "gender_swap.json missing"
    changed = checks["adult.csv.gz"]
    assert changed.status == "changed" and changed.sha256 != changed.expected_sha256
    assert changed.summary().startswith(f"adult.csv.gz changed (sha256 {changed.sha256[:8]}…")
    assert f"README says {changed.expected_sha256[:8]}…, 550,931 bytes" in changed.summary()
    assert checks["token_vectors.npz"].status == "ok"


def test_a_readme_without_the_table_is_an_error(tmp_path):
    (tmp_path / "README.md").write_text("# data\n\nno checksums here\n")
    with pytest.raises(ValueError, match="has no '## Checksums' section"):
        expected_checksums(tmp_path / "README.md")
    (tmp_path / "README.md").write_text("# data\n\n## Checksums\n\nnone yet\n\n## Next\n")
    with pytest.raises(ValueError, match="lists no files"):
        expected_checksums(tmp_path / "README.md")


def _doctor(env_extra):
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-m", "trustlab.doctor"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_doctor_fails_clearly_on_a_missing_data_file(tmp_path):
    data = _copy_data(tmp_path, skip={"token_vectors.npz"})
    out = _doctor({"TRUSTLAB_DATA_DIR": str(data)})
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert ("FAIL  data files: token_vectors.npz missing -> fix: git checkout -- datasets/ "
            "(restores the shipped files), or python datasets/build.py --only token_vectors") in lines
    assert lines[-1].startswith("doctor: NOT READY: 1 of 9 checks failed (data files)")
    assert len(lines) == 10  # one line per item, then the verdict


def test_doctor_passes_on_the_shipped_data():
    out = _doctor({})
    data_line = [ln for ln in out.stdout.splitlines() if "data files:" in ln]
    assert data_line and data_line[0].startswith("ok    data files: "), out.stdout


def test_check_python_names_the_version_and_the_fix():
    assert envcheck.check_python((3, 11, 7)).status == "ok"
    bad = envcheck.check_python((3, 12, 1))
    assert bad.status == "FAIL" and "3.12.1; trustlab needs 3.11" in bad.line()
    assert "make clean && make lab" in bad.line()


def test_check_port_warns_when_taken_and_fails_when_all_are():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        check = envcheck.check_port(port, tries=20)
        assert check.status == "warn" and f"{port} is taken" in check.detail
        assert envcheck.check_port(port, tries=0).status == "FAIL"
    assert envcheck.check_port(port).status == "ok"


def test_check_disk_fails_below_the_minimum(tmp_path):
    assert envcheck.check_disk([tmp_path], min_mb=1).status == "ok"
    check = envcheck.check_disk([tmp_path], min_mb=10**12)
    assert check.status == "FAIL" and str(tmp_path) in check.detail


def test_check_chromium_is_a_warning_only(tmp_path):
    check = envcheck.check_chromium(tmp_path / "no-chromium")
    assert check.status == "warn" and "install-chromium.sh" in check.fix


def test_lab_settings_written_by_setup_are_what_doctor_checks(tmp_path):
    assert envcheck.check_lab_settings(tmp_path).status == "warn"
    spec = importlib.util.spec_from_file_location("lab_settings", ROOT / "scripts" / "lab_settings.py")
    lab_settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lab_settings)
    overrides, server = lab_settings.install(tmp_path)
    assert envcheck.check_lab_settings(tmp_path).status == "ok"
    assert server.name == "jupyter_lab_config.json" and '"news_url": null' in server.read_text()
    server.write_text(server.read_text().replace('"LabApp": {', '"LabApp": {"mine": 1, ', 1))
    lab_settings.install(tmp_path)  # idempotent, and keeps keys it does not own
    assert envcheck.check_lab_settings(tmp_path).status == "ok"
    assert '"mine": 1' in server.read_text()


def test_kernel_and_pins_in_this_environment():
    assert envcheck.check_pins().status == "ok"
    assert envcheck.check_pins("no-such-distribution").status == "FAIL"
    assert envcheck.check_kernel("no-such-kernel-xyz").status == "FAIL"
