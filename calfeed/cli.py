"""The ``calfeed`` command for staff and operators: check the events file, add ids, import events,
print the schema, serve the site.

Layer: cli. The only place besides the web layer that decides exit codes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import sys
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import click
import yaml

from .atomic import write_atomically
from .errors import ConfigError, EventsFileError, Problem
from .feedsize import oversized_feeds
from .importing import SourceError
from .loader import MAX_BYTES, Result, check_file
from .loader import check as check_text
from .model import EVENT_TYPES, Schedule

FEED_WARN_BYTES = 800_000  # Google Calendar drops the events past about 1 MB of a feed


@click.group()
@click.version_option(package_name="calfeed")
def main() -> None:
    """Publish an events file as calendar feeds and an agenda."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--max-bytes", type=int, default=MAX_BYTES, show_default=True, help="Largest file accepted.")
def check(files: tuple[str, ...], fmt: str, max_bytes: int) -> None:
    """Validate FILES (default events.yaml) and list every problem. Exit 1 on errors."""
    today = dt.date.today()  # the CLI is where the clock is read; the loader takes it as an argument
    results = {name: check_file(name, max_bytes=max_bytes, today=today) for name in files or ("events.yaml",)}
    for name, result in results.items():  # feeds too big for Google Calendar: a warning naming the setting
        if result.schedule is not None:
            results[name] = replace(result, problems=result.problems + tuple(size_warnings(result.schedule, name)))
    if fmt == "json":
        body = {
            "ok": all(r.schedule is not None for r in results.values()),
            "problems": [p.as_dict() for r in results.values() for p in r.problems],
            "files": [_file_json(name, result) for name, result in results.items()],
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        for name, result in results.items():
            for problem in result.problems:
                click.echo(str(problem))
            click.echo(f"{name}: {_summary(result)}" if len(results) > 1 else _summary(result))
    sys.exit(0 if all(r.schedule is not None for r in results.values()) else 1)


def size_warnings(schedule: Schedule, filename: str, limit: int | None = None) -> list[Problem]:
    """``calfeed check``'s warning for feeds near Google Calendar's limit (it drops events past ~1 MB)."""
    limit = FEED_WARN_BYTES if limit is None else limit
    return [
        Problem(
            f"the feed {path} would be {size // 1000} kB, over {limit // 1000} kB: Google Calendar drops the "
            "events past about 1 MB",
            filename,
            severity="warning",
            hint="leave out old events: set CALFEED_PAST_DAYS (e.g. 365) for the whole site, or subscribe "
            f"with {path}?past=365",
        )  # fmt: skip
        for path, size in oversized_feeds(schedule, limit)
    ]


def _summary(result: Result) -> str:
    """'8 events, 1 project, 6 locations: OK' or '2 errors, 1 warning'."""
    schedule, warnings = result.schedule, len(result.warnings)
    if schedule is None:
        return f"{_count(len(result.errors), 'error')}, {_count(warnings, 'warning')}"
    summary = (f"{_count(len(schedule.events), 'event')}, {_count(len(schedule.projects), 'project')}, "
               f"{_count(len(schedule.locations), 'location')}: OK")  # fmt: skip
    return summary + (f" ({_count(warnings, 'warning')})" if warnings else "")


def _file_json(name: str, result: Result) -> dict[str, Any]:
    schedule = result.schedule
    return {
        "file": name,
        "ok": schedule is not None,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "events": len(schedule.events) if schedule else None,
        "projects": len(schedule.projects) if schedule else None,
        "locations": len(schedule.locations) if schedule else None,
    }


@main.command("add-ids")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
def add_ids(files: tuple[str, ...]) -> None:
    """Write an 'id:' line into every event of FILES (default events.yaml) that has none.

    The id is the one calfeed already uses for the event, so subscribers see no change;
    from then on the title and date can be edited without changing the event's identity.
    Everything else in the file (comments, order, spacing) is left exactly as it was.
    """
    failed = False
    for name in files or ("events.yaml",):
        path = Path(name)
        data = path.read_bytes()
        result = check_text(data, name)
        if result.schedule is None:
            for problem in result.errors:
                click.echo(str(problem), err=True)
            click.echo(f"{name}: fix the errors first; no ids added", err=True)
            failed = True
            continue
        text = data.decode("utf-8")
        new_text, added = insert_ids(text, result)
        if not added:
            click.echo(f"{name}: every event has an id")
            continue
        _verify_same_events(new_text, name, result)
        _replace(path, new_text.encode("utf-8"))
        click.echo(f"{name}: added {_count(len(added), 'id')}: {', '.join(added)}")
    sys.exit(1 if failed else 0)


def insert_ids(text: str, result: Result) -> tuple[str, list[str]]:
    """``text`` with an ``id:`` line in every event that has none.

    A text insertion at the places the YAML parser reports, not a load-and-dump round
    trip: no dumper can promise to keep comments, quotes, blank lines and key order, and
    this touches nothing but the new lines. In a block item the id becomes a line of its
    own (before the first key when that starts its line, else before the second key), so a
    diff shows only added lines; in a flow item ``{title: ...}`` it goes inside the braces.
    The pure-Python parser is used because its ``index`` counts characters of exactly this
    text (BOM and CRLF included).
    """
    assert result.schedule is not None
    derived = {e.line: e.id for e in result.schedule.events}
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode)  # the loader made a schedule of it, which only a mapping gives
    events = next((v for k, v in root.value if k.value == "events"), None)
    newline = "\r\n" if "\r\n" in text else "\n"
    inserts: list[tuple[int, str, str]] = []
    for item in getattr(events, "value", None) or []:
        if not isinstance(item, yaml.MappingNode) or any(k.value == "id" for k, _ in item.value):
            continue
        event_id = derived.get(item.start_mark.line + 1)
        if event_id is None:
            continue
        if item.flow_style:
            inserts.append((item.start_mark.index + 1, f"id: {event_id}, ", event_id))
            continue
        key = next((k for k, _ in item.value[:2] if _starts_its_line(text, k.start_mark.index)), None)
        if key is None:  # cannot happen in block style (keys after the first start their lines)
            continue
        start = text.rfind("\n", 0, key.start_mark.index) + 1
        inserts.append((start, f"{' ' * key.start_mark.column}id: {event_id}{newline}", event_id))
    for index, insertion, _ in sorted(inserts, reverse=True):
        text = text[:index] + insertion + text[index:]
    return text, [event_id for _, _, event_id in sorted(inserts)]


