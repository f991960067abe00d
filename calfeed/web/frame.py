"""A page's frame rendered once per language: what the 60,000 event pages of a 10,000-event site share.

Layer: web. Most of ``base.html`` (the head's styles and scripts, the site's navigation, the footer)
is the same on every event page in a language; rendering it again was a fifth of an event page's
template time (2.0 -> 1.6 ms with page_in's fast path, measured). ``render_framed`` renders the
frame once per version of the file, template, language, endpoint and script root, with each block
of ``BLOCKS`` left as a gap, and then only the blocks for each page. So everything that differs
between two pages of one template must be inside one of these blocks; tests/test_frame.py renders
every event page both ways and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import current_app, request
from jinja2 import Template

from .current import snapshot

BLOCKS = ("title", "alternates", "head", "languages", "main")  # in the order base.html shows them
FRAMES = "frames"  # the key, in a snapshot's cache, of the frames rendered so far
_MAX_FRAMES = 256
_GAP = "\x00calfeed-gap\x00"  # no template writes a NUL


def render_framed(name: str, **values: Any) -> str:
    """``render_template(name, **values)``, the frame rendered once (see the module's text)."""
    template = current_app.jinja_env.get_template(name)
    current_app.update_template_context(values)  # what render_template adds: context processors, request, g
    frames = snapshot().cache.setdefault(FRAMES, {})
    key = (name, values["lang"], request.endpoint, request.script_root)
    frame = frames.get(key)
    if frame is None:
        if len(frames) >= _MAX_FRAMES:  # the script root comes from a proxy's X-Forwarded-Prefix
            frames.clear()
        frame = frames[key] = _frame(template, values)
    context = template.new_context(values)
    pieces = [frame[0]]
    for block, after in zip(BLOCKS, frame[1:], strict=True):
        pieces.extend(_block(template, block)(context))
        pieces.append(after)
    return "".join(pieces)


def _frame(template: Template, values: dict[str, Any]) -> tuple[str, ...]:
    context = template.new_context(values)
    for block in BLOCKS:
        context.blocks[block] = [_gap]  # the first of a block's list is what the page shows
    frame = tuple("".join(template.root_render_func(context)).split(_GAP))
    if len(frame) != len(BLOCKS) + 1:
        raise RuntimeError(f"{template.name}: a block of {BLOCKS} is missing or shown twice")
    return frame


def _gap(context: Any) -> Iterator[str]:
    yield _GAP


def _block(template: Template, name: str) -> Callable[[Any], Iterator[str]]:
    """The block ``name`` of ``template`` or, where it does not have its own, of the layout it extends."""
    own = template.blocks.get(name)
    return own or current_app.jinja_env.get_template("base.html").blocks[name]
