"""Shared fixtures: an app on a copy of the shipped file, its client and CLI runner, and helpers."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from calfeed import tzrules
from calfeed.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.yaml"


NODE_FIXTURES = {"served", "served_series"}  # tests/test_conformance.py: every feed read by the Node.js parsers
# Whole static exports (several per test) and hypothesis's generated files: seconds each.
SLOW_FILES = {"test_export.py", "test_export_incremental.py", "test_properties.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by where a test lives and what it needs, so `make test-fast` can leave the slow kinds out."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if NODE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.node)
        if item.path.name == "test_gunicorn.py":
            item.add_marker(pytest.mark.server)
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fresh_time_zones() -> Iterator[None]:
    """Each test starts without cached VTIMEZONEs: under freezegun zoneinfo reads a FakeDatetime an hour
    off after arithmetic, so a zone built in a frozen test would otherwise reach every later feed."""
    yield
    tzrules.vtimezone.cache_clear()


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


MINIMAL = dedent("""
    calendar:
      name: Test calendar
      timezone: Europe/Stockholm
    projects:
      umbrella:
        name: Umbrella
    locations:
      kalmar:
        name: Kalmar
        country: SE
      klaipeda:
        name: Klaipėda
        country: LT
        timezone: Europe/Vilnius
    events:
""")


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    """A private copy of the shipped events file (tests may edit it; the ledger lands beside it)."""
    target = tmp_path / "events.yaml"
    shutil.copy(SHIPPED, target)
    return target


@pytest.fixture
def make_app(tmp_path: Path):
    def make(events: Path | str | None = None, **config):
        if isinstance(events, str):
            path = tmp_path / "custom.yaml"
            path.write_text(events, encoding="utf-8")
            events = path
        settings = {"TESTING": True, "CALFEED_EVENTS": str(events or _copy(tmp_path)),
                    "CALFEED_RELOAD_SECONDS": 0.0}  # fmt: skip
        settings.update(config)
        return create_app(settings)

    return make


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "events.yaml"
    if not target.exists():
        shutil.copy(SHIPPED, target)
    return target


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()
