"""The QR code on each subscribe panel: inline SVG that an independent decoder (ZXing's C++ port, on a
rendering by Cairo) reads back as exactly the panel's https feed address."""

from __future__ import annotations

import io
import re

import cairosvg
import pytest
import zxingcpp
from pagecheck import Page
from PIL import Image

SVG = re.compile(r"<svg\b[^>]*\bclass=\"qr\".*?</svg>", re.S)


def decode(svg: str) -> list[str]:
    """What a phone's camera would read: the SVG drawn to pixels by Cairo, then decoded by ZXing."""
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=480, output_height=480, background_color="white")
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


def panel(client, url: str) -> tuple[str, str]:
    """(the panel's https address, its QR code's SVG)."""
    body = client.get(url).get_data(as_text=True)
    address = Page(body).one("input", id="feed-url").get("value")
    svgs = SVG.findall(body)
    assert len(svgs) == 1
    return address, svgs[0]


@pytest.mark.parametrize("url", ["/", "/en/?type=training&type=workshop&cancelled=hide", "/projects/umbrella",
                                 "/en/locations/guldborgsund?type=conference"])  # fmt: skip
def test_the_qr_code_decodes_to_the_panels_https_feed_address(client, url):
    address, svg = panel(client, url)
    assert address.startswith("http://localhost/")
    assert decode(svg) == [address]


def test_behind_https_the_code_holds_the_https_address(make_app):
    client = make_app(CALFEED_BASE_URL="https://kalender.regionkalmar.se").test_client()
    address, svg = panel(client, "/projects/umbrella?type=training")
    assert address == "https://kalender.regionkalmar.se/projects/umbrella.ics?type=training"
    assert decode(svg) == [address]


def test_the_svg_is_inline_named_for_screen_readers_and_sized_by_the_stylesheet(client):
    _, svg = panel(client, "/en/")
    root = Page(svg).one("svg")
    assert root.get("role") == "img" and root.get("aria-label") == "QR code of the feed address"
    assert root.get("viewbox") and not root.get("width") and not root.get("style")
    assert "href" not in svg  # draws everything itself: no image, no link to anything
    assert decode(svg.replace('fill="#fff"', 'fill="none"'))  # scans on any light background too
