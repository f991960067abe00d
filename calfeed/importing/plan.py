"""What an import would do to the events file: the new text, and a report of every decision.

Re-import policy, by id (derived from the source's UID): an event already in the file is kept as
staff left it (``update="keep"``, the default) or replaced by the source's version
(``update="overwrite"``); a second import of the same source changes nothing either way.

Layer: loader (like the rest of ``calfeed.importing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .fit import Entry, Fitter
from .incoming import Incoming
from .places import NewLocation
from .yaml_writer import compose, event_block, insert, item_span, location_block, replace_items, section, style_of


@dataclass
class Plan:
    text: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)  # kept, but the source says otherwise
    locations: list[NewLocation] = field(default_factory=list)


def existing_items(text: str, root: Any) -> dict[str, Any]:
    """The events that have an 'id:' line, by id: their nodes in the tree."""
    found = section(root, "events")
    items = getattr(found[1], "value", None) if found else None
    by_id: dict[str, Any] = {}
    for item in items or []:
        if isinstance(item, yaml.MappingNode):
            node = next((v for k, v in item.value if k.value == "id"), None)
            if isinstance(node, yaml.ScalarNode):
                by_id.setdefault(node.value.strip(), item)
    return by_id


def plan(text: str, incoming: Sequence[Incoming], fitter: Fitter, *, update: str = "keep") -> Plan:
    root = compose(text)
    style = style_of(text, root)
    items = existing_items(text, root)
    result = Plan(text)
    new_blocks: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    seen: set[str] = set()

    def current(entry: Entry) -> str:
        start, end = item_span(text, items[entry.id])
        return text[start:end]

    for event in incoming:
        probe = fitter.entries(event, add=False)
        if update == "keep" and probe and all(e.id in items for e in probe):
            for entry in probe:  # nothing recorded: no new location for an event that stays as it is
                result.kept.append(entry.id)
                if current(entry) != event_block(entry, style):
                    result.differing.append(entry.id)
            continue
        for entry in fitter.entries(event):
            if entry.id in seen:
                fitter.notes.append(f"{entry.origin}: the id {entry.id} comes twice from the source; imported once")
                continue
            seen.add(entry.id)
            block = event_block(entry, style)
            if entry.id not in items:
                new_blocks.append(block)
                result.added.append(entry.id)
            elif update == "keep":
                result.kept.append(entry.id)
                if current(entry) != block:
                    result.differing.append(entry.id)
            elif current(entry) != block:
                start, end = item_span(text, items[entry.id])
                replacements.append((start, end, block))
                result.updated.append(entry.id)
            else:
                result.kept.append(entry.id)
    result.locations = list(fitter.places.new.values())
    updated = replace_items(text, replacements)
    root = compose(updated) if replacements else root
    result.text = insert(updated, root, style, new_blocks, [location_block(n, style) for n in result.locations])
    return result
