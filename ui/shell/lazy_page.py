"""A tab page whose panel is built the first time it is needed, not at start.

Until then the page holds the panel's minimum size as measured the last time it was built
(kept in the settings, with what that size depends on: Qt, the style, the font, the screen's
scale, the console's version), so the window's own minimum size is what it would be with
the panel there. On a first start, or when any of those changed, the panel is built at once,
as if it were not lazy, and its size remembered for the next start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from console import __version__
from console.settings import PAGE_SIZES
from ui.common.settings_save import keep_settings


class SettingsLike(Protocol):  # the part of console.settings.Settings used here
    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any) -> None: ...
    def save(self) -> None: ...


def style_name() -> str:
    """The application's style's name ("" without a QApplication): this makes QStyle's type."""
    app = QApplication.instance()
    return app.style().name() if isinstance(app, QApplication) else ""


def environment(style: str | None = None) -> str:
    """What a widget's minimum size depends on besides its own code, as one string.

    ``style`` is the style's name, when known (asked of Qt when None: see style_facts.py).
    """
    screen = QApplication.primaryScreen()
    scale = (screen.logicalDotsPerInch(), screen.devicePixelRatio()) if screen else ()
    if style is None:
        style = style_name()
    return " | ".join(
        str(part)
        for part in (qVersion(), style, QApplication.font().toString(), scale, __version__)
    )


class LazyPage(QWidget):
    """A page for a QTabWidget; ``panel()`` builds its one child on first call.

    ``make(parent)`` builds the panel, which offers ``tab_stops()``; ``built(panel)`` is
    called once it is in the page. ``name`` keys its remembered size in the settings.
    ``style`` gives the style's name (default: asked of Qt, see environment()).
    """

    def __init__(
        self,
        name: str,
        make: Callable[[QWidget], QWidget],
        built: Callable[[QWidget], None],
        settings: SettingsLike,
        parent: QWidget | None = None,
        *,
        style: Callable[[], str] = style_name,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self._make, self._built, self._settings = make, built, settings
        self._style = style
        self._panel: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        remembered = self._remembered()
        if remembered is None:
            self.panel()  # nothing known of its size here: built now, as if not lazy
        else:
            self.setMinimumSize(remembered)

    @property
    def is_built(self) -> bool:
        return self._panel is not None

    def panel(self) -> QWidget:
        """The panel, built now if it was not yet."""
        if self._panel is not None:
            return self._panel
        had_focus = self.hasFocus()
        before = self._last_field_before()  # now: making a child moves the page in the chain
        panel = self._panel = self._make(self)
        self.setMinimumSize(0, 0)  # the panel's own minimum from now on
        self.layout().addWidget(panel)
        panel.show()  # now, not on the next turn of the loop as for a child added to a layout
        self.setFocusProxy(panel)
        self._join_focus_chain(panel, before)
        self._remember(panel.minimumSizeHint())
        self._built(panel)
        if had_focus:  # the tab was switched to with the focus on the page before: as
            panel.setFocus()  # Qt moves it to a page's first field
        return panel

    def _last_field_before(self) -> QWidget:
        """The last widget Tab stops at before this page (itself if there is none)."""
        before = self.previousInFocusChain()
        while before is not self and not before.focusPolicy() & Qt.FocusPolicy.TabFocus:
            before = before.previousInFocusChain()
        return before

    def _join_focus_chain(self, panel: QWidget, before: QWidget) -> None:
        """Tab reaches the panel's fields from where the page is, not after the last widget
        of the window (where Qt puts widgets made after the window)."""
        if before is self:
            return
        for field in panel.tab_stops():  # type: ignore[attr-defined]
            QWidget.setTabOrder(before, field)
            before = field

    def _remembered(self) -> QSize | None:
        entry = (self._settings.get(PAGE_SIZES) or {}).get(self.name)
        try:
            if entry["environment"] == environment(self._style()):
                width, height = entry["minimum"]
                return QSize(int(width), int(height))
        except (KeyError, TypeError, ValueError):
            pass  # none yet, or written by another version: measured again
        return None

    def _remember(self, size: QSize) -> None:
        entry = {
            "minimum": [size.width(), size.height()],
            "environment": environment(self._style()),
        }
        sizes = dict(self._settings.get(PAGE_SIZES) or {})
        if sizes.get(self.name) == entry:
            return
        sizes[self.name] = entry
        # Only the next start's speed depends on it: it builds the panel at once again.
        keep_settings(self._settings, f"the {self.name} page's size", {PAGE_SIZES: sizes})
