#!/usr/bin/env bash
# Create (or refresh) the trustlab virtual environment in .venv.
#
# Order matters: CPU torch goes in first, then everything else under a constraint that pins it,
# so no dependency (opacus asks for torch>=2.6) can pull a newer, CUDA-enabled torch.
# Where torch comes from, and which Python builds the venv, is decided in scripts/setup_lib.sh
# (tested with stubs in tests/unit/test_setup_decisions.py):
#   - a wheelhouse (TRUSTLAB_WHEELHOUSE=path, or wheelhouse/ from `make wheelhouse`): every
#     package from it with --no-index, nothing from the network;
#   - else TRUSTLAB_TORCH_INDEX if set;
#   - else Linux: PyPI's default torch is the CUDA build, so CPU torch comes from PyTorch's CPU
#     index; if that index cannot be reached, pip's configured index, after a dry run that
#     refuses a CUDA build before anything is downloaded; macOS: PyPI (CPU builds).
# Re-running is fast: when pyproject.toml, these scripts and the torch source are unchanged
# since the last successful run, nothing is installed again.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_lib.sh
source scripts/setup_lib.sh

VENV=.venv
STAMP=$VENV/.trustlab-setup-stamp
WHEELHOUSE=$(wheelhouse_dir)

want=$( { cat pyproject.toml scripts/setup.sh scripts/setup_lib.sh scripts/lab_settings.py
          echo "${TRUSTLAB_TORCH_INDEX:-}|$WHEELHOUSE"; } | sha256 | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
  echo "setup: .venv is up to date"
  exit 0
fi

if [ -x "$VENV/bin/python" ] && [ "$(py_version "$VENV/bin/python")" != 3.11 ]; then
  echo "setup: $VENV was made with Python $(py_version "$VENV/bin/python"), not 3.11; remove it (make clean) and run again" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  PYTHON=$(find_python)
  echo "setup: creating $VENV with $PYTHON ($("$PYTHON" -c 'import sys; print(sys.version.split()[0])'))"
  "$PYTHON" -m venv "$VENV"
fi
PY=$VENV/bin/python
PIP="$PY -m pip --disable-pip-version-check"
export PIP_PROGRESS_BAR=off
# (this machine's pip config lists a local index folder that warns for every package: hide that line)
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither" >&2); }

plan=$(torch_plan "$PY")
source=${plan%% *}
# shellcheck disable=SC2206  # word splitting wanted: the plan is a list of pip arguments
torch_args=(${plan#* })
offline=()  # (expanded as ${offline[@]+...}: macOS's bash 3.2 calls an empty array unbound)
if [ "$source" = wheelhouse ]; then
  offline=(--no-index --find-links "$WHEELHOUSE")
  echo "setup: installing from the wheelhouse $WHEELHOUSE (--no-index: nothing is downloaded)"
fi

echo "setup: installing CPU torch $TORCH_VERSION (from: $source)"
# PyPI's default Linux torch is the CUDA build: see what the configured index offers first.
[ "$source" != configured ] || refuse_cuda_before_download "$PY" "${torch_args[@]}"
quiet_pip $PIP install -q "${torch_args[@]}"
# The last guard: refuse a CUDA build (gigabytes, and useless here). The plans above avoid it.
if ! $PY -W ignore -c 'import sys, torch; sys.exit(torch.version.cuda is not None)'; then
  echo "setup: the installed torch is a CUDA build; install the CPU build (README: CPU torch on your platform)" >&2
  exit 1
fi

echo "setup: installing trustlab and its pinned dependencies"
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
echo "torch==$TORCH_VERSION" > "$constraints"
if ! quiet_pip $PIP install -q ${offline[@]+"${offline[@]}"} -c "$constraints" -e ".[test]"; then
  if [ "$source" = wheelhouse ]; then
    echo "setup: the wheelhouse $WHEELHOUSE lacks a package (built for another platform or" \
         "Python, or before a pin changed?): run make wheelhouse again, or set TRUSTLAB_WHEELHOUSE=off" >&2
  fi
  exit 1
fi
$PIP check >/dev/null || { $PIP check; exit 1; }
if $PIP list 2>/dev/null | grep -qiE '^(nvidia|cuda)-'; then
  echo "setup: CUDA packages (nvidia-*, cuda-*) were installed; refusing" >&2
  exit 1
fi

# A kernel named "trustlab" inside the venv; its env keeps Flower and Ray from phoning home.
$PY -m ipykernel install --sys-prefix --name trustlab --display-name "Python 3 (trustlab)" \
  --env FLWR_TELEMETRY_ENABLED 0 --env FLWR_DISABLE_UPDATE_CHECK 1 --env RAY_USAGE_STATS_ENABLED 0 >/dev/null
# A quiet first screen: no "fetch Jupyter news?" toast, no update check (see the script).
$PY scripts/lab_settings.py

echo "$want" > "$STAMP"
echo "setup: done ($($PY -c 'import torch; print("torch", torch.__version__)'))"
