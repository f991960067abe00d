"""A spreadsheet saved as CSV (Excel, LibreOffice, Google Sheets) as ``Incoming`` events.

The columns, by their header in English or Swedish, in any order (only title and date required):

    title | titel           date | datum (YYYY-MM-DD)        start time | starttid (HH:MM)
    end date | slutdatum    end time | sluttid             place | plats
    type | typ              project | projekt              description | beskrivning
    url | länk             status                         id (optional: the event's id)

UTF-8 with or without a BOM; ';' (what Excel writes in Swedish) or ',' between columns, decided
from the header line. Dates only as 2019-10-21: 21/10/2019 could be 10 January in other settings,
so it is refused with the row named. Times are the local time of the place, as in the events file.
A cell that starts like a spreadsheet formula (=, @, or + and - before a word or with a '|') is
refused, not imported: it may be a formula injection (=cmd|' /C calc'!A0) and is never a date,
title or description anyone meant.

Layer: loader (like the rest of ``calfeed.importing``; the standard library's csv reads the file).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import replace

from ..loader import slugify
from . import SourceError
from .fit import STATUS_WORDS, TYPE_WORDS, word
from .incoming import Incoming

COLUMNS = {
    "title": "title", "titel": "title", "rubrik": "title",
    "date": "date", "datum": "date", "start date": "date", "startdatum": "date",
    "start time": "start time", "starttid": "start time", "time": "start time", "tid": "start time",
    "end date": "end date", "slutdatum": "end date",
    "end time": "end time", "sluttid": "end time",
    "place": "place", "plats": "place", "location": "place", "ort": "place",
    "type": "type", "typ": "type",
    "project": "project", "projekt": "project",
    "description": "description", "beskrivning": "description",
    "url": "url", "länk": "url", "link": "url", "länk/url": "url",
    "status": "status",
    "id": "id",
}  # fmt: skip
MAX_ROWS = 10_000
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\Z")
_OTHER_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\Z")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\Z")
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")


def formula(cell: str) -> bool:
    """A cell a spreadsheet would run as a formula: =…, @…, or +/- before anything but a space or digit,
    or with a '|' (the DDE form). '- punkt ett' and '+46 480 …' are text."""
    if not cell:
        return False
    if cell[0] in "=@":
        return True
    return cell[0] in "+-" and len(cell) > 1 and (cell[1] not in " 0123456789" or "|" in cell)


def read_csv(data: bytes, name: str, *, projects: dict | None = None) -> list[Incoming]:
    """The events of a CSV file; a ``SourceError`` listing every problem (with its row) if any."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{name} is not UTF-8 text: in Excel save it as 'CSV UTF-8 (kommaavgränsad)', in "
                          "LibreOffice choose the character set 'Unicode (UTF-8)'") from None  # fmt: skip
    if "\x00" in text:
        raise SourceError(f"{name} contains NUL bytes: it is not a CSV text file (an .xlsx? save it as CSV UTF-8)")
    header_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=header_line.count)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[str] = []
    try:
        header = next(rows, None)
    except csv.Error as exc:
        raise SourceError(f"{name}:1: the header line cannot be read: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise SourceError(f"{name} is empty: it needs a header line (titel;datum;…) and a row per event")
    columns: list[str | None] = []
    for number, cell in enumerate(header, 1):
        label = " ".join(cell.strip().strip("\ufeff").lower().replace("_", " ").split())
        if not label:
            columns.append(None)
            continue
        if label not in COLUMNS:
            close = difflib.get_close_matches(label, list(COLUMNS), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(sorted(set(COLUMNS)))})"
            problems.append(f"{name}:1: unknown column '{cell.strip()}' (column {number}){hint}")
        if COLUMNS.get(label) in columns:
            problems.append(f"{name}:1: the column '{cell.strip()}' (column {number}) is given twice; keep one")
        columns.append(COLUMNS.get(label))
    for needed, swedish in (("title", "titel"), ("date", "datum")):
        if needed not in columns:
            problems.append(f"{name}:1: the column '{swedish}' ('{needed}') is missing")
    if problems:
        raise SourceError("\n".join(problems))
    events: list[Incoming] = []
    used: dict[str, int] = {}
    try:
        for cells in rows:
            line = rows.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(events) >= MAX_ROWS:
                raise SourceError(f"{name} has more than {MAX_ROWS:,} rows; import it in parts")
            values = {col: cell.strip() for col, cell in zip(columns, cells, strict=False) if col}
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                problems.append(f"{name}:{line}: the row has more cells than the header has columns "
                                f"(is a ';' or ',' inside a text without quotes?)")  # fmt: skip
            event = _row(values, f"{name}:{line}", problems, projects)
            if event is not None:
                base = event.event_id
                used[base] = used.get(base, 0) + 1
                if not values.get("id") and used[base] > 1:
                    event = _with_id(event, f"{base}-{used[base]}")
                events.append(event)
    except csv.Error as exc:
        problems.append(f"{name}:{rows.line_num}: the row cannot be read: {exc}")
    if problems:
        raise SourceError("\n".join(problems))
    return events


