"""SHA-256 checksums of the shipped data files, as listed in ``datasets/README.md``.

The "Checksums" table of ``datasets/README.md`` (file, bytes, sha256) is the one record of what
each shipped file must hash to; ``datasets/build.py`` prints the same digests when it rebuilds
the files. :func:`verify_data_files` checks the files in :func:`trustlab.data.data_dir` against
it and says, per file, whether it is intact, missing or changed; ``make doctor`` reports that.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DataFileCheck", "expected_checksums", "sha256_of", "verify_data_files"]

README = "README.md"
_SECTION = re.compile(r"^## Checksums\s*$", re.M)
_ROW = re.compile(r"^\| `([^`]+)` \| ([\d,]+) \| `([0-9a-f]{64})` \|\s*$", re.M)


@dataclass(frozen=True)
class DataFileCheck:
    """One shipped file against its README row: ``status`` is "ok", "missing" or "changed"."""

    name: str
    status: str
    expected_sha256: str
    expected_bytes: int
    sha256: str | None = None
    bytes: int | None = None

    def summary(self) -> str:
        """``adult.csv.gz ok`` / ``missing`` / ``changed (sha256 1a2b3c4d…, README says 55e23716…)``."""
        if self.status == "changed":
            return (f"{self.name} changed (sha256 {self.sha256[:8]}…, {self.bytes:,} bytes; "
                    f"README says {self.expected_sha256[:8]}…, {self.expected_bytes:,} bytes)")
        return f"{self.name} {self.status}"


def expected_checksums(readme) -> dict:
    """``{file name: (bytes, sha256)}`` from the "## Checksums" table of a datasets README.

    Raises
    ------
    ValueError
        If the file has no "## Checksums" section or the section has no rows.
    """
    text = Path(readme).read_text(encoding="utf-8")
    match = _SECTION.search(text)
    if match is None:
        raise ValueError(f"{readme} has no '## Checksums' section (file | bytes | sha256 table)")
    section = text[match.end():]
    following = re.search(r"^## ", section, re.M)
    rows = _ROW.findall(section[:following.start()] if following else section)
    if not rows:
        raise ValueError(f"the '## Checksums' section of {readme} lists no files")
    return {name: (int(size.replace(",", "")), digest) for name, size, digest in rows}


def sha256_of(path) -> str:
    """Hex SHA-256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _default_readme(directory: Path) -> Path:
    # The README beside the files, else the repository's (TRUSTLAB_DATA_DIR may hold data only).
    beside = directory / README
    return beside if beside.is_file() else Path(__file__).resolve().parents[1] / "datasets" / README


def verify_data_files(directory=None, readme=None) -> tuple:
    """Check every file the README lists: present, and with the listed SHA-256.

    Parameters
    ----------
    directory : str or Path, optional
        Where the files are; default :func:`trustlab.data.data_dir` (``datasets/`` or
        ``$TRUSTLAB_DATA_DIR``).
    readme : str or Path, optional
        The README with the "## Checksums" table; default the one in ``directory``, else the
        repository's ``datasets/README.md``.

    Returns
    -------
    tuple of DataFileCheck
        One per listed file, in the README's order.

    Examples
    --------
    >>> all(check.status == "ok" for check in verify_data_files())
    True
    """
    if directory is None:
        from trustlab.data import data_dir

        directory = data_dir()
    directory = Path(directory)
    readme = Path(readme) if readme is not None else _default_readme(directory)
    checks = []
    for name, (size, digest) in expected_checksums(readme).items():
        path = directory / name
        if not path.is_file():
            checks.append(DataFileCheck(name, "missing", digest, size))
            continue
        actual = sha256_of(path)
        status = "ok" if actual == digest else "changed"
        checks.append(DataFileCheck(name, status, digest, size, actual, path.stat().st_size))
    return tuple(checks)
