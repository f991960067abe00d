"""`calfeed build` keeps each event's list items (calfeed/item_shelf.py) and the next build reuses
those of the events that did not change, on the same day, with the same code and settings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from freezegun import freeze_time

from calfeed import item_shelf
from calfeed.cli import main
from calfeed.export_tree import ITEMS, OWN

DAY = "2019-11-01 10:00"
EDITED = "umbrella-2019-10-21-utbildning-kristianstad"
TITLE = "Utbildning i internationell projektutveckling"
OTHER = "umbrella-2020-02-25-konferens-guldborgsund"  # listed on the agenda of DAY
MARK = "Kept from the build before"


def build(runner, events: Path, outdir: Path, *extra: str, day: str = DAY) -> None:
    with freeze_time(day):
        result = runner.invoke(main, ["build", str(outdir), "--events", str(events), *extra])
    assert result.exit_code == 0, result.output


def tree(outdir: Path) -> dict[str, bytes]:
    return {p.relative_to(outdir).as_posix(): p.read_bytes() for p in outdir.rglob("*")
            if p.is_file() and p.relative_to(outdir).parts[0] not in OWN}  # fmt: skip


def mark_other_item(site: Path) -> None:
    """Put MARK into the Swedish item of OTHER that the last build kept."""
    path = site / ITEMS / "sv.jsonl"
    head, *lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert any(row[0] == OTHER for row in rows)
    rows = [[*row[:4], row[4].replace("</h3>", MARK + "</h3>")] if row[0] == OTHER else row for row in rows]
    path.write_text("\n".join([head, *(json.dumps(row) for row in rows)]) + "\n", encoding="utf-8")


def edit_title(events: Path) -> None:
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace(TITLE, TITLE + " (ny tid)", 1), encoding="utf-8")


def test_the_next_build_reuses_the_items_of_unchanged_events_and_renders_the_edited_one(runner, events_file, tmp_path):
    site = tmp_path / "site"
    build(runner, events_file, site)
    mark_other_item(site)
    edit_title(events_file)
    build(runner, events_file, site)
    agenda = (site / "index.html").read_text(encoding="utf-8")
    assert MARK in agenda  # the kept item, not rendered again
    assert TITLE + " (ny tid)" in (site / "past" / "index.html").read_text(encoding="utf-8")  # the edited one is
    assert MARK not in (site / "en" / "index.html").read_text(encoding="utf-8")  # only Swedish's was marked


def test_items_of_another_day_or_a_full_build_are_not_reused(runner, events_file, tmp_path):
    site = tmp_path / "site"
    build(runner, events_file, site)
    mark_other_item(site)
    edit_title(events_file)
    build(runner, events_file, site, "--full")
    assert MARK not in (site / "index.html").read_text(encoding="utf-8")
    mark_other_item(site)
    build(runner, events_file, site, day="2019-11-02 10:00")  # "today" moved: every item is rendered again
    assert MARK not in (site / "index.html").read_text(encoding="utf-8")


def test_a_damaged_or_foreign_item_file_is_ignored(runner, events_file, tmp_path):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    (site / ITEMS / "sv.jsonl").write_text('{"format": 1, "site": "x", "day": "2019-11-01"}\n["a"]\n', encoding="utf-8")
    (site / ITEMS / "en.jsonl").write_bytes(b"\xff not json")
    edit_title(events_file)
    build(runner, events_file, site)
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


def test_only_items_of_events_with_the_same_print_and_well_formed_lines_are_read(tmp_path):
    day = dt.date(2019, 11, 1)
    items = [(("a", "", 3), "p1", "<li>a</li>"), (("b", "2019-11-01T10:00:00+01:00", 2), "p2", "<li>b</li>"),
             (("c", "", 3), "old", "<li>c</li>")]  # fmt: skip
    item_shelf.ItemShelf(tmp_path, "sv").write("site", day, iter(items))
    assert item_shelf.ItemShelf(tmp_path, "sv").read("site", {"a": "p1", "b": "p2", "c": "new"}) == (
        day, {("a", "", 3): "<li>a</li>", ("b", "2019-11-01T10:00:00+01:00", 2): "<li>b</li>"})  # fmt: skip
    assert item_shelf.ItemShelf(tmp_path, "sv").read("other site", {"a": "p1"}) is None
    assert item_shelf.ItemShelf(tmp_path, "en").read("site", {"a": "p1"}) is None
    with open(tmp_path / "sv.jsonl", "a", encoding="utf-8") as file:
        file.write(json.dumps(["a", "", "3", "p1", "<li>level as text</li>"]) + "\n")
        file.write('["b", "", 2, "p2", "<li>torn\n["d", "", 3, "p4", "<li>d</li>"]\n')
    kept = item_shelf.ItemShelf(tmp_path, "sv").read("site", {"a": "p1", "d": "p4"})[1]
    assert ("a", "", "3") not in kept and kept == {("a", "", 3): "<li>a</li>", ("d", "", 3): "<li>d</li>"}


ITEMS_OF_DAY = [((f"e{n}", "", 3), f"p{n}", f"<li>{n}</li>") for n in range(10)]


def test_an_edit_appends_its_items_and_keeps_the_lines_before(tmp_path):
    day = dt.date(2019, 11, 1)
    item_shelf.ItemShelf(tmp_path, "sv").write("site", day, ITEMS_OF_DAY)
    before = (tmp_path / "sv.jsonl").read_bytes()
    shelf = item_shelf.ItemShelf(tmp_path, "sv")
    prints = {f"e{n}": f"p{n}" for n in range(10)} | {"e4": "p4 edited"}
    day_, kept = shelf.read("site", prints)
    assert day_ == day and len(kept) == 9
    shelf.write("site", day, [*ITEMS_OF_DAY[:4], (("e4", "", 3), "p4 edited", "<li>4!</li>"), *ITEMS_OF_DAY[5:]])
    after = (tmp_path / "sv.jsonl").read_bytes()
    assert after.startswith(before) and after[len(before) :].count(b"\n") == 1
    assert item_shelf.ItemShelf(tmp_path, "sv").read("site", prints)[1][("e4", "", 3)] == "<li>4!</li>"


def test_another_day_another_writer_or_too_many_old_lines_write_the_file_afresh(tmp_path):
    day, path = dt.date(2019, 11, 1), tmp_path / "sv.jsonl"
    item_shelf.ItemShelf(tmp_path, "sv").write("site", day, ITEMS_OF_DAY)
    prints = {f"e{n}": f"p{n}" for n in range(10)}

    def lines() -> int:
        return len(path.read_bytes().splitlines()) - 1

    shelf = item_shelf.ItemShelf(tmp_path, "sv")
    shelf.read("site", prints)
    shelf.write("site", day + dt.timedelta(days=1), ITEMS_OF_DAY)  # another day: its own file
    assert lines() == 10 and item_shelf.ItemShelf(tmp_path, "sv").read("site", prints)[0] == day + dt.timedelta(1)
    item_shelf.ItemShelf(tmp_path, "sv").write("site", day, ITEMS_OF_DAY)
    shelf = item_shelf.ItemShelf(tmp_path, "sv")
    shelf.read("site", {**prints, "e9": "p9 edited"})
    item_shelf.ItemShelf(tmp_path, "sv").write("site", day, ITEMS_OF_DAY[:3])  # another process, since
    shelf.write("site", day, [*ITEMS_OF_DAY[:9], (("e9", "", 3), "p9 edited", "<li>9!</li>")])
    assert lines() == 10
    item_shelf.ItemShelf(tmp_path, "sv").write("site", day, ITEMS_OF_DAY)
    sizes = []
    for round_ in range(12):  # an edit each time: appended until old lines would be half the file
        shelf = item_shelf.ItemShelf(tmp_path, "sv")
        edited = {**prints, "e0": f"p0 {round_}"}
        shelf.read("site", edited)
        shelf.write("site", day, [(("e0", "", 3), f"p0 {round_}", "<li>0</li>"), *ITEMS_OF_DAY[1:]])
        sizes.append(lines())
        assert item_shelf.ItemShelf(tmp_path, "sv").read("site", edited)[1][("e0", "", 3)] == "<li>0</li>"
    assert sizes[:2] == [11, 12] and max(sizes) == 20 and 10 in sizes  # appended, then written afresh
