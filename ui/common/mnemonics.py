"""Alt+letter for controls built from a table, chosen so that no two claim the same letter."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget


def mnemonic_of(text: str) -> str:
    """The letter ``text`` claims with "&" (lower case), or "" ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1  # skip the escaped one
        i += 1
    return ""


def claimed(root: QWidget) -> set[str]:
    """The letters claimed under ``root``, shown or not (a tab not current today is tomorrow):
    buttons, labels with a buddy, group box titles and tab titles."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return {letter for letter in map(mnemonic_of, texts) if letter}


def with_mnemonic(text: str, taken: set[str]) -> str:
    """``text`` with "&" before its first letter not in ``taken``, a word's first letter
    preferred; the letter is added to ``taken``. Unchanged when every letter is taken."""
    plain = text.replace("&", "&&")
    starts = [
        i for i, c in enumerate(plain) if c.isalpha() and (i == 0 or not plain[i - 1].isalpha())
    ]
    others = [i for i, c in enumerate(plain) if c.isalpha() and i not in starts]
    for i in starts + others:
        letter = plain[i].lower()
        if letter not in taken:
            taken.add(letter)
            return plain[:i] + "&" + plain[i:]
    return plain
