"""Alt+letter reaches one control only: no mnemonic is used twice where both can be seen.

Qt gives every visible '&' its Alt+letter (buttons, labels with a buddy, group boxes, tab
titles, the menu bar); two of them on screen at once make Alt+letter cycle between them, so
Alt+C went to the Call button instead of the Call menu.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabBar, QWidget
from window_kit import open_session


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _letter(text: str) -> str:
    # Qt's own reading of the text ("&&" is a literal ampersand).
    return QKeySequence.mnemonic(text).toString()


def mnemonics(top: QWidget) -> dict[str, list[str]]:
    """Each Alt+letter in ``top`` and the texts that claim it: the widgets shown, the tabs
    of the tab bars shown, and the menu bar's titles."""
    found: dict[str, list[str]] = defaultdict(list)

    def claim(text: str) -> None:
        letter = _letter(text)
        if letter:
            found[letter].append(text)

    menu_bar = getattr(top, "menuBar", None)
    if menu_bar is not None:
        for action in menu_bar().actions():
            claim(action.text())
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or isinstance(widget, QMenu):
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or isinstance(widget, QAbstractButton):
            claim(widget.text())
        elif isinstance(widget, QGroupBox):
            claim(widget.title())
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    claim(widget.tabText(i))
    return found


def repeated(top: QWidget) -> dict[str, list[str]]:
    return {key: texts for key, texts in mnemonics(top).items() if len(texts) > 1}


def test_the_walk_sees_a_repeat(qtbot):
    # The check itself must be able to fail.
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    for text in ("&Save", "&Search", "Print && &go"):
        layout.addWidget(QPushButton(text, box))
    box.show()
    assert repeated(box) == {"Alt+S": ["&Save", "&Search"]}
    assert mnemonics(box)["Alt+G"] == ["Print && &go"]


def test_no_mnemonic_is_repeated_on_any_tab(session):
    engine, window = session.start()
    # The undo bars show after a change: count their buttons too.
    window.leads_panel.undo_bar.report("x")
    window.teams_panel.undo_bar.report("x")
    options = window.call_panel.form.tabs
    seen = []
    for left in range(window.left_tabs.count()):
        window.left_tabs.setCurrentIndex(left)
        for page in range(options.count()):
            options.setCurrentIndex(page)
            clash = repeated(window)
            tab = window.left_tabs.tabText(left), options.tabText(page)
            assert clash == {}, f"on {tab}: {clash}"
            seen.append(mnemonics(window))
    # The menus keep their letters.
    for letter in ("Alt+F", "Alt+C", "Alt+A", "Alt+E", "Alt+H"):
        assert all(found[letter] == [found[letter][0]] for found in seen)
        assert seen[0][letter][0] in {a.text() for a in window.menuBar().actions()}


def test_no_menu_repeats_a_letter(session):
    engine, window = session.start()
    for title in window.menuBar().actions():
        letters = [_letter(a.text()) for a in title.menu().actions() if a.text()]
        letters = [x for x in letters if x]
        assert len(letters) == len(set(letters)), f"{title.text()}: {letters}"


def test_the_dialogs_repeat_no_mnemonic(session):
    engine, window = session.start()
    for dialog in (window.show_preferences(), window.show_account()):
        assert repeated(dialog) == {}, dialog.windowTitle()
