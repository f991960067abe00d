"""A QR code of a feed address as inline SVG, drawn by segno: no image service, no request elsewhere.

Layer: model (a pure function of its text). The SVG has a viewBox and no size, so the stylesheet
sizes it; black on a white square with the standard quiet zone, so it scans from a screen in either
colour scheme and from paper.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup, escape


@lru_cache(maxsize=256)  # one panel per page, the same few addresses on every page
def svg(url: str, label: str) -> Markup:
    """``url`` as a QR code (error correction M: still scans with some 15% of it smudged), an image named ``label``."""
    code = segno.make(url, error="m", micro=False)
    drawing = code.svg_inline(omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr", lineclass=None)
    return Markup(drawing.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1))
