"""`calfeed build` into an earlier export: only changed bytes are written, a manifest says what
changed, and an interrupted build never leaves a half-written site serving."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from freezegun import freeze_time
from icalcheck import strict_events

from calfeed import export, export_tree
from calfeed.cli import main
from calfeed.export_tree import INPUTS, MANIFEST, MARKER, OWN, SHELF, STAGING, site_files

DAY = "2019-11-01 10:00"
EVENT = "umbrella-2019-10-21-utbildning-kristianstad"
TITLE = "Utbildning i internationell projektutveckling"


def build(runner, events: Path, outdir: Path, *extra: str) -> dict:
    with freeze_time(DAY):
        result = runner.invoke(main, ["build", str(outdir), "--events", str(events), *extra])
    assert result.exit_code == 0, result.output
    return json.loads((outdir / export_tree.MANIFEST).read_text(encoding="utf-8"))


def tree(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in outdir.rglob("*")
            if p.is_file() and p.relative_to(outdir).parts[0] not in export_tree.OWN}  # fmt: skip


def stamps(outdir: Path) -> dict[str, tuple[int, int]]:
    return {name: ((outdir / name).stat().st_mtime_ns, (outdir / name).stat().st_ino) for name in tree(outdir)}


def edit(events: Path, old: str, new: str) -> None:
    text = events.read_text(encoding="utf-8")
    assert old in text
    events.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_first_build_lists_every_file_as_added(runner, events_file, tmp_path):
    manifest = build(runner, events_file, tmp_path / "site")
    assert manifest["added"] == sorted(tree(tmp_path / "site"))
    assert manifest["changed"] == manifest["removed"] == [] and manifest["unchanged"] == 0


def test_a_second_build_of_the_same_file_writes_nothing(runner, events_file, tmp_path):
    site = tmp_path / "site"
    build(runner, events_file, site)
    before = stamps(site)
    manifest = build(runner, events_file, site)
    assert (manifest["added"], manifest["changed"], manifest["removed"], manifest["purge"]) == ([], [], [], [])
    assert manifest["unchanged"] == len(before)
    assert stamps(site) == before  # not rewritten: rsync -a and s3 sync skip every file


def test_after_a_one_event_edit_only_the_files_whose_bytes_changed_are_written_and_listed(
    runner, events_file, tmp_path
):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    before, times = tree(site), stamps(site)
    edit(events_file, TITLE, TITLE + " (ny tid)")
    manifest = build(runner, events_file, site, "--changes-to", str(tmp_path / "upload.txt"))
    after = tree(site)
    build(runner, events_file, fresh)
    assert after == tree(fresh)  # the same as a fresh full export of the same file

    changed = sorted(name for name in after if name in before and before[name] != after[name])
    assert manifest["changed"] == changed and manifest["added"] == [] and manifest["removed"] == []
    assert f"events/{EVENT}/index.html" in changed and f"en/events/{EVENT}.ics" in changed
    assert "calendar.ics" in changed and "calendar.ics.gz" in changed
    assert len(changed) < len(after) / 4  # the other events' files are untouched
    assert all(stamps(site)[name] == times[name] for name in after if name not in changed)
    assert (tmp_path / "upload.txt").read_text(encoding="utf-8").splitlines() == changed
    assert f"/events/{EVENT}" in manifest["purge"] and "/calendar.ics" in manifest["purge"]
    titles = [e.summary for e in strict_events(after["calendar.ics"])]
    assert TITLE + " (ny tid)" in titles


def test_files_of_a_deleted_event_are_removed_and_listed(runner, events_file, tmp_path):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    text = events_file.read_text(encoding="utf-8")
    start = text.index(f"  - id: {EVENT}")
    events_file.write_text(text[:start] + text[text.index("  - id:", start + 1) :], encoding="utf-8")
    manifest = build(runner, events_file, site)
    gone = [name for name in manifest["removed"] if EVENT in name]
    assert f"events/{EVENT}.ics" in gone and f"lt/events/{EVENT}/index.html.gz" in gone
    assert not (site / "events" / EVENT).exists()  # its folder goes too
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_an_interrupted_build_leaves_the_previous_export_serving(runner, events_file, tmp_path, monkeypatch):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    before = tree(site)
    edit(events_file, TITLE, TITLE + " (ny tid)")
    real, calls = export._Job._one, []

    def stop_halfway(self, *args):
        calls.append(1)
        if len(calls) == 40:
            raise KeyboardInterrupt  # Ctrl-C, or the CI job cancelled
        return real(self, *args)

    monkeypatch.setattr(export._Job, "_one", stop_halfway)
    with freeze_time(DAY):
        result = runner.invoke(main, ["build", str(site), "--events", str(events_file), "--jobs", "1"])
    assert result.exit_code != 0
    assert tree(site) == before  # nothing of the new version is visible
    monkeypatch.undo()
    build(runner, events_file, site)
    assert not (site / export_tree.STAGING).exists()
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_a_build_stopped_while_moving_files_into_place_is_finished_by_the_next(runner, events_file, tmp_path,
                                                                                monkeypatch):  # fmt: skip
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    edit(events_file, TITLE, TITLE + " (ny tid)")
    real, moves = os.replace, []

    def fail_on_the_third(source, target):  # of the staged files moved into the site
        if export_tree.STAGING in str(source) and export_tree.STAGING not in str(target):
            moves.append(target)
        if len(moves) == 3:
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(export_tree.os, "replace", fail_on_the_third)
    with freeze_time(DAY):
        result = runner.invoke(main, ["build", str(site), "--events", str(events_file)])
    assert result.exit_code == 1 and "No space left on device" in result.output and "Traceback" not in result.output
    assert (site / export_tree.STAGING / export_tree.JOURNAL).is_file()
    monkeypatch.undo()
    build(runner, events_file, site)
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_the_languages_rendered_in_several_processes_give_the_same_site(runner, events_file, tmp_path):
    one = build(runner, events_file, tmp_path / "one", "--jobs", "1")
    three = build(runner, events_file, tmp_path / "three", "--jobs", "3")
    assert one["added"] == three["added"]
    assert tree(tmp_path / "one") == tree(tmp_path / "three")


def test_a_language_hands_on_no_link_to_another_language_s_seeded_pages(make_app, tmp_path):
    """Every page links to its five twins; those are their own language's seeds, rendered there, so
    a language's process does not hand them to the build (100,000 URLs at 10,000 events)."""
    app = make_app()
    with freeze_time(DAY):
        report = export.export(app, tmp_path / "site")
    twinned = {url for url in export.seed_urls(app) if not url.startswith("/static/")}  # pages, feeds, JSON
    assert f"/en/events/{EVENT}" in twinned and f"/en/events/{EVENT}" in report.files
    assert not report.links & twinned
    assert report.links <= set(report.files) | set(report.skipped)


