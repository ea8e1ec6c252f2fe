"""Reports counted by each store engine, checked against the calls seeded into it."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.store import CallRecord, Store
from console.store.base import ConsoleStore
from console.store.reports import (
    REPORT_SCHEMA,
    WAIT_BUCKET_S,
    WAIT_BUCKETS,
    DayCount,
    DayDisposition,
    HourRate,
    ListWait,
    ReportFilter,
    local_days,
)

STATUSES = ("success", "failed", "network", "unknown", "cancelled")
TEAMS = ("Sales", "Renewals", "")
AGENTS = ("ann", "bob")
DISPOSITIONS = ("Connected", "No answer", "Interested")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _row(
    created: datetime,
    team: str,
    status: str,
    wait_s: float | None,
    agent: str = "",
    disposition: str = "",
) -> CallRecord:
    finished = None if wait_s is None else _iso(created + timedelta(seconds=wait_s))
    return CallRecord(
        None, _iso(created), finished, "Ann", "5551112222", team, "5550001111", 1, status,
        "", "", "", "", 1, agent=agent, disposition=disposition,
    )  # fmt: skip


def seed(store: Any, rows: list[CallRecord]) -> list[CallRecord]:
    """The rows into either engine, their times as given, wrapped up with their disposition
    as an agent does (Store.wrap_up); returns them as stored (PgStore names its own agent)."""
    if isinstance(store, Store):
        store.add_calls_bulk(rows)
        ids = [r.id for r in store.fetch_calls(limit=-1, bodies=False, oldest_first=True)]
    else:
        ids = []
        for r in rows:
            call = store.begin_call(
                lead_name=r.lead_name,
                lead_number=r.lead_number,
                team_name=r.team_name,
                list_value=r.list_value,
                call_type=r.call_type,
                request_redacted="",
                created_at=r.created_at,
            )
            store.finish_call(call, status=r.status, description="", finished_at=r.finished_at)
            ids.append(call)
        rows = [r._replace(agent=store.agent) for r in rows]
    for call, r in zip(ids, rows, strict=True):
        if r.disposition:
            store.wrap_up(call, r.disposition)
    return rows


def random_rows(count: int, seed_value: int = 13) -> list[CallRecord]:
    rng = random.Random(seed_value)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    rows = []
    for _ in range(count):
        minutes = rng.randrange(60 * 24 * 20)
        created = start + timedelta(minutes=minutes, milliseconds=rng.randrange(1000))
        wait = round(rng.uniform(0, 150), 3)
        agent = rng.choice(AGENTS)
        disposition = rng.choice(DISPOSITIONS) if rng.random() < 0.3 else ""
        rows.append(
            _row(created, rng.choice(TEAMS), rng.choice(STATUSES), wait, agent, disposition)
        )
    return rows


def _local(text: str, offset: int) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) + timedelta(minutes=offset)


def _kept(rows: list[CallRecord], report: ReportFilter) -> list[CallRecord]:
    return [
        r
        for r in rows
        if (report.since is None or r.created_at >= report.since)
        and (report.until is None or r.created_at < report.until)
        and (report.team is None or r.team_name == report.team)
        and (report.agent is None or r.agent == report.agent)
    ]


def expected_days(rows: list[CallRecord], report: ReportFilter) -> list[DayCount]:
    counts = Counter(
        (_local(r.created_at, report.offset_minutes).date().isoformat(), r.status)
        for r in _kept(rows, report)
    )
    return [DayCount(day, status, n) for (day, status), n in sorted(counts.items())]


def expected_dispositions(rows: list[CallRecord], report: ReportFilter) -> list[DayDisposition]:
    counts = Counter(
        (_local(r.created_at, report.offset_minutes).date().isoformat(), r.disposition)
        for r in _kept(rows, report)
        if r.disposition
    )
    return [DayDisposition(day, name, n) for (day, name), n in sorted(counts.items())]


def expected_rates(rows: list[CallRecord], report: ReportFilter) -> list[HourRate]:
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for r in _kept(rows, report):
        if r.status in ("success", "failed"):
            entry = counts[(r.team_name, _local(r.created_at, report.offset_minutes).hour)]
            entry[0] += 1
            entry[1] += r.status == "success"
    return [HourRate(team, hour, *c) for (team, hour), c in sorted(counts.items())]


FILTERS = [
    ReportFilter(),
    ReportFilter(offset_minutes=-300),
    ReportFilter(offset_minutes=330),  # India: half an hour off UTC
    ReportFilter(since="2025-03-05T05:00:00.000Z", until="2025-03-12T05:00:00.000Z"),
    ReportFilter(team="Renewals", since="2025-03-04T00:00:00.000Z", offset_minutes=60),
    ReportFilter(team=""),
    ReportFilter(agent="ann", offset_minutes=-480),
]


@pytest.mark.parametrize("report", FILTERS, ids=range(len(FILTERS)))
def test_reports_match_the_seeded_calls(any_store: ConsoleStore, report: ReportFilter) -> None:
    rows = seed(any_store, random_rows(300))
    assert any_store.calls_per_day(report) == expected_days(rows, report)
    assert any_store.dispositions_per_day(report) == expected_dispositions(rows, report)
    assert any_store.answer_rates(report) == expected_rates(rows, report)
    waits = {w.team: w for w in any_store.first_leg_waits(report)}
    answered = [r for r in _kept(rows, report) if r.status == "success"]
    for team in TEAMS:
        seconds = [
            (_local(r.finished_at, 0) - _local(r.created_at, 0)).total_seconds()
            for r in answered
            if r.team_name == team
        ]
        if not seconds:
            assert team not in waits
            continue
        wait = waits[team]
        assert wait.calls == len(seconds)
        assert wait.mean_s == pytest.approx(sum(seconds) / len(seconds), abs=0.001)
        assert wait.longest_s == pytest.approx(max(seconds), abs=0.001)
        buckets = Counter(min(int(s // WAIT_BUCKET_S), WAIT_BUCKETS - 1) for s in seconds)
        assert wait.buckets == tuple(buckets.get(b, 0) for b in range(WAIT_BUCKETS))


def test_reports_by_hand(any_store: ConsoleStore) -> None:
    day = datetime(2025, 6, 2, 13, 0, tzinfo=UTC)  # 09:00 in New York (UTC-4 in June)
    seed(
        any_store,
        [
            _row(day, "Sales", "success", 12.5),
            _row(day + timedelta(minutes=5), "Sales", "success", 20.0),  # exactly 20 s
            _row(day + timedelta(minutes=10), "Sales", "failed", 90),
            _row(day + timedelta(minutes=20), "Sales", "network", 0.1),
            _row(day + timedelta(hours=12), "Sales", "success", 200, disposition="Interested"),
        ],  # the last at 01:00 UTC, 3 June
    )
    new_york = ReportFilter(offset_minutes=-240)
    assert any_store.calls_per_day(new_york) == [
        DayCount("2025-06-02", "failed", 1),
        DayCount("2025-06-02", "network", 1),
        DayCount("2025-06-02", "success", 3),  # 21:00 in New York is still the 2nd
    ]
    assert any_store.answer_rates(new_york) == [
        HourRate("Sales", 9, 3, 2),
        HourRate("Sales", 21, 1, 1),
    ]
    [wait] = any_store.first_leg_waits(new_york)
    assert (wait.team, wait.calls, wait.longest_s) == ("Sales", 3, 200.0)
    assert wait.mean_s == pytest.approx((12.5 + 20 + 200) / 3)
    assert wait.buckets[1] == 1 and wait.buckets[2] == 1 and wait.buckets[-1] == 1
    assert any_store.dispositions_per_day(new_york) == [
        DayDisposition("2025-06-02", "Interested", 1)
    ]
    assert any_store.dispositions_per_day(ReportFilter()) == [
        DayDisposition("2025-06-03", "Interested", 1)
    ]
    assert any_store.report_teams() == ["Sales"]
    assert any_store.calls_per_day(ReportFilter(team="Renewals")) == []


def test_no_calls_no_figures(any_store: ConsoleStore) -> None:
    empty = ReportFilter()
    assert any_store.calls_per_day(empty) == []
    assert any_store.answer_rates(empty) == []
    assert any_store.first_leg_waits(empty) == []
    assert any_store.dispositions_per_day(empty) == []
    assert any_store.report_teams() == []


def test_agents_on_the_team_server(team_url: str) -> None:
    from console.store.postgres import PgStore

    rows = random_rows(60)
    with PgStore.open(team_url, agent="ann") as ann:
        rows = seed(ann, rows[:20]) + rows[20:]
    with PgStore.open(team_url, agent="bob") as bob:
        rows = rows[:20] + seed(bob, rows[20:])
        assert bob.list_agents() == ["ann", "bob"]
        for agent in ("ann", "bob"):
            report = ReportFilter(agent=agent, team="Sales")
            assert bob.calls_per_day(report) == expected_days(rows, report)
            assert bob.answer_rates(report) == expected_rates(rows, report)
            assert bob.dispositions_per_day(report) == expected_dispositions(rows, report)


def test_a_list_wait_without_buckets_has_empty_buckets() -> None:
    # A NamedTuple takes a dataclasses.field(...) default as the Field object itself.
    wait = ListWait("Sales", 0, 0.0, 0.0)
    assert wait.buckets == (0,) * WAIT_BUCKETS
    assert sum(wait.buckets) == 0


def test_local_days_cover_the_period_in_utc() -> None:
    days = local_days("2025-03-09T04:30:00.000Z", "2025-03-10T03:59:59.999Z", -300)
    assert days == [
        ("2025-03-08", "2025-03-08T05:00:00.000Z", "2025-03-09T05:00:00.000Z"),
        ("2025-03-09", "2025-03-09T05:00:00.000Z", "2025-03-10T05:00:00.000Z"),
    ]


def test_reports_read_one_index_and_sort_nothing(tmp_path: Path) -> None:
    """Each SQLite report goes along its index without sorting every call (EXPLAIN QUERY
    PLAN): at 100,000 calls a sort of every row made opening the Reports view seconds."""
    plans: list[str] = []
    with Store.open(tmp_path / "findme.db") as store:
        seed(store, random_rows(50))
        conn = store._conn
        real = conn

        class Spy:
            def execute(self, sql: str, params: Any = ()) -> Any:
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    plan = real.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
                    plans.append(" / ".join(str(step[-1]) for step in plan))
                return real.execute(sql, params)

        store._conn = Spy()  # type: ignore[assignment]
        try:
            for report in (ReportFilter(), ReportFilter(team="Sales", since="2025-03-02")):
                store.calls_per_day(report)
                store.answer_rates(report)
                store.first_leg_waits(report)
                store.dispositions_per_day(report)
        finally:
            store._conn = conn
    assert len(plans) >= 6
    for plan in plans:
        assert "INDEX history_" in plan and "history_status" not in plan, plan
        # Only the team's own dispositions are grouped, within each day (a small sort).
        if "history_wrapped" not in plan:
            assert "TEMP B-TREE" not in plan, plan


def test_report_indexes_are_in_the_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "findme.db") as store, store._read() as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for statement in REPORT_SCHEMA:
        if statement.startswith("CREATE INDEX"):
            assert statement.split()[2] in names
    assert sqlite3.sqlite_version_info >= (3, 38)  # json_each and json_array built in


def test_reports_still_count_when_their_indexes_are_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A store whose report indexes were dropped (or never made) counts the same, slower,
    rather than failing the view with a traceback."""
    rows = random_rows(120)
    report = ReportFilter(team="Sales", offset_minutes=60)
    with Store.open(tmp_path / "findme.db") as store:
        seed(store, rows)
        with store._tx() as conn:
            for statement in REPORT_SCHEMA:
                if statement.startswith("CREATE INDEX"):
                    conn.execute(f"DROP INDEX {statement.split()[2]}")
        assert store.calls_per_day(report) == expected_days(rows, report)
        assert store.answer_rates(report) == expected_rates(rows, report)
        assert store.dispositions_per_day(report) == expected_dispositions(rows, report)
        assert [w.team for w in store.first_leg_waits(report)] == ["Sales"]
        assert store.report_teams() == sorted(TEAMS, key=str.casefold)
    assert "counting without it" in caplog.text
