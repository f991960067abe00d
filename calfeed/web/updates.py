"""Blueprint ``updates``: what is coming and what changed. ``/upcoming.atom``: the upcoming activities
as Atom; ``/changes`` and ``/changes.atom``: the change log (calfeed/changelog.py) as a page and as
Atom. All take the feeds' filters, and all exist under ``/en`` too.

Layer: web. The XML is written by ``calfeed.atom``; this module only chooses and words the entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, render_template
from markupsafe import Markup

from .. import atom, changelog, dates, vocabulary
from ..model import Event, Filter, Schedule, select
from ..revisions import ChangeRecord, Revisions
from .byte_cache import cached
from .conditional import send
from .current import calendar_zone, snapshot, today
from .feeds import feed_title
from .page_values import coming, template_values
from .query import language, query_args, query_filter
from .urls import absolute, absolute_links, lang_route, uid_domain

bp = Blueprint("updates", __name__)


def _midnight() -> dt.datetime:
    return dt.datetime.combine(today(), dt.time(0), calendar_zone()).astimezone(dt.UTC)


def _updated() -> dt.datetime:
    """What is upcoming changes at midnight as well as on an edit: the later of the two."""
    return max(snapshot().revisions.last_modified, _midnight())


@lang_route(bp, "/upcoming.atom")
def upcoming(lang: str) -> Response:
    lang = language(lang)
    selection = query_filter()

    def build() -> bytes:
        schedule, revisions = snapshot().schedule, snapshot().revisions
        events = coming(select(schedule.events, selection))
        feed = _feed("upcoming", _gettext()("Upcoming activities"), "updates.upcoming", "pages.agenda", selection, lang,
                     _updated())  # fmt: skip
        entry = _upcoming_entry(schedule, revisions, lang)
        return atom.document(feed, [entry(e) for e in events])

    entry = cached(("upcoming.atom", selection, lang, today()), build)
    return send(entry, atom.CONTENT_TYPE, last_modified=_updated())


def _feed(kind: str, heading: str, endpoint: str, page: str, selection: Filter, lang: str,
          updated: dt.datetime) -> atom.Feed:  # fmt: skip
    """The feed's own data: an id per kind, language and filter, its address and its page's, its name."""
    schedule = snapshot().schedule
    return atom.Feed(
        id=atom.tag(uid_domain(), kind, lang, *_query_parts(selection)),
        title=f"{heading}: {feed_title(schedule, selection, lang)}",
        self_url=absolute(endpoint, lang=lang, **query_args(selection)),
        page_url=absolute(page, lang=lang, **query_args(selection)),
        updated=updated, author=schedule.calendar.organizer or schedule.calendar.name.get(lang), lang=lang,
    )  # fmt: skip


def _upcoming_entry(schedule: Schedule, revisions: Revisions, lang: str) -> Callable[[Event], atom.Entry]:
    """One activity (or one date of a series) as a function of the event: its page, and its date, place
    and type in the summary. The UID's domain and the page address are looked up once per feed."""
    domain, page = uid_domain(), absolute_links("pages.event", lang, "event_id")

    def entry(event: Event) -> atom.Entry:
        parts = [dates.when(event, lang)]
        place = schedule.locations.get(event.location)
        if place is not None:
            parts.append(f"{place.name.get(lang)}, {vocabulary.country_name(place.country, lang)}")
        parts.append(vocabulary.type_name(event.type, lang))
        if event.status != "confirmed":
            parts.append(vocabulary.STATUS_NAMES[event.status].get(lang))
        title = event.title.get(lang)
        if event.status == "cancelled":
            title = vocabulary.CANCELLED_PREFIX.get(lang) + title
        occurrence = [event.recurrence_id.isoformat()] if event.recurrence_id is not None else []
        return atom.Entry(
            id=atom.tag(domain, "event", event.id, *occurrence),
            title=title,
            link=page(event.id),
            updated=revisions.of(event.id).modified,
            summary=" · ".join(parts),
            category=(event.type, vocabulary.type_name(event.type, lang)),
        )

    return entry


def _query_parts(selection: Filter) -> list[str]:
    """The filter in the feed's id, so each filtered feed is a feed of its own to a reader."""
    return [f"{name}={','.join(values) if isinstance(values, list) else values}"
            for name, values in query_args(selection).items()]  # fmt: skip


def _gettext() -> Callable[..., str]:
    return current_app.extensions["calfeed.gettext"]


# -- the change log ----------------------------------------------------------------------------------------

KIND_NAMES = {"added": "Added", "moved": "Moved", "cancelled": "Cancelled", "reinstated": "Reinstated",
              "changed": "Details changed", "removed": "Removed"}  # fmt: skip


def kept_changes() -> list[ChangeRecord]:
    """The changes of the last ``CALFEED_CHANGES_DAYS`` days (counted from today's midnight, so one
    day's pages are one set of bytes) that the query's filter concerns, newest first."""
    selection = query_filter()
    oldest = _midnight() - dt.timedelta(days=int(current_app.config["CALFEED_CHANGES_DAYS"]))
    return [c for c in snapshot().revisions.changes
            if c.at >= oldest and c.matches(selection.projects, selection.locations, selection.types)]  # fmt: skip


