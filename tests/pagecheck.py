"""Reading our HTML back with the standard library's parser, for the page tests (no regex over markup)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
WORDS_IN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-done", "data-failed")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)


class Page(HTMLParser):
    """A parsed page: ``find(tag, **attrs)`` and the words a visitor reads (``words``)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self._words: list[str] = []
        self._skip = 0  # inside <script>/<style>, or an element in another language (the language switch)
        self.lang = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag == "html":
            self.lang = element.get("lang")
        if self._open:
            self._open[-1].children.append(element)
        foreign = "lang" in element.attrs and tag != "html" and element.get("lang") != self.lang
        if not self._skip:
            self._words += [element.attrs[a] for a in WORDS_IN_ATTRIBUTES if a in element.attrs]
        if tag not in VOID:
            element.attrs["_skip"] = "1" if (tag in ("script", "style") or foreign) else ""
            self._skip += bool(element.attrs["_skip"])
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            element = self._open.pop()
            self._skip -= bool(element.attrs.pop("_skip", ""))
            if element.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
        if not self._skip:
            self._words.append(data)

    @property
    def words(self) -> str:
        """Visible text and the words in labelling attributes, whitespace collapsed."""
        return " ".join(" ".join(self._words).split())

    def find(self, tag: str, **attrs: str) -> list[Element]:
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in wanted.items())]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def by_class(self, tag: str, name: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and name in e.get("class").split()]

    def json_ld(self) -> dict:
        return json.loads(self.one("script", type="application/ld+json").text)
