"""Leads on the team server: PgStore's (see console.store.leads for SQLite), each read with
its last call and the team's "Do not call" marks."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.donotcall import DoNotCallMark, with_team_marks
from console.store.leads import bare_lead, lead_from_row
from console.store.models import LEAD_ORDERS, CallRecord, Lead, LeadCalls
from console.store.postgres.calls import _CALL_COLUMNS, _ISO
from console.store.postgres.filters import lead_filter as _lead_filter

if TYPE_CHECKING:
    import psycopg

# As the SQLite store's (console.store.leads): the lookups through calls(lead_number,
# created_at) run for the leads of the page only, after the inner query filters, orders and
# limits them.
_LEADS = f"""
    SELECT l.id, l.name, l.number, l.company, l.notes, c.status, {_ISO.format("c.created_at")},
        l.do_not_call, l.do_not_call_reason, {_ISO.format("c.callback_at")},
        (SELECT count(*) FROM calls WHERE lead_number = l.number)
    FROM ({{inner}}) l
    LEFT JOIN LATERAL (
        SELECT status, created_at, callback_at FROM calls WHERE lead_number = l.number
        ORDER BY created_at DESC, uuid DESC LIMIT 1
    ) c ON true
    ORDER BY {{order}}
"""
# The lead columns _LEADS's inner query selects, in lead_from_row's order.
_LEAD_COLUMNS = "l.id, l.name, l.number, l.company, l.notes, l.do_not_call, l.do_not_call_reason"
# Each order of LEAD_ORDERS as an expression over leads l.
_SORT_KEYS = {
    "name": "lower(l.name)",
    "number": "l.number",
    "company": "lower(l.company)",
    "last_call": "(SELECT max(created_at) FROM calls WHERE lead_number = l.number)",
    "calls": "(SELECT count(*) FROM calls WHERE lead_number = l.number)",
}


class PgLeadsMixin:
    """Lead methods of PgStore."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[psycopg.Connection]: ...
        def _read(self) -> AbstractContextManager[psycopg.Connection]: ...

        def team_marks(self, numbers: Iterable[str]) -> dict[str, DoNotCallMark]: ...

    # Leads
    def add_lead(self, lead: Lead) -> Lead:
        with self._tx() as conn:
            row = conn.execute(
                "INSERT INTO leads(name, number, company, notes) VALUES (%s, %s, %s, %s)"
                " RETURNING id",
                (lead.name, lead.number, lead.company, lead.notes),
            ).fetchone()
        return Lead(int(row[0]), lead.name, lead.number, lead.company, lead.notes)

    def add_leads(self, leads: list[Lead]) -> int:
        rows = [(lead.name, lead.number, lead.company, lead.notes) for lead in leads]
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO leads(name, number, company, notes) VALUES (%s, %s, %s, %s)", rows
            )
        return len(rows)

    def update_lead(self, lead: Lead) -> None:
        if lead.id is None:
            raise ValueError("cannot update a lead that has no id; use add_lead")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE leads SET name = %s, number = %s, company = %s, notes = %s WHERE id = %s",
                (lead.name, lead.number, lead.company, lead.notes, lead.id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no lead with id {lead.id}")

    def delete_lead(self, lead_id: int) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM leads WHERE id = %s", (lead_id,))

    def get_lead(self, lead_id: int) -> Lead | None:
        inner = f"SELECT {_LEAD_COLUMNS}, l.id AS sort_key FROM leads l WHERE l.id = %s"
        with self._read() as conn:
            row = conn.execute(_LEADS.format(inner=inner, order="l.id"), (lead_id,)).fetchone()
        return with_team_marks([lead_from_row(row)], self.team_marks)[0] if row else None

    def lead_without_calls(self, lead_id: int) -> Lead | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_LEAD_COLUMNS} FROM leads l WHERE l.id = %s", (lead_id,)
            ).fetchone()
        return with_team_marks([bare_lead(row)], self.team_marks)[0] if row else None

    def get_leads(self, lead_ids: list[int]) -> dict[int, Lead]:
        inner = f"SELECT {_LEAD_COLUMNS}, l.id AS sort_key FROM leads l WHERE l.id = ANY(%s)"
        with self._read() as conn:
            rows = conn.execute(_LEADS.format(inner=inner, order="l.id"), (list(lead_ids),))
            leads = [lead_from_row(row) for row in rows.fetchall()]
        marked = with_team_marks(leads, self.team_marks)
        return {lead.id: lead for lead in marked if lead.id is not None}

    def lead_with_number(self, number: str) -> Lead | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM leads WHERE number = %s ORDER BY lower(name), id LIMIT 1",
                (number,),
            ).fetchone()
        return self.get_lead(int(row[0])) if row else None  # one reading of a lead

    def search_leads(
        self, text: str = "", limit: int = 500, order: str = "name", descending: bool = False
    ) -> list[Lead]:
        where_sql, params = _lead_filter(text)
        key = _SORT_KEYS.get(order, "")
        inner = (
            f"SELECT {_LEAD_COLUMNS}, {key} AS sort_key FROM leads l {where_sql}"
            f" ORDER BY {_order_by(key, order, descending)} LIMIT %s"
        )
        sql = _LEADS.format(inner=inner, order=_order_by("l.sort_key", order, descending))
        with self._read() as conn:
            rows = conn.execute(sql, (*params, limit)).fetchall()
        return with_team_marks([lead_from_row(row) for row in rows], self.team_marks)

    def lead_calls(self, number: str, limit: int = 10) -> LeadCalls:
        """The calls to ``number``: how many, and the newest ``limit`` without bodies (an
        agent's role sees only their own)."""
        columns = _CALL_COLUMNS.format(bodies="'', ''")
        with self._read() as conn:
            total = conn.execute(
                "SELECT count(*) FROM calls WHERE lead_number = %s", (number,)
            ).fetchone()[0]
            rows = conn.execute(
                f"SELECT {columns} FROM calls WHERE lead_number = %s"
                " ORDER BY created_at DESC, uuid DESC LIMIT %s",
                (number, limit),
            ).fetchall()
        return LeadCalls(int(total), [CallRecord(*row) for row in rows])

    def count_leads(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])


def _order_by(column: str, order: str, descending: bool) -> str:
    """ORDER BY terms for ``order`` over ``column`` (the sort key), then name and id."""
    if order not in _SORT_KEYS:
        raise ValueError(f"leads can be ordered by {', '.join(LEAD_ORDERS)}, not {order!r}")
    direction = "DESC" if descending else "ASC"
    if order == "name":  # as the index leads_name has it
        return f"{column} {direction}, l.id {direction}"
    # As SQLite does: a lead never called (NULL) comes first going up, last going down.
    nulls = "NULLS LAST" if descending else "NULLS FIRST"
    return f"{column} {direction} {nulls}, lower(l.name), l.id"
