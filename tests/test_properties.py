"""Property-based tests (hypothesis): whatever text staff type, feeds and pages cannot be broken out of.

For generated titles, descriptions and place names — arbitrary Unicode mixed with CR/LF,
``END:VEVENT``, ``BEGIN:VCALENDAR``, ``;``, ``,``, ``\\``, control characters, markup and
10,000-character runs — either the loader refuses the text (a control character; nothing left
after trimming) or:

* the feed parses back with the strict ``ical`` package to exactly one event whose SUMMARY,
  DESCRIPTION and LOCATION are the texts after the loader's documented normalisation (CR and CRLF
  become LF; U+FEFF is dropped; leading and trailing white space is trimmed), and ``vobject`` sees
  the same one event;
* /events.json gives the same texts back;
* every page shows the text only escaped: the escaped form is in the HTML, a parser finds exactly
  the same elements and attributes as on a page with plain text, and reads the text back unchanged.

Budget: the profile ``calfeed-properties`` below, 100 examples per property, derandomized (the same
examples on every run, so CI is deterministic) and without an example database. Raise it locally
with ``--hypothesis-seed`` or by editing ``max_examples``; keep CI's fixed.
"""

from __future__ import annotations

import functools
import gc
import html.parser
import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalcheck import strict_events, vobject_events
from markupsafe import escape

from calfeed.gc_pause import gc_paused
from calfeed.loader import check
from calfeed.web import create_app
from calfeed.web.api import events_body

settings.register_profile(
    "calfeed-properties", max_examples=100, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
PROPERTIES = settings.get_profile("calfeed-properties")

# What the loader refuses in a text (calfeed/loader/nodes.py _CONTROL): C0 but tab and LF, DEL, C1.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FRAGMENTS = [
    "\r\n", "\r", "\n", "\n\n", "\t", " ", "END:VEVENT", "BEGIN:VEVENT", "BEGIN:VCALENDAR", "END:VCALENDAR",
    "SUMMARY:x", ";", ",", "\\", "\\n", ":", '"', "'", "<", ">", "&", "&amp;", "</script>", "<script>",
    "<!--", "-->", "<b onclick=x>", "{{ 7*7 }}", "\x00", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u202e",
    "\ufeff", "é", "e\u0301", "ł", "😀", "𝄞", "x" * 10_000, "å" * 3_000,
]  # fmt: skip
texts = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=12), st.sampled_from(FRAGMENTS)),
    min_size=1, max_size=6,
).map("".join)  # fmt: skip
# The same without control characters (Cc; CR, LF and tab come from the fragments): texts the loader accepts.
publishable = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12),
              st.sampled_from([f for f in FRAGMENTS if not CONTROL.search(f.replace("\r", "\n"))])),
    min_size=1, max_size=6,
).map("".join).filter(lambda text: normalised(text) != "")  # fmt: skip
EVENT_ID = "the-event"
TEMPLATE = """\
calendar:
  name: Property calendar
  timezone: Europe/Stockholm
locations:
  place:
    name: {place}
    country: SE
events:
  - id: {event_id}
    title: {title}
    type: workshop
    location: place
    start: 2199-06-10 10:00
    description: {description}
"""


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``text``: escapes for everything
    YAML would otherwise fold, refuse or read as a line break."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F or (code > 0xA0 and char.isprintable() and char not in "\u2028\u2029\ufeff"):
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def normalised(text: str) -> str:
    """The loader's documented normalisation of a text (README, "Security"): LF line breaks, no U+FEFF, trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").strip()


def acceptable(text: str) -> bool:
    """Refused: a control character anywhere (also where trimming would remove it), or nothing but white space."""
    return bool(normalised(text)) and not CONTROL.search(text.replace("\r", "\n"))


def events_file(title: str, description: str, place: str) -> str:
    return TEMPLATE.format(title=yaml_quote(title), description=yaml_quote(description), place=yaml_quote(place),
                           event_id=EVENT_ID)  # fmt: skip


def serve(text: str):
    """A test client on ``text`` as the events file, in a directory of its own (the ledger lands there)."""
    folder = tempfile.mkdtemp(prefix="calfeed-property-")
    path = Path(folder) / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return create_app({"TESTING": True, "CALFEED_EVENTS": str(path), "CALFEED_RELOAD_SECONDS": 3600.0}).test_client()


@PROPERTIES
@given(texts)
def test_the_loader_reads_any_quoted_text_back_normalised_or_refuses_it(text):
    result = check(events_file(text, "d", "p"))
    if acceptable(text):
        assert result.schedule is not None, [str(p) for p in result.errors]
        assert result.schedule.events[0].title.get() == normalised(text)
    else:
        assert result.schedule is None
        assert any("control character" in p.message or "is empty" in p.message for p in result.errors)


@PROPERTIES
@given(title=publishable, description=publishable, place=publishable)
def test_every_feed_and_the_json_give_back_exactly_the_texts(title, description, place):
    client = serve(events_file(title, description, place))
    body = client.get("/calendar.ics").data
    page = f"http://localhost/events/{EVENT_ID}"

    strict, lenient = strict_events(body), vobject_events(body)
    data = client.get("/events.json").get_json()["events"]

    assert len(strict) == len(lenient) == len(data) == 1
    assert strict[0].uid == lenient[0].uid.value
    assert strict[0].summary == normalised(title)
    assert strict[0].description == f"{normalised(description)}\n\nMer information: {page}"
    assert strict[0].location == f"{normalised(place)}, Sverige"
    assert (data[0]["title"], data[0]["description"], data[0]["location_name"]) == (
        normalised(title), normalised(description), normalised(place))  # fmt: skip
    download = strict_events(client.get(f"/en/events/{EVENT_ID}.ics").data)
    assert [e.summary for e in download] == [normalised(title)]


class Page(html.parser.HTMLParser):
    """The elements and attribute names a browser would build, and the text of every node."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.structure: list[tuple[str, tuple[str, ...]]] = []
        self.texts: list[str] = []
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.structure.append((tag, tuple(name for name, _ in attrs)))

    def handle_endtag(self, tag):
        self.structure.append(("/" + tag, ()))

    def handle_data(self, data):
        self.texts.append(data)


