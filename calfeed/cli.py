"""The ``calfeed`` command for staff and operators: check the events file, serve the site.

Layer: cli. The only place besides the web layer that decides exit codes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import click

from .errors import EventsFileError
from .ics import size_warnings
from .loader import MAX_BYTES, check_file


@click.group()
@click.version_option(package_name="calfeed")
def main() -> None:
    """Publish an events file as calendar feeds and an agenda."""


@main.command()
@click.argument("file", default="events.yaml", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--max-bytes", type=int, default=MAX_BYTES, show_default=True, help="Largest file accepted.")
def check(file: str, fmt: str, max_bytes: int) -> None:
    """Validate FILE (default events.yaml) and list every problem. Exit 1 on errors."""
    result = check_file(file, max_bytes=max_bytes)
    if result.schedule is not None:  # feeds too big for Google Calendar: a warning naming the setting
        result = replace(result, problems=result.problems + tuple(size_warnings(result.schedule, file)))
    schedule = result.schedule
    if fmt == "json":
        body = {
            "ok": schedule is not None,
            "problems": [p.as_dict() for p in result.problems],
            "events": len(schedule.events) if schedule else None,
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        for problem in result.problems:
            click.echo(str(problem))
        errors, warnings = len(result.errors), len(result.warnings)
        if schedule is not None:
            summary = (f"{_count(len(schedule.events), 'event')}, {_count(len(schedule.projects), 'project')}, "
                       f"{_count(len(schedule.locations), 'location')}: OK")  # fmt: skip
            if warnings:
                summary += f" ({_count(warnings, 'warning')})"
        else:
            summary = f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
        click.echo(summary)
    sys.exit(0 if schedule is not None else 1)


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
    app.run(host=host, port=port)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
