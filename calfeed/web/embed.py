"""Blueprint ``embed``: the agenda on other sites. ``/embed`` is a small page for an iframe (the only
page another site may frame, see ``security``), ``/embed/fragment`` the same list as bare HTML for a
CMS's server-side include. Both take the agenda's filters, ``limit=N`` and ``past=0|1``.

Layer: web. Links are absolute (the list is shown on another site) and open in the whole window.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from ..model import Event, select
from .current import snapshot
from .page_values import EMBED_LIMIT, coming, ended, lines
from .query import BadRequest, query_args, query_filter
from .urls import absolute, lang_route

bp = Blueprint("embed", __name__)
MAX_LIMIT = 100


def limit() -> int:
    raw = request.args.get("limit", str(EMBED_LIMIT))
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:  # "²" is a digit to isdigit
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}, e.g. limit=5")
    return int(raw)


def wants_past() -> bool:
    raw = request.args.get("past", "0")
    if raw not in ("0", "1"):
        raise BadRequest("past must be 0 (upcoming activities) or 1 (past activities, newest first)", ["0", "1"])
    return raw == "1"


def chosen_events() -> list[Event]:
    """What the embedded list shows: upcoming (or with past=1, past) events of the filter, at most ``limit``."""
    events = select(snapshot().schedule.events, query_filter())
    shown = ended(events) if wants_past() else coming(events)
    return shown[: limit()]


def _context(lang: str) -> dict[str, Any]:
    selection = query_filter()
    past = wants_past()
    agenda = absolute("pages.past_events" if past else "pages.agenda", lang=lang, **query_args(selection))
    return {"items": lines(chosen_events(), lang), "lang": lang, "selection": selection, "past": past,
            "agenda_url": agenda, "schedule": snapshot().schedule}  # fmt: skip


@lang_route(bp, "/embed")
def page(lang: str) -> str:
    return render_template("embed.html", **_context(lang))


@lang_route(bp, "/embed/fragment")
def fragment(lang: str) -> str:
    return render_template("embed_fragment.html", **_context(lang))
