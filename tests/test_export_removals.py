"""What an incremental `calfeed build` removes: the files of the last build that this one does not
produce, from the record the last build left (``.calfeed-files.txt``) instead of a walk of the tree;
a build stopped before its moves still leads the next one to every file of the old site."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from test_export_incremental import DAY, EVENT, build, tree

from calfeed import export
from calfeed.cli import main
from calfeed.export_tree import FILES, JOURNAL


def without(events_text: str, event_id: str) -> str:
    start = events_text.index(f"  - id: {event_id}")
    return events_text[:start] + events_text[events_text.index("  - id:", start + 1) :]


def test_the_record_names_every_file_of_the_site_but_the_gz(runner, events_file, tmp_path):
    site = tmp_path / "site"
    build(runner, events_file, site)
    recorded = (site / FILES).read_text(encoding="utf-8").splitlines()
    assert recorded == sorted(name for name in tree(site) if not name.endswith(".gz"))
    assert f"events/{EVENT}/index.html" in recorded and f"lt/events/{EVENT}.ics" in recorded


def test_a_file_calfeed_did_not_write_is_left_alone_and_without_a_record_it_is_removed(runner, events_file, tmp_path):
    site = tmp_path / "site"
    build(runner, events_file, site)
    (site / "CNAME").write_text("kalender.example.org\n", encoding="utf-8")  # a static host's own file, put by hand
    manifest = build(runner, events_file, site)
    assert (site / "CNAME").is_file() and manifest["removed"] == []
    (site / FILES).unlink()  # an export of an older calfeed: every file that is not the site's goes
    manifest = build(runner, events_file, site)
    assert not (site / "CNAME").exists() and manifest["removed"] == ["CNAME"]


def test_a_build_stopped_before_its_moves_leaves_the_next_one_every_file_to_remove(
    runner, events_file, tmp_path, monkeypatch
):
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build(runner, events_file, site)
    events_file.write_text(without(events_file.read_text(encoding="utf-8"), EVENT), encoding="utf-8")
    real = export.write_atomically

    def no_journal(path, data, **options):
        if path.name == JOURNAL:
            raise OSError(28, "No space left on device")
        return real(path, data, **options)

    monkeypatch.setattr(export, "write_atomically", no_journal)
    with freeze_time(DAY):
        result = runner.invoke(main, ["build", str(site), "--events", str(events_file)])
    assert result.exit_code == 1 and (site / "events" / f"{EVENT}.ics").is_file()  # the old site still serves
    monkeypatch.undo()
    manifest = build(runner, events_file, site)
    assert f"events/{EVENT}.ics" in manifest["removed"] and not (site / "events" / f"{EVENT}.ics").exists()
    build(runner, events_file, fresh)
    assert tree(site) == tree(fresh)


@pytest.mark.parametrize("name", ["../outside.txt", ".calfeed-inputs.json", "events/../../outside.txt", "/tmp/x"])
def test_a_recorded_name_outside_the_site_is_never_removed(runner, events_file, tmp_path, name):
    site = tmp_path / "site"
    build(runner, events_file, site)
    (tmp_path / "outside.txt").write_text("not the site's\n", encoding="utf-8")
    with open(site / FILES, "a", encoding="utf-8") as record:
        record.write(name + "\n")
    manifest = build(runner, events_file, site)
    assert manifest["removed"] == [] and (tmp_path / "outside.txt").is_file()
    assert (site / ".calfeed-inputs.json").is_file()
