"""Bytes built once per version of the events file and URL, kept with their gzip and a strong ETag.

Layer: web. Feeds, JSON and Atom call ``cached``; ``page_cache`` keeps the HTML pages the same way.
The cache is the snapshot's own dictionary, so a new version of the file starts with an empty one.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from ..gc_pause import gc_paused
from ..store import Snapshot
from .current import snapshot
from .urls import base_url

REPLAYS = "replays"  # the key, in a snapshot's cache, of the whole responses ``replay.Replay`` keeps
MAX_ENTRIES = 1024
# Bytes kept per version, bodies and their gzip together: a 10,000-event site's default feeds in
# both languages take ~25 MB; beyond the budget the oldest entries go (and are built again if asked).
MAX_CACHED_BYTES = 96_000_000
CACHED_BYTES = (
    "cached bytes"  # the key, in a snapshot's cache, of the bytes its Cached entries hold (counted on insert)
)


def gzip_bytes(body: bytes) -> bytes:
    """The gzip form the app sends, also written beside each exported file (``calfeed build``)."""
    return gzip.compress(body, compresslevel=6, mtime=0)  # mtime=0: same bytes every build


class Cached:
    __slots__ = ("body", "_gzipped", "etag")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._gzipped: bytes | None = None  # made on the first gzip request: not every answer is asked for in gzip
        self.etag = hashlib.sha256(body).hexdigest()[:32]

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip_bytes(self.body)
        return self._gzipped

    @property
    def size(self) -> int:
        return len(self.body) + len(self._gzipped or b"")


def cached(key: Hashable, build: Callable[[], bytes]) -> Cached:
    """The bytes for ``key`` in the current snapshot, built on first use. Every answer carries
    absolute links, so the public address is part of the key."""
    cache = snapshot().cache
    key = _addressed(key)
    entry = cache.get(key)
    if entry is None:
        with gc_paused():  # a feed is thousands of short-lived objects: see calfeed/gc_pause.py
            entry = Cached(build())
        if len(cache) >= MAX_ENTRIES:
            cache.pop(next(iter(cache)))
        cache[key] = entry
        cache[CACHED_BYTES] = cache.get(CACHED_BYTES, 0) + entry.size
        if cache[CACHED_BYTES] > MAX_CACHED_BYTES:
            _trim(cache)
    return entry


def kept(key: Hashable) -> Cached | None:
    """The bytes for ``key`` in the current snapshot if they were built already."""
    return snapshot().cache.get(_addressed(key))


def forget_answers(current: Snapshot) -> None:
    """Drop the answers kept for ``current`` (its Cached bytes and replays), keeping what they
    were built from: ``calfeed build`` asks for each URL once, so keeping them only costs memory."""
    for key in [key for key, value in current.cache.items() if isinstance(value, Cached)]:
        del current.cache[key]
    current.cache.pop(REPLAYS, None)
    current.cache.pop(CACHED_BYTES, None)


def _addressed(key: Hashable) -> Hashable:
    return (key, base_url())


def _trim(cache: dict[Any, Any]) -> None:
    """Drop the oldest entries while the cache holds more than ``MAX_CACHED_BYTES`` (never the newest)."""
    sizes = {key: e.size for key, e in cache.items() if isinstance(e, Cached)}
    total = sum(sizes.values())
    for key in list(sizes)[:-1]:
        if total <= MAX_CACHED_BYTES:
            break
        total -= sizes[key]
        cache.pop(key, None)
        cache.pop(REPLAYS, None)  # they hold bodies too; rebuilt on the next requests
    cache[CACHED_BYTES] = total
