# Decisions behind scripts/setup.sh and scripts/wheelhouse.sh, as functions that print their
# answer, so tests/unit/test_setup_decisions.py can run them with stub executables on a
# controlled PATH (no real downloads). Source this file; it defines functions only.
#
#   find_python        a Python 3.11 interpreter: TRUSTLAB_PYTHON, python3.11/python3/python on
#                      PATH, else one that uv installs (uv on PATH, or `pip install --user uv`)
#   wheelhouse_dir     the wheelhouse to install from with --no-index, if any
#   torch_plan PY      where CPU torch 2.13.0 comes from: "<source> <pip arguments>"
#   cuda_in_report PY  reads `pip install --dry-run --report` JSON on stdin: is it a CUDA torch?

TORCH_VERSION=2.13.0
TORCH_CPU_INDEX_DEFAULT=https://download.pytorch.org/whl/cpu

# "3.11" for an interpreter that runs, nothing otherwise (pyenv shims of missing versions fail).
py_version() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# macOS has shasum, not sha256sum.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi
}

platform() {
  echo "$(uname -s 2>/dev/null || echo unknown) $(uname -m 2>/dev/null || echo unknown)"
}

python_help() {
  local plat
  plat=$(platform)
  {
    echo "setup: trustlab needs Python 3.11; none was found${1:+ ($1)}."
    echo "  Install it with the command for your platform, then run the same make command again:"
    echo "    Linux:   curl -LsSf https://astral.sh/uv/install.sh | sh && ~/.local/bin/uv python install 3.11"
    echo "    macOS:   brew install python@3.11"
    echo "    Windows: winget install -e --id Python.Python.3.11   (then follow README, \"Windows\")"
    echo "  or point setup at one: TRUSTLAB_PYTHON=/path/to/python3.11 make lab"
    echo "  (this machine: $plat)"
  } >&2
}

# uv on PATH, or where `pip install --user uv` puts it.
find_uv() {
  local py base
  if command -v uv >/dev/null 2>&1; then command -v uv; return 0; fi
  if [ -n "${HOME:-}" ] && [ -x "$HOME/.local/bin/uv" ]; then echo "$HOME/.local/bin/uv"; return 0; fi
  for py in python3 python; do
    command -v "$py" >/dev/null 2>&1 || continue
    base=$("$py" -m site --user-base 2>/dev/null) || continue
    if [ -n "$base" ] && [ -x "$base/bin/uv" ]; then echo "$base/bin/uv"; return 0; fi
  done
  return 1
}

# `pip install --user uv` with any Python that has pip. uv is one self-contained binary with no
# dependencies, so allowing it past PEP 668's "externally managed" marker (Debian, Ubuntu,
# Homebrew Pythons) cannot break the system's packages; it lands in the user's ~/.local.
install_uv() {
  local py
  for py in python3 python; do
    command -v "$py" >/dev/null 2>&1 || continue
    "$py" -m pip --version >/dev/null 2>&1 || continue
    echo "setup: installing uv with $py -m pip install --user uv" >&2
    if PIP_BREAK_SYSTEM_PACKAGES=1 "$py" -m pip install --user --quiet uv >&2; then
      find_uv && return 0
    fi
  done
  return 1
}

find_python() {
  local cand v uv found
  if [ -n "${TRUSTLAB_PYTHON:-}" ]; then
    v=$(py_version "$TRUSTLAB_PYTHON")
    if [ "$v" = 3.11 ]; then echo "$TRUSTLAB_PYTHON"; return 0; fi
    echo "setup: TRUSTLAB_PYTHON=$TRUSTLAB_PYTHON is ${v:+Python }${v:-not a Python that runs}; trustlab needs 3.11" >&2
    return 1
  fi
  for cand in python3.11 python3 python; do
    command -v "$cand" >/dev/null 2>&1 || continue
    if [ "$(py_version "$cand")" = 3.11 ]; then command -v "$cand"; return 0; fi
  done
  if ! uv=$(find_uv) && ! uv=$(install_uv); then
    python_help "and uv, which could install one, is not available: no uv on PATH and no pip to install it"
    return 1
  fi
  echo "setup: no Python 3.11 on PATH; getting one with $uv python install 3.11" >&2
  if ! "$uv" python install 3.11 >&2; then
    python_help "\`$uv python install 3.11\` failed: it downloads Python, so it needs the internet"
    return 1
  fi
  found=$("$uv" python find 3.11 2>/dev/null) || found=""
  if [ -n "$found" ] && [ "$(py_version "$found")" = 3.11 ]; then echo "$found"; return 0; fi
  python_help "uv installed Python 3.11 but \`$uv python find 3.11\` did not return it"
  return 1
}

# TRUSTLAB_WHEELHOUSE=path, or wheelhouse/ with wheels in it (TRUSTLAB_WHEELHOUSE=off: never).
wheelhouse_dir() {
  local wh=${TRUSTLAB_WHEELHOUSE:-}
  if [ "$wh" = off ]; then return 0; fi
  if [ -n "$wh" ]; then
    if [ ! -d "$wh" ]; then
      echo "setup: TRUSTLAB_WHEELHOUSE=$wh is not a directory (make wheelhouse creates one)" >&2
      return 1
    fi
    (cd "$wh" && pwd)
    return 0
  fi
  if compgen -G "wheelhouse/*.whl" >/dev/null; then (cd wheelhouse && pwd); fi
  return 0
}

