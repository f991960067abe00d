"""'projects:' and 'locations:' as keyed sections, and the references events make to their keys.

Layer: loader. Imports the loader's ``nodes``, ``problems`` and ``advice``; no Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .advice import suggest
from .nodes import SLUG, Reader, slugify
from .problems import INVALID, Invalid

T = TypeVar("T")


@dataclass(frozen=True)
class Section(Generic[T]):
    """The entries of a keyed section by key, and the keys declared there but refused (reported there)."""

    what: str  # "project" or "location": how a message names one entry
    items: dict[str, T]
    broken: frozenset[str] = frozenset()


def keyed(r: Reader, node: Any, section: str, what: str, read: Callable[[str, Any], T | Invalid]) -> Section[T]:
    """Each entry of ``section`` read by ``read(key, node)``; ``node`` is None when the section is left out."""
    if node is None:
        return Section(what, {})
    entries = r.mapping(node, f"'{section}'")
    items: dict[str, T] = {}
    broken = set()
    for slug, (key, value) in (entries or {}).items():
        if not SLUG.match(slug):
            hint = f"use lower-case letters, digits and '-', e.g. '{slugify(slug)}'"
            r.error(key, f"the {what} key '{slug}' cannot be used in a web address", hint)
            continue
        item = read(slug, value)
        if item is INVALID:
            broken.add(slug)
        else:
            items[slug] = item
    return Section(what, items, frozenset(broken))


def reference(r: Reader, node: Any, section: Section[Any], broken: None | Invalid = INVALID) -> str | None | Invalid:
    """The key of a project or location; ``None`` when left out, ``broken`` for a key declared but refused."""
    if node is None:
        return None
    what, known = section.what, section.items
    value = r.string(node, what)
    if value is INVALID:
        return INVALID
    if value not in known and value in section.broken:
        return broken  # its own error is reported where it is declared
    if value not in known:
        hint = suggest(value, known) or (
            f"known {what}s: {', '.join(known)}" if known else f"add it under '{what}s:' first")  # fmt: skip
        return r.error(node, f"unknown {what} '{value}'", hint)
    return value