@pytest.mark.parametrize("name", ["index.html", "calendar.ics"])
def test_a_file_changed_by_hand_in_the_export_is_written_again(runner, events_file, tmp_path, name):
    site = tmp_path / "site"
    build(runner, events_file, site)
    original = (site / name).read_bytes()
    (site / name).write_bytes(b"defaced")
    manifest = build(runner, events_file, site)
    assert manifest["changed"] == [name] and (site / name).read_bytes() == original


@pytest.mark.parametrize("name", [f"en/events/{EVENT}/index.html", f"events/{EVENT}.ics", "projects/umbrella.ics",
                                  f"events/{EVENT}/index.html.gz"])  # fmt: skip
def test_a_kept_file_deleted_from_the_export_is_written_again(runner, events_file, tmp_path, name):
    """An unchanged event's or project's files are kept without being read, but not when one is gone."""
    site = tmp_path / "site"
    build(runner, events_file, site)
    original = (site / name).read_bytes()
    (site / name).unlink()
    manifest = build(runner, events_file, site)
    assert name in manifest["added"] and (site / name).read_bytes() == original


def rendered(monkeypatch) -> list[str]:
    """The URLs the next build renders (the others it keeps as they are)."""
    real, own_files, urls = export._Job._one, export._Job._own_files, []

    def counted(self, client, environ, url, report):
        urls.append(url)
        return real(self, client, environ, url, report)

    def counted_own_files(self, lang, chosen, environ, report):
        urls.extend(url for kind in chosen.values() for url in kind)
        return own_files(self, lang, chosen, environ, report)

    monkeypatch.setattr(export._Job, "_one", counted)
    monkeypatch.setattr(export._Job, "_own_files", counted_own_files)
    return urls


def test_only_the_edited_event_s_own_page_and_download_are_rendered_again(runner, events_file, tmp_path, monkeypatch):
    site = tmp_path / "site"
    build(runner, events_file, site)
    edit(events_file, TITLE, TITLE + " (ny tid)")
    urls = rendered(monkeypatch)
    build(runner, events_file, site, "--jobs", "1")
    own = sorted(u for u in urls if "/events/" in u)
    langs = ["", "/da", "/de", "/en", "/lt", "/pl"]
    assert own == sorted(f"{lang}/events/{EVENT}{suffix}" for lang in langs for suffix in ("", ".ics"))
    urls.clear()
    build(runner, events_file, site, "--jobs", "1", "--full")
    assert len([u for u in urls if "/events/" in u]) > 12  # --full renders every event again