def _starts_its_line(text: str, index: int) -> bool:
    return text[text.rfind("\n", 0, index) + 1 : index].strip(" \ufeff") == ""


def _verify_same_events(new_text: str, name: str, before: Result, *, added: tuple[str, ...] = (),
                        changed: tuple[str, ...] = (), doing: str = "adding ids",
                        after: Result | None = None) -> None:  # fmt: skip
    """Refuse to write unless the new file is valid and means the same events as before, plus ``added``:
    every event but those ``changed`` exactly as it was and, when ids are added, none left without one."""
    after = after or check_text(new_text, name)  # the caller's check of exactly new_text, if it made one
    assert before.schedule is not None
    old = {e.id: replace(e, line=0) for e in before.schedule.events}
    new = {e.id: replace(e, line=0) for e in after.schedule.events} if after.schedule is not None else None
    same = (
        new is not None
        and sorted(new) == sorted([*old, *added])
        and all(new[i] == event for i, event in old.items() if i not in changed)
    )
    idless = [p for p in after.warnings if "has no 'id'" in p.message]
    if not same or (idless and not added):
        raise click.ClickException(f"{name}: {doing} would change the file's meaning; nothing written")


def _replace(path: Path, data: bytes) -> None:
    """Write by rename, so the running site never reads a half-written file."""
    write_atomically(path, data, mode=path.stat().st_mode & 0o7777)


@main.command("import")
@click.argument("source")
@click.option("--into", default="events.yaml", show_default=True, type=click.Path(dir_okay=False),
              help="The events file to add the events to.")  # fmt: skip
@click.option("--project", default="", help="Project key for the events whose source names none.")
@click.option("--type", "kind", type=click.Choice(EVENT_TYPES), default=None,
              help="Type for the events whose source names none (default: meeting).")  # fmt: skip
@click.option("--update", type=click.Choice(["keep", "overwrite"]), default="keep", show_default=True,
              help="Events imported before (same id): keep them as edited, or overwrite them.")  # fmt: skip
@click.option("--no-new-locations", is_flag=True, help="Add no location: events at unknown places get none.")
@click.option("--place", "place_map", multiple=True, metavar="TEXT=KEY",
              help="Take the place TEXT of the source as the location KEY (may be repeated).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show what would change (a diff) and the problems; write nothing.")
