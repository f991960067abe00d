"""Interface language: Babel message catalogs (calfeed/translations/<lang>/LC_MESSAGES/messages.po).

Layer: web. Message ids are English; Swedish (the default), Danish, German, Polish and Lithuanian come
from their catalogs, plural forms chosen by each catalog's Plural-Forms rule (docs/translating.md).
The .po files are read with Babel at start-up, so there is no compile step to forget.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request
from markupsafe import Markup

from .. import dates, vocabulary
from ..model import LANGUAGE_NAMES, LANGUAGES, Text

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@dataclass(frozen=True)
class Messages:
    """One language's translations: msgid -> text, and (singular, plural) -> one text per plural form,
    with the catalog's Plural-Forms rule choosing the form for a number (Polish and Lithuanian have three)."""

    texts: dict[Any, Any]
    plural_expr: str

    def get(self, message: Any, default: Any = None) -> Any:
        return self.texts.get(message, default)

    def plural(self, singular: str, plural: str, n: int) -> str:
        forms = self.texts.get((singular, plural))
        if forms is None:
            return singular if n == 1 else plural
        return forms[self.plural_index(n)]

    def plural_index(self, n: int) -> int:
        return _plural_rule(self.plural_expr)(n)

    def __contains__(self, message: object) -> bool:
        return message in self.texts

    def __iter__(self) -> Iterator[Any]:
        return iter(self.texts)

    def items(self) -> Any:
        return self.texts.items()


@lru_cache(maxsize=16)
def _plural_rule(expression: str) -> Callable[[int], int]:
    return gettext_module.c2py(expression)


_READ: dict[tuple[Any, ...], dict[str, Messages]] = {}  # the catalogs by their files' signatures


def load_catalogs() -> dict[str, Messages]:
    """Every language's catalog, without its untranslated and fuzzy entries (those fall back to English).
    Parsed once per process while the .po files stay the same: an app factory called again (a test,
    a second app) does not read them again."""
    paths = [TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po" for lang in LANGUAGES]
    signature = tuple((st.st_mtime_ns, st.st_size) if (st := _stat(p)) else None for p in paths)
    if signature not in _READ:
        _READ.clear()
        _READ[signature] = _read_catalogs()
    return _READ[signature]


def _stat(path: Path) -> Any:
    try:
        return path.stat()
    except OSError:
        return None


def _read_catalogs() -> dict[str, Messages]:
    catalogs: dict[str, Messages] = {}
    for lang in LANGUAGES:
        path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with open(path, "rb") as f:
                catalog = read_po(f, locale=lang)
            texts = {m.id: m.string for m in catalog if m.id and _complete(m.string) and not m.fuzzy}
            catalogs[lang] = Messages(texts, catalog.plural_expr)
    return catalogs


def _complete(string: Any) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def current_lang() -> str:
    """The page's language: the route's ``lang``; for a URL no route matched (a 404), its ``/en`` prefix."""
    if not has_request_context():
        return LANGUAGES[0]
    lang = getattr(g, "lang", None) or (request.view_args or {}).get("lang") or language_of_path(request.path)
    return lang if lang in LANGUAGES else LANGUAGES[0]


def language_of_path(path: str) -> str:
    """'/en/…' and '/en' are English, '/pl/…' Polish and so on; everything else is Swedish, the default."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    return first if first in LANGUAGES else LANGUAGES[0]


_UNKNOWN = re.compile(r"unknown (project|location|type) '(.*)'", re.S)
_FACETS = {"project": "Project", "location": "Place", "type": "Type"}


def explain(message: str, gettext: Any) -> str:
    """A 400's message (written in English for JSON clients) in the page's language."""
    unknown = _UNKNOWN.fullmatch(message)
    if unknown:
        facet, value = unknown.groups()
        if value == "(empty)":
            return gettext("%(facet)s: no value was given.", facet=gettext(_FACETS[facet]))
        return gettext("%(facet)s “%(value)s” is not in the calendar.", facet=gettext(_FACETS[facet]), value=value)
    name = message.split(" ", 1)[0]
    return gettext("The value of “%(name)s” is not valid.", name=name)


def lang_of(text: Text, lang: str) -> Markup:
    """' lang="en"' for an element showing ``text`` on a page in ``lang`` when the events file does not
    give it in ``lang`` and the page falls back to English or Swedish (WCAG 3.1.2, language of parts):
    a screen reader then reads the English title of a Polish page as English. Not for place names:
    "Gdańsk" written once is a name in no one language."""
    used = text.language(lang)
    return Markup(' lang="{}"').format(used) if used != lang else Markup("")


def init_app(app: Flask) -> None:
    catalogs = load_catalogs()

    english = Messages({}, "(n != 1)")

    def gettext(message: str, **variables: Any) -> str:
        return _translated(catalogs.get(current_lang(), english), message, variables)

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
        """The form of ``singular``/``plural`` for ``num`` in the page's language; ``%(num)s`` is the number."""
        text = catalogs.get(current_lang(), english).plural(singular, plural, num)
        return text % {"num": num, **variables}

    app.jinja_env.globals.update(
        explain=lambda message: explain(message, gettext),
        _=gettext,
        gettext=gettext,
        ngettext=ngettext,
        current_lang=current_lang,
        dates=dates,
        vocabulary=vocabulary,
        LANGUAGES=LANGUAGES,
        lang_of=lang_of,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
    app.extensions["calfeed.gettext"] = gettext

    @app.context_processor
    def page_gettext() -> dict[str, Any]:
        """``_`` bound to the page's language once per page, not looked up per message (an event page has ~20)."""
        messages = catalogs.get(current_lang(), english)

        def in_page_language(message: str, **variables: Any) -> str:
            return _translated(messages, message, variables)

        return {"_": in_page_language, "gettext": in_page_language}


def _translated(messages: Messages, message: str, variables: dict[str, Any]) -> str:
    text = messages.get(message, message)
    return text % variables if variables else text
