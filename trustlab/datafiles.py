"""Where the shipped data files live, and reading them safely: one clear error for a damaged file.

:func:`data_dir` is ``datasets/`` (or ``$TRUSTLAB_DATA_DIR``); :func:`load_npz` and
:func:`load_json` read shipped files with pickles refused, and :func:`damaged_data_file` is the
one message for a file that exists but cannot be read: it names the file and how to get a good
copy. :mod:`trustlab.data` re-exports all four.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from trustlab._validate import DamagedFileError, check_path, damaged_file

__all__ = ["damaged_data_file", "data_dir", "load_json", "load_npz"]


def data_dir() -> Path:
    """Directory holding the shipped data files.

    ``$TRUSTLAB_DATA_DIR`` if set (and not empty), else ``datasets/`` at the repository root.

    >>> isinstance(data_dir(), Path)
    True
    """
    override = os.environ.get("TRUSTLAB_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[1] / "datasets"


def damaged_data_file(path, reason) -> DamagedFileError:
    """The error for a data file that exists but cannot be read as what it should hold.

    Names the file (``datasets/X`` for the shipped data) and how to get a good copy: rebuild
    with ``make datasets`` for ``datasets/``, reinstall trustlab for a file inside the package.
    ``reason`` (an exception or text) is cut to one line; numpy's advice to allow pickles is
    never shown.

    >>> str(damaged_data_file(data_dir() / "adult.csv.gz", "bad header"))
    'datasets/adult.csv.gz is damaged (bad header); rebuild it with `make datasets`'
    """
    path = Path(path).expanduser().resolve()
    package = Path(__file__).resolve().parent
    if path.is_relative_to(data_dir().resolve()):
        shown = f"datasets/{path.relative_to(data_dir().resolve())}"
        remedy = "rebuild it with `make datasets`"
    elif path.is_relative_to(package):
        shown = f"trustlab/{path.relative_to(package)}"
        remedy = "reinstall trustlab (`make setup`, or `pip install --force-reinstall trustlab`)"
    else:
        shown = str(path)
        remedy = "pass a file written by datasets/build.py, or rebuild the shipped ones with `make datasets`"
    return damaged_file(shown, reason, remedy)


def load_npz(path, keys=()) -> dict:
    """The arrays of a shipped ``.npz`` as a dict, pickles refused; a damaged file is one clear error.

    ``keys`` must all be present (else the file is damaged). Object arrays are never loaded
    (``allow_pickle=False``), and a file that would need them is reported as damaged.
    """
    path = check_path("path", path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, ValueError (pickled data), OSError, EOFError …
        raise damaged_data_file(path, exc) from None
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise damaged_data_file(path, f"no array named {', '.join(missing)}")
    return arrays


def load_json(path):
    """The parsed content of a shipped JSON file; a damaged file is one clear error."""
    import json

    path = check_path("path", path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except Exception as exc:  # UnicodeDecodeError, json.JSONDecodeError, IsADirectoryError …
        raise damaged_data_file(path, exc) from None
