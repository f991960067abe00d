"""Pages answered from memory like feeds (rendered once per URL, day and version; ETag, gzip, 304),
and whole answers replayed without running Flask."""

from __future__ import annotations

import gzip
import os
import time

from freezegun import freeze_time
from icalcheck import strict_events

from calfeed.web import byte_cache, pages
from calfeed.web.byte_cache import Cached

DAY = "2019-11-01 10:00"
STUDY_TRIP = "umbrella-2019-11-13-studieresa-guldborgsund"


def count_renders(monkeypatch) -> list[str]:
    rendered: list[str] = []
    original = pages.render_template

    def counting(name, **context):
        rendered.append(name)
        return original(name, **context)

    monkeypatch.setattr(pages, "render_template", counting)
    return rendered


def test_the_agenda_is_rendered_once_and_then_sent_from_memory(app, monkeypatch):
    rendered = count_renders(monkeypatch)
    client = app.test_client()
    with freeze_time(DAY):
        first = client.get("/")
        second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert rendered == ["agenda.html"]


def test_each_language_and_query_is_its_own_page(app, monkeypatch):
    rendered = count_renders(monkeypatch)
    client = app.test_client()
    with freeze_time(DAY):
        swedish, english = client.get("/"), client.get("/en/")
        filtered = client.get("/?type=conference")
        same_filter = client.get("/?type=conference")
    assert swedish.data != english.data
    assert filtered.data == same_filter.data != swedish.data
    assert len(rendered) == 3


def test_the_agenda_moves_on_at_midnight(app):
    client = app.test_client()
    with freeze_time("2019-11-14 20:00"):  # 21:00 in Kalmar; the study trip ends on the 14th
        before = client.get("/").get_data(as_text=True)
    with freeze_time("2019-11-15 01:00"):
        after = client.get("/").get_data(as_text=True)
    assert STUDY_TRIP in before
    assert STUDY_TRIP not in after


