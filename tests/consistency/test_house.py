"""The house keeps its shape: small modules, small rooms, imports that flow one way.

``docs/architecture.md`` describes the layout; these checks keep it true as the package grows:

- no package module over 300 lines (the exceptions below say why);
- no subpackage with more than 12 modules (its ``__init__`` not counted), and every subpackage
  ``__init__`` says in a docstring what its area is;
- imports flow compute -> plots -> widgets: a compute module imports no plot or widget module
  (nor matplotlib or ipywidgets), a plot module no widget module, at any depth (imports inside
  functions count);
- opacus and flwr are imported only by the modules allowed below;
- every module is used by something (another module, a notebook, a solution, a script, the
  Makefile or the Flower app's config), tests not counted.

Each check is a function of a package directory, so the tests at the bottom run it on a small
package built in ``tmp_path`` with one violation of each kind: the checks can fail.
"""

from __future__ import annotations

import ast
import json
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "trustlab"

MAX_LINES = 300
MAX_MODULES = 12

#: Modules allowed over MAX_LINES (path relative to the package), with the reason.
LONG_MODULES: dict = {}

#: Who may import a heavy engine: only the module that owns it (STYLE: math apart from machinery).
ENGINE_MODULES = {
    "opacus": {"privacy/dpsgd.py",        # the Opacus path: PrivacyEngine
               "privacy/accounting.py"},  # Opacus' accountants (imported inside functions)
    "flwr": {"federated/client_app.py", "federated/server_app.py",  # the Flower app
             "federated/secagg.py",                                   # SecAgg+ (legacy Flower API)
             "federated/inprocess.py",                                # the in-process runner
             "federated/api.py"},                                     # simulation engine entry
    "dp_accounting": {"privacy/risk/bound.py"},  # Google's PLD accountant, for the TPR bound
}

#: Modules nothing imports by name (patterns as in fnmatch), with the reason they stay.
UNUSED_OK = {
    "envcheck.py": "wired into make doctor by issue 18",
    "selfcheck/exercises/*.py": "selfcheck.registry imports every module there (pkgutil)",
    "privacy/risk/plots.py": "notebook 11's risk panel (issue 19) draws it; until then its doctest",
}

PLOT_NAMES = {"plots.py", "plotting.py"}
WIDGET_NAMES = {"widgets.py", "app.py", "gallery.py", "presets.py"}


