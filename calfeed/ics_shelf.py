"""Each event's serialised VEVENT bytes on disk, so that a restart or the next ``calfeed build``
serialises only the events that changed (at 10,000 events, seconds of icalendar work per
language).

Layer: site (file I/O; ``icsbytes.Memo`` reads and fills it through its ``Shelf`` protocol).

One JSON file per scope (a language with its calendar, projects, locations and link address,
``Memo.scope``), in the state folder (``versions/../vevents/``) or the export's
``.calfeed-vevents/``. The file is data, never code (no pickle): text under a key that hashes
the event's content and revision, written by this code and this icalendar (``CODE``, checked
on reading) — an outsider's or an older calfeed's file is ignored and written again. Only the
newest ``KEEP`` files stay.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Mapping
from pathlib import Path

import icalendar

from .atomic import write_atomically
from .icsbytes import Piece
from .schedulejson import CODE

KEEP = 24  # scopes: six languages, a few link addresses, and the versions of an edited project or place
_JSON = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every piece
STAMP = f"1/{CODE}/icalendar {icalendar.__version__}"  # the file's format, the code and library that wrote it
log = logging.getLogger(__name__)


class IcsShelf:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, scope: str) -> Mapping[str, str]:
        try:
            body = json.loads((self.folder / f"{scope}.json").read_text(encoding="utf-8"))  # one copy, not two
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring %s/%s.json: %s", self.folder, scope, exc)
            return {}
        pieces = body.get("pieces") if isinstance(body, dict) and body.get("stamp") == STAMP else None
        if not isinstance(pieces, dict):
            return {}  # another version of calfeed or icalendar wrote it: it is built (and written) again
        return {key: text for key, text in pieces.items() if isinstance(text, str)}

    def write(self, scope: str, pieces: Mapping[str, Piece]) -> None:
        try:
            _keep_newest(self.folder, f"{scope}.json", _document(pieces), KEEP)
        except OSError as exc:  # a cache: serving and exporting go on without it
            log.warning("cannot keep the serialised events in %s: %s", self.folder, exc)


def _keep_newest(folder: Path, name: str, data: bytes, keep: int) -> None:
    """Write ``folder/name`` and leave only the ``keep`` newest files of its kind there."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / name, data)
    for old in sorted(folder.glob("*" + Path(name).suffix), key=lambda p: p.stat().st_mtime_ns)[:-keep]:
        old.unlink(missing_ok=True)


def _document(pieces: Mapping[str, Piece]) -> bytes:
    """``json.dumps({"stamp": STAMP, "pieces": {key: text}})``, one piece at a time into one buffer:
    a language's 10,000 pieces as a dictionary of texts and then one string would hold ~30 MB at once."""
    out = io.BytesIO()
    out.write(b'{"stamp": ' + _JSON(STAMP).encode() + b', "pieces": {')
    separator = b""
    for key, piece in pieces.items():
        out.write(separator + _JSON(key).encode() + b": " + _JSON(str(piece, "utf-8")).encode())  # a view: no copy
        separator = b", "
    out.write(b"}}")
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
