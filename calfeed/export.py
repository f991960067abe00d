"""The whole public site as static files, for any static host, object store or CDN: ``calfeed build``.

Layer: web (drives the Flask app through its test client; the CLI calls it).

Every page in every language (sv, en, da, de, pl, lt), every feed (all, per project, location, type and event), the
JSON, the schema and the static assets, each with a ``.gz`` sibling (for nginx ``gzip_static``
or a CDN that serves precompressed files). URLs come from the app's own URL map, filled in with
the schedule's projects, locations, types and events, and then from every link in the exported
pages, so a route added later is exported as soon as a page links to it. Each file holds the
exact bytes the running app answers for that URL.

Only path URLs exist in a static site: a query string (``/?type=training``) reaches the static
host as the unfiltered page. Pages are written as ``<path>/index.html`` (``/past`` ->
``past/index.html``, ``/en/`` -> ``en/index.html``), which every static host resolves;
feeds and JSON keep their names. The agenda depends on the day: an export is a snapshot of the
day it was built, so rebuild it daily as well as on every change to the events file.

Into an earlier export the build is incremental: a file whose bytes did not change is not
written (its mtime stays, so ``rsync -a`` and ``aws s3 sync`` skip it), files of deleted events
are removed, and ``.calfeed-manifest.json`` lists what was added, changed and removed for a
deploy step to upload and purge. New and changed files are first written into
``.calfeed-staging/`` inside OUTDIR and moved into place only once the whole site is rendered,
so an interrupted build leaves the previous export serving (a build stopped while moving is
finished by the next one, from the staging folder's journal). The languages are rendered in
``jobs`` processes forked after the file is loaded, one share of the languages each.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import multiprocessing
import os
import re
import shutil
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from flask import Flask, url_for
from werkzeug.routing import Rule

from .atomic import write_atomically
from .model import EVENT_TYPES, LANGUAGES
from .web.byte_cache import forget_answers, gzip_bytes
from .web.current import SNAPSHOT
from .web.feeds import VEVENTS

MARKER = ".calfeed-export"  # marks a directory this command may empty and write again
MANIFEST = ".calfeed-manifest.json"  # what the last build added, changed and removed
STAGING = ".calfeed-staging"  # new bytes wait here until the whole site is rendered
JOURNAL = "journal.json"  # in STAGING: the moves and removals of a build that was ready to apply
OWN = {MARKER, MANIFEST, STAGING}  # ours, not the site's
COMPRESSIBLE = (".html", ".ics", ".json", ".atom", ".css", ".js", ".svg", ".vcf", ".xml", ".txt", ".webmanifest")
_SLUG_FACETS = {"/projects/<slug>": "projects", "/locations/<slug>": "locations", "/types/<slug>": "types"}
# Autoescaped Jinja writes every attribute in double quotes: a regular expression reads the links
# of a 10,000-event site in a fraction of html.parser's time.
_LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')


class ExportError(Exception):
    """The export cannot be written; the message says why and what to do."""


@dataclass
class Report:
    files: dict[str, str] = field(default_factory=dict)  # URL path -> file written (relative to OUTDIR)
    bytes: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # URL -> why it is not in the export
    added: list[str] = field(default_factory=list)  # files (relative to OUTDIR, .gz siblings included)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    links: set[str] = field(default_factory=set)  # site links found on the pages (crawled by the share owning them)

    def merge(self, other: Report) -> None:
        self.files.update(other.files)
        self.skipped.update(other.skipped)
        self.bytes += other.bytes
        self.added += other.added
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.links |= other.links


def export(app: Flask, outdir: Path, *, jobs: int = 1) -> Report:
    """Write the site into ``outdir`` (absent, empty, or an earlier export, which is updated)."""
    outdir = Path(outdir)
    earlier = _prepare(outdir)
    target = outdir / STAGING if earlier else outdir  # a first export has nothing to keep serving
    target.mkdir(exist_ok=True)
    (outdir / MARKER).write_text("written by calfeed build\n", encoding="utf-8")  # an interrupted first build is one too
    snapshot = app.extensions["calfeed"].current()  # every answer comes from this one version
    urls = seed_urls(app)
    shares = _shares(sorted({_language(url) for url in urls}, key=LANGUAGES.index), jobs)
    job = _Job(app, snapshot, outdir, target, urls)
    report = Report()
    if len(shares) == 1:
        report.merge(job.render(shares[0]))
    else:
        _JOBS[0] = job  # the processes forked next find it here: an app cannot be pickled
        try:
            with multiprocessing.get_context("fork").Pool(len(shares), maxtasksperchild=1) as pool:
                for part in pool.imap_unordered(_render_share, shares):
                    report.merge(part)
        finally:
            _JOBS[0] = None  # type: ignore[call-overload]
    left = sorted(set(report.links) - set(report.files) - set(report.skipped))
    if left:  # a link no share owned (none expected: each share crawls its own languages)
        report.merge(job.render([], left))
    written = set(report.added) | set(report.changed)
    produced = {name for relative in report.files.values() for name in (relative, relative + ".gz")}
    report.removed = sorted(name for name in _site_files(outdir) if name not in produced) if earlier else []
    if earlier:
        write_atomically(target / JOURNAL, json.dumps({"moves": sorted(written), "removes": report.removed}).encode())
        _apply(outdir)
    report.added.sort()
    report.changed.sort()
    write_atomically(outdir / MANIFEST, manifest(report, snapshot.version), mode=0o644)
    return report


def manifest(report: Report, version: str) -> bytes:
    """What a deploy step needs: the files to upload (added, changed), to delete (removed), and
    the URLs to purge from a CDN."""
    touched = [*report.changed, *report.removed]
    purge = sorted({url_of(name) for name in touched})
    return json.dumps({
        "format": 1, "version": version, "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "added": report.added, "changed": report.changed, "removed": report.removed,
        "unchanged": report.unchanged, "purge": purge,
    }, indent=1, ensure_ascii=False).encode() + b"\n"  # fmt: skip


def url_of(relative: str) -> str:
    """The URL path a file of the export answers (the inverse of ``file_for``; .gz is the same URL)."""
    relative = relative.removesuffix(".gz")
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("/index.html")
    return "/" + relative


_JOBS: list[_Job] = [None]  # type: ignore[list-item]


def _render_share(languages: list[str]) -> Report:
    return _JOBS[0].render(languages)


def _shares(languages: list[str], jobs: int) -> list[list[str]]:
    """The languages split into ``jobs`` shares of about the same size (round robin)."""
    jobs = max(1, min(jobs, len(languages)))
    return [languages[i::jobs] for i in range(jobs)] if languages else [[]]


def _language(url: str) -> str:
    first = url.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES[1:] else LANGUAGES[0]


class _Job:
    """One build: renders a share of the languages, writing what changed into ``target``."""

    def __init__(self, app: Flask, snapshot: object, outdir: Path, target: Path, urls: list[str]) -> None:
        self.app, self.snapshot, self.outdir, self.target, self.urls = app, snapshot, outdir, target, urls
        self.base = app.config.get("CALFEED_BASE_URL", "").rstrip("/")

    def render(self, languages: list[str], extra: Iterable[str] = ()) -> Report:
        report = Report()
        client = self.app.test_client()
        environ = {SNAPSHOT: self.snapshot}
        for lang in languages:
            queue = deque(url for url in self.urls if _language(url) == lang)
            seen = set(queue)
            while queue:
                for link in self._one(client, environ, queue.popleft(), report):
                    if link in seen:
                        continue
                    if _language(link) == lang:
                        seen.add(link)
                        queue.append(link)
                    else:
                        report.links.add(link)
            self.app.extensions.pop(VEVENTS, None)  # one language's event bytes at a time in memory
        for url in extra:
            self._one(client, environ, url, report)
        return report

    def _one(self, client, environ: dict, url: str, report: Report) -> list[str]:  # type: ignore[no-untyped-def]
        response = client.get(url, base_url=self.base or "http://localhost", environ_overrides=environ)
        data = response.get_data()
        response.close()  # a static file is sent from an open file: read it, then close it
        forget_answers(self.snapshot)  # type: ignore[arg-type]  # each URL is asked for once
        if response.status_code != 200:
            report.skipped[url] = f"HTTP {response.status_code}"
            return []
        if "no-store" in response.headers.get("Cache-Control", ""):
            report.skipped[url] = "not cacheable (no-store): live status, not content"
            return []
        relative = file_for(url, response.mimetype)
        self._write(relative, data, report)
        report.files[url] = relative
        return site_links(data.decode(), url, self.base) if response.mimetype == "text/html" else []

    def _write(self, relative: str, data: bytes, report: Report) -> None:
        report.bytes += len(data)
        packed = relative + ".gz" if relative.endswith(COMPRESSIBLE) else None
        if _same(self.outdir / relative, data) and (packed is None or (self.outdir / packed).is_file()):
            report.unchanged += 1 + (packed is not None)  # the .gz is made from these bytes: unchanged too
            return
        self._put(relative, data, report)
        if packed:
            self._put(packed, gzip_bytes(data), report)

    def _put(self, relative: str, data: bytes, report: Report) -> None:
        old = self.outdir / relative
        if _same(old, data):
            report.unchanged += 1
            return
        (report.changed if old.is_file() else report.added).append(relative)
        path = self.target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:  # absent, or a folder where the file now is
        return False


def seed_urls(app: Flask) -> list[str]:
    """Every URL of the URL map that the schedule fills in, and every static file."""
    schedule = app.extensions["calfeed"].current().schedule
    values = {"projects": list(schedule.projects), "locations": list(schedule.locations), "types": list(EVENT_TYPES)}
    urls: list[str] = []
    with app.test_request_context(base_url=app.config.get("CALFEED_BASE_URL") or None):
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            if rule.endpoint == "static":
                folder = Path(app.static_folder or "")
                urls += [url_for("static", filename=p.relative_to(folder).as_posix())
                         for p in sorted(folder.rglob("*")) if p.is_file()]  # fmt: skip
                continue
            for arguments in _arguments(rule, schedule.by_id, values):
                urls.append(url_for(rule.endpoint, **arguments))
    return list(dict.fromkeys(urls))


def _arguments(rule: Rule, events: dict, values: dict[str, list[str]]) -> list[dict[str, str]]:
    """The argument sets that fill ``rule``; none for an argument we cannot enumerate (the crawl
    finds those URLs through links). The /<any(en,da,…):lang>/… twin of a Swedish rule is filled
    in for each of the other languages."""
    fixed = dict(rule.defaults or {})
    twin = "lang" in rule.arguments and "lang" not in fixed
    languages = [{"lang": lang} for lang in LANGUAGES[1:]] if twin else [{}]
    open_ = [a for a in rule.arguments if a not in fixed and a != "lang"]
    if not open_:
        filled = [{}]
    elif open_ == ["event_id"]:
        filled = [{"event_id": event_id} for event_id in events]
    elif open_ == ["slug"]:
        facet = next((name for prefix, name in _SLUG_FACETS.items() if prefix in rule.rule), "")
        filled = [{"slug": slug} for slug in values.get(facet, [])]
    else:
        return []
    return [{**fixed, **lang, **more} for lang in languages for more in filled]


def file_for(url: str, mimetype: str) -> str:
    """Where the file for ``url`` goes: pages as ``<path>/index.html``, everything else by name."""
    path = PurePosixPath(unquote(urlsplit(url).path))
    parts = [p for p in path.parts if p not in ("/", "", ".", "..")]
    if mimetype == "text/html":
        return "/".join([*parts, "index.html"])
    if not parts:
        raise ExportError(f"{url} is not a page but has no file name")
    return "/".join(parts)


def links(page: str) -> list[str]:
    """Every href, src and form action in ``page`` (as Jinja writes them: double-quoted)."""
    return [html.unescape(value) for value in _LINK.findall(page) if value]


def site_links(html: str, page_url: str, base: str = "") -> list[str]:
    """The links of a page that point into this site, as paths without query or fragment."""
    found = []
    for link in links(html):
        target = urlsplit(urljoin((base or "http://localhost") + page_url, link))
        if target.scheme not in ("http", "https", "webcal") or not _same_site(target.netloc, base):
            continue
        found.append(target.path or "/")
    return list(dict.fromkeys(found))


def _same_site(netloc: str, base: str) -> bool:
    return netloc == (urlsplit(base).netloc if base else "localhost")


def _prepare(outdir: Path) -> bool:
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
                _apply(outdir)  # it was rendered whole and stopped while moving: finish it
            elif staging.exists():
                shutil.rmtree(staging)  # stopped while rendering: the previous export is what serves
            return True
    outdir.mkdir(parents=True, exist_ok=True)
    return False


def _apply(outdir: Path) -> None:
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


def _site_files(outdir: Path) -> Iterable[str]:
    """Every file of the export in ``outdir`` (relative, as the manifest names them)."""
    for root, folders, names in os.walk(outdir):
        if root == str(outdir):
            folders[:] = [f for f in folders if f not in OWN]
            names = [n for n in names if n not in OWN]
        folder = Path(root).relative_to(outdir).as_posix()
        for name in names:
            yield name if folder == "." else f"{folder}/{name}"
