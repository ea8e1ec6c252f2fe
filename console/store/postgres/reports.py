"""Report queries of the team store (PgStore); the shapes and meanings are console.store.reports'.

PostgreSQL groups by hashing, so each report is one GROUP BY over the calls the filter finds
(along calls_page for a period, calls_report_team for a team list).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.reports import (
    WAIT_BUCKET_S,
    WAIT_BUCKETS,
    DayCount,
    DayDisposition,
    HourRate,
    ListWait,
    ReportFilter,
    fold_waits,
)

if TYPE_CHECKING:
    import psycopg

_LOCAL = "((created_at AT TIME ZONE 'UTC') + make_interval(mins => %s))"
# date_part is double precision (extract is numeric, several times slower per call); rounded
# to the millisecond the times are written in, as the SQLite store does.
_SECONDS = "round(GREATEST(0, date_part('epoch', finished_at - created_at)) * 1000) / 1000"


def _where(report: ReportFilter, extra: str = "") -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if report.since is not None:
        clauses.append("created_at >= %s::timestamptz")
        params.append(report.since)
    if report.until is not None:
        clauses.append("created_at < %s::timestamptz")
        params.append(report.until)
    if report.team is not None:
        clauses.append("team_name = %s")
        params.append(report.team)
    if report.agent is not None:
        clauses.append("agent = %s")
        params.append(report.agent)
    if extra:
        clauses.append(extra)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class PgReportsMixin:
    """Reports on the team's calls (an agent's role sees only their own calls)."""

    if TYPE_CHECKING:

        def _read(self) -> AbstractContextManager[psycopg.Connection]: ...

    def calls_per_day(self, report: ReportFilter) -> list[DayCount]:
        where, params = _where(report)
        # Grouped by date, named in Python: to_char for every call costs more than the count.
        sql = (
            f"SELECT {_LOCAL}::date AS day, status, count(*)::int FROM calls"
            f"{where} GROUP BY day, status ORDER BY day, status"
        )
        with self._read() as conn:
            rows = conn.execute(sql, [report.offset_minutes, *params]).fetchall()
        return [DayCount(day.isoformat(), status, n) for day, status, n in rows]

    def dispositions_per_day(self, report: ReportFilter) -> list[DayDisposition]:
        where, params = _where(report, "disposition <> ''")
        sql = (
            f"SELECT {_LOCAL}::date AS day, disposition, count(*)::int"
            f" FROM calls{where} GROUP BY day, disposition ORDER BY day, disposition"
        )
        with self._read() as conn:
            rows = conn.execute(sql, [report.offset_minutes, *params]).fetchall()
        return [DayDisposition(day.isoformat(), name, n) for day, name, n in rows]

    def answer_rates(self, report: ReportFilter) -> list[HourRate]:
        where, params = _where(report, "status IN ('success', 'failed')")
        sql = (
            f"SELECT team_name, extract(hour FROM {_LOCAL})::int AS hour, count(*)::int,"
            " count(*) FILTER (WHERE status = 'success')::int"
            f" FROM calls{where} GROUP BY team_name, hour ORDER BY team_name, hour"
        )
        with self._read() as conn:
            rows = conn.execute(sql, [report.offset_minutes, *params]).fetchall()
        return [HourRate(*row) for row in rows]

    def first_leg_waits(self, report: ReportFilter) -> list[ListWait]:
        where, params = _where(report, "status = 'success' AND finished_at IS NOT NULL")
        # The seconds once per call (OFFSET 0 keeps the planner from copying the expression
        # into each aggregate).
        sql = (
            "SELECT team_name, LEAST(floor(secs / %s)::int, %s) AS bucket, count(*)::int,"
            f" sum(secs), max(secs) FROM (SELECT team_name, {_SECONDS} AS secs FROM calls{where}"
            " OFFSET 0) w"
            " GROUP BY team_name, bucket"
        )
        with self._read() as conn:
            rows = conn.execute(sql, [WAIT_BUCKET_S, WAIT_BUCKETS - 1, *params]).fetchall()
        return fold_waits(rows)

    def report_teams(self) -> list[str]:
        with self._read() as conn:
            rows = conn.execute("SELECT DISTINCT team_name FROM calls").fetchall()
        return sorted((row[0] for row in rows), key=str.casefold)
