"""The Qt binding itself: a release that corrupts the interpreter must not be installed."""

from __future__ import annotations

import sys


def test_values_read_back_from_qt_keep_none_alive():
    # PySide6 6.12.0 on Python 3.11 took a reference from None each time Qt handed None back
    # (or called a Python slot); a busy window aborted with "deallocating None". pyproject
    # excludes that release; this fails if it, or another like it, comes back.
    from PySide6.QtCore import QStringListModel

    model = QStringListModel(["only row"])
    before = sys.getrefcount(None)
    for _ in range(5000):
        assert model.index(5, 0).data() is None  # an invalid index reads back None
    assert abs(sys.getrefcount(None) - before) < 100
