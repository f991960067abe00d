"""Atom 1.0 (RFC 4287) documents: the upcoming activities and the change log as news feeds.

Layer: ics (values in, bytes out; the standard library's ElementTree writes and escapes the XML).
Like the calendar feeds, one set of values always gives the same bytes: every time is an argument.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
ET.register_namespace("", NS)


@dataclass(frozen=True)
class Entry:
    id: str  # a permanent IRI (a tag: URI)
    title: str
    link: str  # the page the entry is about
    updated: dt.datetime
    summary: str
    published: dt.datetime | None = None
    category: tuple[str, str] | None = None  # (term, label)


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str  # this feed's own address
    page_url: str  # the HTML page showing the same
    updated: dt.datetime
    author: str
    lang: str
    subtitle: str = ""


def tag(domain: str, *parts: str) -> str:
    """A tag: URI (RFC 4151) under ``domain``: an id that stays when a title, date or address changes."""
    return f"tag:{domain},2019:" + "/".join(parts)


def document(feed: Feed, entries: Iterable[Entry]) -> bytes:
    root = ET.Element(f"{{{NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": feed.lang})
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", _time(feed.updated))
    ET.SubElement(root, f"{{{NS}}}link", {"rel": "self", "type": "application/atom+xml", "href": feed.self_url})
    ET.SubElement(root, f"{{{NS}}}link", {"rel": "alternate", "type": "text/html", "href": feed.page_url})
    _text(ET.SubElement(root, f"{{{NS}}}author"), "name", feed.author)
    _text(root, "generator", "calfeed")
    for entry in entries:
        item = ET.SubElement(root, f"{{{NS}}}entry")
        _text(item, "id", entry.id)
        _text(item, "title", entry.title)
        ET.SubElement(item, f"{{{NS}}}link", {"rel": "alternate", "type": "text/html", "href": entry.link})
        _text(item, "updated", _time(entry.updated))
        if entry.published is not None:
            _text(item, "published", _time(entry.published))
        if entry.category is not None:
            ET.SubElement(item, f"{{{NS}}}category", {"term": entry.category[0], "label": entry.category[1]})
        _text(item, "summary", entry.summary)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{NS}}}{name}").text = value


def _time(moment: dt.datetime) -> str:
    """RFC 3339 in UTC, to the second, as the ledger keeps it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
