"""Reports for the team lead: calls counted in the store, in SQL, never row by row in Python.

The shapes here are shared by both engines (SqliteReports for SQLite, the PostgreSQL store's
console.store.postgres.reports); the window's Reports view draws them.

What the history records and what it means here:

- ``created_at`` is written just before the request leaves (begin_call), ``finished_at`` when
  the service's reply arrives. The service replies only once the first leg is answered or not
  (the API's "Call": the reply arrives after the first leg), so for a call the service
  answered, finished_at - created_at is how long that leg took: what the lead waited.
- A call *had a reply* when its status is success or failed (the service's ``result``);
  it was *answered* when the result was success. Calls that never reached the service
  (invalid, network) or whose outcome is unknown (unknown, cancelled, interrupted, pending)
  say nothing about the list, so an answer rate is answered / had a reply.
- Days and hours are the console's local ones: times are stored in UTC and shifted by
  ``ReportFilter.offset_minutes`` (the UTC offset of today; a call on the other side of a
  daylight-saving change is placed an hour off).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from console.store.models import CALL_STATUSES

log = logging.getLogger(__name__)

REPLIED = ("success", "failed")  # the service's own answers (API `result`)
WAIT_BUCKET_S = 10  # width of a bar in the first-leg wait distribution
WAIT_BUCKETS = 13  # 0-10 s ... 110-120 s, and the last one for 120 s and more
NO_TEAM = ""  # the team_name of calls placed without a team list (a typed list)


class ReportFilter(NamedTuple):
    """Which calls a report counts.

    ``since``/``until``: UTC times as the store writes them ("2025-01-31T23:00:00.000Z"),
    since inclusive, until exclusive; None for no bound. ``team``: one team list's name
    (exactly as recorded; NO_TEAM for calls without one), None for all. ``agent``: one agent's
    calls (team server), None for all. ``offset_minutes``: added to UTC to get the local day
    and hour (-300 for New York in winter).
    """

    since: str | None = None
    until: str | None = None
    team: str | None = None
    agent: str | None = None
    offset_minutes: int = 0


class DayCount(NamedTuple):
    """``calls`` calls on local ``day`` ("YYYY-MM-DD") that ended with ``status``."""

    day: str
    status: str
    calls: int


class DayDisposition(NamedTuple):
    """``calls`` calls placed on local ``day`` that were wrapped up with ``disposition``."""

    day: str
    disposition: str
    calls: int


class HourRate(NamedTuple):
    """Calls to team list ``team`` sent in local hour ``hour`` (0-23): how many the service
    replied to (``replied``) and how many of those it answered as connected (``answered``)."""

    team: str
    hour: int
    replied: int
    answered: int


class ListWait(NamedTuple):
    """How long the first leg took for the calls to ``team`` that were answered.

    ``calls``: answered calls with both times; ``mean_s``/``longest_s``: seconds;
    ``buckets``: calls per WAIT_BUCKET_S-second bucket, the last one open-ended.
    """

    team: str
    calls: int
    mean_s: float
    longest_s: float
    # A NamedTuple's default is the value itself (dataclasses.field here was kept as one).
    buckets: tuple[int, ...] = (0,) * WAIT_BUCKETS


def fold_quarters(rows: Iterable[tuple[str, int, int, int]], offset_minutes: int) -> list[HourRate]:
    """HourRate per team and local hour from (team, UTC quarter of the day 0-95, replied,
    answered) rows: at most 96 a team, whatever the number of calls."""
    hours: dict[tuple[str, int], list[int]] = {}
    for team, quarter, replied, answered in rows:
        hour = (int(quarter) * 15 + offset_minutes) % (24 * 60) // 60
        entry = hours.setdefault((team, hour), [0, 0])
        entry[0] += replied
        entry[1] += answered
    return [HourRate(team, hour, *counts) for (team, hour), counts in sorted(hours.items())]


def fold_waits(rows: Iterable[tuple[str, int, int, float, float]]) -> list[ListWait]:
    """ListWait per team from (team, bucket, calls, seconds summed, longest) rows, which the
    store groups by team and bucket (at most WAIT_BUCKETS rows per team: no per-call work)."""
    teams: dict[str, list] = {}
    for team, bucket, calls, total, longest in rows:
        entry = teams.setdefault(team, [0, 0.0, 0.0, [0] * WAIT_BUCKETS])
        entry[0] += calls
        entry[1] += total
        entry[2] = max(entry[2], longest)
        entry[3][min(int(bucket), WAIT_BUCKETS - 1)] += calls
    return [
        ListWait(team, calls, round(total / calls, 3), round(longest, 3), tuple(buckets))
        for team, (calls, total, longest, buckets) in sorted(teams.items())
        if calls
    ]


# Index expressions (console.store.connection's reports migration): SQLite groups along an
# index in one pass, where grouping by anything else sorts every row first (several times
# slower at 100,000 calls). The texts must match the migration's exactly to be used.
QUARTER_OF_DAY = (
    "(CAST(substr(created_at, 12, 2) AS INTEGER) * 4"
    " + CAST(substr(created_at, 15, 2) AS INTEGER) / 15)"
)
# How long the first leg took, for answered calls (else NULL): a column SQLite computes when
# it is read, and which history_wait keeps, so a report reads it rather than parsing two
# times for each call. Rounded to the millisecond the times are written in (julianday's
# doubles make 20 s 19.99...).
FIRST_LEG_S = (
    "CASE WHEN status = 'success' AND finished_at IS NOT NULL THEN"
    " max(0.0, round((julianday(finished_at) - julianday(created_at)) * 86400.0, 3)) END"
)
WAIT_BUCKET = f"min(CAST(first_leg_s / {WAIT_BUCKET_S} AS INTEGER), {WAIT_BUCKETS - 1})"
# The agent (team server) is last in each: filtered on the way, never sought.
REPORT_SCHEMA = (
    f"ALTER TABLE history ADD COLUMN first_leg_s REAL GENERATED ALWAYS AS ({FIRST_LEG_S}) VIRTUAL",
    "CREATE INDEX history_report_status ON history(status, created_at, team_name, agent)",
    "CREATE INDEX history_report_team ON history(team_name, created_at, status, agent)",
    f"CREATE INDEX history_rate ON history(team_name, {QUARTER_OF_DAY}, status, created_at,"
    " agent) WHERE status IN ('success', 'failed')",
    f"CREATE INDEX history_wait ON history(team_name, {WAIT_BUCKET}, first_leg_s, created_at,"
    " agent) WHERE first_leg_s IS NOT NULL",
    "CREATE INDEX history_wrapped ON history(created_at, disposition, team_name, agent)"
    " WHERE disposition != ''",
)


# The local days to count, from a JSON list of local_days' triples.
_DAYS = (
    "WITH d(day, lo, hi) AS (SELECT json_extract(value, '$[0]'),"
    " json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?))"
)


_INDEXED_BY = re.compile(r" INDEXED BY \w+")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def local_days(first: str, last: str, offset_minutes: int) -> list[tuple[str, str, str]]:
    """(local day, its start in UTC, the next day's start in UTC) for every local day from the
    one holding UTC time ``first`` to the one holding ``last``, as the store writes times."""
    shift = timedelta(minutes=offset_minutes)
    day = (_when(first) + shift).date()
    end = (_when(last) + shift).date()
    days = []
    while day <= end:
        start = datetime.combine(day, datetime.min.time(), UTC) - shift
        days.append((day.isoformat(), _iso(start), _iso(start + timedelta(days=1))))
        day += timedelta(days=1)
    return days


def _where(report: ReportFilter, extra: str = "") -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if report.since is not None:
        clauses.append("created_at >= ?")
        params.append(report.since)
    if report.until is not None:
        clauses.append("created_at < ?")
        params.append(report.until)
    if report.team is not None:
        clauses.append("team_name = ?")
        params.append(report.team)
    if report.agent is not None:
        clauses.append("agent = ?")
        params.append(report.agent)
    if extra:
        clauses.append(extra)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class SqliteReports:
    """Report queries of the SQLite Store (see the module for what each figure means), on
    the store's ``read`` (its ``_read``: a context manager giving a connection); the Store
    reaches them through console.store.reports_mixin, which loads this module on first use.

    Each reads one of REPORT_INDEXES alone, named with INDEXED BY: without statistics SQLite
    would pick the index on status and read every row of the table besides.
    """

    def __init__(self, read: Callable[[], AbstractContextManager[sqlite3.Connection]]) -> None:
        self._read = read

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Rows of ``sql``; if an index it names is missing (a store whose index was dropped
        or never made), the same query without naming it: slower, and still right."""
        with self._read() as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such index" not in str(exc):
                    raise
                log.warning("reports: %s; counting without it (slower)", exc)
                return conn.execute(_INDEXED_BY.sub("", sql), params).fetchall()

    def _span(self, report: ReportFilter) -> tuple[str, str] | None:
        """The first and last call time the filter finds, or None when it finds none."""
        # The history's own index on created_at (schema v1) when no team list narrows it.
        index = "history_report_team" if report.team is not None else "history_created"
        where, params = _where(report)
        ends = []
        for direction in ("ASC", "DESC"):
            rows = self._query(
                f"SELECT created_at FROM history INDEXED BY {index}{where}"
                f" ORDER BY created_at {direction} LIMIT 1",
                params,
            )
            if not rows:
                return None
            ends.append(rows[0][0])
        return ends[0], ends[1]

    def _days(self, report: ReportFilter) -> list[tuple[str, str, str]]:
        """local_days for the calls the filter finds, the first and last cut to its period."""
        span = self._span(report)
        if span is None:
            return []
        days = local_days(*span, report.offset_minutes)
        # Within a day only its own ends bound the search (a bound shared by every day would
        # have each day search from it).
        day, lo, hi = days[0]
        days[0] = (day, max(lo, report.since or lo), hi)
        day, lo, hi = days[-1]
        days[-1] = (day, lo, min(hi, report.until or hi))
        return days

    def _per_day(self, report: ReportFilter, index: str, counts: str, extra: str = "") -> list:
        """(day, ``counts`` as JSON) for each local day, counted along ``index`` between the
        day's two ends: no sort of every call."""
        days = self._days(report)
        if not days:
            return []
        within = report._replace(since=None, until=None)
        where, params = _where(within, "created_at >= d.lo AND created_at < d.hi" + extra)
        sql = (
            f"{_DAYS} SELECT d.day, ({counts.format(source=f'history INDEXED BY {index}{where}')})"
            " FROM d"
        )
        return self._query(sql, [json.dumps(days), *params])

    def calls_per_day(self, report: ReportFilter) -> list[DayCount]:
        """Calls per local day and status, oldest day first (days without calls left out)."""
        days = self._days(report)
        if not days:
            return []
        # Each (day, status) is a range of history_report_status, counted without reading
        # anything else: several times quicker than summing a column per status.
        within = report._replace(since=None, until=None)
        where, params = _where(
            within, "status = s.status AND created_at >= d.lo AND created_at < d.hi"
        )
        sql = (
            f"{_DAYS}, s(status) AS (SELECT value FROM json_each(?))"
            " SELECT d.day, s.status, (SELECT count(*) FROM history"
            f" INDEXED BY history_report_status{where}) FROM d, s"
        )
        statuses = json.dumps(sorted(CALL_STATUSES))
        rows = self._query(sql, [json.dumps(days), statuses, *params])
        # Sorted here: days x statuses, not calls.
        return [DayCount(day, status, calls) for day, status, calls in sorted(rows) if calls]

    def dispositions_per_day(self, report: ReportFilter) -> list[DayDisposition]:
        """Wrapped-up calls per local day (of placing the call) and disposition, oldest day
        first, dispositions by name; calls not wrapped up are left out."""
        # The team's own list of dispositions: grouped within each day (a small sort).
        counts = (
            "SELECT json_group_object(disposition, n) FROM (SELECT disposition, count(*) AS n"
            " FROM {source} GROUP BY disposition)"
        )
        rows = self._per_day(report, "history_wrapped", counts, " AND disposition != ''")
        return [
            DayDisposition(day, name, calls)
            for day, found in rows
            if found
            for name, calls in sorted(json.loads(found).items())
        ]

    def answer_rates(self, report: ReportFilter) -> list[HourRate]:
        """Replied and answered calls per team list and local hour of sending (only the
        hours that had a reply), by team then hour."""
        where, params = _where(report, "status IN ('success', 'failed')")
        # Grouped by UTC quarter of an hour, along history_rate; every time zone is a whole
        # number of quarters from UTC, so each quarter falls in one local hour.
        sql = (
            f"SELECT team_name, {QUARTER_OF_DAY} AS quarter, count(*), sum(status = 'success')"
            f" FROM history INDEXED BY history_rate{where} GROUP BY team_name, quarter"
        )
        rows = self._query(sql, params)
        return fold_quarters(rows, report.offset_minutes)

    def first_leg_waits(self, report: ReportFilter) -> list[ListWait]:
        """ListWait per team list, for answered calls with a finish time; by team name."""
        where, params = _where(report, "first_leg_s IS NOT NULL")
        sql = (
            f"SELECT team_name, {WAIT_BUCKET} AS bucket, count(*), sum(first_leg_s),"
            f" max(first_leg_s) FROM history INDEXED BY history_wait{where}"
            " GROUP BY team_name, bucket"
        )
        rows = self._query(sql, params)
        return fold_waits(rows)

    def report_teams(self) -> list[str]:
        """Every team list name in the history (NO_TEAM included when such calls exist)."""
        rows = self._query("SELECT DISTINCT team_name FROM history INDEXED BY history_report_team")
        return sorted((row[0] for row in rows), key=str.casefold)
