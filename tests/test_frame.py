"""An event page's frame (base.html around its blocks) is rendered once per language, endpoint and
script root (calfeed/web/frame.py): every event page still equals the whole template rendered for it."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import SHIPPED
from flask import render_template

from calfeed.model import LANGUAGES
from calfeed.web import frame, pages

FIXTURES = Path(__file__).parent / "fixtures"
FILES = [SHIPPED, FIXTURES / "hard-cases.yaml", FIXTURES / "multilingual.yaml", FIXTURES / "recurring.yaml"]
ROOTS = ["", "/kalender"]  # a second script root (a proxy's X-Forwarded-Prefix): every link of the frame differs


def prefix(lang: str) -> str:
    return "" if lang == LANGUAGES[0] else f"/{lang}"


def event_pages(make_app, events: Path) -> dict[tuple[str, str], bytes]:
    client = make_app(events).test_client()
    ids = [e.id for e in client.application.extensions["calfeed"].current().schedule.events]
    answers = {}
    for lang in LANGUAGES:  # each language's pages one after another, the two roots interleaved
        for event_id in ids:
            for root in ROOTS:
                url = f"{prefix(lang)}/events/{event_id}"
                response = client.get(url, environ_overrides={"SCRIPT_NAME": root})
                assert response.status_code == 200, url
                answers[(root, url)] = response.data
    return answers


@pytest.mark.parametrize("events", FILES, ids=lambda p: p.stem)
def test_every_event_page_equals_the_whole_template_in_every_language_and_script_root(
    make_app, tmp_path, monkeypatch, events
):
    copy = tmp_path / events.name
    shutil.copy(events, copy)
    made = []
    monkeypatch.setattr(frame, "_frame", lambda *a, _real=frame._frame: made.append(1) or _real(*a))
    framed = event_pages(make_app, copy)
    assert len(made) == len(LANGUAGES) * len(ROOTS)  # one frame each, not one per page
    assert b'href="/kalender/static/calfeed.css"' in next(v for (root, _), v in framed.items() if root)
    monkeypatch.setattr(pages, "render_framed", render_template)  # the whole template for every page
    assert event_pages(make_app, copy) == framed


def test_an_edited_file_gets_a_new_frame(make_app, tmp_path):
    events = tmp_path / "events.yaml"
    shutil.copy(SHIPPED, events)
    client = make_app(events).test_client()
    event_id = client.application.extensions["calfeed"].current().schedule.events[0].id
    before = client.get(f"/en/events/{event_id}").get_data(as_text=True)
    name = client.application.extensions["calfeed"].current().schedule.calendar.name.get("en")
    assert f"– {name}</title>" in before
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(f"    en: {name}\n", "    en: Renamed calendar\n", 1), encoding="utf-8")
    past = time.time() - 5
    os.utime(events, (past, past))  # quiet long enough for the store to read it
    after = client.get(f"/en/events/{event_id}").get_data(as_text=True)
    assert "– Renamed calendar</title>" in after and '<p class="site-name"><a href="/en/">Renamed calendar</a>' in after


def test_a_template_without_the_blocks_is_refused(app):
    with app.test_request_context("/"):
        template = app.jinja_env.from_string("<p>{% block main %}{% endblock %}</p>")
        with pytest.raises(RuntimeError, match="missing"):
            frame._frame(template, {"lang": "sv"})
