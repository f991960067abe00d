"""Hostile events files: refused with a clear message, never a crash, and the running app keeps
serving the last good version. The corpus is ``tests/hostile/``; each file's expected outcome and
the reason it is there are in ``tests/hostile/expected.toml``."""

from __future__ import annotations

import html.parser
import json
import os
import subprocess
import sys
import time
import tomllib
import tracemalloc
from pathlib import Path

import pytest
import yaml
from icalcheck import strict_events, vobject_events

from calfeed import loader
from calfeed.errors import EventsFileError
from calfeed.loader import check, check_file

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, dict] = tomllib.loads((HOSTILE / "expected.toml").read_text(encoding="utf-8"))
REFUSED = sorted(name for name, entry in EXPECTED.items() if entry["outcome"] == "error")
ACCEPTED = sorted(name for name, entry in EXPECTED.items() if entry["outcome"] == "ok")

GOOD = """\
calendar:
  name: Last good version
  timezone: Europe/Stockholm
locations:
  kalmar:
    name: Kalmar
    country: SE
events:
  - id: the-good-one
    title: The good one
    type: meeting
    location: kalmar
    start: 2019-11-13
"""


def limit(name: str) -> int:
    return EXPECTED[name].get("max_bytes", loader.MAX_BYTES)


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` as an editor would, dated in the past so the store does not wait for it to settle."""
    path.write_bytes(data)
    past = time.time() - 60
    os.utime(path, (past, past))


def test_the_corpus_has_at_least_30_files_each_with_an_expected_outcome():
    on_disk = {p.name for p in HOSTILE.iterdir() if p.name != "expected.toml"}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 30
    assert all(entry["why"] and entry["outcome"] in ("ok", "error") for entry in EXPECTED.values())


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_file_is_refused_with_its_expected_message_and_position(name):
    result = check_file(HOSTILE / name, max_bytes=limit(name))
    entry = EXPECTED[name]
    assert result.schedule is None
    first = result.errors[0]
    assert f"{first.line}:{first.column}" == entry["at"]
    assert entry["message"] in first.message


@pytest.mark.parametrize("name", ACCEPTED)
def test_odd_but_harmless_file_is_accepted(name):
    result = check_file(HOSTILE / name, max_bytes=limit(name))
    assert result.schedule is not None, [str(p) for p in result.errors]
    assert result.schedule.events
    warnings = [p.message for p in result.warnings]
    if "warning" in EXPECTED[name]:
        assert EXPECTED[name]["warning"] in warnings[0]
    else:
        assert warnings == []


@pytest.mark.parametrize("name", REFUSED)
def test_running_app_keeps_serving_the_last_good_version_after_a_hostile_save(make_app, tmp_path, name):
    events = tmp_path / "events.yaml"
    replace_file(events, GOOD.encode())
    app = make_app(events, CALFEED_MAX_BYTES=limit(name))
    client = app.test_client()
    assert client.get("/calendar.ics").status_code == 200

    replace_file(events, (HOSTILE / name).read_bytes())
    feed = client.get("/calendar.ics")
    page = client.get("/")
    health = client.get("/healthz").get_json()

    assert feed.status_code == 200 and page.status_code == 200
    assert [str(e.summary) for e in strict_events(feed.data)] == ["The good one"]
    assert health["status"] == "stale"
    assert EXPECTED[name]["message"] in health["errors"][0]["message"]


@pytest.mark.parametrize("name", REFUSED)
def test_app_refuses_to_start_on_a_hostile_file(make_app, tmp_path, name):
    events = tmp_path / "events.yaml"
    replace_file(events, (HOSTILE / name).read_bytes())
    with pytest.raises(EventsFileError) as caught:
        make_app(events, CALFEED_MAX_BYTES=limit(name))
    assert EXPECTED[name]["message"] in caught.value.problems[0].message


@pytest.mark.parametrize("name", ACCEPTED)
def test_every_url_of_an_odd_but_harmless_file_answers_without_a_server_error(make_app, tmp_path, name):
    events = tmp_path / "events.yaml"
    replace_file(events, (HOSTILE / name).read_bytes())
    client = make_app(events).test_client()
    schedule = check_file(events).schedule
    urls = ["/", "/en/", "/past", "/calendar.ics", "/events.json", "/healthz"]
    for event in schedule.events[:3]:
        urls += [f"/events/{event.id}", f"/en/events/{event.id}", f"/events/{event.id}.ics"]
    for slug in schedule.locations:
        urls += [f"/locations/{slug}", f"/locations/{slug}.ics"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".ics"):
            assert len(strict_events(response.data)) == len(vobject_events(response.data)) >= 1


# --- the text in the accepted files comes out escaped -------------------------------------------------------


def test_ics_injection_in_title_and_description_stays_inside_one_event(make_app):
    app = make_app((HOSTILE / "ics-injection-in-text.yaml").read_text(encoding="utf-8"))
    body = app.test_client().get("/calendar.ics").data
    title = "Workshop\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil@example.org\nSUMMARY:Injected"

    strict, lenient = strict_events(body), vobject_events(body)

    assert len(strict) == len(lenient) == 1
    assert strict[0].summary == lenient[0].summary.value == title
    assert strict[0].description.startswith("Hello\nEND:VEVENT\nEND:VCALENDAR\nBEGIN:VCALENDAR\nBEGIN:VEVENT\n"
                                            "SUMMARY:Injected; with, \\ specials\n")  # fmt: skip
    lines = body.replace(b"\r\n ", b"").split(b"\r\n")  # unfolded content lines
    assert lines.count(b"BEGIN:VEVENT") == lines.count(b"END:VEVENT") == 1
    assert lines.count(b"BEGIN:VCALENDAR") == lines.count(b"END:VCALENDAR") == 1


class _Markup(html.parser.HTMLParser):
    """What a browser would see: tags with their attributes, and the text of each <script>."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_markup_in_title_place_and_description_is_shown_as_text_on_every_page(make_app):
    app = make_app((HOSTILE / "html-injection-in-text.yaml").read_text(encoding="utf-8"))
    client = app.test_client()
    for url in ("/events/hostile-1", "/", "/past", "/locations/kalmar", "/en/events/hostile-1"):
        body = client.get(url).get_data(as_text=True)
        markup = _Markup(body)
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert not any(name.startswith("on") for _, attrs in markup.tags for name in attrs), url
        assert not any(tag == "img" for tag, _ in markup.tags), url
        assert not any(tag == "script" and not attrs.get("src") and attrs.get("type") != "application/ld+json"
                       for tag, attrs in markup.tags), url  # fmt: skip


def test_json_ld_block_cannot_be_closed_early_by_script_tags_in_event_text(make_app):
    app = make_app((HOSTILE / "html-injection-in-text.yaml").read_text(encoding="utf-8"))
    body = app.test_client().get("/events/hostile-1").get_data(as_text=True)
    scripts = [s for s in _Markup(body).scripts if s.strip()]

    data = [json.loads(s) for s in scripts]

    assert len(data) == 1
    assert data[0]["name"] == '<script>alert(1)</script> & \'"quotes"'
    assert data[0]["description"] == "</script><script>alert(2)</script><!--"  # the U+2028 was trimmed
    assert "</script>" not in scripts[0] and "<!--" not in scripts[0]


def test_a_url_with_a_quote_stays_one_href_attribute(make_app):
    app = make_app((HOSTILE / "url-attribute-breakout.yaml").read_text(encoding="utf-8"))
    body = app.test_client().get("/events/hostile-1").get_data(as_text=True)
    links = [attrs for tag, attrs in _Markup(body).tags if tag == "a"]

    assert {"href": 'https://example.org/"onmouseover="alert(1)'} in links
    assert not any(name.startswith("on") for attrs in links for name in attrs)


def test_crlf_file_gives_texts_with_lf_line_breaks():
    schedule = check_file(HOSTILE / "crlf.yaml").schedule
    assert schedule.events[0].description.get() == "First line\nsecond line"


def test_carriage_returns_inside_a_quoted_text_become_line_feeds():
    text = (HOSTILE / "ics-injection-in-text.yaml").read_text(encoding="utf-8")
    title = check(text).schedule.events[0].title.get()
    assert "\r" not in title and title.startswith("Workshop\nEND:VEVENT\n")


# --- generated files: too big to keep in the repository ------------------------------------------------------

DEEP_PROBE = """
import sys, yaml
from calfeed import loader
if sys.argv[1] == "python":
    loader._Parser = yaml.SafeLoader
result = loader.check("events:\\n  - " + "[" * 100_000 + "]" * 100_000)
print(result.errors[0].message)
"""


@pytest.mark.parametrize("parser", ["default", "python"])
def test_100000_nested_brackets_are_a_yaml_error_not_a_crashed_process(parser):
    # In a child process: a C stack overflow would kill it (and would kill pytest if run here).
    run = subprocess.run([sys.executable, "-c", DEEP_PROBE, parser], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "not valid YAML" in run.stdout


def test_the_default_parser_is_libyaml_when_it_bounds_nesting():
    assert loader._Parser is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_a_file_over_the_default_5_mb_limit_is_refused_and_the_app_keeps_the_last_good(make_app, tmp_path):
    events = tmp_path / "events.yaml"
    replace_file(events, GOOD.encode())
    client = make_app(events).test_client()
    padding = b"# " + b"x" * 98 + b"\n"
    replace_file(events, GOOD.encode() + padding * (loader.MAX_BYTES // len(padding) + 1))

    result = check_file(events)
    health = client.get("/healthz").get_json()

    assert "the file is larger than 5,000,000 bytes" in result.errors[0].message
    assert health["status"] == "stale" and health["events"] == 1


def test_billion_laughs_is_composed_without_expanding_it():
    text = (HOSTILE / "billion-laughs.yaml").read_text(encoding="utf-8")
    tracemalloc.start()
    try:
        result = check(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.schedule is None
    assert peak < 5_000_000  # 10^9 expanded strings would need gigabytes


def test_a_tag_that_would_run_a_command_runs_nothing(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    text = (HOSTILE / "tag-python-object-apply.yaml").read_text(encoding="utf-8").replace("/tmp/calfeed-pwned",
                                                                                           str(marker))  # fmt: skip
    monkeypatch.chdir(tmp_path)
    result = check(text)
    assert result.schedule is None
    assert not marker.exists()


def test_a_loader_bug_on_some_file_leaves_the_last_good_version_serving(make_app, tmp_path, monkeypatch, caplog):
    events = tmp_path / "events.yaml"
    replace_file(events, GOOD.encode())
    client = make_app(events).test_client()

    def crash(*args, **kwargs):
        raise OverflowError("date value out of range")

    monkeypatch.setattr("calfeed.store.check_here", crash)
    monkeypatch.setattr("calfeed.store.check_apart", crash)
    replace_file(events, GOOD.replace("The good one", "A newer one").encode())
    feed = client.get("/calendar.ics")
    health = client.get("/healthz").get_json()

    assert [str(e.summary) for e in strict_events(feed.data)] == ["The good one"]
    assert health["status"] == "stale" and "internal error" in health["errors"][0]["message"]
    assert "OverflowError" in caplog.text
