#!/usr/bin/env bash
# `make wheelhouse [WHEELHOUSE=dir]`: download every wheel trustlab needs on this platform and
# Python 3.11 (CPU torch included, from the same source scripts/setup.sh would use) into
# wheelhouse/, so that `make lab` / `make test` on a machine without internet install from it
# with --no-index (setup.sh uses wheelhouse/ automatically, or TRUSTLAB_WHEELHOUSE=path).
#
# Contents: the pins of pyproject.toml ([project] dependencies and the test extra) with all
# their dependencies, CPU torch, and the build backend that installs trustlab itself
# (setuptools). Anything only published as a source archive is built into a wheel here, so the
# offline install never needs a compiler or a network. The result goes into <dir>.partial first
# and is renamed to <dir> only when complete, so a failed run never leaves a half wheelhouse
# for setup.sh to pick up. Running it again reuses the wheels already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_lib.sh
source scripts/setup_lib.sh

DEST=${1:-wheelhouse}
start=$(date +%s)
if [ -x .venv/bin/python ] && [ "$(py_version .venv/bin/python)" = 3.11 ]; then
  PY=.venv/bin/python
else
  PY=$(find_python)
fi
PIP="$PY -m pip --disable-pip-version-check"
export PIP_PROGRESS_BAR=off
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither" >&2); }

PARTIAL=$DEST.partial
[ ! -d "$DEST" ] || mv "$DEST" "$PARTIAL"
mkdir -p "$PARTIAL"
PARTIAL=$(cd "$PARTIAL" && pwd)

# 1. CPU torch, from where setup.sh would take it (never from this or another wheelhouse).
plan=$(TRUSTLAB_WHEELHOUSE=off torch_plan "$PY")
source=${plan%% *}
# shellcheck disable=SC2206
torch_args=(${plan#* })
echo "wheelhouse: CPU torch $TORCH_VERSION (from: $source) into $PARTIAL"
[ "$source" != configured ] || refuse_cuda_before_download "$PY" "${torch_args[@]}"
quiet_pip $PIP download -q -d "$PARTIAL" "${torch_args[@]}"
torch_wheel=$(cd "$PARTIAL" && ls torch-"$TORCH_VERSION"*.whl | head -n 1)
torch_version=$(echo "$torch_wheel" | cut -d- -f2)
case "$torch_version" in *+cu*|*+rocm*)
  echo "wheelhouse: $torch_wheel is a GPU build; refusing" >&2; exit 1 ;;
esac

# 2. Everything else, with torch held at the wheel just downloaded.
reqs=$(mktemp)
constraints=$(mktemp)
trap 'rm -f "$reqs" "$constraints"' EXIT
$PY - >"$reqs" <<'PYEOF'
import tomllib
with open("pyproject.toml", "rb") as fh:
    meta = tomllib.load(fh)
print("\n".join(meta["project"]["dependencies"] + meta["project"]["optional-dependencies"]["test"]
                + meta["build-system"]["requires"]))
PYEOF
echo "torch==$torch_version" >"$constraints"
echo "wheelhouse: $(wc -l <"$reqs" | tr -d ' ') pinned requirements and their dependencies"
quiet_pip $PIP download -q -d "$PARTIAL" --find-links "$PARTIAL" -c "$constraints" -r "$reqs"

# 3. Source archives become wheels (built once here, never on the learners' machines).
shopt -s nullglob
sdists=("$PARTIAL"/*.tar.gz "$PARTIAL"/*.zip)
if [ ${#sdists[@]} -gt 0 ]; then
  echo "wheelhouse: building wheels for ${#sdists[@]} source archive(s)"
  quiet_pip $PIP wheel -q --no-deps -w "$PARTIAL" "${sdists[@]}"
  rm -f "${sdists[@]}"
fi

{
  echo "trustlab wheelhouse: install with TRUSTLAB_WHEELHOUSE=<this folder> make lab"
  echo "(or copy it to wheelhouse/ in the repository). Built $(date -u +%Y-%m-%dT%H:%MZ) for"
  echo "$(platform), Python $("$PY" -c 'import sys; print(sys.version.split()[0])'), torch $torch_version (from: $source)."
} >"$PARTIAL/README.txt"
rm -rf "$DEST"
mv "$PARTIAL" "$DEST"
count=$(ls "$DEST"/*.whl | wc -l | tr -d ' ')
size=$(du -sh "$DEST" | cut -f1)
echo "wheelhouse: $count wheels, $size in $DEST ($(( $(date +%s) - start )) s)." \
     "Use it with: TRUSTLAB_WHEELHOUSE=$DEST make lab"
