"""`calfeed add-ids`: ids written in place, nothing else in the file touched, twice is once."""

from __future__ import annotations

import difflib
from pathlib import Path

from conftest import MINIMAL, SHIPPED

from calfeed.cli import main
from calfeed.loader import check

COMMENTED = """\
# Höstens aktiviteter. Kommentarer, ordning och tomrader ska stå kvar.
calendar:
  name: Test   # calendar name
  timezone: Europe/Stockholm

locations:
  kalmar: {name: Kalmar, country: SE}

events:
  # the first one already has an id
  - id: kept-as-is
    title: "Möte med citattecken"
    type: meeting
    start: 2019-11-13

  - title:                      # a title in two languages, over several lines
      sv: Studieresa till Guldborgsund
      en: Study trip to Guldborgsund
    type: study-trip
    start: 2019-11-13
    end: 2019-11-14

  -   # a comment where the item starts
      title: Konstigt indrag
      type: workshop
      location: kalmar
      start: 2019-12-05 09:00
      end: 16:00
"""


def add_ids(runner, path: Path):
    return runner.invoke(main, ["add-ids", str(path)])


def diff(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two versions of a file."""
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [x[1:] for x in lines if x.startswith("-") and not x.startswith("---")]
    added = [x[1:] for x in lines if x.startswith("+") and not x.startswith("+++")]
    return removed, added


def test_add_ids_round_trips_a_commented_file_adding_only_the_id_lines(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    result = add_ids(runner, path)
    assert result.exit_code == 0, result.output
    assert diff(COMMENTED, path.read_text(encoding="utf-8")) == (
        [],
        ["    id: 2019-11-13-studieresa-till-guldborgsund", "      id: 2019-12-05-konstigt-indrag"],
    )
    assert "added 2 ids" in result.output


def test_added_ids_are_the_ones_subscribers_already_have_and_silence_the_warning(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    before = check(COMMENTED)
    add_ids(runner, path)
    after = check(path.read_bytes())
    assert [e.id for e in after.schedule.events] == [e.id for e in before.schedule.events]
    assert [p for p in before.warnings if "has no 'id'" in p.message] != []
    assert after.problems == ()


def test_add_ids_twice_changes_nothing_the_second_time(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    add_ids(runner, path)
    once = path.read_bytes()
    result = add_ids(runner, path)
    assert result.exit_code == 0
    assert path.read_bytes() == once
    assert "every event has an id" in result.output


def test_a_flow_style_event_gets_its_id_inside_the_braces(runner, tmp_path):
    path = tmp_path / "events.yaml"
    before = MINIMAL + "  - {title: Kort form, type: training, start: 2020-01-10}  # kept\n"
    path.write_text(before, encoding="utf-8")
    add_ids(runner, path)
    assert diff(before, path.read_text(encoding="utf-8")) == (
        ["  - {title: Kort form, type: training, start: 2020-01-10}  # kept"],
        ["  - {id: 2020-01-10-kort-form, title: Kort form, type: training, start: 2020-01-10}  # kept"],
    )


def test_windows_line_endings_and_byte_order_mark_are_kept(runner, tmp_path):
    path = tmp_path / "events.yaml"
    before = "\ufeff" + (MINIMAL + "  - title: Möte\n    type: meeting\n    start: 2019-11-13\n").replace("\n", "\r\n")
    path.write_bytes(before.encode("utf-8"))
    add_ids(runner, path)
    after = path.read_bytes().decode("utf-8")
    assert after == before.replace("    type: meeting", "    id: 2019-11-13-mote\r\n    type: meeting")


def test_add_ids_refuses_a_file_with_errors_and_leaves_it_alone(runner, tmp_path):
    path = tmp_path / "events.yaml"
    before = MINIMAL + "  - title: Möte\n    type: party\n    start: 2019-11-13\n"
    path.write_text(before, encoding="utf-8")
    result = add_ids(runner, path)
    assert result.exit_code == 1
    assert "unknown event type 'party'" in result.output and "no ids added" in result.output
    assert path.read_text(encoding="utf-8") == before


def test_the_shipped_file_already_has_every_id(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_bytes(SHIPPED.read_bytes())
    result = add_ids(runner, path)
    assert result.exit_code == 0 and path.read_bytes() == SHIPPED.read_bytes()
