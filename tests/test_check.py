"""`calfeed check`: every mistake in tests/broken/ is named at its line and column, the YAML 1.1
surprises cannot happen, and the warnings that help without blocking."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL, ROOT, SHIPPED, dedent
from flask.cli import FlaskGroup

from calfeed.cli import main
from calfeed.loader import check

BROKEN = Path(__file__).parent / "broken"
FIXTURES = sorted(BROKEN.glob("*.yaml"))
EXPECT = re.compile(rb"# expect: (\d+):(\d+) (.*)")


def expectation(path: Path) -> tuple[int, int, str]:
    """The first line of a fixture: '# expect: LINE:COLUMN message (hint)'."""
    match = EXPECT.match(path.read_bytes().split(b"\n", 1)[0])
    assert match, f"{path.name} has no '# expect:' first line"
    return int(match[1]), int(match[2]), match[3].decode("utf-8")


def test_the_catalogue_of_broken_files_has_at_least_25_mistakes():
    assert len(FIXTURES) >= 25


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_check_names_each_mistake_at_its_line_and_column_and_exits_1(runner, path):
    line, column, message = expectation(path)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    errors = [text for text in lines if ": error: " in text]
    assert errors[0] == f"{path}:{line}:{column}: error: {message}", result.output
    assert re.fullmatch(r"\d+ errors?, \d+ warnings?", lines[-1])


def test_check_passes_the_shipped_file_with_a_summary(runner):
    result = runner.invoke(main, ["check", str(SHIPPED)])
    assert result.exit_code == 0
    assert re.fullmatch(r"\d+ events, \d+ projects?, \d+ locations: OK", result.output.strip())


def test_the_summary_counts_errors_and_warnings(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(MINIMAL + dedent("""
      - title: Utan id
        type: meeting
        start: 2019-11-14
      - id: b
        title: B
        type: meetin
        start: 2019-11-31
    """), encoding="utf-8")  # fmt: skip
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "2 errors, 1 warning"


def test_check_takes_several_files_and_fails_if_any_is_broken(runner):
    broken = BROKEN / "unknown-project.yaml"
    result = runner.invoke(main, ["check", str(SHIPPED), str(broken)])
    assert result.exit_code == 1
    assert f"{SHIPPED}: " in result.output and result.output.rstrip().endswith(f"{broken}: 1 error, 0 warnings")


def test_check_json_lists_problems_with_their_places(runner):
    broken = BROKEN / "unknown-project.yaml"
    result = runner.invoke(main, ["check", "--format", "json", str(broken)])
    body = json.loads(result.output)
    assert result.exit_code == 1
    assert body["ok"] is False
    assert [(p["line"], p["column"], p["severity"]) for p in body["problems"]] == [(19, 14, "error")]
    assert "did you mean 'umbrella'" in body["problems"][0]["hint"]
    assert body["files"][0]["file"] == str(broken)


def test_check_is_also_a_flask_command_that_needs_no_working_app(runner):
    result = runner.invoke(FlaskGroup(), ["check", str(BROKEN / "unknown-type.yaml")])
    assert result.exit_code == 1
    assert "unknown event type 'konferens' (did you mean 'conference'?)" in result.output


# -- What you write is what you get ----------------------------------------------------------

SURPRISES = [
    # (the line as typed, what yaml.safe_load makes of it)
    ("country: NO", False),
    ("title: yes", True),
    ("title: on", True),
    ("title: off", False),
    ("end: 16:00", 960),  # sexagesimal: 16 * 60
    ("id: 0755", 493),  # octal
    ("id: 1_000", 1000),
    ("title: 1.0e+3", 1000.0),
    ("title: 1.10", 1.1),
    ("title: 2019-10-21", dt.date(2019, 10, 21)),
    ("start: 2019-10-21 09:00:00", dt.datetime(2019, 10, 21, 9, 0)),
]


@pytest.mark.parametrize(("line", "surprise"), SURPRISES, ids=[s[0] for s in SURPRISES])
def test_plain_safe_load_changes_what_was_typed_and_our_loader_does_not(line, surprise):
    key, typed = line.split(": ", 1)
    assert yaml.safe_load(line)[key] == surprise  # the YAML 1.1 reading we refuse
    assert surprise != typed
    assert read_back(key, typed) == typed


def read_back(key: str, typed: str) -> str:
    """``typed`` as our loader reads it, written where ``key`` means something."""
    event = {"id": "x", "title": "T", "type": "meeting", "location": "oslo", "start": "2019-10-21 09:00"}
    if key != "country":
        event[key] = typed
    lines = "".join(f"    {k}: {v}\n" for k, v in event.items())
    country = typed if key == "country" else "SE"
    text = f"calendar:\n  name: Test\nlocations:\n  oslo:\n    name: Oslo\n    country: {country}\n"
    text += f"events:\n  -\n{lines}"
    result = check(text)
    assert result.schedule is not None, [str(p) for p in result.problems]
    read = result.schedule.events[0]
    return {
        "country": result.schedule.locations["oslo"].country,
        "title": read.title.sv,
        "id": read.id,
        "start": f"{read.start:%Y-%m-%d %H:%M:%S}",
        "end": f"{read.end:%H:%M}" if read.end.date() == read.start.date() else "another day",
    }[key]


def test_the_issues_examples_mean_what_a_person_reads():
    text = dedent("""
        calendar:
          name: Test
        locations:
          oslo:
            name: Oslo
            country: NO
        events:
          - id: 1e3
            title: yes
            type: meeting
            location: oslo
            start: 2019-10-21 09:00
            end: 16:00
          - id: "2019-10-21"
            title: 2019-10-21
            type: meeting
            start: 2019-10-21
    """)
    surprising = yaml.safe_load(text)
    assert surprising["locations"]["oslo"]["country"] is False
    assert surprising["events"][0]["title"] is True and surprising["events"][0]["end"] == 960
    assert surprising["events"][1]["title"] == dt.date(2019, 10, 21)
    schedule = check(text).schedule
    timed, whole_day = sorted(schedule.events, key=lambda e: e.line)
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    assert schedule.locations["oslo"].country == "NO"
    assert (timed.id, timed.title.sv) == ("1e3", "yes")  # YAML 1.2 parsers would read 1e3 as 1000.0
    assert timed.start == dt.datetime(2019, 10, 21, 9, tzinfo=oslo)
    assert timed.end == dt.datetime(2019, 10, 21, 16, tzinfo=oslo)
    assert whole_day.title.sv == "2019-10-21" and whole_day.start == dt.date(2019, 10, 21)


# -- Warnings ------------------------------------------------------------------------------

PROJECT = dedent("""
    calendar:
      name: Test
    projects:
      umbrella:
        name: Umbrella
        start: 2018-01-01
        end: 2020-06-30
    events:
