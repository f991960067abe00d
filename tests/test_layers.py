"""Dependencies point one way, as each module's docstring says: its "Layer:" line places it, and it
imports only modules of its own layer or of a lower one. No import cycles, no module too long to read.

    bottom (errors, atomic, ...)  <  model  <  loader | ics  <  site  <  web  <  cli

``loader`` and ``ics`` are siblings: the feed writer and the file reader know nothing of each other.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "calfeed"
RANKS = {"bottom": 0, "model": 1, "loader": 2, "ics": 2, "site": 3, "web": 4, "cli": 5}
# Imports made only for type annotations (under ``if TYPE_CHECKING:``) that could not be avoided, as
# (importing module, imported module). Empty: a new entry needs a reason in a comment beside it.
TYPE_ONLY: set[tuple[str, str]] = set()
MAX_LINES = 400
NO_IO = {"calfeed.errors", "calfeed.model", "calfeed.revisions"}  # values and pure functions only


@dataclass(frozen=True)
class Import:
    target: str
    line: int
    type_only: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(path: Path) -> str | None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    found = re.search(r"^Layer: ([a-z]+)", docstring, re.MULTILINE)
    return found[1] if found else None


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(name: str) -> list[Import]:
    """The calfeed modules ``name`` imports, anywhere in it (inside functions too)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # "from . import ics" names a module; "from . import __version__" a value of the package
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
            targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
        for target in targets:
            if target.split(".")[0] == "calfeed" and target in MODULES and target != name:
                found.append(Import(target, node.lineno, node.lineno in type_only))
    return found


def test_every_module_says_its_layer():
    missing = [name for name, path in MODULES.items() if layer_of(path) is None]
    unknown = {name: layer_of(path) for name, path in MODULES.items() if layer_of(path) not in (None, *RANKS)}
    assert missing == [], "modules without a 'Layer: <name>' line in their docstring"
    assert unknown == {}, f"layers are {', '.join(RANKS)}"


def test_no_module_imports_a_higher_layer_or_a_sibling_layer():
    wrong = []
    for name, path in MODULES.items():
        own = layer_of(path)
        for found in imports(name):
            theirs = layer_of(MODULES[found.target])
            if own is None or theirs is None or theirs == own:
                continue
            if RANKS[theirs] >= RANKS[own] and not (found.type_only and (name, found.target) in TYPE_ONLY):
                wrong.append(f"{name} ({own}) imports {found.target} ({theirs}) on line {found.line}")
    assert wrong == []


def test_type_checking_imports_are_only_the_listed_unavoidable_ones():
    used = {(name, found.target) for name in MODULES for found in imports(name) if found.type_only}
    assert used == TYPE_ONLY


def test_there_is_no_import_cycle_in_the_package():
    graph = {name: sorted({found.target for found in imports(name)}) for name in MODULES}
    cycles = []
    state: dict[str, str] = {}  # "open" while on the path being walked, "done" after

    def walk(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in graph[name]:
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                walk(target, [*path, target])
        state[name] = "done"

    for name in graph:
        if name not in state:
            walk(name, [name])
    assert cycles == []


def test_the_layer_test_sees_imports_of_every_kind():
    """The scanner itself: relative, absolute, in a function, a package's value, a sibling module."""
    assert {"calfeed.model", "calfeed.recurrence"} <= {i.target for i in imports("calfeed.ics")}
    assert "calfeed" in {i.target for i in imports("calfeed.ics")}  # from . import __version__
    assert "calfeed.web" in {i.target for i in imports("calfeed.cli")}  # inside a command's function
    assert "calfeed.importing" in {i.target for i in imports("calfeed.importing.fetch")}  # from . import SourceError
    assert "calfeed.web.api" in {i.target for i in imports("calfeed.web")}  # from . import api, ...


def test_no_module_is_longer_than_a_newcomer_can_read():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def test_only_web_and_cli_import_flask():
    for name, path in MODULES.items():
        if RANKS.get(layer_of(path) or "", 0) < RANKS["web"]:
            found = {n.split(".")[0] for n in _all_imports(path)}
            assert not found & {"flask", "werkzeug", "jinja2"}, name


def test_the_values_at_the_bottom_do_no_io():
    for name in NO_IO:
        found = {n.split(".")[0] for n in _all_imports(MODULES[name])}
        assert not found & {"os", "pathlib", "io", "fcntl", "yaml", "icalendar", "dateutil", "babel"}, name


def _all_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module or "")
    return names
