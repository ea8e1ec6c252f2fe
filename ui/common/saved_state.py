"""Layouts Qt saves as bytes (window geometry, splitters, table headers), kept as text in the
JSON settings file, so a person finds the window as they left it."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QTableView


def to_text(data: QByteArray) -> str:
    """Qt's saved state bytes as text for the JSON settings file."""
    return base64.b64encode(bytes(data.data())).decode("ascii")


def from_text(text: str) -> QByteArray:
    """The inverse of ``to_text``; ValueError if ``text`` is not what it wrote."""
    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"not a saved layout: {exc}") from exc


def header_state(table: QTableView) -> dict[str, Any]:
    """A table's column widths, order and sizing modes, as ``restore_header`` takes them."""
    header = table.horizontalHeader()
    return {"header": to_text(header.saveState()), "columns": header.count()}


def restore_header(table: QTableView, state: dict[str, Any]) -> bool:
    """Put back what ``header_state`` saved; False (and the table as it is) when the state is
    unreadable or was saved for another set of columns (a newer or older version's)."""
    text = state.get("header")
    columns = state.get("columns")
    header = table.horizontalHeader()
    if not isinstance(text, str) or (columns is not None and columns != header.count()):
        return False
    try:
        return header.restoreState(from_text(text))
    except ValueError:
        return False
