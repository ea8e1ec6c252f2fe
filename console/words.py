"""Counts in words for the engine's own messages ("1 lead", "2 leads"); the window uses Qt's
%n plural forms instead (ui/common/words.py)."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` followed by ``one`` or ``many`` (default: ``one`` + "s"), with thousands
    separators: count(1, "lead") == "1 lead", count(1200, "call") == "1,200 calls"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