# Can pip reach the CPU index? A HEAD request for its torch page, 10 s at most.
index_reachable() {
  "$1" - "$2" <<'PYEOF' >/dev/null 2>&1
import sys, urllib.request
url = sys.argv[1].rstrip("/") + "/torch/"
with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as r:
    sys.exit(0 if r.status == 200 else 1)
PYEOF
}

# One line: "<source> <pip arguments for torch>". Sources:
#   wheelhouse  --no-index from the wheelhouse        override   TRUSTLAB_TORCH_INDEX
#   cpu-index   PyTorch's CPU index (Linux)            pypi       macOS: PyPI's wheels are CPU builds
#   configured  pip's configured index, checked first with a dry run (a CUDA build is refused
#               before anything is downloaded); used when the CPU index cannot be reached
# On Linux, PyPI's torch 2.13.0 (x86_64 and aarch64 alike) requires cuda-toolkit and nvidia-*
# packages. x86_64 asks for the "+cpu" wheel as binder/requirements.txt does; other
# architectures use the CPU index alone (--index-url), so no CUDA build can win on version.
torch_plan() {
  local py=$1 wh plat cpu_index=${TRUSTLAB_TORCH_CPU_INDEX:-$TORCH_CPU_INDEX_DEFAULT}
  wh=$(wheelhouse_dir) || return 1
  if [ -n "$wh" ]; then
    echo "wheelhouse torch==$TORCH_VERSION --no-index --find-links $wh"; return 0
  fi
  if [ -n "${TRUSTLAB_TORCH_INDEX:-}" ]; then
    echo "override torch==$TORCH_VERSION --index-url $TRUSTLAB_TORCH_INDEX"; return 0
  fi
  plat=$(platform)
  case "$plat" in
    "Darwin "*) echo "pypi torch==$TORCH_VERSION" ;;
    "Linux "*)
      if ! index_reachable "$py" "$cpu_index"; then
        echo "configured torch==$TORCH_VERSION"
      elif [ "$plat" = "Linux x86_64" ]; then
        echo "cpu-index torch==$TORCH_VERSION+cpu --extra-index-url $cpu_index"
      else
        echo "cpu-index torch==$TORCH_VERSION --index-url $cpu_index"
      fi ;;
    *)
      echo "setup: this script supports Linux and macOS, not '$plat'; see README, \"Windows\" (conda or pip by hand)" >&2
      return 1 ;;
  esac
}

# Reads pip's --dry-run --report JSON on stdin; exit 0 (and names the culprits) when it would
# install a CUDA torch: nvidia-* or cuda-* packages (torch 2.13.0 on PyPI requires
# cuda-toolkit, cuda-bindings and nvidia-*), or a torch whose local version names CUDA/ROCm.
cuda_in_report() {
  "$1" -c '
import json, sys
report = json.load(sys.stdin)
names = [(i["metadata"]["name"].lower(), i["metadata"]["version"]) for i in report.get("install", [])]
bad = [f"{n}=={v}" for n, v in names if n.startswith(("nvidia-", "cuda-"))
       or (n == "torch" and any(t in v for t in ("+cu", "+rocm")))]
print(", ".join(bad[:4]) + (f" and {len(bad) - 4} more" if len(bad) > 4 else ""))
sys.exit(0 if bad else 1)'
}

# For the "configured" plan: resolve torch with pip's configured index without downloading it
# (`--dry-run --report`, metadata only) and refuse a CUDA build before gigabytes arrive.
# $1 = the python whose pip runs, the rest = pip arguments for torch.
refuse_cuda_before_download() {
  local py=$1 report cuda
  shift
  report=$("$py" -m pip --disable-pip-version-check install --dry-run --quiet --ignore-installed \
             --report - "$@" 2> >(grep -v "is ignored: it is neither" >&2)) || {
    echo "setup: pip could not resolve $* from its configured index (see above), and PyTorch's" \
         "CPU index (${TRUSTLAB_TORCH_CPU_INDEX:-$TORCH_CPU_INDEX_DEFAULT}) could not be reached." \
         "Connect to the internet and run again, set TRUSTLAB_TORCH_INDEX to an index that serves" \
         "CPU torch, or install from a wheelhouse (README, \"Offline install\")." >&2; return 1; }
  if cuda=$(cuda_in_report "$py" <<<"$report"); then
    echo "setup: pip's configured index offers only the CUDA build of torch ($cuda), and" \
         "PyTorch's CPU index (${TRUSTLAB_TORCH_CPU_INDEX:-$TORCH_CPU_INDEX_DEFAULT}) could not be" \
         "reached. Nothing was downloaded. Connect to the internet and run again, set" \
         "TRUSTLAB_TORCH_INDEX to an index that serves CPU torch, or install from a wheelhouse" \
         "(README, \"Offline install\")." >&2
    return 1
  fi
}
