"""Blueprint ``pages``: where a page is rendered. Agenda, past events, event, project, location.

Layer: web.
"""

from __future__ import annotations

import itertools
from typing import Any

from flask import Blueprint, Response, abort, current_app, has_request_context, render_template, request, url_for

from .. import geo, jsonld, qr, subscribe, vcard, vocabulary
from ..ics import location_text, summary
from ..loader import slugify
from ..model import Event, Filter, select
from ..recurrence import upcoming_occurrences
from .current import calendar_zone, snapshot, today
from .feeds import feed_title
from .frame import render_framed
from .i18n import current_lang
from .page_values import EMBED_LIMIT, coming, ended, lines, list_item, template_values
from .query import FACETS, known, normalised, page_number, query_args, query_filter
from .urls import absolute, lang_route, link

bp = Blueprint("pages", __name__)
PAGE_SIZE = 20


def by_month(events: list[Event]) -> list[tuple[Any, list[Event]]]:
    zone = calendar_zone()
    return [(month, list(group)) for month, group in
            itertools.groupby(events, key=lambda e: e.first_day(zone).replace(day=1))]  # fmt: skip


@lang_route(bp, "/")
def agenda(lang: str) -> str:
    selection = query_filter()
    schedule = snapshot().schedule
    chosen = select(schedule.events, selection)
    ahead = coming(chosen)
    has_past = any(e.first_day(calendar_zone()) < today() if e.recurrence else e.last_day(calendar_zone()) < today()
                   for e in chosen)  # fmt: skip
    return render_template("agenda.html", months=by_month(ahead), has_past=has_past, feed=("feeds.everything", {}),
                           embed_items=lines(ahead[:EMBED_LIMIT], lang),
                           **template_values(selection, lang))  # fmt: skip


@lang_route(bp, "/past")
def past_events(lang: str) -> str:
    selection = query_filter()
    chosen = ended(select(snapshot().schedule.events, selection))
    number = page_number()
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    if number > pages:
        abort(404)
    shown = chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return render_template("past.html", events=shown, months=by_month(shown), page=number, pages=pages,
                           feed=("feeds.everything", {}), **template_values(selection, lang))  # fmt: skip


@lang_route(bp, "/events/<event_id>")
def event(lang: str, event_id: str) -> str:
    found = snapshot().schedule.by_id.get(event_id)
    if found is None:
        abort(404)
    schedule = snapshot().schedule
    page = absolute("pages.event", event_id=found.id, lang=lang)
    data = jsonld.event_data(found, schedule, lang, page, absolute("pages.agenda", lang=lang))
    occurrences = upcoming_occurrences(found, today(), calendar_zone()) if found.recurrence else []
    return render_framed("event.html", event=found, occurrences=occurrences, jsonld=jsonld.script_text(data),
                           **template_values(Filter(), lang))  # fmt: skip


@lang_route(bp, "/projects/<slug>")
def project(lang: str, slug: str) -> str:
    known("project", slug)
    selection = query_filter().narrow("projects", [slug])
    return _scoped("project.html", selection, lang, ("feeds.project", {"slug": slug}),
                   project=snapshot().schedule.projects[slug])  # fmt: skip


@lang_route(bp, "/locations/<slug>")
def location(lang: str, slug: str) -> str:
    known("location", slug)
    selection = query_filter().narrow("locations", [slug])
    return _scoped("location.html", selection, lang, ("feeds.location", {"slug": slug}),
                   location=snapshot().schedule.locations[slug])  # fmt: skip


