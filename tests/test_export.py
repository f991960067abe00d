"""`calfeed build OUTDIR`: the whole public site as static files that any static host serves."""

from __future__ import annotations

import functools
import gzip
import html
import http.server
import threading
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from freezegun import freeze_time
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalcheck import strict_events

from calfeed.cli import main
from calfeed.export_tree import OWN, ExportError, file_for
from calfeed.model import LANGUAGES
from calfeed.site_links import links, site_links

DAY = "2019-11-01 10:00"  # the agenda shows what is upcoming on the day of the export


@pytest.fixture
def exported(events_file: Path, runner, tmp_path: Path) -> Path:
    outdir = tmp_path / "site"
    with freeze_time(DAY):
        result = runner.invoke(main, ["build", str(outdir), "--events", str(events_file)])
    assert result.exit_code == 0, result.output
    return outdir


def files(outdir: Path) -> list[Path]:
    return sorted(
        p for p in outdir.rglob("*") if p.is_file() and p.suffix != ".gz" and p.relative_to(outdir).parts[0] not in OWN
    )


def url_of(outdir: Path, path: Path) -> str:
    relative = path.relative_to(outdir).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("/index.html")
    return "/" + relative


def resolves(outdir: Path, url_path: str) -> bool:
    target = outdir / url_path.lstrip("/")
    return target.is_file() or (target / "index.html").is_file()


def test_every_exported_file_has_the_bytes_the_app_serves_at_its_url(exported, make_app, events_file):
    written = files(exported)
    assert len(written) > 50
    with freeze_time(DAY):  # loaded on the same day as the export (freezegun's dates have their own repr)
        client = make_app(events_file).test_client()
        for path in written:
            url = url_of(exported, path)
            with client.get(url + "/" if url in ("/en", "/da", "/de", "/pl", "/lt") else url) as response:
                response.get_data()
            assert response.status_code == 200, url
            assert response.data == path.read_bytes(), url


def test_every_page_feed_and_asset_is_exported_in_every_language(exported, make_app, events_file):
    schedule = make_app(events_file).extensions["calfeed"].current().schedule
    event_id = schedule.events[0].id
    project, place = next(iter(schedule.projects)), next(iter(schedule.locations))
    for prefix in ("", "en/", "da/", "de/", "pl/", "lt/"):
        for name in ("index.html", "past/index.html", "calendar.ics", "events.json", f"projects/{project}.ics",
                     f"locations/{place}.ics", "types/training.ics", f"events/{event_id}.ics",
                     f"events/{event_id}/index.html", f"projects/{project}/index.html",
                     f"locations/{place}/index.html"):  # fmt: skip
            assert (exported / prefix / name).is_file(), prefix + name
    assert (exported / "static" / "calfeed.css").is_file()
    for lang in ("en", "da", "de", "pl", "lt"):
        assert strict_events((exported / lang / "calendar.ics").read_bytes())
    assert '<html lang="lt">' in (exported / "lt" / "index.html").read_text(encoding="utf-8")


def test_healthz_is_live_status_and_is_not_exported(exported):
    assert not (exported / "healthz").exists()


def test_every_text_file_has_a_gzip_sibling_with_the_same_content(exported):
    for path in files(exported):
        if path.suffix in (".html", ".ics", ".json", ".css"):
            assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == path.read_bytes(), path


def test_every_link_in_every_exported_page_resolves_to_an_exported_file(exported):
    pages = [p for p in files(exported) if p.suffix == ".html"]
    checked = 0
    for page in pages:
        base = "http://localhost" + url_of(exported, page)
        for link in links(page.read_text(encoding="utf-8")):
            target = urlsplit(urljoin(base, link))
            if target.netloc != "localhost":
                continue  # Google, Outlook: subscribe buttons pointing elsewhere
            assert resolves(exported, target.path), f"{link} on {page.relative_to(exported)}"
            checked += 1
    assert checked > 10 * len(pages)


@pytest.fixture
def served(exported):
    handler = functools.partial(QuietHandler, directory=str(exported))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # follows the /past -> /past/ redirect
        return response.status, response.headers.get_content_type(), response.read()


