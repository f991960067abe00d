"""A file written atomically is the old one or the new one, never a part — also when its bytes
are written piece by piece (calfeed/atomic.py), as the export's manifest is."""

from __future__ import annotations

import json

import pytest

from calfeed.atomic import write_atomically
from calfeed.export_tree import manifest


def test_a_writer_s_pieces_become_the_file(tmp_path):
    target = tmp_path / "big.txt"
    write_atomically(target, lambda f: [f.write(b"piece %d\n" % n) for n in range(1000)], mode=0o644)
    assert target.read_bytes() == b"".join(b"piece %d\n" % n for n in range(1000))
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_writer_that_fails_leaves_the_earlier_file_and_no_debris(tmp_path):
    target = tmp_path / "manifest.json"
    target.write_bytes(b"earlier")

    def fails(file):
        file.write(b"half of it")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically(target, fails)
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_the_manifest_written_piece_by_piece_is_its_lists_as_json(tmp_path):
    added = [f"events/möte-{n}/index.html" for n in range(3000)] + ["calendar.ics", "calendar.ics.gz"]
    changed, removed = ["past/index.html", "past/index.html.gz"], ["events/gone/index.html"]
    target = tmp_path / ".calfeed-manifest.json"
    write_atomically(target, manifest(added, changed, removed, 7, "abc"))
    data = target.read_bytes()
    assert data.endswith(b"}\n") and "möte".encode() in data  # UTF-8, not \\u escapes
    body = json.loads(data)
    assert (body["added"], body["changed"], body["removed"], body["unchanged"]) == (added, changed, removed, 7)
    assert body["purge"] == ["/events/gone", "/past"] and body["version"] == "abc"