PAGES = (f"/events/{EVENT_ID}", f"/en/events/{EVENT_ID}", "/", "/locations/place")


@functools.cache
def plain_structure(url: str, paragraphs: int) -> list[tuple[str, tuple[str, ...]]]:
    """The elements of ``url`` when the texts are plain words (the description in as many paragraphs)."""
    client = serve(events_file("Title", "\n\n".join("Text" for _ in range(paragraphs)), "Place"))
    return Page(client.get(url).get_data(as_text=True)).structure


@PROPERTIES
@given(title=publishable, description=publishable, place=publishable)
def test_every_page_shows_the_texts_only_escaped(title, description, place):
    paragraphs = normalised(description).split("\n\n")
    hostile = serve(events_file(title, description, place))

    for url in PAGES:
        body = hostile.get(url).get_data(as_text=True)
        page = Page(body)

        assert page.structure == plain_structure(url, len(paragraphs)), url
        assert str(escape(normalised(title))) in body
        assert normalised(title) in page.texts
        assert normalised(place) in "".join(page.texts)
    event_page = Page(hostile.get(f"/events/{EVENT_ID}").get_data(as_text=True))
    assert all(paragraph in event_page.texts for paragraph in paragraphs if paragraph)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=6), max_size=4))
@settings(max_examples=500)
def test_events_json_body_is_json_dumps_of_the_whole_list(entries):
    """/events.json is written one event at a time (memory); the bytes are those of one dumps of the list."""
    expected = json.dumps({"events": entries}, ensure_ascii=False, indent=1).encode()
    assert events_body(iter(entries)) == expected


def test_events_json_body_leaves_no_cycles_while_the_collector_is_paused():
    """A build pauses the cyclic collector (calfeed/gc_pause.py): an entry written with json's
    ``indent=`` left ~20 cyclic objects behind, 200,000 (~20 MB) for a 10,000-event /events.json."""
    entry = {"id": "x", "title": 'Möte "1"\n', "all_day": False, "timezone": None, "count": 3}
    gc.collect()
    with gc_paused():
        before = len(gc.get_objects())
        body = events_body(dict(entry) for _ in range(500))
        after = len(gc.get_objects())
    assert json.loads(body) == {"events": [entry] * 500}
    assert after - before < 50
