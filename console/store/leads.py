"""Leads: people to call, searchable, each shown with the outcome of its latest call."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.donotcall import with_team_marks
from console.store.history import SUMMARY_COLUMNS
from console.store.models import (
    LEAD_ORDERS,
    CallRecord,
    Lead,
    LeadCalls,
    like_pattern,
    phone_digits,
)

# The newest history row for each lead, and how many calls its number had, are found through
# history(lead_number, created_at). The outer query runs over an already filtered, ordered
# and limited inner query, so the lookups are done for at most `limit` leads rather than for
# every lead in the table (the order by last call or by calls, though, looks up each lead
# that passes the filter once: about 25 ms for 2,000 leads and 100,000 calls).
_WITH_LAST_CALL = """
    SELECT l.id, l.name, l.number, l.company, l.notes, h.status, h.created_at,
        l.do_not_call, l.do_not_call_reason, h.callback_at,
        (SELECT count(*) FROM history WHERE lead_number = l.number)
    FROM ({inner}) l
    LEFT JOIN history h ON h.id = (
        SELECT id FROM history
        WHERE lead_number = l.number
        ORDER BY created_at DESC, id DESC
        LIMIT 1
    )
    ORDER BY {order}
"""
_COLUMNS = "l.id, l.name, l.number, l.company, l.notes, l.do_not_call, l.do_not_call_reason"
# Each order of LEAD_ORDERS as an SQL expression over leads l, and whether it ignores case.
_SORT_KEYS = {
    "name": ("l.name", True),
    "number": ("l.number", False),
    "company": ("l.company", True),
    "last_call": ("(SELECT max(created_at) FROM history WHERE lead_number = l.number)", False),
    "calls": ("(SELECT count(*) FROM history WHERE lead_number = l.number)", False),
}


def _order_by(column: str, order: str, descending: bool) -> str:
    """ORDER BY terms for ``order`` over ``column`` (the sort key), then name and id."""
    if order not in _SORT_KEYS:
        raise ValueError(f"leads can be ordered by {', '.join(LEAD_ORDERS)}, not {order!r}")
    nocase = " COLLATE NOCASE" if _SORT_KEYS[order][1] else ""
    direction = "DESC" if descending else "ASC"
    if order == "name":  # as the index leads_name has it, so a page reads only its rows
        return f"{column}{nocase} {direction}, l.id {direction}"
    # SQLite puts NULL (a lead never called) first going up and last going down.
    return f"{column}{nocase} {direction}, l.name COLLATE NOCASE, l.id"


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
        """One lead with its last call result and call count, or None."""
        inner = f"SELECT {_COLUMNS}, l.name AS sort_key FROM leads l WHERE l.id = ?"
        sql = _WITH_LAST_CALL.format(inner=inner, order="l.id")
        with self._read() as conn:
            row = conn.execute(sql, (lead_id,)).fetchone()
        if not row:
            return None
        return with_team_marks([lead_from_row(row)], self.team_marks)[0]  # type: ignore[attr-defined]

    def lead_without_calls(self, lead_id: int) -> Lead | None:
        """One lead as get_lead reads it but for its calls, which are not read (no last call,
        call-back or count), or None: for a reader that shows the calls apart and has a
        lead to show when the history cannot be read."""
        with self._read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM leads l WHERE l.id = ?", (lead_id,))
            found = row.fetchone()
        return with_team_marks([bare_lead(found)], self.team_marks)[0] if found else None  # type: ignore[attr-defined]

    def get_leads(self, lead_ids: list[int]) -> dict[int, Lead]:
        """The saved leads among ``lead_ids``, each as get_lead reads it: id -> lead, unknown
        ids left out. One query, whatever the count (a call list of all leads: thousands)."""
        import json

        inner = (
            f"SELECT {_COLUMNS}, l.id AS sort_key FROM leads l"
            " WHERE l.id IN (SELECT value FROM json_each(?))"
        )
        sql = _WITH_LAST_CALL.format(inner=inner, order="l.id")
        with self._read() as conn:
            rows = conn.execute(sql, (json.dumps(list(lead_ids)),)).fetchall()
        leads = with_team_marks([lead_from_row(row) for row in rows], self.team_marks)  # type: ignore[attr-defined]
        return {lead.id: lead for lead in leads if lead.id is not None}

    def lead_with_number(self, number: str) -> Lead | None:
        """The lead whose number is exactly ``number`` (10 digits), the first by name (then
        id) if several share it, as get_lead reads it; None if there is none."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM leads WHERE number = ? ORDER BY name COLLATE NOCASE, id LIMIT 1",
                (number,),
            ).fetchone()
        # Through get_lead: one reading of a lead (its last call, count and marks).
        return self.get_lead(int(row[0])) if row else None

    def search_leads(
        self, text: str = "", limit: int = 500, order: str = "name", descending: bool = False
    ) -> list[Lead]:
        """Leads whose name, company or number contains `text` (ignoring case), at most
        ``limit``, in ``order`` (one of models.LEAD_ORDERS; ValueError for another), each
        with its last call and call count."""
        where, params = _search_filter(text)
        key = _SORT_KEYS[order][0] if order in _SORT_KEYS else ""
        inner = (
            f"SELECT {_COLUMNS}, {key} AS sort_key FROM leads l {where}"
            f" ORDER BY {_order_by(key, order, descending)} LIMIT ?"
        )
        sql = _WITH_LAST_CALL.format(inner=inner, order=_order_by("l.sort_key", order, descending))
        with self._read() as conn:
            rows = conn.execute(sql, (*params, limit)).fetchall()
        # Team mode: a number the team marked reads as marked (console.store.donotcall).
        return with_team_marks([lead_from_row(row) for row in rows], self.team_marks)  # type: ignore[attr-defined]

    def lead_calls(self, number: str, limit: int = 10) -> LeadCalls:
        """The calls to ``number`` (10 digits): how many in all, and the newest ``limit``,
        newest first, without their request and reply bodies. Both read only the index
        history(lead_number, created_at) and the rows shown."""
        with self._read() as conn:
            total = conn.execute(
                "SELECT count(*) FROM history WHERE lead_number = ?", (number,)
            ).fetchone()[0]
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM history WHERE lead_number = ?"
                " ORDER BY created_at DESC, id DESC LIMIT ?",
                (number, limit),
            ).fetchall()
        return LeadCalls(int(total), [CallRecord(*row) for row in rows])

    def count_leads(self) -> int:
        """How many leads there are."""
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])


def bare_lead(row: tuple) -> Lead:
    """A Lead without its calls from a row of _COLUMNS (PgStore's _LEAD_COLUMNS alike)."""
    *head, do_not_call, reason = row
    return Lead(*head, do_not_call=bool(do_not_call), do_not_call_reason=reason)


def lead_from_row(row: tuple) -> Lead:
    """A Lead from a row of _WITH_LAST_CALL's columns (PgStore's _LEADS reads the same)."""
    *head, do_not_call, reason, callback_at, call_count = row
    return Lead(*head, bool(do_not_call), reason, callback_at, int(call_count))


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