def _scoped(template: str, selection: Filter, lang: str, feed: tuple[str, dict[str, str]], **extra: Any) -> str:
    chosen = select(snapshot().schedule.events, selection)
    context = template_values(selection, lang)
    context["query"] = query_args(selection, feed[1])
    return render_template(
        template, upcoming_events=coming(chosen), past_events=ended(chosen), feed=feed, **context, **extra,
    )  # fmt: skip


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    """Functions the templates call: links to this page in another language, feeds, subscriptions."""

    asked = request._get_current_object() if has_request_context() else None  # type: ignore[attr-defined]
    shown = {k: v for k, v in (getattr(asked, "view_args", None) or {}).items() if k != "lang"}
    # An event's page links to itself 13 times (6 languages, alternates and switch): link() writes those.
    one = asked is not None and asked.endpoint and not asked.args and [type(v) for v in shown.values()] == [str]

    def page_in(lang: str) -> str:
        if one:
            return link(asked.endpoint, lang, **shown)  # type: ignore[union-attr]
        values = {**shown, "lang": lang}
        # a query argument named like a path value or a url_for option (?lang=, ?_external=) is not passed on
        query: dict[str, Any] = {
            k: [normalised(x) for x in v] if k in FACETS else v
            for k, v in request.args.to_dict(flat=False).items()
            if k not in values and not k.startswith("_")
        }
        return url_for(request.endpoint or "pages.agenda", **values, **query)

    def feed_links(feed: tuple[str, dict[str, str]], query: dict[str, Any], lang: str, name: str) -> dict[str, str]:
        endpoint, values = feed
        return subscribe.feed_links(absolute(endpoint, lang=lang, **values, **query), name)

    def feed_name(selection: Filter, lang: str) -> str:
        return feed_title(snapshot().schedule, selection, lang)

    def describe(selection: Filter, lang: str) -> str:
        return feed_title(snapshot().schedule, selection, lang)

    def filter_parts(query: dict[str, Any], lang: str) -> list[tuple[str, str]]:
        """What a page's query string filters, as (facet, chosen values) in words, for 'Showing only: …'."""
        schedule = snapshot().schedule
        gettext = current_app.extensions["calfeed.gettext"]
        names = {"project": lambda v: schedule.projects[v].label.get(lang),
                 "location": lambda v: schedule.locations[v].name.get(lang),
                 "type": lambda v: vocabulary.type_name(v, lang)}  # fmt: skip
        facets = {"project": gettext("Project"), "location": gettext("Place"), "type": gettext("Type")}
        parts = [(facets[name], ", ".join(names[name](v) for v in query[name])) for name in names if name in query]
        if query.get("cancelled") == "hide":
            parts.append((gettext("Status"), gettext("cancelled events hidden")))
        return parts

    def event_links(event: Event, lang: str) -> dict[str, str]:
        schedule = snapshot().schedule
        page = absolute("pages.event", event_id=event.id, lang=lang)
        details = f"{event.description.get(lang)}\n\n{page}".strip()
        return subscribe.event_links(event, summary(event, lang), details, location_text(event, schedule, lang))

    # "schedule" and "lang" are defaults for pages rendered without them (error pages); a view's own win.
    return {"page_in": page_in, "feed_links": feed_links, "feed_name": feed_name, "describe": describe,
            "event_links": event_links, "filter_parts": filter_parts, "schedule": snapshot().schedule,
            "lang": current_lang(), "absolute_url": absolute, "selection_args": query_args, "qr_svg": qr.svg,
            "revision_of": snapshot().revisions.of, "list_item": list_item,
            "frame_origins": current_app.extensions.get("calfeed.frame_origins", ())}  # fmt: skip


# -- projects: overview, map, contact cards (issue 9) ------------------------------------


@lang_route(bp, "/projects")
def projects(lang: str) -> str:
    return render_template("projects.html", **template_values(Filter(), lang))


@lang_route(bp, "/projects/<slug>/contacts/<int:number>.vcf")
def contact_card(lang: str, slug: str, number: int) -> Response:
    """Contact ``number`` (1-based, in the order of the events file) of a project as a vCard."""
    known("project", slug)
    contacts = snapshot().schedule.projects[slug].contacts
    if not 1 <= number <= len(contacts):
        abort(404)
    contact = contacts[number - 1]
    response = Response(vcard.vcard(contact, lang), mimetype="text/vcard")  # a text/ type: "; charset=utf-8"
    filename = slugify(contact.name) or "contact"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.vcf"'
    return response


@bp.app_context_processor
def maps() -> dict[str, Any]:
    """The map partial's helpers: a project's map, a location's map, marker links, the outline."""
    schedule = snapshot().schedule

    def project_map(slugs: list[str]) -> geo.Map:
        return geo.build(schedule, slugs)

    def location_map(slug: str) -> geo.Map:
        return geo.build(schedule, list(schedule.projects), list(schedule.locations), highlight=slug)

    def place_url(place: geo.Place, lang: str) -> str:
        kind, slug, anchor = place.link
        if kind == "location":
            return url_for("pages.location", slug=slug, lang=lang)
        return url_for("pages.project", slug=slug, lang=lang, _anchor=anchor)

    return {"project_map": project_map, "location_map": location_map, "place_url": place_url,
            "coastline": geo.coastline, "geo": geo, "tel_uri": vcard.tel_uri}  # fmt: skip
