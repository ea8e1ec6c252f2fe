"""What the window needs of the style before it is shown, as the last start found it.

Before it is shown the window needs two answers from the style: its name (a lazily built
page's remembered size depends on it, ui/shell/lazy_page.py) and a title bar's height (to fit
the window to its screen before the window system gives it a frame, ui/common/screen.py).
Asking makes PySide6 build QStyle's Python type, ~600 enum members, about 10 ms of every
start. So the answers are kept in the settings with what else they depend on (Qt, the font,
the screen's scale, the console's version). A start that finds them valid uses them, and asks
the style once the window is shown and idle (``check``): should it answer otherwise (the
desktop's style changed since), the window is fitted again and the lazy pages built at once,
as on a first start, and the new answers are kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from console.settings import STYLE_FACTS
from ui.common.screen import title_bar_height
from ui.common.settings_save import keep_settings
from ui.shell.lazy_page import SettingsLike, environment, style_name


class StyleFacts:
    """``name`` and ``title_bar`` (pixels) of ``window``'s style; ``asked`` once the style
    itself was asked this run (at once when nothing valid was kept)."""

    def __init__(self, window: QWidget, settings: SettingsLike) -> None:
        self._window, self._settings = window, settings
        self.name, self.title_bar, self.asked = "", 0, False
        kept = self._kept(settings.get(STYLE_FACTS))
        if kept is None:
            self.check()
        else:
            self.name, self.title_bar = kept

    @staticmethod
    def _kept(entry: Any) -> tuple[str, int] | None:
        try:
            if entry["environment"] == environment(style=""):
                return str(entry["name"]), int(entry["title_bar"])
        except (KeyError, TypeError, ValueError):
            pass  # none yet, or written by another version: asked again
        return None

    def check(self) -> bool:
        """Ask the style now (once a run); whether it answered otherwise than was used."""
        if self.asked:
            return False
        answers = style_name(), title_bar_height(self._window)
        changed = bool(self.name) and answers != (self.name, self.title_bar)
        self.name, self.title_bar = answers
        self.asked = True
        entry = {"name": self.name, "title_bar": self.title_bar, "environment": environment("")}
        if self._settings.get(STYLE_FACTS) != entry:
            # Only the next start's speed depends on it: it asks the style at once again.
            keep_settings(self._settings, "the style's answers", {STYLE_FACTS: entry})
        return changed