def change_title(change: ChangeRecord, lang: str) -> str:
    values = change.after or change.before or {}
    title = values.get("title") or {}
    return (title.get(lang) or title.get("en") or title.get("sv") or change.event_id) if values else change.event_id


def change_link(change: ChangeRecord, lang: str) -> str:
    """The event's page; for an event no longer in the file, the agenda."""
    if change.event_id in snapshot().schedule.by_id:
        return absolute("pages.event", event_id=change.event_id, lang=lang)
    return absolute("pages.agenda", lang=lang)


def differences(change: ChangeRecord, lang: str) -> list[tuple[str, str, str]]:
    """(what, before, after) in words: every tracked value that changed; for an addition or a removal,
    when and where the event is (or was), with the other side empty."""
    gettext = _gettext()
    sides = (("before", change.before), ("after", change.after))
    texts = {side: _texts(change.event_id, values, lang) for side, values in sides if values}
    names = {"when": gettext("When"), "location": gettext("Place"), "title": gettext("Title"),
             "status": gettext("Status"), "type": gettext("Type"), "project": gettext("Project")}  # fmt: skip
    if len(texts) == 1:
        ((side, only),) = texts.items()
        return [(names[key], only[key] if side == "before" else "", only[key] if side == "after" else "")
                for key in ("when", "location") if only[key]]  # fmt: skip
    if not texts:
        return []
    fields = {"when" if name in ("start", "end") else name for name in change.fields}
    return [(names[key], texts["before"][key], texts["after"][key]) for key in names if key in fields]


def _texts(event_id: str, values: Any, lang: str) -> dict[str, str]:
    schedule = snapshot().schedule
    event = changelog.as_event(event_id, values)
    place = schedule.locations.get(event.location)
    project = schedule.projects.get(event.project)
    return {
        "when": dates.when(event, lang),
        "location": place.name.get(lang) if place else event.location,
        "title": event.title.get(lang),
        "status": vocabulary.STATUS_NAMES[event.status].get(lang)
        if event.status in vocabulary.STATUS_NAMES
        else event.status,
        "type": vocabulary.type_name(event.type, lang) if event.type in vocabulary.TYPE_NAMES else event.type,
        "project": project.label.get(lang) if project else event.project,
    }


def difference_markup(before: str, after: str) -> Markup:
    """'från <del>21 oktober 2019</del> till <ins>23 oktober 2019</ins>': words a screen reader says, marks
    the eye sees. The sentence is ours (the catalog); the values are escaped by Markup.format."""
    gettext = _gettext()
    old, new = Markup("<del>{}</del>").format(before), Markup("<ins>{}</ins>").format(after)
    if before and after:
        return Markup(gettext("from %(old)s to %(new)s", old=old, new=new))
    return Markup(gettext("was %(old)s", old=old)) if before else Markup("{}").format(after)


def difference_text(before: str, after: str) -> str:
    gettext = _gettext()
    if before and after:
        return gettext("from %(old)s to %(new)s", old=before, new=after)
    return gettext("was %(old)s", old=before) if before else after


def last_change(event_id: str) -> ChangeRecord | None:
    """The newest change of one event that the log still keeps (for its page's "Last changed")."""
    return next((c for c in snapshot().revisions.changes if c.event_id == event_id), None)


@bp.app_context_processor
def change_helpers() -> dict[str, Any]:
    return {"change_title": change_title, "change_link": change_link, "differences": differences,
            "difference_markup": difference_markup, "last_change": last_change, "kind_names": KIND_NAMES}  # fmt: skip


@lang_route(bp, "/changes")
def changes(lang: str) -> str:
    selection = query_filter()
    return render_template("changes.html", changes=kept_changes(), days=int(current_app.config["CALFEED_CHANGES_DAYS"]),
                           **template_values(selection, lang))  # fmt: skip


@lang_route(bp, "/changes.atom")
def changes_atom(lang: str) -> Response:
    lang = language(lang)
    selection = query_filter()

    def build() -> bytes:
        kept = kept_changes()
        feed = _feed("changes", _gettext()("Changes to the schedule"), "updates.changes_atom", "updates.changes",
                     selection, lang, kept[0].at if kept else snapshot().revisions.last_modified)  # fmt: skip
        return atom.document(feed, [_change_entry(c, lang) for c in kept])

    entry = cached(("changes.atom", selection, lang, today()), build)
    return send(entry, atom.CONTENT_TYPE, last_modified=_updated())


def _change_entry(change: ChangeRecord, lang: str) -> atom.Entry:
    gettext = _gettext()
    lines = [f"{what}: {difference_text(before, after)}" for what, before, after in differences(change, lang)]
    return atom.Entry(
        id=atom.tag(uid_domain(), "change", change.at.strftime("%Y%m%dT%H%M%SZ"), change.event_id),
        title=f"{gettext(KIND_NAMES[change.kind])}: {change_title(change, lang)}",
        link=change_link(change, lang),
        updated=change.at,
        published=change.at,
        summary="; ".join(lines) + ("." if lines else ""),
        category=(change.kind, gettext(KIND_NAMES[change.kind])),
    )
