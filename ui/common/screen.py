"""Windows that fit the screen they open on: sizes and positions clamped to its free area."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_within(rect: QRect, available: QRect, frame: QMargins | None = None) -> QRect:
    """``rect`` (a window's inside, in global pixels) shrunk, then moved, so that it and its
    ``frame`` (title bar and borders) lie within ``available`` (a screen's free area, as
    ``QScreen.availableGeometry`` gives it: without taskbars and docks).

    A window larger than the area gets the area's size; one partly off it is moved in, the
    least distance. The window's own minimum size is not known here: see ``fit_to_screen``.
    """
    frame = frame or QMargins()
    outer = rect.marginsAdded(frame)
    width = min(outer.width(), available.width())
    height = min(outer.height(), available.height())
    left = min(max(outer.left(), available.left()), available.left() + available.width() - width)
    top = min(max(outer.top(), available.top()), available.top() + available.height() - height)
    return QRect(left, top, width, height).marginsRemoved(frame)


def title_bar_height(window: QWidget) -> int:
    """A title bar's height as the window's style gives it (PM_TitleBarHeight), in pixels.

    QStyle is imported here: PySide6 makes its type (~600 enum members, ~10 ms) on first use,
    which the start avoids (ui/shell/style_facts.py).
    """
    from PySide6.QtWidgets import QStyle

    return window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight, None, window)


def frame_margins(window: QWidget, title_bar: int | None = None) -> QMargins:
    """The window's frame, once the window system has given it one; before that, a title
    bar's height from the style (as Qt's own restoreGeometry assumes; ``title_bar`` when the
    caller knows it) and thin borders."""
    if window.isVisible():
        # The window's frame as Qt keeps it for the widget (its QWindow's frame margins),
        # read without asking for the QWindow: PySide6 would first make a Python type for
        # each QWindow class to find which one it is.
        outer, inner = window.frameGeometry(), window.geometry()
        margins = QMargins(
            inner.left() - outer.left(),
            inner.top() - outer.top(),
            outer.right() - inner.right(),
            outer.bottom() - inner.bottom(),
        )
        if not margins.isNull():
            return margins
    title = title_bar_height(window) if title_bar is None else title_bar
    return QMargins(4, max(title, 24) + 4, 4, 4)


def available_area(window: QWidget) -> QRect:
    """The free area of the screen the window is on (or would open on)."""
    center = window.frameGeometry().center()
    screen = QGuiApplication.screenAt(center) or window.screen()
    return screen.availableGeometry()


def fit_to_screen(
    window: QWidget, wanted: QRect | QSize | None = None, *, title_bar: int | None = None
) -> QRect:
    """Give ``window`` the geometry ``wanted`` (or its own), clamped to its screen's free area;
    a size alone is centred on that screen. Returns the geometry set. ``title_bar``: see
    frame_margins."""
    area = available_area(window)
    if wanted is None:
        wanted = window.geometry()
    if isinstance(wanted, QSize):
        rect = QRect(0, 0, wanted.width(), wanted.height())
        rect.moveCenter(area.center())
        wanted = rect
    fitted = fit_within(wanted, area, frame_margins(window, title_bar))
    if fitted != window.geometry():  # setting it again would undo a window manager's placing
        window.setGeometry(fitted)
    return fitted