""")


def warnings_for(events_text: str, today: dt.date | None = None) -> list[str]:
    result = check(PROJECT + dedent(events_text), "events.yaml", today=today)
    assert result.schedule is not None, [str(p) for p in result.errors]
    return [str(p) for p in result.warnings]


def test_an_event_outside_its_projects_period_is_a_warning_at_its_start():
    found = warnings_for("""
      - id: late
        title: After the project
        type: meeting
        project: umbrella
        start: 2020-07-01
    """)
    assert found == [
        "events.yaml:13:10: warning: the event on line 9 is outside the period of project "
        "'umbrella' (2018-01-01 – 2020-06-30) (check the date, or the project's start and end)"
    ]


def test_an_event_inside_its_projects_period_is_not_warned_about():
    assert (
        warnings_for("""
      - id: inside
        title: Inside
        type: meeting
        project: umbrella
        start: 2020-06-30 09:00
    """)
        == []
    )


def test_a_past_event_still_tentative_is_a_warning_when_today_is_given():
    text = """
      - id: maybe
        title: Perhaps
        type: meeting
        start: 2019-11-13
        end: 2019-11-14
        status: tentative
    """
    assert warnings_for(text, today=dt.date(2019, 11, 14)) == []
    assert warnings_for(text) == []  # no today, no opinion
    found = warnings_for(text, today=dt.date(2019, 11, 15))
    assert found == [
        "events.yaml:14:11: warning: the event on line 9 ended on 2019-11-14 but is still 'tentative' "
        "(write 'status: confirmed' if it took place, 'status: cancelled' if not)"
    ]


def test_the_cli_passes_todays_date_so_old_tentative_events_are_warned_about(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(PROJECT + "  - {id: old, title: Old, type: meeting, start: 2019-01-01, status: tentative}\n",
                    encoding="utf-8")  # fmt: skip
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert "still 'tentative'" in result.output
    assert result.output.splitlines()[-1] == "1 event, 1 project, 0 locations: OK (1 warning)"


def test_an_event_without_id_and_a_very_long_title_are_warnings_not_errors(runner, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(PROJECT + f"  - {{title: {'Lång titel ' * 25}, type: meeting, start: 2019-11-13}}\n",
                    encoding="utf-8")  # fmt: skip
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert "has no 'id'" in result.output and "over 200 characters" in result.output


# -- pre-commit ----------------------------------------------------------------------------


def test_the_pre_commit_hooks_run_calfeed_commands_on_events_files(runner):
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"calfeed-check", "calfeed-add-ids"}
    for hook in hooks.values():
        assert hook["language"] == "python"  # pre-commit pip-installs this repository: the `calfeed` script
        assert re.search(hook["files"], "events.yaml") and re.search(hook["files"], "site/events-2020.yml")
        assert not re.search(hook["files"], "README.md")
    # pre-commit appends the staged file names to the entry
    command = hooks["calfeed-check"]["entry"].split()
    assert command[0] == "calfeed"
    result = runner.invoke(main, [*command[1:], str(SHIPPED), str(BROKEN / "unknown-type.yaml")])
    assert result.exit_code == 1


# -- the staff guide -----------------------------------------------------------------------

GUIDE = ROOT / "docs" / "redigera-evenemang.md"


def test_the_staff_guide_is_linked_from_the_readme():
    assert "(docs/redigera-evenemang.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_error_message_the_staff_guide_explains_is_one_calfeed_gives():
    """The guide quotes messages verbatim; this fails when a message changes and the guide does not."""
    guide = GUIDE.read_text(encoding="utf-8")
    quoted = re.findall(r"^\| `([^`]+)`", guide, re.MULTILINE)
    given = [expectation(path)[2] for path in FIXTURES]
    errors = [q for q in quoted if not q.startswith("…") and "has no 'id'" not in q]
    assert len(errors) >= 12
    for message in errors:
        assert any(message in text for text in given), message


def test_the_staff_guides_examples_are_valid_events():
    guide = GUIDE.read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", guide, re.DOTALL) if b.startswith("  - id:")]
    assert len(blocks) >= 4
    header = SHIPPED.read_text(encoding="utf-8").split("\nevents:\n")[0] + "\nevents:\n"
    for block in blocks:
        result = check(header + block)
        assert result.errors == (), [str(p) for p in result.errors]
