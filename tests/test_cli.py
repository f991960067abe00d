"""The staff command: ``calfeed check`` and the refusal to start on a bad file."""

from __future__ import annotations

import subprocess
import sys

from conftest import MINIMAL, ROOT, SHIPPED

from calfeed.cli import main


def test_check_passes_the_shipped_file(runner):
    result = runner.invoke(main, ["check", str(SHIPPED)])
    assert result.exit_code == 0
    assert result.output.strip().endswith("8 events, 1 project, 6 locations: OK")


def test_check_lists_every_problem_and_exits_1(runner, tmp_path):
    bad = tmp_path / "events.yaml"
    bad.write_text(MINIMAL + "  - title: A\n    type: party\n    start: 2019-02-30\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:17:11: error: unknown event type 'party'" in result.output
    assert f"{bad}:18:12: error: start 2019-02-30 does not exist" in result.output
    assert "2 errors" in result.output


def test_the_app_refuses_to_start_on_a_bad_file_and_prints_every_problem(tmp_path):
    bad = tmp_path / "events.yaml"
    bad.write_text(MINIMAL + "  - title: A\n    type: party\n    start: 2019-02-30\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, capture_output=True, text=True,
                            env={"CALFEED_EVENTS": str(bad), "PATH": ""}, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert f"{bad}:17:11: error: unknown event type 'party'" in result.stderr
    assert f"{bad}:18:12:" in result.stderr
    assert "Traceback" not in result.stderr
