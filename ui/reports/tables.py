"""What the Reports view shows, as tables: the charts draw them, Export CSV writes them, and a
sentence under each chart says them in words.

Everything here is counted already by the store (console.store.reports): the folding below
runs over days, team lists and hours, never over calls.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from console.store.base import ConsoleStore
from console.store.reports import (
    NO_TEAM,
    WAIT_BUCKET_S,
    WAIT_BUCKETS,
    DayCount,
    DayDisposition,
    HourRate,
    ListWait,
    ReportFilter,
)

NO_TEAM_TEXT = "(no team list)"


def team_text(name: str) -> str:
    return name if name != NO_TEAM else NO_TEAM_TEXT


class Figures(NamedTuple):
    """The reports for one filter, as the store counted them; None: not counted yet (each is
    counted when its chart is first shown)."""

    report: ReportFilter
    days: list[DayCount] | None = None
    rates: list[HourRate] | None = None
    waits: list[ListWait] | None = None
    dispositions: list[DayDisposition] | None = None


# Each part of Figures and the store's method counting it.
COUNTERS = {
    "days": "calls_per_day",
    "rates": "answer_rates",
    "waits": "first_leg_waits",
    "dispositions": "dispositions_per_day",
}


def count_part(store: ConsoleStore, report: ReportFilter, part: str) -> list:
    """One part of Figures from the store (blocking: run it off the window's thread)."""
    return getattr(store, COUNTERS[part])(report)


class Table(NamedTuple):
    """A chart's data: ``header`` then ``rows`` (cells as written to CSV)."""

    header: list[str]
    rows: list[list[object]]


def day_range(days: list[str]) -> list[str]:
    """Every day from the first to the last of ``days`` (ISO dates), so gaps show as gaps."""
    if not days:
        return []
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def stacked(
    items: list[tuple[str, str, int]], order: list[str] | None = None
) -> tuple[list[str], list[str], dict[str, list[int]]]:
    """(days, series names, calls per series for each day) from (day, series, calls)."""
    days = day_range([day for day, _, _ in items])
    index = {day: i for i, day in enumerate(days)}
    names = order or sorted({name for _, name, _ in items})
    series = {name: [0] * len(days) for name in names}
    for day, name, calls in items:
        series.setdefault(name, [0] * len(days))[index[day]] += calls
    return days, list(series), series


def _per_day_table(
    items: list[tuple[str, str, int]], label: Callable[[str], str], order: list[str] | None
) -> Table:
    days, names, series = stacked(items, order)
    used = [n for n in names if any(series[n])]
    rows = [[day, *(series[n][i] for n in used), sum(series[n][i] for n in used)] for i, day in
            enumerate(days)]  # fmt: skip
    return Table(["day", *(label(n) for n in used), "total"], rows)


def days_table(figures: Figures, label: Callable[[str], str], order: list[str]) -> Table:
    """Calls per day, a column per result."""
    return _per_day_table([(d.day, d.status, d.calls) for d in figures.days], label, order)


def dispositions_table(figures: Figures) -> Table:
    """Wrapped-up calls per day, a column per disposition."""
    items = [(d.day, d.disposition, d.calls) for d in figures.dispositions]
    return _per_day_table(items, str, None)


def rate_grid(rates: list[HourRate]) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """(team lists, for each its 24 hours as (replied, answered)) from the store's rows."""
    teams = sorted({r.team for r in rates}, key=str.casefold)
    grid = {team: [(0, 0)] * 24 for team in teams}
    for r in rates:
        grid[r.team][r.hour] = (r.replied, r.answered)
    return teams, [grid[t] for t in teams]


def rate(replied: int, answered: int) -> float | None:
    return answered / replied if replied else None


def rates_table(figures: Figures) -> Table:
    """Per team list and hour: calls the service replied to, answered, and the rate in %."""
    teams, grid = rate_grid(figures.rates)
    rows: list[list[object]] = []
    for team, hours in zip(teams, grid, strict=True):
        for hour, (replied, answered) in enumerate(hours):
            if replied:
                rows.append([team_text(team), hour, replied, answered, _pct(replied, answered)])
    return Table(["team list", "hour", "replied", "answered", "answer rate %"], rows)


def _pct(replied: int, answered: int) -> float:
    return round(100 * answered / replied, 1) if replied else 0.0


def bucket_label(bucket: int) -> str:
    start = bucket * WAIT_BUCKET_S
    if bucket == WAIT_BUCKETS - 1:
        return f"{start}+ s"
    return f"{start}-{start + WAIT_BUCKET_S} s"


def waits_table(figures: Figures) -> Table:
    """Per team list: answered calls, mean and longest wait, and calls per wait bucket."""
    header = ["team list", "answered calls", "mean wait s", "longest wait s"]
    header += [bucket_label(b) for b in range(WAIT_BUCKETS)]
    rows = [[team_text(w.team), w.calls, w.mean_s, w.longest_s, *w.buckets] for w in figures.waits]
    return Table(header, rows)


def _calls(n: int) -> str:
    return f"{n:,} call" + ("" if n == 1 else "s")


def days_summary(figures: Figures, label: Callable[[str], str]) -> str:
    total = sum(d.calls for d in figures.days)
    if not total:
        return "No calls in this period."
    by_status: dict[str, int] = {}
    for d in figures.days:
        by_status[d.status] = by_status.get(d.status, 0) + d.calls
    parts = ", ".join(
        f"{label(s).lower()} {n:,}" for s, n in sorted(by_status.items(), key=lambda x: -x[1])
    )
    days = len({d.day for d in figures.days})
    return f"{_calls(total)} over {days:,} day{'s' if days != 1 else ''}: {parts}."


def rates_summary(figures: Figures) -> str:
    teams, grid = rate_grid(figures.rates)
    if not teams:
        return "No call had an answer from the service in this period."
    parts = []
    for team, hours in zip(teams, grid, strict=True):
        replied = sum(h[0] for h in hours)
        answered = sum(h[1] for h in hours)
        best = max(range(24), key=lambda h: (rate(*hours[h]) or -1, hours[h][0]))
        parts.append(
            f"{team_text(team)} {_pct(replied, answered):g}% of {_calls(replied)}"
            f" (best at {best:02d}:00, {_pct(*hours[best]):g}%)"
        )
    return "Answered: " + "; ".join(parts) + "."


def waits_summary(figures: Figures) -> str:
    if not figures.waits:
        return "No answered call in this period."
    parts = [
        f"{team_text(w.team)} {w.mean_s:.0f} s on average, longest {w.longest_s:.0f} s"
        f" ({_calls(w.calls)})"
        for w in figures.waits
    ]
    return "A lead waited for the first leg: " + "; ".join(parts) + "."


def dispositions_summary(figures: Figures) -> str:
    total: dict[str, int] = {}
    for d in figures.dispositions:
        total[d.disposition] = total.get(d.disposition, 0) + d.calls
    if not total:
        return "No call was wrapped up in this period."
    parts = ", ".join(f"{name} {n:,}" for name, n in sorted(total.items(), key=lambda x: -x[1]))
    return f"{_calls(sum(total.values()))} wrapped up: {parts}."
