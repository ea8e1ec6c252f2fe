"""Presets: named sets of call options, kept as JSON."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.models import Preset


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a preset needs a name")
    return cleaned


def _preset(row: tuple[int, str, str]) -> Preset:
    return Preset(row[0], row[1], json.loads(row[2]))


class PresetsMixin:
    """Preset methods of Store."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def list_presets(self) -> list[Preset]:
        """All presets by name."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, name, options FROM presets ORDER BY name COLLATE NOCASE, id"
            ).fetchall()
        return [_preset(row) for row in rows]

    def get_preset(self, name: str) -> Preset | None:
        """The preset called `name` (ignoring case), or None."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id, name, options FROM presets WHERE name = ?", (name.strip(),)
            ).fetchone()
        return _preset(row) if row else None

    def save_preset(self, name: str, options: dict[str, object]) -> Preset:
        """Create the preset or replace its options (and spelling of its name)."""
        name = _clean_name(name)
        # Serialized before the transaction so unserializable options fail without a write.
        text = json.dumps(options)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO presets(name, options) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET name = excluded.name, options = excluded.options",
                (name, text),
            )
            preset_id = conn.execute("SELECT id FROM presets WHERE name = ?", (name,)).fetchone()[0]
        return Preset(preset_id, name, json.loads(text))

    def rename_preset(self, old: str, new: str) -> None:
        """Rename a preset; ValueError if another preset is called `new`, KeyError if no `old`."""
        new = _clean_name(new)
        with self._tx() as conn:
            row = conn.execute("SELECT id FROM presets WHERE name = ?", (old.strip(),)).fetchone()
            if row is None:
                raise KeyError(f"no preset named {old!r}")
            clash = conn.execute(
                "SELECT 1 FROM presets WHERE name = ? AND id != ?", (new, row[0])
            ).fetchone()
            if clash:
                raise ValueError(f"a preset named {new!r} already exists (names ignore case)")
            conn.execute("UPDATE presets SET name = ? WHERE id = ?", (new, row[0]))

    def delete_preset(self, name: str) -> None:
        """Delete the preset called `name`; a missing name is not an error."""
        with self._tx() as conn:
            conn.execute("DELETE FROM presets WHERE name = ?", (name.strip(),))