def _with_id(event: Incoming, event_id: str) -> Incoming:
    return replace(event, event_id=event_id, key=event_id)


def _row(values: dict[str, str], where: str, problems: list[str], projects: dict | None) -> Incoming | None:
    count = len(problems)
    for column, cell in values.items():
        if formula(cell):
            problems.append(f"{where}: the {column} cell starts like a spreadsheet formula ({cell[:30]!r}); "
                            "formulas are not imported: type the text without the leading sign")  # fmt: skip
    if len(problems) > count:
        return None
    title = values.get("title", "")
    if not title:
        problems.append(f"{where}: the title (titel) is empty")
    day = _date(values.get("date", ""), "date (datum)", where, problems)
    last = _date(values["end date"], "end date (slutdatum)", where, problems) if values.get("end date") else None
    start_time = _time(values.get("start time", ""), "start time (starttid)", where, problems)
    end_time = _time(values.get("end time", ""), "end time (sluttid)", where, problems)
    kind = word(values.get("type", ""), TYPE_WORDS) if values.get("type") else ""
    if values.get("type") and not kind:
        close = difflib.get_close_matches(values["type"].lower(), list(TYPE_WORDS), n=1)
        problems.append(f"{where}: unknown type '{values['type']}'" + (f" (did you mean '{close[0]}'?)" if close else
                        " (use utbildning, konferens, workshop, möte or studieresa)"))  # fmt: skip
    status = STATUS_WORDS.get(values.get("status", "").lower(), "") if values.get("status") else "confirmed"
    if not status:
        problems.append(f"{where}: unknown status '{values['status']}' (use bekräftat, preliminärt or inställt)")
    project = values.get("project", "")
    if project and projects is not None and project not in projects:
        close = difflib.get_close_matches(project, list(projects), n=1)
        problems.append(f"{where}: unknown project '{project}'" + (f" (did you mean '{close[0]}'?)" if close else
                        f" (known: {', '.join(projects) or 'none'})"))  # fmt: skip
    event_id = values.get("id", "")
    if event_id and not _SLUG.match(event_id):
        problems.append(f"{where}: the id '{event_id}' cannot be used in a web address (e.g. '{slugify(event_id)}')")
    if end_time is not None and start_time is None:
        problems.append(f"{where}: an end time (sluttid) without a start time (starttid)")
    if len(problems) > count or day is None:
        return None
    start: dt.date | dt.datetime = day
    end: dt.date | dt.datetime | None = last
    if start_time is not None:
        start = dt.datetime.combine(day, start_time)
        if end_time is not None:
            end = dt.datetime.combine(last or day, end_time)
        elif last is not None:
            problems.append(f"{where}: an end date (slutdatum) with a start time needs an end time (sluttid)")
            return None
        else:
            end = start + dt.timedelta(hours=1)  # the events file's default length, written out
    if end is not None and end < start:
        problems.append(f"{where}: the event ends before it starts")
        return None
    derived = f"import-{day.isoformat()}-{slugify(title)[:40].strip('-') or 'event'}"
    return Incoming(
        key=event_id or derived, origin=where, title=title, start=start, end=end, place=values.get("place", ""),
        type=kind, project=project, description=values.get("description", "").replace("\r\n", "\n"),
        url=values.get("url", ""), status=status, event_id=event_id or derived,
    )  # fmt: skip


def _date(text: str, what: str, where: str, problems: list[str]) -> dt.date | None:
    match = _DATE.match(text)
    if not text:
        problems.append(f"{where}: the {what} is empty")
        return None
    if not match:
        if _OTHER_DATE.match(text):
            problems.append(f"{where}: the {what} '{text}' is ambiguous (is 01/02 the 1st of February or "
                            "January 2nd?); write it as YYYY-MM-DD, e.g. 2019-10-21")  # fmt: skip
        else:
            problems.append(f"{where}: the {what} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2019-10-21")
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        problems.append(f"{where}: the {what} {text} does not exist")
        return None


def _time(text: str, what: str, where: str, problems: list[str]) -> dt.time | None:
    if not text:
        return None
    match = _TIME.match(text)
    if match:
        hour, minute, second = (int(g or 0) for g in match.groups())
        if hour <= 23 and minute <= 59 and second <= 59:
            return dt.time(hour, minute, second)
    problems.append(f"{where}: the {what} '{text}' is not a time; write it as HH:MM, e.g. 09:30")
    return None
