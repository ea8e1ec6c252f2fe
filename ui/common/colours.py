"""Colours that stay readable on whatever palette the desktop gives: WCAG contrast, and the
colours of call results."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from console.calls.outcome import Status

# WCAG 2's minimum for normal text (success criterion 1.4.3).
TEXT_CONTRAST = 4.5

# A hue per kind of result; readable() darkens or lightens it for the palette in use.
_GOOD = "#2e7d32"
_BAD = "#c62828"
_UNSURE = "#a86b00"
STATUS_HUES = {
    Status.SUCCESS: _GOOD,
    Status.FAILED: _BAD,
    Status.INVALID: _BAD,
    Status.NETWORK: _BAD,
    Status.UNKNOWN: _UNSURE,
    Status.INTERRUPTED: _UNSURE,
    Status.CANCELLED: _UNSURE,
}


def _luminance(colour: QColor) -> float:
    """Relative luminance, as WCAG 2 defines it (sRGB)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG 2 contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: QColor, *backgrounds: QColor, ratio: float = TEXT_CONTRAST) -> QColor:
    """``colour``, mixed towards black on light backgrounds (white on dark ones) just enough
    to reach ``ratio`` against every background; the hue is kept as far as it can be."""
    dark_ground = sum(_luminance(b) for b in backgrounds) / len(backgrounds) < 0.18
    target = QColor("white") if dark_ground else QColor("black")
    for step in range(21):
        t = step / 20
        mixed = QColor.fromRgbF(
            colour.redF() + (target.redF() - colour.redF()) * t,
            colour.greenF() + (target.greenF() - colour.greenF()) * t,
            colour.blueF() + (target.blueF() - colour.blueF()) * t,
        )
        if all(contrast(mixed, b) >= ratio for b in backgrounds):
            return mixed
    return target


def status_colour(status: str, palette: QPalette | None = None) -> QColor | None:
    """The text colour of a call result in a table with ``palette`` (the application's when
    None), readable on its rows and alternate rows; None for a result with no colour."""
    palette = palette or QGuiApplication.palette()
    hue = STATUS_HUES.get(status)
    if hue is None:
        return None
    base = palette.color(QPalette.ColorRole.Base).rgba()
    alternate = palette.color(QPalette.ColorRole.AlternateBase).rgba()
    return QColor.fromRgba(_status_rgba(hue, base, alternate))


@lru_cache(maxsize=64)  # asked for every visible result cell at each repaint
def _status_rgba(hue: str, base: int, alternate: int) -> int:
    return readable(QColor(hue), QColor.fromRgba(base), QColor.fromRgba(alternate)).rgba()
