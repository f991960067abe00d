"""Each event's serialised VEVENT bytes on disk, so that a restart or the next ``calfeed build``
serialises only the events that changed (at 10,000 events, seconds of icalendar work per
language).

Layer: site (file I/O; ``icsbytes.Memo`` reads and fills it through its ``Shelf`` protocol).

One file per scope (a language with its calendar, projects, locations and link address,
``Memo.scope``), in the state folder (``versions/../vevents/``) or the export's
``.calfeed-vevents/``: JSON Lines, a first line with the format and then one ``[key, text]`` line
per piece. The file is data, never code (no pickle): text under a key that hashes the event's
content and revision, written by this code and this icalendar (``STAMP``, checked on reading) —
an outsider's or an older calfeed's file is ignored and written again. Pieces built since are
appended to the file as this process last saw it (after a one-event edit, one line instead of a
language's 11 MB); it is written afresh when another process changed it or when keys no longer
used would be more than half of it. A line that does not parse (a torn append) is skipped: each
line stands alone, and a key always names the same bytes. Only the newest ``KEEP`` files stay.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from collections.abc import Collection, Mapping
from pathlib import Path

import icalendar

from .atomic import Signature, stat_signature, write_atomically
from .icsbytes import Piece
from .schedulejson import CODE

KEEP = 24  # scopes: six languages, a few link addresses, and the versions of an edited project or place
_JSON = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every piece
STAMP = f"1/{CODE}/icalendar {icalendar.__version__}"  # the file's format, the code and library that wrote it
log = logging.getLogger(__name__)


class IcsShelf:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: dict[str, tuple[Signature, int]] = {}  # scope -> (its file's signature, lines in it)

    def read(self, scope: str) -> Mapping[str, str]:
        path = self.folder / f"{scope}.jsonl"
        pieces: dict[str, str] = {}
        try:
            with path.open("rb") as lines:
                if json.loads(lines.readline() or b"null") != {"stamp": STAMP}:
                    return {}  # another version of calfeed or icalendar wrote it: it is built (and written) again
                count = 0
                for line in lines:  # a line at a time: not the whole file and its parse at once
                    count += 1
                    piece = _piece(line)
                    if piece is not None:
                        pieces[piece[0]] = piece[1]
                self._seen[scope] = (stat_signature(os.fstat(lines.fileno())), count)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring %s: %s", path, exc)
            return {}
        return pieces

    def write(self, scope: str, pieces: Mapping[str, Piece], fresh: Collection[str]) -> None:
        """Keep ``pieces``, the scope's as the current version uses them; ``fresh`` are the keys of
        those built since they were read or last written (the ones an append adds)."""
        path = self.folder / f"{scope}.jsonl"
        try:
            seen = self._seen.get(scope)
            if seen is not None and seen[1] + len(fresh) <= 2 * len(pieces) and stat_signature(path.stat()) == seen[0]:
                with path.open("ab") as out:
                    out.write(b"".join(_line(key, pieces[key]) for key in fresh))
                    self._seen[scope] = (stat_signature(os.fstat(out.fileno())), seen[1] + len(fresh))
                return
            _keep_newest(self.folder, path.name, _document(pieces), KEEP)
            self._seen[scope] = (stat_signature(path.stat()), len(pieces))
            for old in self.folder.glob("*.json"):  # the single-document files of calfeed before JSON Lines
                old.unlink(missing_ok=True)
        except OSError as exc:  # a cache: serving and exporting go on without it
            log.warning("cannot keep the serialised events in %s: %s", self.folder, exc)


def _piece(line: bytes) -> tuple[str, str] | None:
    try:
        piece = json.loads(line)
    except ValueError:
        return None
    if type(piece) is list and len(piece) == 2 and type(piece[0]) is str and type(piece[1]) is str:
        return piece[0], piece[1]
    return None


def _line(key: str, piece: Piece) -> bytes:
    return _JSON([key, str(piece, "utf-8")]).encode() + b"\n"  # a view: no copy


def _keep_newest(folder: Path, name: str, data: bytes, keep: int) -> None:
    """Write ``folder/name`` and leave only the ``keep`` newest files of its kind there."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / name, data)
    for old in sorted(folder.glob("*" + Path(name).suffix), key=lambda p: p.stat().st_mtime_ns)[:-keep]:
        old.unlink(missing_ok=True)


def _document(pieces: Mapping[str, Piece]) -> bytes:
    """The format line, then a line per piece, into one buffer: a language's 10,000 pieces as a
    dictionary of texts and then one string would hold ~30 MB at once."""
    out = io.BytesIO()
    out.write(_JSON({"stamp": STAMP}).encode() + b"\n")
    for key, piece in pieces.items():
        out.write(_line(key, piece))
    return out.getvalue()


class KeptFeeds:
    """Whole feed bodies on disk, each under a name that hashes everything it was built from
    (``feeds.kept_name``): a restart on the same version answers its first subscriber with the
    bytes built before instead of assembling 10,000 VEVENTs again. A file starts with its body's
    sha256, so a torn or damaged one is not served (it is built again)."""

    KEEP = 6  # the all-events feed in each language

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> bytes | None:
        try:
            data = (self.folder / f"{name}.ics").read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("ignoring %s/%s.ics: %s", self.folder, name, exc)
            return None
        digest, _, body = data.partition(b"\n")
        if digest != hashlib.sha256(body).hexdigest().encode():
            log.warning("ignoring %s/%s.ics: its bytes are not the ones written", self.folder, name)
            return None
        return body

    def write(self, name: str, body: bytes) -> None:
        try:
            framed = hashlib.sha256(body).hexdigest().encode() + b"\n" + body  # its sha256 first: see read
            _keep_newest(self.folder, f"{name}.ics", framed, self.KEEP)
        except OSError as exc:  # a cache, as above
            log.warning("cannot keep the feed in %s: %s", self.folder, exc)
