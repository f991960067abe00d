"""The app served for real (werkzeug in a thread on 127.0.0.1) and Debian's Chromium driven by Playwright.

The events file is written with dates relative to today, so the agenda always has upcoming events, one
of them today, and more than a page of past ones: the server reads the real clock, so freezegun cannot
reach it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import threading
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from calfeed.web import create_app

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGS = ["sv", "en", "da", "de", "pl", "lt"]  # every page is tested in each
PAST_EVENTS = 25  # more than a page (20) of past events, so the pager shows


def events_yaml(today: dt.date) -> str:
    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    past = "".join(
        f"  - {{id: past-{n:02d}, title: {{sv: Tidigare möte {n}, en: Earlier meeting {n}}}, type: meeting,"
        f" project: umbrella, location: kalmar, start: {day(-7 * n)}}}\n"
        for n in range(1, PAST_EVENTS + 1)
    )
    return f"""\
calendar:
  name: {{sv: Region Kalmar län – internationellt arbete, en: Region Kalmar County – international work}}
  description: {{sv: Aktiviteter i internationella projekt, en: Activities in international projects}}
  timezone: Europe/Stockholm
  organizer: Region Kalmar län
projects:
  umbrella:
    name: {{sv: Umbrella – kapacitetsbyggande, en: Umbrella – capacity building}}
    short_name: Umbrella
    description: {{sv: Ett projekt om samarbete., en: A project about cooperation.}}
    lead: Euroregion Baltic
    start: {day(-400)}
    end: {day(400)}
  baltic:
    name: Baltic Bridges
locations:
  kalmar: {{name: Kalmar, country: SE}}
  klaipeda: {{name: Klaipėda, country: LT, timezone: Europe/Vilnius}}
  guldborgsund: {{name: Guldborgsund, country: DK}}
events:
  - id: today-workshop
    title: {{sv: Workshop i dag, en: Workshop today}}
    type: workshop
    project: umbrella
    location: kalmar
    start: {day(0)}
  - id: timed-training
    title: {{sv: Utbildning i Klaipėda, en: Training in Klaipėda}}
    type: training
    project: umbrella
    location: klaipeda
    start: {day(3)} 09:00
    end: 12:30
    status: tentative
    url: https://example.org/training
    description:
      sv: "Första stycket om </script> & <b>text</b>.\\n\\nAndra stycket."
      en: "First paragraph about </script> & <b>text</b>.\\n\\nSecond paragraph."
  - id: cancelled-trip
    title: {{sv: Studieresa till Guldborgsund, en: Study trip to Guldborgsund}}
    type: study-trip
    project: baltic
    location: guldborgsund
    start: {day(35)}
    end: {day(36)}
    status: cancelled
  - id: later-conference
    title: {{sv: Konferens, en: Conference}}
    type: conference
    location: kalmar
    start: {day(70)}
{past}"""


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """No access log on stderr: a failing test's output shows its own assertion, not every GET."""


@contextlib.contextmanager
def serve(events: Path, **config: object) -> Iterator[str]:
    """The app on ``events`` (and any ``CALFEED_*`` settings), on a free port of 127.0.0.1, while the block runs."""
    app = create_app({"CALFEED_EVENTS": str(events), "CALFEED_RELOAD_SECONDS": 0.0, **config})
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app serving the generated events file."""
    folder = tmp_path_factory.mktemp("served")
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")).date()
    (folder / "events.yaml").write_text(events_yaml(today), encoding="utf-8")
    with serve(folder / "events.yaml") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator:
    """open_page(viewport=DESKTOP, **context options) -> a fresh Page that records console errors and
    every request it makes (``page.errors``, ``page.requests``), with axe-core loaded into each document."""
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP, **options) -> Page:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        context.add_init_script(path=str(AXE))  # injected by the browser, so a strict CSP cannot block it
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.requests = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m))  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.errors.append(e))  # type: ignore[attr-defined]
        page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA, one line each."""
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
