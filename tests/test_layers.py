"""Dependencies point one way: model at the bottom, Flask only in the web layer and the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "calfeed"
NO_FLASK = {"errors", "model", "labels", "dates", "subscribe", "loader", "ledger", "state", "atomic", "store",
            "ics", "tzrules", "geo", "vcard", "listing", "qr", "atom", "changelog"}
PURE = {"errors", "model"}


def sources(name: str) -> list[Path]:
    """The module ``name``, or every module of the package ``name``."""
    module = PACKAGE / f"{name}.py"
    return [module] if module.exists() else sorted((PACKAGE / name).glob("*.py"))


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def test_only_web_and_cli_import_flask():
    for name in NO_FLASK:
        for path in sources(name):
            found = imports(path)
            assert not any(n.split(".")[0] in ("flask", "werkzeug") for n in found), path
            assert not any(n.startswith((".web", ".cli", "..web", "..cli")) for n in found), path


def test_model_and_errors_do_no_io_and_import_no_upper_layer():
    for name in PURE:
        found = imports(PACKAGE / f"{name}.py")
        assert not found & {"os", "pathlib", "yaml", "icalendar", "io"}, name
        assert not any(n in (".loader", ".ics", ".store", ".ledger") for n in found), name


def test_the_import_package_imports_no_flask_and_nothing_of_the_web_or_cli():
    for path in (PACKAGE / "importing").glob("*.py"):
        found = imports(path)
        assert not any(n.split(".")[0] in ("flask", "werkzeug") for n in found), path.name
        assert not any(n.startswith(("..web", "..cli", ".web", ".cli")) for n in found), path.name