def import_events(source: str, into: str, project: str, kind: str | None, update: str, no_new_locations: bool,
                  place_map: tuple[str, ...], dry_run: bool) -> None:  # fmt: skip
    """Add the events of SOURCE to the events file: an .ics file, an https:// address of an .ics feed,
    or a CSV file (a spreadsheet; see docs/import-mall.csv).

    Each event gets an id from the source's UID, so importing again updates nothing twice: events
    imported before are kept as they were edited (or replaced with --update=overwrite). Nothing is
    written unless the result passes 'calfeed check'; comments and everything else stay as they were.
    """
    from .importing import csv_source, fetch, ics_source
    from .importing.fit import Fitter
    from .importing.places import Places
    from .importing.plan import plan

    path = Path(into)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {into}: {exc.strerror or exc}") from None
    before = check_text(data, into)
    if before.schedule is None:
        for problem in before.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{into}: fix the errors first; nothing imported")
    schedule = before.schedule
    if project and project not in schedule.projects:
        close = difflib.get_close_matches(project, list(schedule.projects), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(schedule.projects) or 'none'}"
        raise click.ClickException(f"--project: {into} has no project '{project}' ({hint})")
    mapping = {}
    for item in place_map:
        text, equals, key = item.rpartition("=")
        if not equals or not text.strip() or key.strip() not in schedule.locations:
            keys = ", ".join(schedule.locations)
            raise click.ClickException(f"--place '{item}': write TEXT=KEY with KEY one of {keys}")
        mapping[text.strip()] = key.strip()
    name = source if fetch.is_url(source) else Path(source).name
    skipped: list[str] = []
    dropped: dict[str, int] = {}
    text = data.decode("utf-8")  # valid: check_text decoded it; a BOM stays in the text as U+FEFF
    try:
        raw = fetch.read(source)
        if _is_csv(source, raw):
            incoming = csv_source.read_csv(raw, name, projects=dict(schedule.projects))
        else:
            parsed = ics_source.read_ics(raw, name)
            incoming, skipped, dropped = parsed.events, parsed.skipped, dict(parsed.dropped)
        places = Places(schedule.locations, schedule.calendar.timezone, create=not no_new_locations, mapping=mapping)
        fitter = Fitter(places, project=project, kind=kind or "")
        result = plan(text, incoming, fitter, update=update)
    except SourceError as exc:
        raise click.ClickException(f"{exc}\nnothing imported; {into} is unchanged") from None
    except (ValueError, TypeError, AttributeError, ArithmeticError, LookupError, RecursionError) as exc:
        # a source no check above foresaw: still a message, never a traceback
        raise click.ClickException(f"{name} cannot be imported ({exc.__class__.__name__}: {str(exc)[:200]}); "
                                   f"{into} is unchanged") from None  # fmt: skip
    after = check_text(result.text, into)
    report = _import_report(into, result, fitter, places, skipped, dropped, update)
    if dry_run:
        diff = difflib.unified_diff(text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                                    into, f"{into} (after the import)")  # fmt: skip
        click.echo("".join(line if line.endswith("\n") else line + "\n" for line in diff), nl=False)
    for line in report:
        click.echo(line)
    # warnings the import brings (an event outside its project's period, ...); line numbers may move
    known = {re.sub(r"\d+", "#", str(p)) for p in before.warnings}
    for problem in after.warnings:
        if re.sub(r"\d+", "#", str(problem)) not in known:
            click.echo(str(problem))
    if after.schedule is None:
        for problem in after.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{into} would not pass 'calfeed check' after the import "
                                   f"({_count(len(after.errors), 'error')} above, at the lines of the imported file"
                                   f"{'' if dry_run else ' that --dry-run shows'}); nothing written")  # fmt: skip
    if dry_run:
        click.echo(f"dry run: nothing written to {into}")
        return
    if result.text == text:
        click.echo(f"{into}: nothing to change")
        return
    _verify_same_events(result.text, into, before, added=tuple(result.added), changed=tuple(result.updated),
                        doing="the import", after=after)  # fmt: skip
    _replace(path, result.text.encode("utf-8"))
    click.echo(f"{into}: written")


def _is_csv(source: str, data: bytes) -> bool:
    """A spreadsheet by its name (.csv, .txt), an iCalendar file by its name or its first line."""
    if "://" in source[:12] or source.lower().endswith((".ics", ".ical", ".ifb", ".vcs")):
        return False
    return source.lower().endswith((".csv", ".txt")) or not data.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(
        b"BEGIN:VCALENDAR"
    )


