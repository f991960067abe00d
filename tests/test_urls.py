"""The links of a list are built from one url_for per endpoint and language (calfeed/web/urls.py
``link``, and ``links``/``absolute_links`` for one request's list): each must be the address url_for gives,
whatever the id, language or mount point."""

from __future__ import annotations

import pytest
from flask import url_for
from hypothesis import example, given, settings
from hypothesis import strategies as st

from calfeed.model import LANGUAGES
from calfeed.web.urls import absolute, absolute_link, absolute_links, link, links

VALUES = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12) | st.from_regex(
    r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True
)
ENDPOINTS = [("pages.event", "event_id"), ("feeds.event", "event_id"), ("pages.project", "slug"),
             ("pages.location", "slug"), ("feeds.location", "slug")]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from calfeed.web import create_app

    folder = tmp_path_factory.mktemp("urls")
    (folder / "events.yaml").write_text("calendar:\n  name: Links\n  timezone: Europe/Stockholm\nevents: []\n")
    return create_app({"CALFEED_EVENTS": str(folder / "events.yaml"), "CALFEED_STATE_DIR": None,
                       "CALFEED_LEDGER": str(folder / "ledger.json")})  # fmt: skip


@given(st.lists(VALUES, min_size=1, max_size=5), st.sampled_from(ENDPOINTS), st.sampled_from(LANGUAGES),
       st.sampled_from(["", "/kalender"]))  # fmt: skip
@example(["a b", "a/b", "å", "calfeed-link-probe", "%2F", "x?y#z", "ok-id"], ENDPOINTS[0], "sv", "/kalender")
@settings(max_examples=200, derandomize=True, database=None, deadline=None)
def test_a_lists_links_are_the_addresses_url_for_gives(site, values, endpoint, lang, script_root):
    name, argument = endpoint
    with site.test_request_context("/", base_url="https://kalender.example.org" + script_root):
        made, paths = absolute_links(name, lang, argument), links(name, lang, argument)
        for value in values:
            assert made(value) == absolute(name, lang=lang, **{argument: value})
            assert paths(value) == url_for(name, lang=lang, **{argument: value})
            assert link(name, lang, **{argument: value}) == url_for(name, lang=lang, **{argument: value})
            assert absolute_link(name, lang, **{argument: value}) == absolute(name, lang=lang, **{argument: value})
