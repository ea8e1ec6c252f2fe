"""--self-check from source: every check passes and prints its line; a failure makes exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, child_pythonpath
from ui.shell.selfcheck import Checks

CHECKS = ("qt", "icon", "keyring", "tls", "store", "call")


def test_the_self_check_passes_from_source(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": child_pythonpath()}
    env["FINDME_HOME"] = str(tmp_path / "agent-home")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in CHECKS:
        assert any(line.startswith(f"ok   {name}: ") for line in lines), done.stdout
    assert lines[-1] == "self-check passed"
    assert "success, sid " in done.stdout
    # The check keeps to its own temporary folder, never the agent's data.
    assert not (tmp_path / "agent-home").exists() or not any((tmp_path / "agent-home").iterdir())


def test_a_failing_check_is_printed_and_remembered(capsys: pytest.CaptureFixture[str]) -> None:
    checks = Checks()

    def broken() -> str:
        raise OSError("no such file")

    assert checks.run("good", lambda: "fine") is True
    assert checks.run("bad", broken) is False
    out = capsys.readouterr().out.splitlines()
    assert out == ["ok   good: fine", "FAIL bad: OSError: no such file"]
    assert checks.failed == ["bad"]
