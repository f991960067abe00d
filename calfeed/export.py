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
are removed (of those the last build recorded writing: ``gone_files``), and
``.calfeed-manifest.json`` lists what was added, changed and removed for a deploy step to upload
and purge. New and changed files are first written into ``.calfeed-staging/`` inside OUTDIR and
moved into place only once the whole site is rendered, so an interrupted build leaves the
previous export serving (a build stopped while moving is finished by the next one, from the
staging folder's journal). The languages are rendered in ``jobs`` processes forked after the
file is loaded, each taking the next language.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask import Flask, request, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import EnvironBuilder

from . import item_shelf
from .atomic import write_atomically
from .export_inputs import inputs, unchanged_events
from .export_tree import (
    INPUTS,
    ITEMS,
    JOURNAL,
    MANIFEST,
    MARKER,
    SHELF,
    STAGING,
    apply,
    check_base_url,
    file_for,
    gone_files,
    manifest,
    prepare,
    read_inputs,
    record_files,
    same,
)
from .export_tree import ExportError as ExportError  # what a build raises: calfeed.cli catches it from here
from .ics_shelf import IcsShelf
from .icsbytes import Memo
from .model import EVENT_TYPES, LANGUAGES
from .site_links import site_links
from .store import Snapshot
from .web.byte_cache import forget_answers, gzip_bytes
from .web.current import SNAPSHOT
from .web.feeds import VEVENTS, event_download
from .web.page_values import EARLIER_ITEMS, LIST_ITEMS, item_key
from .web.pages import event as event_page
from .web.urls import links as url_links

COMPRESSIBLE = (".html", ".ics", ".json", ".atom", ".css", ".js", ".svg", ".vcf", ".xml", ".txt", ".webmanifest")
_OWN_PAGES = {"pages.event": "text/html", "feeds.event": "text/calendar"}  # an event's own URLs, by content type
# A project's, place's or type's page and feed, by content type and the facet they show.
_FACET_PAGES = {"pages.project": ("text/html", "projects"), "feeds.project": ("text/calendar", "projects"),
                "pages.location": ("text/html", "locations"), "feeds.location": ("text/calendar", "locations"),
                "feeds.event_type": ("text/calendar", "types")}  # fmt: skip
_SLUG_FACETS = {"/projects/<slug>": "projects", "/locations/<slug>": "locations", "/types/<slug>": "types"}


@dataclass
class Report:
    files: dict[str, str] = field(default_factory=dict)  # URL path -> file written (relative to OUTDIR)
    bytes: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # URL -> why it is not in the export
    added: list[str] = field(default_factory=list)  # files (relative to OUTDIR, .gz siblings included)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    links: set[str] = field(default_factory=set)  # site links found on the pages (crawled by their language's process)

    def merge(self, other: Report) -> None:
        self.files.update(other.files)
        self.skipped.update(other.skipped)
        self.bytes += other.bytes
        self.added += other.added
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.links |= other.links


def export(app: Flask, outdir: Path, *, jobs: int = 1, full: bool = False) -> Report:
    """Write the site into ``outdir`` (absent, empty, or an earlier export, which is updated).
    Into an earlier export, an event's own page and download are rendered only when what they
    show changed (``inputs``); ``full`` renders every URL."""
    check_base_url(app.config.get("CALFEED_BASE_URL", ""))  # before anything is written
    outdir = Path(outdir)
    earlier = prepare(outdir)
    target = outdir / STAGING if earlier else outdir  # a first export has nothing to keep serving
    target.mkdir(exist_ok=True)
    (outdir / MARKER).write_text("written by calfeed build\n", encoding="utf-8")  # an interrupted first one is too
    snapshot = app.extensions["calfeed"].current()  # every answer comes from this one version
    now = inputs(app, snapshot)
    before = read_inputs(outdir) if earlier and not full else None
    unchanged = unchanged_events(before, now)
    job = _Job(app, snapshot, outdir, target, now, unchanged)
    report = Report()
    jobs = max(1, min(jobs, len(LANGUAGES)))
    if jobs == 1:
        report.merge(job.render(list(LANGUAGES)))
    else:
        _JOBS[0] = job  # the processes forked next find it here: an app cannot be pickled
        try:
            # Forked once, before the parent holds any report; each language's report leaves its
            # process as soon as it is done (held until the end, three languages' would be ~25 MB).
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for part in pool.imap_unordered(_render_language, LANGUAGES):
                    report.merge(part)
        finally:
            _JOBS[0] = None
    left = sorted(report.links - report.files.keys() - report.skipped.keys())  # no copy of 120,000 names
    if left:  # a link no language owned (none expected: each crawls its own)
        report.merge(job.render([], left))
    if earlier:
        produced = set(report.files.values())
        report.removed = gone_files(outdir, produced)
        record_files(outdir, produced.union(name.removesuffix(".gz") for name in report.removed))  # see record_files
        del produced
        moves = sorted([*report.added, *report.changed])  # no name is both
        write_atomically(target / JOURNAL, json.dumps({"moves": moves, "removes": report.removed}).encode())
        apply(outdir)
    record_files(outdir, report.files.values())
    report.added.sort()
    report.changed.sort()
    write_atomically(outdir / INPUTS, json.dumps(now).encode(), mode=0o644)
    write_atomically(outdir / MANIFEST, manifest(report.added, report.changed, report.removed, report.unchanged,
                                                 snapshot.version), mode=0o644)  # fmt: skip
    return report


_JOBS: list[_Job | None] = [None]


def _render_language(lang: str) -> Report:
    job = _JOBS[0]
    assert job is not None  # export sets it before it forks the pool
    return job.render([lang])


def _language(url: str) -> str:
    first = url.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES[1:] else LANGUAGES[0]


class _Job:
    """One build: renders languages, writing what changed into ``target``."""

    def __init__(self, app: Flask, snapshot: Snapshot, outdir: Path, target: Path, now: dict,
                 unchanged: frozenset[str]) -> None:  # fmt: skip
        self.app, self.snapshot, self.outdir, self.target = app, snapshot, outdir, target
        self.now, self.unchanged = now, unchanged  # what each file is made of (export_inputs), and what is as before
        self.seeds: dict[str, tuple[str, str]] = {}
        # Endpoints with a rule per language: each language has the same URLs of them (``_arguments``).
        self.twinned = {rule.endpoint for rule in app.url_map.iter_rules()
                        if "lang" in rule.arguments and "lang" not in (rule.defaults or {})}  # fmt: skip
        self.base = app.config.get("CALFEED_BASE_URL", "").rstrip("/")
        self.earlier, self._folder = target != outdir, ""  # a first export has no files to compare with
        self._out = os.path.join(outdir, "")
        self.prints: dict = {}  # each event's content digest, once for the languages a process renders (Memo)

    def render(self, languages: list[str], extra: Iterable[str] = ()) -> Report:
        report = Report()
        client = self.app.test_client()
        environ = {SNAPSHOT: self.snapshot}
        for lang in languages:
            memo = self.app.extensions[VEVENTS] = Memo(IcsShelf(self.outdir / SHELF), self.prints)
            self.seeds = _seeds(self.app, lang)  # one language's 20,000 URLs at a time in memory
            # Not with --full or a new site print (nothing unchanged): every item is rendered, none read.
            site, prints = self.now["site"], self.now["events"]
            items = item_shelf.ItemShelf(self.outdir / ITEMS, lang)
            earlier = items.read(site, prints) if self.unchanged else None
            if earlier is not None:
                self.snapshot.cache[(EARLIER_ITEMS, lang)] = earlier
            seen = set(self.seeds)
            own: dict[str, list[str]] = {"pages.event": [], "feeds.event": []}  # written after the crawl: _own_files
            # The pages first, then their list items are kept for the next build and let go; the feeds
            # last, so the language's VEVENT bytes are held only from then on. Each of the three is
            # held apart from the others' 10,000 events (the largest process's peak at 10,000 events).
            pages = {url for url, (endpoint, _) in self.seeds.items() if endpoint.startswith(("pages.", "embed."))}
            self._crawl(lang, [url for url in self.seeds if url in pages], seen, own, client, environ, report)
            self._keep_items(lang, items)
            rest = sorted((url for url in self.seeds if url not in pages), key=lambda url: url.endswith(".ics"))
            self._crawl(lang, rest, seen, own, client, environ, report)
            self._own_files(lang, own, environ, report)
            self.snapshot.cache.pop((LIST_ITEMS, lang), None)  # any rendered since (none expected)
            memo.shelve()  # the next build serialises only the events that change
            self.app.extensions.pop(VEVENTS, None)  # one language's event bytes at a time in memory
        self.seeds = {}
        for url in extra:
            self._one(client, environ, url, report)
        return report

    def _crawl(self, lang: str, urls: list[str], seen: set[str], own: dict[str, list[str]], client: FlaskClient,
               environ: dict, report: Report) -> None:  # fmt: skip
        """Render ``urls`` and the links of this language they lead to (an event's own page and
        download into ``own``, for ``_own_files``); links to other languages' unseeded pages into the report."""
        queue = deque(urls)
        while queue:
            url = queue.popleft()
            kept = self._kept(url, report)
            if kept is None and self.seeds.get(url, ("", ""))[0] in own:
                own[self.seeds[url][0]].append(url)
                continue
            for link in self._one(client, environ, url, report) if kept is None else kept:
                if link in seen:
                    continue
                if _language(link) == lang:
                    seen.add(link)
                    queue.append(link)
                elif not self._seeded_in_its_language(link, lang):
                    report.links.add(link)

    def _keep_items(self, lang: str, shelf: item_shelf.ItemShelf) -> None:
        """Write the language's list items for the next build (those rendered or reused now, and those
        of the last build that this one did not need), and let them go."""
        rendered = self.snapshot.cache.pop((LIST_ITEMS, lang), None)
        earlier = self.snapshot.cache.pop((EARLIER_ITEMS, lang), None)
        if rendered is None:
            return
        day, prints = rendered[0], self.now["events"]
        items = ((item_key(event, level), html) for (event, level), html in rendered[1].items())
        left: dict[item_shelf.ItemKey, str] = earlier[1] if earlier is not None and earlier[0] == day else {}
        shelf.write(self.now["site"], day,
                    ((key, prints.get(key[0], ""), html) for key, html in chain(items, left.items())))  # fmt: skip

    def _own_files(self, lang: str, urls: dict[str, list[str]], environ: dict, report: Report) -> None:
        """Each event's page and .ics (60,000 of each at 10,000 events) without the test client's round trip:
        the download from ``feeds.event_download`` as its view answers, in one request context; the page
        from its view, in a request context of its own URL (its links to itself in the other languages
        read it). An event's page links only to seeded URLs: it is not read for links (as in ``_kept``).
        Each page's WSGI environ is the one EnvironBuilder makes for "/" with the path filled in as it
        fills it in (a fifth of a page's time was building it again)."""
        events, base = self.snapshot.schedule.by_id, self.base or "http://localhost"
        with self.app.test_request_context(base_url=base, environ_overrides=environ):
            for url in urls["feeds.event"]:
                self._write(url, "text/calendar", event_download(events[self.seeds[url][1]], lang), report)
        blank = EnvironBuilder(base_url=base, environ_overrides=environ).get_environ()
        for url in urls["pages.event"]:
            path, raw = unquote(url).encode().decode("latin-1"), url.encode().decode("latin-1")  # WSGI strings
            with self.app.request_context({**blank, "PATH_INFO": path, "REQUEST_URI": raw, "RAW_URI": raw}):
                page = event_page(**(request.view_args or {})).encode()
            self._write(url, "text/html", page, report)

    def _seeded_in_its_language(self, link: str, lang: str) -> bool:
        """Whether ``link`` (to another language's page: every page links to its five twins) is one of
        that language's seeds, which its own process renders: its twin in ``lang`` is a seed of an
        endpoint that every language has. Only other links are handed on (a few, not 100,000)."""
        other = _language(link)
        rest = link if other == LANGUAGES[0] else link[len(other) + 1 :]
        twin = rest if lang == LANGUAGES[0] else f"/{lang}{rest}"
        return rest.startswith("/") and self.seeds.get(twin, ("", ""))[0] in self.twinned

    def _kept(self, url: str, report: Report) -> list[str] | None:
        """The links of a page or feed whose inputs did not change and that is still in the export,
        kept as it is (None: render it): none to follow, as a kept page (an event's, a project's or a
        place's) links only to seeded URLs (test_export)."""
        endpoint, key = self.seeds.get(url, ("", ""))
        if key not in self.unchanged:
            return None
        relative = file_for(url, _OWN_PAGES.get(endpoint) or _FACET_PAGES[endpoint][0])
        path = self._out + relative  # a string: 40,000 kept files per language
        if not (os.path.isfile(path) and os.path.isfile(path + ".gz")):
            return None
        report.files[url] = relative
        report.unchanged += 2
        return []

    def _one(self, client: FlaskClient, environ: dict, url: str, report: Report) -> list[str]:
        response = client.get(url, base_url=self.base or "http://localhost", environ_overrides=environ)
        data = response.get_data()
        response.close()  # a static file is sent from an open file: read it, then close it
        forget_answers(self.snapshot)  # each URL is asked for once
        if response.status_code != 200:
            report.skipped[url] = f"HTTP {response.status_code}"
            return []
        if "no-store" in response.headers.get("Cache-Control", ""):
            report.skipped[url] = "not cacheable (no-store): live status, not content"
            return []
        self._write(url, response.mimetype, data, report)
        return site_links(data.decode(), url, self.base) if response.mimetype == "text/html" else []

    def _write(self, url: str, mimetype: str | None, data: bytes, report: Report) -> None:
        """``url``'s file (and its .gz), staged as added or changed unless its bytes are there already."""
        relative = report.files[url] = file_for(url, mimetype)
        report.bytes += len(data)
        body_same = self.earlier and same(self._out + relative, data)
        self._record(relative, data, report, unchanged=body_same)
        if relative.endswith(COMPRESSIBLE):
            packed = relative + ".gz"
            if body_same and os.path.isfile(self._out + packed):
                report.unchanged += 1  # the .gz is made from these same bytes: unchanged too
            else:
                gz = gzip_bytes(data)
                self._record(packed, gz, report, unchanged=self.earlier and same(self._out + packed, gz))

    def _record(self, relative: str, data: bytes, report: Report, *, unchanged: bool) -> None:
        """Count ``relative`` as unchanged, or stage its new bytes as added or changed."""
        if unchanged:
            report.unchanged += 1
            return
        (report.changed if self.earlier and os.path.isfile(self._out + relative) else report.added).append(relative)
        path = os.path.join(self.target, relative)
        if os.path.dirname(path) != self._folder:  # a page's .gz, and events/'s 10,000 downloads, share theirs
            self._folder = os.path.dirname(path)
            os.makedirs(self._folder, exist_ok=True)
        with open(path, "wb") as file:
            file.write(data)


def seed_urls(app: Flask) -> list[str]:
    """Every URL of the URL map that the schedule fills in, and every static file."""
    return list(_seeds(app))


def _seeds(app: Flask, lang: str | None = None) -> dict[str, tuple[str, str]]:
    """``seed_urls`` (of one language: ``lang``) in order, each with (its endpoint, the event or
    ``facet/slug`` it shows, or "")."""
    schedule = app.extensions["calfeed"].current().schedule
    values = {"projects": list(schedule.projects), "locations": list(schedule.locations), "types": list(EVENT_TYPES),
              "contacts": [{"slug": slug, "number": n} for slug, project in schedule.projects.items()
                           for n in range(1, len(project.contacts) + 1)]}  # fmt: skip
    urls: dict[str, tuple[str, str]] = {}
    made: dict[tuple[str, str, str], Callable[[str], str]] = {}  # link() per endpoint, language and name
    with app.test_request_context(base_url=app.config.get("CALFEED_BASE_URL") or None):
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            if rule.endpoint == "static":
                folder = Path(app.static_folder or "")
                for path in sorted(folder.rglob("*")) if lang in (None, LANGUAGES[0]) else ():  # Swedish's
                    if path.is_file():
                        urls.setdefault(url_for("static", filename=path.relative_to(folder).as_posix()), ("static", ""))
                continue
            for arguments in _arguments(rule, schedule.by_id, values, lang):
                shown = arguments.get("event_id", "")
                if rule.endpoint in _FACET_PAGES:
                    shown = f"{_FACET_PAGES[rule.endpoint][1]}/{arguments['slug']}"
                one = [(k, v) for k, v in arguments.items() if k != "lang"]  # an id or slug: link() (60,000 URLs)
                if len(one) == 1 and "lang" in arguments:
                    key = (rule.endpoint, arguments["lang"], one[0][0])
                    url = (made.get(key) or made.setdefault(key, url_links(*key)))(one[0][1])
                else:
                    url = url_for(rule.endpoint, **arguments)
                if lang in (None, _language(url)):
                    urls.setdefault(url, (rule.endpoint, shown))
    return urls


def _arguments(rule: Rule, events: dict, values: dict[str, list], lang: str | None) -> list[dict[str, Any]]:
    """The argument sets that fill ``rule``; none for an argument we cannot enumerate (the crawl
    finds those URLs through links). The /<any(en,da,…):lang>/… twin of a Swedish rule is filled
    in for each of the other languages (or ``lang`` only)."""
    fixed = dict(rule.defaults or {})
    twin = "lang" in rule.arguments and "lang" not in fixed
    if twin:
        languages = [{"lang": other} for other in LANGUAGES[1:] if lang in (None, other)]
    else:
        languages = [{}] if lang in (None, fixed.get("lang", LANGUAGES[0])) else []
    open_ = [a for a in rule.arguments if a not in fixed and a != "lang"]
    if not open_:
        filled: list[dict[str, str]] = [{}]
    elif open_ == ["event_id"]:
        filled = [{"event_id": event_id} for event_id in events]
    elif rule.endpoint == "pages.contact_card":  # a project's contact cards, linked from its page
        filled = values["contacts"]
    elif open_ == ["slug"]:
        facet = next((name for prefix, name in _SLUG_FACETS.items() if prefix in rule.rule), "")
        filled = [{"slug": slug} for slug in values.get(facet, [])]
    else:
        return []
    return [{**fixed, **lang, **more} for lang in languages for more in filled]
