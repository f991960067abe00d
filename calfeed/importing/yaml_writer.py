"""New events and locations as YAML text, inserted into the events file in its own style.

A text insertion at the places the YAML parser reports, like ``calfeed add-ids``: comments, order,
quoting, blank lines, line endings and a BOM stay exactly as they were; the new lines copy the
file's indentation and its blank line between events. Values are written plain when YAML reads
them back as the same text, else double-quoted; a text of several lines as a ``|-`` block.

Layer: loader (like the rest of ``calfeed.importing``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from . import SourceError
from .fit import Entry
from .places import NewLocation

_NULL_WORDS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True)
class Style:
    newline: str = "\n"
    dash: int = 2  # column of an event's '-'
    key: int = 4  # column of an event's keys
    step: int = 2  # indentation of a nested mapping
    blank: bool = False  # a blank line between events
    location: int = 2  # column of a location's key


def compose(text: str) -> Any:
    """The node tree with marks that index exactly this text (BOM and CRLF included)."""
    return yaml.compose(text, Loader=yaml.SafeLoader)


def section(root: Any, name: str) -> tuple[Any, Any] | None:
    return next(((k, v) for k, v in root.value if k.value == name), None)


def style_of(text: str, root: Any) -> Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    dash, key, step, blank = 2, 4, 2, False
    found = section(root, "events")
    items = [i for i in getattr(found[1], "value", []) or [] if isinstance(i, yaml.MappingNode)] if found else []
    block = [i for i in items if not i.flow_style and i.value]
    if found is not None and isinstance(found[1], yaml.SequenceNode) and block:
        dash = _dash_column(text, block[0])
        key = block[0].value[0][0].start_mark.column
        nested = [v for i in block for _, v in i.value
                  if isinstance(v, yaml.MappingNode) and not v.flow_style and v.value]  # fmt: skip
        if nested:
            step = max(nested[0].value[0][0].start_mark.column - key, 1)
        if len(items) > 1:
            second = _line_start(text, _dash_index(text, items[1]))
            blank = text[:second].endswith(("\n\n", "\r\n\r\n"))
    location = 2
    places = section(root, "locations")
    if places is not None and isinstance(places[1], yaml.MappingNode) and places[1].value:
        location = places[1].value[0][0].start_mark.column
    return Style(newline, dash, key, step, blank, location)


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that the loader reads back as exactly ``value``."""
    if "\n" not in value and value not in _NULL_WORDS:
        try:
            document = yaml.compose(f"k: {value}", Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            document = None
        node = document.value[0][1] if isinstance(document, yaml.MappingNode) else None
        if isinstance(node, yaml.ScalarNode) and node.style is None and node.value == value and value.strip() == value:
            return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _block_ok(value: str) -> bool:
    """Whether a ``|-`` block keeps ``value``: no line starting with a space or tab (the indentation
    would swallow it, and a tab in it is refused), no line break YAML would change."""
    lines = value.split("\n")
    return "\r" not in value and all(not re.match(r"[ \t]", line) for line in lines) and lines[0] != ""


def lines(key: str, value: Any, indent: int, step: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        out = [f"{pad}{_key(key)}:"]
        for k, v in value.items():
            out += lines(k, v, indent + step, step)
        return out
    if isinstance(value, list):
        return [f"{pad}{_key(key)}: [{', '.join(scalar(v) for v in value)}]"]
    if "\n" in value and _block_ok(value):
        inner = " " * (indent + step)
        return [f"{pad}{_key(key)}: |-", *[f"{inner}{line}" if line else "" for line in value.split("\n")]]
    return [f"{pad}{_key(key)}: {scalar(value)}"]


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else scalar(key)


def event_block(entry: Entry, style: Style) -> str:
    """The event as the lines of one list item, each ending with the file's line break."""
    out: list[str] = []
    for key, value in entry.fields.items():
        out += lines(key, value, style.key, style.step)
    first = out[0][style.key :]
    out[0] = " " * style.dash + "-" + " " * (style.key - style.dash - 1) + first
    return "".join(line + style.newline for line in out)


def location_block(location: NewLocation, style: Style) -> str:
    pad = " " * (style.location + style.step)
    out = [f"{' ' * style.location}{location.key}:", f"{pad}name: {scalar(location.name)}",
           f"{pad}country: {location.country}",
           f"{pad}# TODO: coordinates: [latitude, longitude] (added by calfeed import from "
           f"{json.dumps(location.text, ensure_ascii=False)})"]  # fmt: skip
    return "".join(line + style.newline for line in out)


# -- where things go -----------------------------------------------------------------------------


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _dash_index(text: str, item: Any) -> int:
    """Where the '- ' of a list item is: on the line of its first key, or a line above it."""
    index = item.start_mark.index
    while index > 0:
        start = _line_start(text, index)
        if text[start:index].lstrip(" \ufeff").startswith("-"):
            return start + len(text[start:index]) - len(text[start:index].lstrip(" \ufeff"))
        index = start - 1
    return item.start_mark.index


def _dash_column(text: str, item: Any) -> int:
    index = _dash_index(text, item)
    return index - _line_start(text, index)


def content_end(text: str, node: Any) -> int:
    """The index just after the line break ending a node's last line (its comment on that line included)."""
    index = node.end_mark.index
    while index > 0 and text[index - 1] in " \t\r\n":
        index -= 1
    end = text.find("\n", index)
    return len(text) if end == -1 else end + 1


def item_span(text: str, item: Any) -> tuple[int, int]:
    """[start, end) of a list item's lines, from its '-' line to its last line."""
    return _line_start(text, _dash_index(text, item)), content_end(text, item)


def _after_key_line(text: str, key: Any) -> int:
    end = text.find("\n", key.end_mark.index)
    return len(text) if end == -1 else end + 1


def _ensure_newline(text: str, index: int, newline: str) -> tuple[str, int]:
    if index == len(text) and text and not text.endswith("\n"):
        return text + newline, len(text) + len(newline)
    return text, index


def insert(text: str, root: Any, style: Style, events: list[str], locations: list[str]) -> str:
    """``text`` with the event blocks appended to ``events:`` and the location blocks to ``locations:``."""
    edits: list[tuple[int, int, str]] = []  # (where, how many characters it replaces, the new text)
    found = section(root, "events")
    if found is None:
        raise SourceError("the events file has no 'events:' section")
    key, value = found
    gap = style.newline if style.blank else ""
    if events:
        if isinstance(value, yaml.SequenceNode) and value.value and value.flow_style:
            raise SourceError("'events:' is written as a [ … ] list; write it as lines starting with '- ' to import")
        if isinstance(value, yaml.SequenceNode) and value.value:
            edits.append((content_end(text, value.value[-1]), 0, gap + gap.join(events)))
        else:  # 'events:' with nothing, or an empty [], under it yet
            if isinstance(value, yaml.SequenceNode):
                edits.append(_remove_empty(text, value))
            edits.append((_after_key_line(text, key), 0, gap.join(events)))
    if locations:
        places = section(root, "locations")
        if places is None:
            block = "locations:" + style.newline + "".join(locations) + style.newline
            edits.append((_line_start(text, key.start_mark.index), 0, block))
        elif isinstance(places[1], yaml.MappingNode) and places[1].value and places[1].flow_style:
            raise SourceError("'locations:' is written as a { … } mapping; write it as indented lines to import")
        elif isinstance(places[1], yaml.MappingNode) and places[1].value:
            edits.append((content_end(text, places[1].value[-1][1]), 0, "".join(locations)))
        else:
            if isinstance(places[1], yaml.MappingNode):  # an empty {}
                edits.append(_remove_empty(text, places[1]))
            edits.append((_after_key_line(text, places[0]), 0, "".join(locations)))
    for index, length, insertion in sorted(edits, key=lambda e: e[0], reverse=True):
        text, index = _ensure_newline(text, index, style.newline)
        text = text[:index] + insertion + text[index + length :]
    return text


def _remove_empty(text: str, node: Any) -> tuple[int, int, str]:
    """The edit that removes an empty ``[]`` or ``{}`` and the spaces before it."""
    start = node.start_mark.index
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return (start, node.end_mark.index - start, "")


def replace_items(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each [start, end) replaced by its new block."""
    for start, end, block in sorted(spans, reverse=True):
        text = text[:start] + block + text[end:]
    return text