def _import_report(into: str, result: Any, fitter: Any, places: Any, skipped: list[str],
                   dropped: dict[str, int], update: str) -> list[str]:  # fmt: skip
    """What the import does, what it could not do and what it left out, one line each."""
    kept = (f"{len(result.kept)} already in the file kept as they are" + (" (--update=overwrite replaces them)"
            if result.differing else "") if update == "keep" else f"{len(result.kept)} unchanged")  # fmt: skip
    counts = [f"{_count(len(result.added), 'event')} added", f"{len(result.updated)} updated", kept,
              _count(len(result.locations), "new location")]  # fmt: skip
    lines = [f"{into}: " + ", ".join(counts)]
    if result.differing:
        lines.append(f"  kept as edited, though the source differs: {', '.join(result.differing)}")
    lines += [f"  {note}" for note in places.notes + fitter.notes]
    if fitter.defaulted:
        lines.append(f"  {_count(len(fitter.defaulted), 'event')} without a type in the source got type 'meeting' "
                     "(--type sets another)")  # fmt: skip
    lines += [f"  skipped: {line}" for line in skipped]
    if dropped:
        lines.append("  not carried over (the events file has no place for them): " +
                     ", ".join(f"{key} ({n})" for key, n in sorted(dropped.items())))  # fmt: skip
    return lines


def schema_text() -> str:
    """The JSON Schema of the events file, as shipped in the package."""
    return files("calfeed").joinpath("schema.json").read_text(encoding="utf-8")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the events file (for editors: autocompletion, inline errors)."""
    click.echo(schema_text(), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--events", envvar="CALFEED_EVENTS", default="events.yaml", show_default=True, help="The events file.")
def serve(host: str, port: int, events: str) -> None:
    """Run the site with Flask's development server (use gunicorn in production)."""
    from .web import create_app

    try:
        app = create_app({"CALFEED_EVENTS": events})
    except EventsFileError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{events} has {_count(len(exc.problems), 'error')}; not starting") from None
    except ConfigError as exc:
        raise click.ClickException(f"{exc}; not starting") from None
    app.run(host=host, port=port)


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False))
@click.option("--events", envvar="CALFEED_EVENTS", default="events.yaml", show_default=True, help="The events file.")
@click.option("--base-url", envvar="CALFEED_BASE_URL", default="", help="Public address of the static site.")
@click.option("--jobs", type=click.IntRange(1, 64), default=min(os.cpu_count() or 1, 6), show_default="the CPUs",
              help="Processes rendering the languages side by side.")  # fmt: skip
@click.option("--full", is_flag=True, help="Render every URL again, also the events whose own files did not change.")
@click.option("--changes-to", type=click.Path(dir_okay=False), default=None,
              help="Also write the files to upload (added and changed), one per line, into this file.")  # fmt: skip
def build(outdir: str, events: str, base_url: str, jobs: int, full: bool, changes_to: str | None) -> None:
    """Write the whole public site into OUTDIR as static files, for any static host (see README).
    Into an earlier export only the files whose bytes changed are written; OUTDIR/.calfeed-manifest.json
    lists what was added, changed and removed."""
    from .export import ExportError, export
    from .heap import return_large_buffers
    from .web import create_app

    return_large_buffers()  # a build makes and frees one 10 MB buffer after another (memory at 10,000 events)
    try:
        app = create_app({"CALFEED_EVENTS": events, "CALFEED_BASE_URL": base_url, "CALFEED_STATE_DIR": None,
                          "CALFEED_RELOAD_SECONDS": 86400})  # fmt: skip  # the export is of one version
        report = export(app, Path(outdir), jobs=jobs, full=full)
        if changes_to:
            write_atomically(Path(changes_to), "".join(f"{name}\n" for name in report.added + report.changed).encode(),
                             mode=0o644)  # fmt: skip
    except EventsFileError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{events} has {_count(len(exc.problems), 'error')}; nothing written") from None
    except (ExportError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write the export: {exc.strerror or exc} ({exc.filename})") from None
    click.echo(f"{outdir}: {_count(len(report.files), 'file')} (and .gz), {report.bytes / 1e6:.1f} MB; "
               f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed, "
               f"{report.unchanged} unchanged (counting .gz files)")  # fmt: skip


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
