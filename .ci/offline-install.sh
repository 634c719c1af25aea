#!/usr/bin/env bash
# CI: the workshop-room install works with no package index at all.
#
# 1. `make wheelhouse` from this machine's package index, into a temporary folder.
# 2. A fresh copy of the repository (tracked files only: no .venv, no wheelhouse/) runs
#    scripts/setup.sh with TRUSTLAB_WHEELHOUSE pointing there, in an environment with no index:
#    an empty environment (env -i: no PIP_* variables), pip's config files off
#    (PIP_CONFIG_FILE=/dev/null: no find-links or extra-index-url from /etc or ~),
#    PIP_NO_INDEX=1, no pip cache, and, where `unshare --net` works (root on Linux), no network
#    interface either.
# 3. Proof, not hope: in that same environment pip must fail to fetch torch==2.13.0 (so no
#    index, find-links or config leaked in), setup must say it installed from the wheelhouse,
#    and `python -m trustlab.doctor` in the fresh .venv must pass.
# Any failure exits non-zero. Prints the time and size of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/trustlab-offline.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { echo "offline-install: $*"; }

t0=$(date +%s)
bash scripts/wheelhouse.sh "$work/wheelhouse"
t1=$(date +%s)

mkdir "$work/repo" "$work/home"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$root" ls-files -z --cached --others --exclude-standard \
    | tar -C "$root" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$work/repo" -xf -
else
  tar -C "$root" --exclude=./.venv --exclude=./wheelhouse -cf - . | tar -C "$work/repo" -xf -
fi
[ ! -e "$work/repo/.venv" ] && [ ! -e "$work/repo/wheelhouse" ] || { say "the copy is not fresh"; exit 1; }

# The interpreter setup would pick, resolved to a real file (a pyenv shim needs the real HOME).
python=$(bash -c 'source scripts/setup_lib.sh && find_python')
python=$("$python" -c 'import sys; print(sys.executable)')

offline=(env -i PATH="$PATH" HOME="$work/home" LANG=C.UTF-8 TMPDIR="${TMPDIR:-/tmp}"
         PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
         TRUSTLAB_PYTHON="$python" TRUSTLAB_WHEELHOUSE="$work/wheelhouse")
if unshare --net true 2>/dev/null; then
  offline=(unshare --net "${offline[@]}")
  how="no network namespace interfaces, no index"
else
  how="no index (unshare --net unavailable: the network stays, pip is told not to use it)"
fi
say "setting up a fresh copy with $how"

# Pip in this environment must find torch nowhere (it is in this machine's pip config).
if "${offline[@]}" "$python" -m pip download -q --no-deps -d "$work/probe" torch==2.13.0 >/dev/null 2>&1; then
  say "pip could still download torch: the offline environment has an index; failing"
  exit 1
fi

log=$work/setup.log
(cd "$work/repo" && "${offline[@]}" bash scripts/setup.sh) 2>&1 | tee "$log"
t2=$(date +%s)
grep -q "installing from the wheelhouse $work/wheelhouse (--no-index" "$log" \
  || { say "setup did not install from the wheelhouse"; exit 1; }
# From inside the copy: `python -m` puts the working directory first on sys.path.
(cd "$work/repo" && .venv/bin/python -m trustlab.doctor)
say "wheelhouse $(du -sh "$work/wheelhouse" | cut -f1) in $((t1 - t0)) s; offline setup in $((t2 - t1)) s;" \
    "venv $(du -sh "$work/repo/.venv" | cut -f1); total $(( $(date +%s) - t0 )) s"
