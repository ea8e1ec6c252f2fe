"""PySide6's enum options: the console's own in its process, a person's choice wins, and
qasync still loads (ui/common/pyside_setup.py). Each case is a fresh process: the options
are read once, when PySide6 is first imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import child_pythonpath

PROBE = """
import json, os, sys
from ui.common.pyside_setup import choose_enum_options, settle_after_import
ours = choose_enum_options()
from PySide6.QtCore import Qt
settle_after_import()
import qasync
print(json.dumps({
    "ours": ours,
    "qt5_names": hasattr(Qt, "Alignment"),
    "env": os.environ.get("PYSIDE6_OPTION_PYTHON_ENUM"),
    "qasync": qasync.AllEvents.name,
}))
"""


def _probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k != "PYSIDE6_OPTION_PYTHON_ENUM"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, "PYTHONPATH": child_pythonpath(), "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_console_turns_the_qt5_names_off_and_children_do_not_inherit_it():
    seen = _probe()
    assert seen["ours"] is True and seen["qt5_names"] is False
    assert seen["env"] is None  # PySide6 wrote it there; a child would have inherited it
    assert seen["qasync"] == "AllEvents"  # qasync's Qt 5 name was given back


def test_a_persons_own_choice_wins():
    seen = _probe(PYSIDE6_OPTION_PYTHON_ENUM="1")
    assert seen["ours"] is False and seen["qt5_names"] is True and seen["env"] == "1"
