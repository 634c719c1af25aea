"""Quiet, offline JupyterLab for the environment that runs this script (``sys.prefix``).

Run by ``scripts/setup.sh`` (the local ``.venv``) and ``binder/postBuild`` (Binder's image):

- ``share/jupyter/lab/settings/overrides.json``: JupyterLab's defaults for every user of this
  environment. The notification plugin's ``fetchNews`` defaults to "none", which shows the
  toast "Would you like to get notified about official Jupyter news?" on the first screen, and
  answering yes makes the server fetch a feed from jupyterlab.github.io; ``checkForUpdates``
  asks PyPI. Both are turned off.
- ``etc/jupyter/jupyter_lab_config.json`` (JupyterLab's server extension reads this name, not
  ``jupyter_server_config.d``): the same on the server side, so neither request is possible
  even if a learner turns the settings back on (``news_url`` None, ``NeverCheckForUpdate``),
  and the extension manager does not search PyPI (``readonly``).

Existing keys in either file are kept; only these are set. ``tests/e2e/test_jupyterlab.py``
checks the result in a browser: no toast, no request off localhost.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: JupyterLab settings overrides: plugin id -> settings.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
#: JupyterLab's server-side config (traitlets, JSON form).
SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "extension_manager": "readonly",
    },
}


def _merge(path: Path, updates: dict) -> None:
    current = json.loads(path.read_text()) if path.is_file() else {}
    for section, values in updates.items():
        current.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")


def paths(prefix=sys.prefix) -> tuple[Path, Path]:
    """Where the overrides and the server config go for the environment at ``prefix``."""
    prefix = Path(prefix)
    return (prefix / "share/jupyter/lab/settings/overrides.json",
            prefix / "etc/jupyter/jupyter_lab_config.json")


def install(prefix=sys.prefix) -> tuple[Path, Path]:
    """Write (merge) both files into ``prefix``; return their paths."""
    overrides, server = paths(prefix)
    _merge(overrides, LAB_OVERRIDES)
    _merge(server, SERVER_CONFIG)
    return overrides, server


if __name__ == "__main__":
    install()