def test_a_plain_static_server_serves_the_export_with_working_links(served, exported):
    status, kind, body = fetch(served + "/")
    assert (status, kind) == (200, "text/html")
    followed = 0
    for link in links(body.decode()):
        target = urlsplit(urljoin(served + "/", link))
        if target.netloc == urlsplit(served).netloc and target.path not in ("/",):
            status, _, _ = fetch(served + target.path)
            assert status == 200, link
            followed += 1
    assert followed >= 5
    assert fetch(served + "/past")[:2] == (200, "text/html")
    status, kind, feed = fetch(served + "/en/calendar.ics")
    assert (status, kind) == (200, "text/calendar")
    assert feed == (exported / "en" / "calendar.ics").read_bytes()


def test_build_refuses_a_directory_that_is_not_an_earlier_export(runner, events_file, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(main, ["build", str(target), "--events", str(events_file)])
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_build_replaces_an_earlier_export_without_leftovers(runner, events_file, exported):
    stale = exported / "events" / "deleted-event.ics"  # as if an earlier build had written it
    stale.write_text("old", encoding="utf-8")
    with open(exported / ".calfeed-files.txt", "a", encoding="utf-8") as record:
        record.write("events/deleted-event.ics\n")
    result = runner.invoke(main, ["build", str(exported), "--events", str(events_file)])
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert (exported / "calendar.ics").is_file()


def test_build_of_an_invalid_file_writes_nothing(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("calendar:\n  name: x\nevents:\n  - title: no type\n    start: 2019-13-01\n", encoding="utf-8")
    result = runner.invoke(main, ["build", str(tmp_path / "out"), "--events", str(broken)])
    assert result.exit_code == 1
    assert "nothing written" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("base", ["https://www.example.org/kalender", "https://www.example.org/kal%C3%A5/"])
def test_a_base_url_with_a_folder_is_refused_before_anything_is_written(runner, events_file, tmp_path, base):
    # A folder in the base URL ended in a traceback from a worker process (pages were asked for at
    # /kalender/kalender/…); a static export's files are named from the host's root.
    outdir = tmp_path / "public"
    result = runner.invoke(main, ["build", str(outdir), "--events", str(events_file), "--base-url", base])
    assert result.exit_code == 1
    assert "is a folder of www.example.org" in result.output and "https://www.example.org)" in result.output
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
    assert not outdir.exists()


def test_absolute_links_use_the_public_address_and_still_resolve(runner, events_file, tmp_path):
    outdir = tmp_path / "public"
    with freeze_time(DAY):
        result = runner.invoke(main, ["build", str(outdir), "--events", str(events_file),
                                      "--base-url", "https://kalender.example.org"])  # fmt: skip
    assert result.exit_code == 0, result.output
    page = (outdir / "index.html").read_text(encoding="utf-8")
    assert "webcal://kalender.example.org/calendar.ics" in page
    for link in links(page):
        target = urlsplit(link)
        if target.netloc == "kalender.example.org":
            assert resolves(outdir, target.path), link


def test_the_embed_pages_change_log_and_news_feeds_are_exported_in_both_languages(exported):
    import feedparser

    for prefix in ("", "en/"):
        embed = (exported / prefix / "embed" / "index.html").read_text(encoding="utf-8")
        assert "calfeed-event" in embed
        fragment = (exported / prefix / "embed" / "fragment" / "index.html").read_text(encoding="utf-8")
        assert fragment.startswith('<div class="calfeed"') and "<html" not in fragment
        atom = feedparser.parse((exported / prefix / "upcoming.atom").read_bytes())
        assert not atom.bozo and len(atom.entries) == 6  # what is upcoming on the day of the export
        assert gzip.decompress((exported / prefix / "upcoming.atom.gz").read_bytes()).startswith(b"<?xml")
        assert "<h1>" in (exported / prefix / "changes" / "index.html").read_text(encoding="utf-8")
        changes = feedparser.parse((exported / prefix / "changes.atom").read_bytes())
        assert not changes.bozo and changes.version == "atom10"
    assert (exported / "static" / "embed.js").is_file() and (exported / "static" / "embed.css").is_file()


_LINK_PART = st.sampled_from(["/", "//", ".", "..", "./", "../", "?", "#", "a", "é", "%2F", "\\", "\t", "\n", " ", ":",
                              "https://kalender.example.org", "https://other.example", "webcal://kalender.example.org",
                              "mailto:x@y", "/en/events/x", "?lang=en", "#main"])  # fmt: skip


@given(st.lists(st.lists(_LINK_PART, max_size=6).map("".join), max_size=8),
       st.sampled_from(["", "https://kalender.example.org"]),
       st.sampled_from(["/", "/en/events/x", "/past"]))  # fmt: skip
@example(["/a/./b", "/a/../b", "/..", "/a\tb", "https://kalender.example.org/a/../b", "//other.example/x", "/?q#f"],
         "https://kalender.example.org", "/past")  # fmt: skip
@settings(max_examples=400, derandomize=True, database=None, deadline=None)
def test_site_links_resolve_every_link_as_urljoin_does(hrefs, base, page_url):
    """A page's links are read without urljoin where they are plain paths (speed at 10,000 events);
    every link still resolves to the path a browser would follow."""
    page = "".join(f'<a href="{html.escape(href)}">' for href in hrefs)
    host = urlsplit(base or "http://localhost").netloc
    expected = []
    for href in hrefs:
        target = urlsplit(urljoin((base or "http://localhost") + page_url, href))
        if href and target.scheme in ("http", "https", "webcal") and target.netloc == host:
            expected.append(target.path or "/")
    assert site_links(page, page_url, base) == list(dict.fromkeys(expected))


def test_each_language_seeds_exactly_its_share_of_the_urls(app):
    """A build's process holds one language's URLs at a time (memory at 10,000 events): together,
    in order, they are every URL the site map fills in."""
    from calfeed.export import _language, _seeds, seed_urls

    every = seed_urls(app)
    shares = {lang: list(_seeds(app, lang)) for lang in LANGUAGES}
    assert all(shares.values())
    for lang, urls in shares.items():
        assert urls == [url for url in every if _language(url) == lang]
    assert sorted(url for urls in shares.values() for url in urls) == sorted(every)


def _file_for_reference(url: str, mimetype: str) -> str:
    """The file of a URL, by the general route: unquote, split off query and fragment, drop dot segments."""
    parts = [p for p in PurePosixPath(unquote(urlsplit(url).path)).parts if p not in ("/", "", ".", "..")]
    if mimetype == "text/html":
        return "/".join([*parts, "index.html"])
    if not parts:
        raise ExportError("no file name")
    return "/".join(parts)


@given(st.lists(st.sampled_from(["/", "//", ".", "..", "a", "é", "%2F", "%20", "?q", "#f", ":", "~", "-", "_", "x.ics",
                                 "en", "events"]), max_size=8).map(lambda parts: "/" + "".join(parts)),
       st.sampled_from(["text/html", "text/calendar"]))  # fmt: skip
@example("//other.example/x", "text/html")
@example("/a/./b/../c", "text/calendar")
@settings(max_examples=400, derandomize=True, database=None, deadline=None)
def test_a_plain_url_s_file_is_the_one_the_general_route_finds(url, mimetype):
    """Most URLs are read without urllib and pathlib (speed at 10,000 events): the same file."""
    try:
        expected = _file_for_reference(url, mimetype)
    except ExportError:
        with pytest.raises(ExportError):
            file_for(url, mimetype)
        return
    assert file_for(url, mimetype) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_event_s_a_project_s_and_a_place_s_pages_link_only_to_seeded_urls(make_app, lang):
    """The build does not read them for links (an event's page when it renders it, a project's or
    a place's page when it keeps it): every link they have must be a URL the site map fills in
    anyway — a project's contact cards too."""
    from calfeed.export import seed_urls

    app = make_app((Path(__file__).parent / "fixtures" / "multilingual.yaml").read_text(encoding="utf-8"))
    seeded = set(seed_urls(app))
    client, schedule = app.test_client(), app.extensions["calfeed"].current().schedule
    prefix = "" if lang == LANGUAGES[0] else f"/{lang}"
    pages = [f"{prefix}/events/{e.id}" for e in schedule.events]
    pages += [f"{prefix}/locations/{slug}" for slug in schedule.locations]
    pages += [f"{prefix}/projects/{slug}" for slug in schedule.projects]
    cards = set()
    for page in pages:
        found = site_links(client.get(page).get_data(as_text=True), page, "")
        assert found and set(found) <= seeded, (page, set(found) - seeded)
        cards.update(url for url in found if url.endswith(".vcf"))
    assert cards and all(client.get(card).status_code == 200 for card in cards)