def test_a_page_answers_304_to_its_etag_and_gzip_to_who_asks(app):
    client = app.test_client()
    with freeze_time(DAY):
        page = client.get("/en/past")
        again = client.get("/en/past", headers={"If-None-Match": page.headers["ETag"]})
        packed = client.get("/en/past", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["ETag"]
    assert again.status_code == 304 and again.data == b""
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == page.data
    assert "Accept-Encoding" in page.headers["Vary"]
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"


def test_a_page_is_not_modified_since_before_midnight(make_app):
    with freeze_time(DAY):  # the file was last edited before both days
        client = make_app().test_client()
    with freeze_time("2019-11-14 20:00"):
        stamp = client.get("/").headers["Last-Modified"]
    with freeze_time("2019-11-15 01:00"):
        response = client.get("/", headers={"If-Modified-Since": stamp})
    assert response.status_code == 200


def test_an_edit_of_the_events_file_renders_pages_again(make_app, events_file):
    app = make_app(events_file)
    client = app.test_client()
    assert b"Studieresa till Guldborgsund" in client.get(f"/events/{STUDY_TRIP}").data
    text = events_file.read_text(encoding="utf-8").replace("Studieresa till Guldborgsund", "Studiebesök i Guldborgsund")
    events_file.write_text(text, encoding="utf-8")
    past = time.time() - 5
    os.utime(events_file, (past, past))  # quiet long enough for the store to read it
    assert "Studiebesök i Guldborgsund" in client.get(f"/events/{STUDY_TRIP}").get_data(as_text=True)


def test_errors_and_downloads_are_sent_as_the_view_makes_them(app):
    client = app.test_client()
    with freeze_time(DAY):
        missing = client.get("/events/no-such-event")
        again = client.get("/events/no-such-event")
    assert missing.status_code == again.status_code == 404
    assert "ETag" not in missing.headers
    cache = app.extensions["calfeed"].current().cache
    assert not [key for key in cache if key[0] == "page" and "no-such-event" in str(key)]


def test_the_cache_drops_its_oldest_entries_beyond_its_byte_budget(app, monkeypatch):
    monkeypatch.setattr(byte_cache, "MAX_CACHED_BYTES", 20_000)
    client = app.test_client()
    with freeze_time(DAY):
        for path in ("/calendar.ics", "/en/calendar.ics", "/", "/en/", "/past", "/en/past"):
            assert client.get(path).status_code == 200
    entries = [e for e in app.extensions["calfeed"].current().cache.values() if isinstance(e, Cached)]
    assert sum(len(e.body) + len(e.gzipped) for e in entries[:-1]) <= 20_000
    assert len(entries) < 6


def count_flask_runs(app) -> list[str]:
    runs: list[str] = []
    app.before_request(lambda: runs.append(__import__("flask").request.full_path))
    return runs


def test_a_repeated_feed_request_is_answered_without_running_flask_again(app):
    runs = count_flask_runs(app)
    client = app.test_client()
    first, second = client.get("/calendar.ics"), client.get("/calendar.ics")
    assert first.data == second.data and first.headers == second.headers
    assert len(runs) == 1
    assert len(strict_events(second.data)) > 0


def test_replayed_answers_keep_the_variants_apart(app):
    runs = count_flask_runs(app)
    client = app.test_client()
    plain, packed = client.get("/en/calendar.ics"), client.get("/en/calendar.ics", headers={"Accept-Encoding": "gzip"})
    etag = plain.headers["ETag"]
    stale = client.get("/en/calendar.ics", headers={"If-None-Match": '"not-this-one"'})
    fresh = client.get("/en/calendar.ics", headers={"If-None-Match": etag})
    other_host = client.get("/en/", base_url="https://kalender.example.org")
    again = [
        client.get("/en/calendar.ics", headers=h) for h in ({}, {"Accept-Encoding": "gzip"}, {"If-None-Match": etag})
    ]
    assert len(runs) == 5  # plain, gzip, two ETags, another host; then three replays
    assert again[0].data == plain.data and "Content-Encoding" not in again[0].headers
    assert gzip.decompress(again[1].data) == plain.data and again[1].headers["Content-Encoding"] == "gzip"
    assert packed.data == again[1].data
    assert stale.status_code == 200 and fresh.status_code == again[2].status_code == 304 and again[2].data == b""
    assert b"kalender.example.org" in other_host.data
    assert b"kalender.example.org" not in client.get("/en/").data  # its own answer, replayed for its own host


def test_errors_live_status_and_static_files_always_run_flask(app):
    runs = count_flask_runs(app)
    client = app.test_client()
    for _ in range(2):
        assert client.get("/events/no-such-event.ics").status_code == 404
        assert client.get("/calendar.ics?type=party").status_code == 400
        assert client.get("/healthz").status_code == 200
        with client.get("/static/calfeed.css") as response:
            assert response.status_code == 200
    assert len(runs) == 8


def test_a_head_request_gets_headers_only_also_when_replayed(app):
    client = app.test_client()
    get = client.get("/calendar.ics")
    heads = [client.head("/calendar.ics") for _ in range(2)]
    for head in heads:
        assert head.status_code == 200 and head.data == b""
        assert head.headers["ETag"] == get.headers["ETag"]
        assert int(head.headers["Content-Length"]) == len(get.data)


def test_an_edit_is_served_at_once_despite_replays(make_app, events_file):
    client = make_app(events_file).test_client()
    assert b"Studieresa till Guldborgsund" in client.get("/calendar.ics").data
    events_file.write_text(
        events_file.read_text(encoding="utf-8").replace("Studieresa till", "Resa till"), encoding="utf-8"
    )
    past = time.time() - 5
    os.utime(events_file, (past, past))
    assert "SUMMARY:Resa till Guldborgsund" in client.get("/calendar.ics").get_data(as_text=True)


def test_a_page_is_rendered_once_per_public_address(client, monkeypatch):
    from calfeed.web import pages

    renders = []
    original = pages.render_template
    monkeypatch.setattr(pages, "render_template", lambda *a, **k: renders.append(1) or original(*a, **k))
    for _ in range(2):
        one = client.get("/", base_url="http://one.example").get_data(as_text=True)
        two = client.get("/", base_url="https://two.example").get_data(as_text=True)
    assert len(renders) == 2
    assert "http://one.example/calendar.ics" in one and "https://two.example/calendar.ics" in two


def count_list_items(monkeypatch) -> list[tuple[str, str]]:
    """(event, language) of every list item the pages render (the others come from memory)."""
    from calfeed.web import page_values

    rendered: list[tuple[str, str]] = []

    def counted(render, event, lang, level):
        def counting(*args):
            rendered.append((event.id, lang))
            return render(*args)

        return page_values.list_item(counting, event, lang, level)

    monkeypatch.setattr(pages, "list_item", counted)
    return rendered


def test_an_event_s_list_item_is_rendered_once_for_every_list_it_is_on(app, monkeypatch):
    rendered = count_list_items(monkeypatch)
    client = app.test_client()
    with freeze_time(DAY):
        pages_ = [client.get(url) for url in ("/", "/projects/umbrella", "/locations/guldborgsund", "/en/")]
    assert all(page.status_code == 200 and STUDY_TRIP in page.get_data(as_text=True) for page in pages_)
    assert rendered.count((STUDY_TRIP, "sv")) == 1 and rendered.count((STUDY_TRIP, "en")) == 1


def test_a_list_item_kept_in_memory_moves_with_the_day(app):
    """On the day of the study trip its item says "Today", though the day before rendered it already."""
    client = app.test_client()
    item = 'class="event today">\n  <h3><a href="/events/' + STUDY_TRIP
    with freeze_time("2019-11-12 10:00"):
        assert item not in client.get("/locations/guldborgsund").get_data(as_text=True)
    with freeze_time("2019-11-13 10:00"):
        assert item in client.get("/").get_data(as_text=True)
