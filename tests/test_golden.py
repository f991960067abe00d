"""The golden feeds in tests/golden/ are byte for byte what calfeed builds (tests/golden.py)."""

from __future__ import annotations

import golden
import pytest
from icalcheck import strict_events


@pytest.mark.parametrize("name", sorted(golden.FEEDS))
def test_the_feed_is_byte_for_byte_its_golden_file(name):
    expected = (golden.GOLDEN / name).read_bytes()
    assert golden.build(name) == expected, f"run `make golden` if the change of {name} is meant"


@pytest.mark.parametrize("name", sorted(golden.FEEDS))
def test_a_golden_file_is_a_valid_feed_with_every_event_of_its_file(name):
    source, _, _ = golden.FEEDS[name]
    body = (golden.GOLDEN / name).read_bytes()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    ids = {line.split("id:", 1)[1].strip() for line in source.read_text(encoding="utf-8").splitlines()
           if line.strip().startswith("- id:")}  # fmt: skip
    assert {e.uid.split("@")[0] for e in strict_events(body)} == ids


def test_checking_names_a_stale_golden_file_and_update_writes_it_again(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(golden, "GOLDEN", tmp_path)
    assert golden.main([]) == 1
    assert "tests/golden/shipped.ics differs" in capsys.readouterr().err
    assert golden.main(["--update"]) == 0
    assert golden.main([]) == 0
    assert (tmp_path / "recurring.ics").read_bytes() == golden.build("recurring.ics")