@pytest.mark.parametrize("old, new", [
    ("name: Kristianstad", "name: Kristianstad C"),  # a place: every event there shows its name
    ("Umbrella – kapacitetsbyggande", "Umbrella – kapacitetsuppbyggnad"),  # a project's name
])  # fmt: skip
def test_an_edit_outside_the_events_gives_the_same_site_as_a_fresh_export(runner, events_file, tmp_path, old, new):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    if old not in events_file.read_text(encoding="utf-8"):
        pytest.fail(f"{old!r} is not in the shipped file")
    edit(events_file, old, new)
    build(runner, events_file, site)
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_a_series_page_built_again_on_a_later_day_lists_that_day_s_next_dates(runner, tmp_path):
    events = tmp_path / "events.yaml"
    events.write_bytes((Path(__file__).parent / "fixtures" / "recurring.yaml").read_bytes())
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    with freeze_time("2019-11-01 10:00"):
        assert runner.invoke(main, ["build", str(site), "--events", str(events)]).exit_code == 0
    with freeze_time("2020-03-01 10:00"):
        assert runner.invoke(main, ["build", str(site), "--events", str(events)]).exit_code == 0
        assert runner.invoke(main, ["build", str(fresh), "--events", str(events)]).exit_code == 0
    assert tree(site) == tree(fresh)


def test_the_next_build_serialises_only_the_edited_events_feed_bytes(runner, events_file, tmp_path, monkeypatch):
    from calfeed import ics

    site = tmp_path / "site"
    build(runner, events_file, site)
    assert list((site / export_tree.SHELF).glob("*.jsonl"))  # one file of VEVENT bytes per language
    built: list[str] = []
    original = ics.vevent
    monkeypatch.setattr(ics, "vevent", lambda event, ctx: built.append(event.id) or original(event, ctx))
    edit(events_file, TITLE, TITLE + " (ny tid)")
    build(runner, events_file, site, "--jobs", "1")
    assert built and set(built) == {EVENT}  # once per language, nothing else serialised again
    fresh = tmp_path / "fresh"
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_only_the_edited_event_s_project_place_and_type_pages_and_feeds_are_rendered_again(
    runner, events_file, tmp_path, monkeypatch
):
    site = tmp_path / "site"
    build(runner, events_file, site)
    edit(events_file, TITLE, TITLE + " (ny tid)")  # a training in Kristianstad, in Umbrella
    urls = rendered(monkeypatch)
    build(runner, events_file, site, "--jobs", "1")
    facets = sorted(u for u in urls if "/locations/" in u or "/projects/" in u or "/types/" in u)
    langs = ["", "/da", "/de", "/en", "/lt", "/pl"]
    expected = [f"{lang}/{path}" for lang in langs for path in (
        "locations/kristianstad", "locations/kristianstad.ics", "projects/umbrella", "projects/umbrella.ics",
        "types/training.ics")]  # fmt: skip
    assert facets == sorted(expected)
    fresh = tmp_path / "fresh"
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_an_event_moved_to_another_place_gives_the_same_site_as_a_fresh_export(runner, events_file, tmp_path):
    """Both places' pages and feeds change, and so does every place's map (it counts activities per place)."""
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    before = tree(site)
    edit(events_file, "project: umbrella\n    location: kristianstad\n", "project: umbrella\n    location: kalmar\n")
    build(runner, events_file, site)
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)
    assert before["locations/alvesta/index.html"] != tree(site)["locations/alvesta/index.html"]  # its map


def test_a_kept_project_page_still_leads_the_build_to_its_contact_cards(runner, tmp_path):
    events = tmp_path / "events.yaml"
    events.write_bytes((Path(__file__).parent / "fixtures" / "multilingual.yaml").read_bytes())
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events, site)
    cards = sorted(name for name in tree(site) if name.endswith(".vcf"))
    assert cards
    edit(events, "title: Intern genomgång", "title: Intern genomgång (flyttad)")  # an event of no project
    manifest = build(runner, events, site)
    assert "projects/umbrella/index.html" not in manifest["changed"]
    assert sorted(name for name in tree(site) if name.endswith(".vcf")) == cards
    build(runner, events, fresh)
    assert tree(site) == tree(fresh)


def test_pages_built_again_on_a_later_day_move_the_events_that_ended_to_the_past(runner, events_file, tmp_path):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    with freeze_time("2020-01-20 10:00"):  # Alvesta's training (2020-01-10) has ended
        for outdir in (site, fresh):
            assert runner.invoke(main, ["build", str(outdir), "--events", str(events_file)]).exit_code == 0
    assert tree(site) == tree(fresh)


def test_the_site_s_files_are_every_file_but_the_build_s_own(tmp_path):
    for name in [
        "index.html",
        "index.html.gz",
        "en/events/a/index.html",
        "events/a.ics",
        "static/x/y.css",
        MARKER,
        MANIFEST,
        INPUTS,
        f"{STAGING}/en/index.html",
        f"{SHELF}/s.json",
        f"deep/{SHELF}/kept",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    expected = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    expected -= {n for n in expected if n.split("/")[0] in OWN}  # only at the top: a site folder may be named so
    assert sorted(site_files(tmp_path)) == sorted(expected) and f"deep/{SHELF}/kept" in expected
