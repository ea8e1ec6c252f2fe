"""Run by test_startup_weight.py in a process of its own: starts the console as main.py does
(on a fresh home, off screen) and, when the window is shown and idle (the moment `make bench`
measures), prints on its last line as JSON the Qt classes PySide6 has made Python types for,
the modules loaded and the garbage collections run while the window was built; then exits
at once.

Usage: python startup_probe.py (FINDME_HOME and QT_QPA_PLATFORM set by the caller)
"""

from __future__ import annotations

import gc
import json
import linecache
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Loaded before the console starts (the test suite's network guard loads a few, uuid and
# csv among them, into every child process): the test cannot tell who else needs these.
# html, should anything before the console have loaded it, is taken out: the test tells whether
# the console loads it (a table of 2,000 entity names it has no use for at start).
for _name in ("html", "html.entities"):
    sys.modules.pop(_name, None)
PRELOADED = sorted(sys.modules)
QT_MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtNetwork")


COLLECTIONS = [0]  # automatic garbage collections while the window is built
BUILT = [False]  # the console has frozen what it made (gc.freeze, once the window is shown)


def _count(phase: str, _info: dict) -> None:
    if phase == "start" and not BUILT[0]:
        COLLECTIONS[0] += 1


def _freeze(real=gc.freeze) -> None:
    BUILT[0] = True
    real()


def _report() -> dict:
    types = []
    for name in QT_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            # PySide6 puts a class in its module's namespace once it has made its type.
            types += [
                f"{name[8:]}.{key}"
                for key, value in vars(module).items()
                if isinstance(value, type)
            ]
    return {
        "qt_types": sorted(types),
        "modules": sorted(sys.modules),
        "preloaded": PRELOADED,
        "collections": COLLECTIONS[0],
        "gc_enabled": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
        # PySide6's __feature__ hook, left as it is, reads each module's source into linecache
        "sources_read": sorted(linecache.cache),
        # Work on other threads holds the GIL while the window lays itself out and paints.
        "python_threads": sorted(t.name for t in threading.enumerate()),
        # PySide6's Qt 5 flag-name lookup (ui/common/pyside_setup.py) is off: no Qt.Alignment.
        "qt5_flag_names": hasattr(sys.modules["PySide6.QtCore"].Qt, "Alignment"),
        # A dataclass is made by compiling each of its methods at import (~0.8 ms a class).
        "dataclasses": _dataclasses(),
        "rich_text_labels": [
            label.objectName() or label.text()[:40]
            for label in _visible_labels()
            if label.textFormat() != _plain() and _looks_rich(label.text())
        ],
    }


def _dataclasses() -> list[str]:
    """The console's dataclasses made so far, "module.Name" with " (frozen)" for frozen ones."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] not in ("console", "ui"):
            continue
        for key, value in vars(module).items():
            params = getattr(value, "__dataclass_params__", None)
            if isinstance(value, type) and value.__module__ == name and params is not None:
                found.append(f"{name}.{key}" + (" (frozen)" if params.frozen else ""))
    return sorted(found)


def _visible_labels():
    from PySide6.QtWidgets import QApplication, QLabel

    return [
        label
        for window in QApplication.topLevelWidgets()
        if window.isVisible()
        for label in window.findChildren(QLabel)
        if label.isVisible()
    ]


def _plain():
    from PySide6.QtCore import Qt

    return Qt.TextFormat.PlainText


def _looks_rich(text: str) -> bool:
    from PySide6.QtGui import Qt as GuiQt

    return GuiQt.mightBeRichText(text)


def main() -> None:
    import ui.shell.app as app

    os.environ[app.BENCH_READY_ENV] = os.path.join(os.environ["FINDME_HOME"], "ready")

    def at_mark(path: str, line: str) -> None:
        if line.startswith("shown"):
            print(json.dumps(_report()), flush=True)
            os._exit(0)  # the measured moment: nothing after it matters here

    app._append_line = at_mark
    from main import main as console_main

    gc.freeze = _freeze
    real_run = app.run

    def run(argv: list[str]) -> int:
        gc.callbacks.append(_count)  # from the window's start, as main.py calls it
        return real_run(argv)

    app.run = run

    console_main([])


if __name__ == "__main__":
    main()
