"""Leads: people to call, searchable, each shown with the outcome of its latest call."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.models import Lead, like_pattern, phone_digits

# The newest history row for each lead is found through history(lead_number, created_at).
# The outer query runs over an already filtered and limited inner query, so the lookup is
# done for at most `limit` leads rather than for every lead in the table.
_WITH_LAST_CALL = """
    SELECT l.id, l.name, l.number, l.company, l.notes, h.status, h.created_at,
        l.do_not_call, l.do_not_call_reason, h.callback_at
    FROM ({inner}) l
    LEFT JOIN history h ON h.id = (
        SELECT id FROM history
        WHERE lead_number = l.number
        ORDER BY created_at DESC, id DESC
        LIMIT 1
    )
    ORDER BY l.name COLLATE NOCASE, l.id
"""
_COLUMNS = "id, name, number, company, notes, do_not_call, do_not_call_reason"


def _row(lead: Lead) -> tuple[str, str, str, str]:
    return (lead.name, lead.number, lead.company, lead.notes)


class LeadsMixin:
    """Lead methods of Store."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def add_lead(self, lead: Lead) -> Lead:
        """Insert one lead (its id is ignored) and return it with the new id."""
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO leads(name, number, company, notes) VALUES (?, ?, ?, ?)", _row(lead)
            )
        return Lead(cur.lastrowid, *_row(lead))

    def add_leads(self, leads: list[Lead]) -> int:
        """Insert many leads in one transaction; returns how many were added."""
        with self._tx() as conn:
            cur = conn.executemany(
                "INSERT INTO leads(name, number, company, notes) VALUES (?, ?, ?, ?)",
                (_row(lead) for lead in leads),
            )
        return cur.rowcount

    def update_lead(self, lead: Lead) -> None:
        """Save a lead's name, number, company and notes; KeyError if its id is unknown."""
        if lead.id is None:
            raise ValueError("cannot update a lead that has no id; use add_lead")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE leads SET name = ?, number = ?, company = ?, notes = ? WHERE id = ?",
                (*_row(lead), lead.id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no lead with id {lead.id}")

    def delete_lead(self, lead_id: int) -> None:
        """Delete a lead; its call history stays. A missing id is not an error."""
        with self._tx() as conn:
            conn.execute("DELETE FROM leads WHERE id = ?", (lead_id,))

    def get_lead(self, lead_id: int) -> Lead | None:
        """One lead with its last call result, or None."""
        inner = f"SELECT {_COLUMNS} FROM leads WHERE id = ?"
        with self._read() as conn:
            row = conn.execute(_WITH_LAST_CALL.format(inner=inner), (lead_id,)).fetchone()
        return lead_from_row(row) if row else None

    def search_leads(self, text: str = "", limit: int = 500) -> list[Lead]:
        """Leads whose name, company or number contains `text` (ignoring case), by name."""
        where, params = _search_filter(text)
        inner = f"SELECT {_COLUMNS} FROM leads {where} ORDER BY name COLLATE NOCASE, id LIMIT ?"
        with self._read() as conn:
            rows = conn.execute(_WITH_LAST_CALL.format(inner=inner), (*params, limit))
            return [lead_from_row(row) for row in rows.fetchall()]

    def count_leads(self) -> int:
        """How many leads there are."""
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])


def lead_from_row(row: tuple) -> Lead:
    """A Lead from a row of _WITH_LAST_CALL's columns (PgStore's _LEADS reads the same)."""
    *head, do_not_call, reason, callback_at = row
    return Lead(*head, bool(do_not_call), reason, callback_at)


def _search_filter(text: str) -> tuple[str, list[str]]:
    text = text.strip()
    if not text:
        return "", []
    pattern = like_pattern(text)
    clauses = [f"{column} LIKE ? ESCAPE '\\'" for column in ("name", "company", "number")]
    params = [pattern, pattern, pattern]
    # Numbers are stored as bare digits, so "(555) 111-2" should find 5551112222.
    digits = phone_digits(text)
    if digits and digits != text:
        clauses.append("number LIKE ?")
        params.append(f"%{digits}%")
    return "WHERE " + " OR ".join(clauses), params
