"""Fast, byte-identical serialisation of ``icalendar`` components, and each event's bytes kept
from one version of the events file to the next.

Layer: ics (beside ``ics.py``, which uses it). Imports ``icalendar`` and the standard library; no
Flask, no clock.

``icalendar`` builds every property value (escaping, dates, parameters) and we keep it for that;
but ``Component.to_ical`` folds each content line one character at a time, which is most of the
cost of a 10,000-event feed. ``to_ical`` here takes the same values and parameters from the
library and folds whole 74-byte slices at once. ``tests/test_icsbytes.py`` checks the bytes are
the library's own, on the shipped file and on generated text with every awkward character.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import fields
from typing import Any, Protocol

import icalendar
from icalendar.parser_tools import to_unicode

from .model import Event, Text

Piece = bytes | memoryview  # an event's serialised bytes, or a view of them inside a feed

LIMIT = 74  # bytes per physical line before the CRLF, as icalendar folds (RFC 5545: "75 octets")
END_CALENDAR = b"END:VCALENDAR\r\n"


def fold(line: str) -> str:
    """``icalendar``'s folding: at most 74 UTF-8 bytes a line, never splitting a character, and
    a backslash or caret that would end a folded line moves to the next one (icalendar #1501)."""
    data = line.encode()
    if len(data) <= LIMIT:
        return line
    parts = []
    start, end = 0, len(data)
    while start < end:
        # Decoding a 74-byte slice drops a character cut in two at its end: the longest prefix that fits.
        chunk = data[start : start + LIMIT].decode("utf-8", "ignore")
        if start + LIMIT < end and len(chunk) > 1 and chunk[-1] in "\\^":
            chunk = chunk[:-1]
        parts.append(chunk)
        start += len(chunk.encode())
    return "\r\n ".join(parts)


def to_ical(component: icalendar.cal.Component) -> bytes:
    """The same bytes as ``component.to_ical()`` (sorted properties and parameters, as there)."""
    lines = []
    for name, value in component.property_items():
        if not hasattr(value, "to_ical"):
            assert isinstance(value, bytes)  # BEGIN and END: property_items gives the component's name serialised
            value = icalendar.vText(value)
        text = to_unicode(value.to_ical())
        params = getattr(value, "params", None)
        rendered = to_unicode(params.to_ical(sorted=True)) if params else ""
        lines.append(fold(f"{name};{rendered}:{text}" if rendered else f"{name}:{text}"))
    return ("\r\n".join(lines) + "\r\n").encode()


def head_bytes(calendar: icalendar.Calendar) -> bytes:
    """A calendar's own properties serialised, up to where its components go (before END:VCALENDAR)."""
    return to_ical(calendar)[: -len(END_CALENDAR)]


def assemble(head: bytes, components: list[Piece], memo: Memo | None = None) -> bytes:
    """A calendar's bytes: its own properties (``head_bytes``), then already-serialised components
    (VTIMEZONEs, then VEVENTs), where ``to_ical`` would put them."""
    body = b"".join([head, *components, END_CALENDAR])
    if memo is not None:
        memo.rebase(components, body, len(head))
    return body


# An event no file has: a link built for it shows how the context builds links (base URL, language).
PROBE = Event(
    id="calfeed-probe", title=Text("probe"), type="meeting", start=dt.date(2000, 1, 1), end=dt.date(2000, 1, 1)
)
CONTENT = operator.attrgetter(*(f.name for f in fields(Event) if f.name != "line"))  # the line is not content


class Shelf(Protocol):
    """Where a memo keeps its pieces beyond the process (``calfeed.ics_shelf``): per scope, each
    piece under a key that is the same in every process (``Memo.stable_key``)."""

    def read(self, scope: str) -> Mapping[str, str]: ...  # each piece as text: encoded when it is used

    def write(self, scope: str, pieces: Mapping[str, Piece], fresh: Collection[str]) -> None: ...


class Memo:
    """Each event's serialised bytes, per language and revision, reused by every feed that shows
    the event and by the next version of the events file: after a one-event edit only that event
    is serialised again. Two generations: what the newest version did not use is dropped at the
    next one, so memory stays at about two versions' worth. With a ``shelf``, a piece not in
    memory is looked for there before it is built, and ``shelve`` keeps what was built: a restart
    or the next export serialises only the events that changed."""

    def __init__(self, shelf: Shelf | None = None, prints: dict[Hashable, str] | None = None) -> None:
        self._version: Hashable = None
        self._current: dict[Hashable, Piece] = {}
        self._previous: dict[Hashable, Piece] = {}
        self._scopes: dict[Hashable, int] = {}
        self._last_scope: tuple[Any, int] = (None, 0)
        self._keys: dict[int, Hashable] = {}  # id of a kept piece -> its key, so rebase touches only a feed's own
        self._shelf = shelf
        self._digests: dict[int, str] = {}  # scope number -> the same scope's name in every process
        self._spare: dict[int, dict[str, str]] = {}  # per scope, what the shelf holds and memory does not yet
        # (revision, content) -> its digest: once per event, not per language; ``prints`` shares them between memos
        self._prints: dict[Hashable, str] = {} if prints is None else prints
        self._built: dict[int, list[Hashable]] = {}  # per scope, the keys of pieces built since it was last shelved

    def for_version(self, version: Hashable) -> Memo:
        """Start a new generation when the events file changed (``version`` identifies it)."""
        if version != self._version:
            self._version, self._previous, self._current = version, self._current, {}
            if len(self._scopes) > 1000:  # many edits of projects or locations: start afresh
                self._scopes, self._previous, self._last_scope = {}, {}, (None, 0)
                self._digests, self._spare, self._built = {}, {}, {}
            self._keys = {id(piece): key for key, piece in self._previous.items()}
            if self._previous:  # in place: a memo's first version keeps what ``prints`` holds from others
                used = {key[1:] for key in self._previous}  # type: ignore[index]  # keys are tuples (get_or_build)
                for rest in [rest for rest in self._prints if rest not in used]:
                    del self._prints[rest]
        return self

    def scope(self, owner: object, parts: Callable[[], Hashable]) -> int:
        """A small number for everything outside the event that its bytes depend on (language,
        domain, the calendar, projects and locations), computed once per ``owner`` (a Context)."""
        last_owner, number = self._last_scope
        if last_owner is not owner:
            scope = parts()
            number = self._scopes.setdefault(scope, len(self._scopes))
            if self._shelf is not None and number not in self._digests:
                self._digests[number] = hashlib.sha256(repr(scope).encode()).hexdigest()[:32]
            self._last_scope = (owner, number)
        return number

    def get_or_build(self, key: tuple[Any, ...], event: Event, build: Callable[[], bytes]) -> Piece:
        try:
            full = (*key, CONTENT(event))
            found = self._current.get(full)
        except TypeError:  # a field that cannot be hashed: build without keeping it
            return build()
        if found is None:
            found = self._previous.pop(full, None)
            if found is None:
                found = self._shelved(full) if self._shelf is not None else None
                if found is None:
                    found = build()
                    self._built.setdefault(key[0], []).append(full)
                self._keys[id(found)] = full
            self._current[full] = found
        return found

    def stable_key(self, full: Hashable) -> str:
        """A kept piece's key as every process computes it: the scope's digest and a digest of the
        repr of the revision and the event's content (the repr the ledger hashes, the same in every
        process). The second is worked out once per event for all the scopes (languages) it is in."""
        assert isinstance(full, tuple)
        rest = full[1:]
        found = self._prints.get(rest)
        if found is None:
            found = self._prints[rest] = hashlib.sha256(self._describe(rest).encode()).hexdigest()[:32]
        return self._digests[full[0]] + found

    _describe = staticmethod(repr)  # of the revision and the content: the same text in every process

    def _shelved(self, full: tuple[Any, ...]) -> bytes | None:
        assert self._shelf is not None
        spare = self._spare.get(full[0])
        if spare is None:
            spare = self._spare[full[0]] = dict(self._shelf.read(self._digests[full[0]]))
        text = spare.pop(self.stable_key(full), None) if spare else None
        return None if text is None else text.encode()

    def shelve(self) -> None:
        """Put the pieces built since the last call on the shelf: the whole scope each was built
        in, as the current version uses it."""
        if self._shelf is None:
            return
        for scope, built in self._built.items():
            pieces = {self.stable_key(full): piece for full, piece in self._current.items()
                      if full[0] == scope}  # type: ignore[index]  # fmt: skip
            fresh = {self.stable_key(full) for full in built} & pieces.keys()
            self._shelf.write(self._digests[scope], pieces, fresh)
        self._built = {}

    def rebase(self, pieces: list[Piece], body: bytes, start: int) -> None:
        """Keep ``pieces`` as views into ``body``, the feed they were just joined into (which the
        feed cache holds anyway), instead of as copies of their own: at 10,000 events that is
        20 MB less per worker."""
        view = memoryview(body)
        for piece in pieces:
            key = self._keys.get(id(piece))
            if key is not None and self._current.get(key) is piece:  # the id is this piece's, not a dead one's
                kept = self._current[key] = view[start : start + len(piece)]
                del self._keys[id(piece)]
                self._keys[id(kept)] = key
            start += len(piece)
