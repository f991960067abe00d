"""The export folder of ``calfeed build`` on disk: staging, the journal, the manifest.

Layer: bottom (standard library and ``atomic`` only; file I/O, no Flask). ``export.py`` renders
the site; this module decides where its bytes go: a first export is written in place, later ones
into ``.calfeed-staging/``, whose journal (the moves and removals) is written before anything
is moved, so a build stopped while moving is finished by the next one (``prepare``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from .atomic import write_atomically

INPUTS = ".calfeed-inputs.json"  # what each event's own files were made of, for the next build
MARKER = ".calfeed-export"  # marks a directory this command may empty and write again
MANIFEST = ".calfeed-manifest.json"  # what the last build added, changed and removed
STAGING = ".calfeed-staging"  # new bytes wait here until the whole site is rendered
JOURNAL = "journal.json"  # in STAGING: the moves and removals of a build that was ready to apply
SHELF = ".calfeed-vevents"  # each event's feed bytes (calfeed/ics_shelf.py), for the next build
ITEMS = ".calfeed-items"  # each event's list items (calfeed/item_shelf.py), for the next build
FILES = ".calfeed-files.txt"  # the files the site may have (without .gz): what the next build may remove
OWN = {MARKER, MANIFEST, STAGING, INPUTS, SHELF, ITEMS, FILES}  # ours, not the site's
_PLAIN = re.compile(r"/(?!/)[A-Za-z0-9._~/-]*\Z")  # a path of unreserved characters: nothing to decode or split off


class ExportError(Exception):
    """The export cannot be written; the message says why and what to do."""


def check_base_url(base: str) -> None:
    """A static export is a site at the root of its host: its files are named by URL path (``file_for``),
    and under a folder (https://host/kalender) every page's path would start with it."""
    parts = urlsplit(base)
    if parts.path.strip("/"):
        raise ExportError(f"the base URL {base} is a folder of {parts.netloc}: calfeed build exports a site at "
                          f"the root of its host (like {parts.scheme}://{parts.netloc}); give the site a host "
                          "name of its own, or serve the folder from the app behind a proxy that sends "
                          "X-Forwarded-Prefix (CALFEED_PROXY_HOPS; README, Deployment)")  # fmt: skip


def read_inputs(outdir: Path) -> dict | None:
    try:
        found = json.loads((outdir / INPUTS).read_bytes())
    except (OSError, ValueError):
        return None  # no record (an export of an older calfeed), or damaged: render everything
    return found if isinstance(found, dict) and found.get("format") == 1 else None


def manifest(added: list[str], changed: list[str], removed: list[str], unchanged: int,
             version: str) -> Callable[[BinaryIO], None]:  # fmt: skip
    """What a deploy step needs: the files to upload (added, changed), to delete (removed), and
    the URLs to purge from a CDN. Written piece by piece into the file (``write_atomically``): a
    first export of 10,000 events lists 240,000 files, ~20 MB of JSON."""
    touched = [*changed, *removed]
    purge = sorted({url_of(name) for name in touched})
    body = {"format": 1, "version": version, "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "added": added, "changed": changed, "removed": removed, "unchanged": unchanged, "purge": purge}  # fmt: skip

    def write(file: BinaryIO) -> None:
        json.dump(body, codecs.getwriter("utf-8")(file), indent=1, ensure_ascii=False)
        file.write(b"\n")

    return write


def file_for(url: str, mimetype: str | None) -> str:
    """Where the file for ``url`` goes: pages as ``<path>/index.html``, everything else by name."""
    if _PLAIN.match(url):  # what url_for writes for the site's own names: read as it is (120,000 of them)
        parts = [p for p in url.split("/") if p not in ("", ".", "..")]
    else:
        path = PurePosixPath(unquote(urlsplit(url).path))
        parts = [p for p in path.parts if p not in ("/", "", ".", "..")]
    if mimetype == "text/html":
        return "/".join([*parts, "index.html"])
    if not parts:
        raise ExportError(f"{url} is not a page but has no file name")
    return "/".join(parts)


def url_of(relative: str) -> str:
    """The URL path a file of the export answers (the inverse of ``file_for``; .gz is the same URL)."""
    relative = relative.removesuffix(".gz")
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("/index.html")
    return "/" + relative


def same(path: str | Path, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:  # absent, or a folder where the file now is
        return False


def prepare(outdir: Path) -> bool:
    """Check ``outdir`` can take the export; True when it holds an earlier one (then finish or
    drop what an interrupted build left in the staging folder)."""
    if outdir.exists():
        if not outdir.is_dir():
            raise ExportError(f"{outdir} is a file; give a directory")
        if any(outdir.iterdir()):
            if not (outdir / MARKER).exists():
                raise ExportError(f"{outdir} is not empty and is not an earlier export; give an empty directory")
            staging = outdir / STAGING
            if (staging / JOURNAL).is_file():
                apply(outdir)  # it was rendered whole and stopped while moving: finish it
            elif staging.exists():
                shutil.rmtree(staging)  # stopped while rendering: the previous export is what serves
            return True
    outdir.mkdir(parents=True, exist_ok=True)
    return False


def apply(outdir: Path) -> None:
    """Move the staged files into place and remove what the new site no longer has."""
    staging = outdir / STAGING
    journal = json.loads((staging / JOURNAL).read_bytes())
    for name in journal["moves"]:
        source, target = staging / name, outdir / name
        if source.exists():  # moved already by an interrupted run of this journal
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(source, target)
    for name in journal["removes"]:
        path = outdir / name
        path.unlink(missing_ok=True)
        _prune(path.parent, outdir)
    shutil.rmtree(staging)


def _prune(folder: Path, outdir: Path) -> None:
    """Remove ``folder`` and its parents up to ``outdir`` while they are empty."""
    while folder != outdir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def gone_files(outdir: Path, produced: set[str]) -> list[str]:
    """The files of the export in ``outdir`` that this build did not produce (with their .gz): of
    those the build before recorded (``FILES``; a walk of 241,000 files takes seconds), or of every
    file there when it left no record. A file that calfeed did not write is then left alone."""
    try:
        recorded = (outdir / FILES).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):  # no record (an older calfeed's export), or damaged: look at every file
        return sorted(n for n in site_files(outdir) if n.removesuffix(".gz") not in produced and n not in produced)
    gone = (name for name in recorded if name not in produced and _inside(name))
    return sorted(n for name in gone for n in (name, name + ".gz") if os.path.isfile(os.path.join(outdir, n)))


def record_files(outdir: Path, names: Iterable[str]) -> None:
    """Write ``FILES``: before the new files are moved into place, the old ones and the new ones
    (a build stopped before it had moved them leaves either); after, the new ones."""
    write_atomically(outdir / FILES, "".join(f"{name}\n" for name in sorted(names)).encode(), mode=0o644)


def _inside(name: str) -> bool:
    """A path of the site below the export's folder, and not one of the build's own files."""
    parts = name.split("/")
    return parts[0] not in OWN and not any(part in ("", ".", "..") for part in parts)


def site_files(outdir: Path) -> Iterable[str]:
    """Every file of the export in ``outdir`` (relative, as the manifest names them)."""
    top = str(outdir)
    for root, folders, names in os.walk(top):
        if root == top:
            folders[:] = [f for f in folders if f not in OWN]
            yield from (n for n in names if n not in OWN)
            continue
        prefix = root[len(top) + 1 :].replace(os.sep, "/") + "/"  # strings, not a Path per folder: 241,000 files
        for name in names:
            yield prefix + name
