"""The links of an exported page that lead to more of the site: what ``calfeed build`` crawls.

Layer: bottom (standard library only; no Flask, no I/O).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

# Autoescaped Jinja writes every attribute in double quotes: a regular expression reads the links
# of a 10,000-event site in a fraction of html.parser's time.
_LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')
_QUERY_OR_FRAGMENT = re.compile(r"[?#]")
_RESOLVED = re.compile(r"/\.|[\t\r\n]")  # dot segments, and the characters urlsplit removes


def links(page: str) -> list[str]:
    """Every href, src and form action in ``page`` (as Jinja writes them: double-quoted)."""
    return [html.unescape(value) for value in _LINK.findall(page) if value]


def site_links(html: str, page_url: str, base: str = "") -> list[str]:
    """The links of a page that point into this site, as paths without query or fragment."""
    root = base or "http://localhost"
    scheme, netloc, *_ = urlsplit(root)
    origin = f"{scheme}://{netloc}"
    found = []
    for link in links(html):
        path = _plain_path(link, origin)
        if path is None:  # anything but a plain absolute link: as a browser resolves it
            target = urlsplit(urljoin(root + page_url, link))
            if target.scheme not in ("http", "https", "webcal") or target.netloc != netloc:
                continue
            path = target.path or "/"
        found.append(path)
    return list(dict.fromkeys(found))


def _plain_path(link: str, origin: str) -> str | None:
    """The path of ``/path?query`` or ``origin/path#fragment`` without urljoin (a 10,000-event page
    has 10,000 links); None for any other link, or one whose path a resolver would change."""
    if link.startswith(origin + "/"):
        link = link[len(origin) :]
    elif not link.startswith("/") or link.startswith("//"):
        return None
    path = _QUERY_OR_FRAGMENT.split(link, 1)[0]
    return None if _RESOLVED.search(path) else path
