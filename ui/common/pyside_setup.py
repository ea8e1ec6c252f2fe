"""PySide6's options that must be chosen before its first import.

PySide6 answers old Qt 5 names of flag types (``Qt.Alignment()`` for
``Qt.AlignmentFlag(0)``, ``Qt.ItemFlags``...) through a compatibility lookup that runs
whenever an attribute is not found on a Qt class, and building its tables is a sixth of the
instructions the window's start takes (PySide6 6.11, measured with callgrind). The console
uses the scoped names only (its tests run in this mode: tests/conftest.py), so that lookup
is switched off with ``ENOPT_NO_FAKERENAMES``
(doc.qt.io/qtforpython/developer/enumfeatures_doc.html). The unscoped shortcuts
(``Qt.AlignLeft``), which some libraries still use, stay.
"""

from __future__ import annotations

import os
import sys

ENUM_OPTION_ENV = "PYSIDE6_OPTION_PYTHON_ENUM"
ENOPT_NEW_ENUM = 0x01  # PySide6's Python enums (its default)
ENOPT_NO_FAKERENAMES = 0x20  # no Qt 5 flag type names such as Qt.Alignment
ENUM_OPTIONS = ENOPT_NEW_ENUM | ENOPT_NO_FAKERENAMES


_chosen_here = False  # whether choose_enum_options set them in this process


def choose_enum_options() -> bool:
    """Set the console's enum options, unless PySide6 is loaded already or the person chose
    theirs (``$PYSIDE6_OPTION_PYTHON_ENUM``); whether they are the console's."""
    global _chosen_here
    if "PySide6" in sys.modules:
        return getattr(sys, "pyside6_option_python_enum", None) == ENUM_OPTIONS
    if os.environ.get(ENUM_OPTION_ENV) or hasattr(sys, "pyside6_option_python_enum"):
        return False
    sys.pyside6_option_python_enum = ENUM_OPTIONS  # type: ignore[attr-defined]
    _chosen_here = True
    return True


def settle_after_import() -> None:
    """Once PySide6 is loaded: keep the options this process's own, and let qasync load.

    PySide6 writes the options it was given into ``$PYSIDE6_OPTION_PYTHON_ENUM``, so every
    process started later would inherit them (a script on qasync, a test's probe); the
    variable is taken away again when the console set it. qasync 0.28 reads the Qt 5 name
    ``QEventLoop.ProcessEventsFlags`` at import, which the options take away: it is given
    back, as the flag type's own name. Call before importing qasync.
    """
    from PySide6.QtCore import QEventLoop

    if _chosen_here and os.environ.get(ENUM_OPTION_ENV) == str(ENUM_OPTIONS):
        del os.environ[ENUM_OPTION_ENV]
    if not hasattr(QEventLoop, "ProcessEventsFlags"):
        QEventLoop.ProcessEventsFlags = QEventLoop.ProcessEventsFlag  # type: ignore[attr-defined]
