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
"""

from __future__ import annotations

import gzip
import shutil
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from flask import Flask, url_for
from werkzeug.routing import Rule

from .model import EVENT_TYPES, LANGUAGES

MARKER = ".calfeed-export"  # marks a directory this command may empty and write again
COMPRESSIBLE = (".html", ".ics", ".json", ".atom", ".css", ".js", ".svg", ".vcf", ".xml", ".txt", ".webmanifest")
_SLUG_FACETS = {"/projects/<slug>": "projects", "/locations/<slug>": "locations", "/types/<slug>": "types"}


class ExportError(Exception):
    """The export cannot be written; the message says why and what to do."""


@dataclass
class Report:
    files: dict[str, str] = field(default_factory=dict)  # URL path -> file written (relative to OUTDIR)
    bytes: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # URL -> why it is not in the export


def export(app: Flask, outdir: Path) -> Report:
    """Write the site into ``outdir`` (absent, empty, or an earlier export, which is replaced)."""
    outdir = Path(outdir)
    _prepare(outdir)
    report = Report()
    client = app.test_client()
    base = app.config.get("CALFEED_BASE_URL", "").rstrip("/")
    queue = deque(seed_urls(app))
    seen = set(queue)
    while queue:
        url = queue.popleft()
        response = client.get(url, base_url=base or "http://localhost")
        data = response.get_data()
        response.close()  # a static file is sent from an open file: read it, then close it
        if response.status_code != 200:
            report.skipped[url] = f"HTTP {response.status_code}"
            continue
        if "no-store" in response.headers.get("Cache-Control", ""):
            report.skipped[url] = "not cacheable (no-store): live status, not content"
            continue
        relative = file_for(url, response.mimetype)
        _write(outdir / relative, data, report)
        report.files[url] = relative
        if response.mimetype == "text/html":
            for link in site_links(data.decode(), url, base):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    (outdir / MARKER).write_text("written by calfeed build\n", encoding="utf-8")
    return report


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


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def links(html: str) -> list[str]:
    """Every href, src and form action in ``html``."""
    parser = _Links()
    parser.feed(html)
    return parser.found


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


def _prepare(outdir: Path) -> None:
    if outdir.exists():
        if not outdir.is_dir():
            raise ExportError(f"{outdir} is a file; give a directory")
        if any(outdir.iterdir()):
            if not (outdir / MARKER).exists():
                raise ExportError(f"{outdir} is not empty and is not an earlier export; give an empty directory")
            shutil.rmtree(outdir)
    outdir.mkdir(parents=True, exist_ok=True)


def _write(target: Path, data: bytes, report: Report) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    report.bytes += len(data)
    if target.name.endswith(COMPRESSIBLE):
        packed = gzip.compress(data, compresslevel=9, mtime=0)  # mtime=0: the same export gives the same bytes
        target.with_name(target.name + ".gz").write_bytes(packed)
        report.bytes += len(packed)
