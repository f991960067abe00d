"""The JSON Schema for editors: valid draft 2020-12, accepts the shipped file, rejects the broken
files a schema can see, stays in step with the loader, and is printed and served."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import SHIPPED

import calfeed
from calfeed import loader
from calfeed.cli import main
from calfeed.model import EVENT_TYPES, STATUSES

SCHEMA_FILE = Path(calfeed.__file__).parent / "schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
BROKEN = Path(__file__).parent / "broken"
REJECTED = sorted(p for p in BROKEN.glob("*.yaml") if b"\n# schema: rejects\n" in p.read_bytes()[:300])


def as_an_editor_sees_it(path: Path):
    """Every scalar a string (yaml.BaseLoader): no YAML 1.1 dates or booleans, like the loader."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 - only str/list/dict


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMA)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_accepts_the_shipped_file():
    assert list(validator().iter_errors(as_an_editor_sees_it(SHIPPED))) == []


def test_most_broken_files_are_caught_by_the_schema_too():
    assert len(REJECTED) >= 15


@pytest.mark.parametrize("path", REJECTED, ids=[p.stem for p in REJECTED])
def test_the_schema_rejects_the_broken_files_a_schema_can_see(path):
    try:
        document = as_an_editor_sees_it(path)
    except yaml.YAMLError:
        pytest.fail(f"{path.name} is marked 'schema: rejects' but is not even YAML")
    assert list(validator().iter_errors(document)) != []


UNSEEN = sorted(p for p in BROKEN.glob("*.yaml") if b"\n# schema: cannot tell\n" in p.read_bytes()[:300])


@pytest.mark.parametrize("path", UNSEEN, ids=[p.stem for p in UNSEEN])
def test_the_broken_files_marked_cannot_tell_are_beyond_a_schema(path):
    """Keeps the markers honest: these need `calfeed check` (real dates, references, duplicates)."""
    try:
        document = as_an_editor_sees_it(path)
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # not YAML (or not text) at all: the editor's YAML parser reports it, not the schema
    assert list(validator().iter_errors(document)) == []


SECTIONS = {
    "": loader._TOP_FIELDS,
    "calendar": loader._CALENDAR_FIELDS,
    "project": loader._PROJECT_FIELDS,
    "location": loader._LOCATION_FIELDS,
    "event": loader._EVENT_FIELDS,
}


def schema_object(section: str) -> dict:
    if section == "":
        return SCHEMA
    if section == "calendar":
        return SCHEMA["properties"]["calendar"]
    return SCHEMA["$defs"][section]


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_key_the_loader_accepts_is_in_the_schema_with_the_same_required_ones(section):
    fields, described = SECTIONS[section], schema_object(section)
    assert set(fields) <= set(described["properties"])
    assert {name for name, required in fields.items() if required} == set(described.get("required", []))


def test_the_schemas_choices_are_the_models():
    event = SCHEMA["$defs"]["event"]["properties"]
    assert event["type"]["enum"] == list(EVENT_TYPES)
    assert event["status"]["enum"] == list(STATUSES)


def test_calfeed_schema_prints_the_shipped_schema(runner):
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == SCHEMA


def test_the_site_serves_the_schema_for_editors(client):
    response = client.get("/schema.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert json.loads(response.data) == SCHEMA
    again = client.get("/schema.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