def _modules(root: Path):
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _dotted(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(path: Path) -> str:
    """``"widgets"``, ``"plots"`` or ``"compute"``, from the module's file name."""
    if path.name in WIDGET_NAMES:
        return "widgets"
    return "plots" if path.name in PLOT_NAMES else "compute"


def imported_names(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every dotted name an ``import`` or ``from ... import`` in ``source`` may refer to.

    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (``c`` may be a module); relative imports
    are resolved against ``module``. Imports inside functions count.
    """
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _module_index(root: Path) -> dict[str, Path]:
    return {_dotted(root, p): p for p in _modules(root)}


def _imports(root: Path, path: Path) -> set[str]:
    return imported_names(path.read_text(), _dotted(root, path), path.name == "__init__.py")


def long_modules(root: Path, allowed: dict) -> list[str]:
    """Modules over MAX_LINES not in ``allowed``, and exceptions that are no longer needed."""
    problems = []
    for path in _modules(root):
        rel, lines = _rel(root, path), len(path.read_text().splitlines())
        if lines > MAX_LINES and rel not in allowed:
            problems.append(f"{rel}: {lines} lines > {MAX_LINES}; split it along its concepts")
        elif lines <= MAX_LINES and rel in allowed:
            problems.append(f"{rel}: {lines} lines, drop it from the exceptions")
    return problems


def crowded_rooms(root: Path) -> list[str]:
    """Subpackages with more than MAX_MODULES modules, or whose ``__init__`` has no docstring."""
    problems = []
    for init in sorted(root.rglob("__init__.py")):
        room = init.parent
        if room != root:
            count = sum(1 for p in room.glob("*.py") if p.name != "__init__.py")
            if count > MAX_MODULES:
                problems.append(f"{_rel(root, room)}/: {count} modules > {MAX_MODULES}; "
                                "split it into rooms")
        if not ast.get_docstring(ast.parse(init.read_text())):
            problems.append(f"{_rel(root, init)}: no docstring saying what the area is")
    return problems


#: Compute modules whose result objects offer ``.plot()`` (fairlearn's ``MetricFrame.plot``
#: habit, asked for by issue 20): the room's plots module is imported inside that method only.
PLOT_METHOD_OK = {"audit/fairness.py", "audit/mitigation.py", "audit/privacy.py"}


def backward_imports(root: Path) -> list[str]:
    """Imports against the flow compute -> plots -> widgets."""
    index = _module_index(root)
    rank = {"compute": 0, "plots": 1, "widgets": 2}
    problems = []
    for path in _modules(root):
        mine = layer(path)
        for name in sorted(_imports(root, path)):
            target = index.get(name)
            if (_rel(root, path) in PLOT_METHOD_OK and target is not None
                    and target.name == "plots.py" and target.parent == path.parent
                    and _imported_inside_plot_method(path, name)):
                continue
            if target is not None and rank[layer(target)] > rank[mine]:
                problems.append(f"{_rel(root, path)} ({mine}) imports {name} ({layer(target)})")
            top = name.split(".")[0]
            if mine == "compute" and top in ("matplotlib", "ipywidgets"):
                problems.append(f"{_rel(root, path)} (compute) imports {name}")
            if mine == "plots" and top == "ipywidgets":
                problems.append(f"{_rel(root, path)} (plots) imports {name}")
    return problems


def _imported_inside_plot_method(path: Path, name: str) -> bool:
    """True when every import of ``name`` in ``path`` sits inside a function named ``plot``."""
    tree = ast.parse(path.read_text())
    inside, outside = 0, 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "plot":
            inside += sum(1 for n in ast.walk(node) if isinstance(n, ast.ImportFrom)
                          and (n.module or "").endswith(name.rsplit(".", 1)[-1]))
    outside = sum(1 for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                  and (n.module or "").endswith(name.rsplit(".", 1)[-1])) - inside
    return inside > 0 and outside == 0


def engine_imports(root: Path, allowed: dict) -> list[str]:
    """Modules importing an engine of ``allowed`` (e.g. opacus) without being allowed to."""
    problems = []
    for path in _modules(root):
        tops = {name.split(".")[0] for name in _imports(root, path)}
        for engine, modules in allowed.items():
            if engine in tops and _rel(root, path) not in modules:
                problems.append(f"{_rel(root, path)} imports {engine}; only {sorted(modules)} may")
    return problems


def _code_cells(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))


def unused_modules(root: Path, users: list[Path], allowed: dict) -> list[str]:
    """Modules of ``root`` that no other module and no file of ``users`` refers to.

    A reference is an import, or the module's dotted name in text (``-m trustlab.x``, a gallery
    builder path ``trustlab.x.widgets:make_…``, the Flower app's ``trustlab.x:app``).
    """
    index = _module_index(root)
    used = set()
    for path in [*_modules(root), *users]:
        text = _code_cells(path) if path.suffix == ".ipynb" else path.read_text()
        own = _dotted(root, path) if path.is_relative_to(root) else "__main__"
        names = set(re.findall(rf"\b{re.escape(root.name)}(?:\.\w+)+", text))
        if path.suffix in (".py", ".ipynb"):
            names |= imported_names(text, own, path.name == "__init__.py")
        used |= names - {own}  # a module naming itself does not count
    problems = []
    for name, path in index.items():
        if path.name == "__init__.py" or any(fnmatch(_rel(root, path), p) for p in allowed):
            continue
        if name not in used:
            problems.append(f"{_rel(root, path)}: imported by nothing")
    return problems


def _users() -> list[Path]:
    """Files outside the package that may use its modules (tests do not count)."""
    files = [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/solutions/*.py"),
             *ROOT.glob("scripts/*.py"), *ROOT.glob("benchmarks/*.py"), *ROOT.glob("datasets/*.py"),
             ROOT / "Makefile", *PACKAGE.rglob("pyproject.toml")]
    return [f for f in files if f.is_file()]


# --- the real package ------------------------------------------------------------------------


def test_no_module_is_over_300_lines():
    assert long_modules(PACKAGE, LONG_MODULES) == []


def test_no_room_is_crowded_and_every_room_says_what_it_is():
    assert crowded_rooms(PACKAGE) == []


def test_imports_flow_compute_plots_widgets():
    assert backward_imports(PACKAGE) == []


def test_opacus_and_flwr_only_where_allowed():
    assert engine_imports(PACKAGE, ENGINE_MODULES) == []
    for modules in ENGINE_MODULES.values():  # the allow-list names real modules
        assert all((PACKAGE / m).is_file() for m in modules), modules


def test_every_module_is_used():
    assert unused_modules(PACKAGE, _users(), UNUSED_OK) == []


# --- the checks bite --------------------------------------------------------------------------


@pytest.fixture
def bad_house(tmp_path):
    """A package ``shack`` with one violation of every rule above."""
    pkg = tmp_path / "shack"

    def write(rel, text=""):
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("__init__.py", '"""A shack."""\n')
    write("long.py", "x = 1\n" * (MAX_LINES + 1))
    write("crowded/__init__.py", '"""Too many rooms in one."""\n')
    for i in range(MAX_MODULES + 1):
        write(f"crowded/m{i}.py", "from shack import long\n")
    write("area/__init__.py")  # no docstring
    write("area/compute.py", "def f():\n    from shack.area.plots import g\n")
    write("area/plots.py", "from .widgets import h\nimport matplotlib\n")
    write("area/widgets.py", "import ipywidgets\n")
    write("area/engine.py", "from opacus import PrivacyEngine\nimport flwr.app\n")
    write("area/pure.py", "import matplotlib.pyplot as plt\n")
    return pkg


def test_long_modules_bites(bad_house):
    assert long_modules(bad_house, {}) == [f"long.py: {MAX_LINES + 1} lines > {MAX_LINES}; "
                                           "split it along its concepts"]
    assert long_modules(bad_house, {"long.py": "why"}) == []
    assert long_modules(bad_house, {"area/pure.py": "stale"}) == [
        "area/pure.py: 1 lines, drop it from the exceptions",
        f"long.py: {MAX_LINES + 1} lines > {MAX_LINES}; split it along its concepts"]


def test_crowded_rooms_bites(bad_house):
    assert crowded_rooms(bad_house) == [
        "area/__init__.py: no docstring saying what the area is",
        f"crowded/: {MAX_MODULES + 1} modules > {MAX_MODULES}; split it into rooms"]


def test_backward_imports_bites(bad_house):
    assert backward_imports(bad_house) == [
        "area/compute.py (compute) imports shack.area.plots (plots)",
        "area/plots.py (plots) imports shack.area.widgets (widgets)",
        "area/pure.py (compute) imports matplotlib.pyplot"]


def test_engine_imports_bites(bad_house):
    assert engine_imports(bad_house, {"opacus": {"area/dp.py"}, "flwr": {"area/fl.py"}}) == [
        "area/engine.py imports opacus; only ['area/dp.py'] may",
        "area/engine.py imports flwr; only ['area/fl.py'] may"]
    assert engine_imports(bad_house, {"opacus": {"area/engine.py"}, "flwr": {"area/engine.py"}}) == []


def test_unused_modules_bites(bad_house, tmp_path):
    script = tmp_path / "run.py"
    script.write_text("import shack.area.engine\n")
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "source": [
        "%matplotlib inline\n", "from shack.area import pure, widgets\n"]}]}))
    makefile = tmp_path / "Makefile"
    makefile.write_text("run:\n\tpython -m shack.area.compute\n")
    assert unused_modules(bad_house, [script, notebook, makefile], {"crowded/m*.py": "why"}) == []
    # Without the script and the Makefile, nothing uses engine.py or crowded/'s modules.
    assert sorted(unused_modules(bad_house, [notebook], {"area/compute.py": "a reason"})) == sorted([
        "area/engine.py: imported by nothing",
        *[f"crowded/m{i}.py: imported by nothing" for i in range(MAX_MODULES + 1)]])
