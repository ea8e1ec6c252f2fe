"""The SQLite Store's report queries, loaded on first use.

Only the Reports window asks for them; console.store.reports (its records, SQL and
folding) is imported when it does, not with the store at every start.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.store.reports import (
        DayCount,
        DayDisposition,
        HourRate,
        ListWait,
        ReportFilter,
        SqliteReports,
    )


class ReportsMixin:
    """ConsoleStore's report methods for the SQLite Store (console.store.reports says what
    each figure means and how it is counted)."""

    if TYPE_CHECKING:

        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def _reports(self) -> SqliteReports:
        from console.store.reports import SqliteReports

        return SqliteReports(self._read)

    def calls_per_day(self, report: ReportFilter) -> list[DayCount]:
        """Calls per local day and status, oldest day first (days without calls left out)."""
        return self._reports().calls_per_day(report)

    def dispositions_per_day(self, report: ReportFilter) -> list[DayDisposition]:
        """Wrapped-up calls per local day and disposition, oldest day first."""
        return self._reports().dispositions_per_day(report)

    def answer_rates(self, report: ReportFilter) -> list[HourRate]:
        """Replied and answered calls per team list and local hour, by team then hour."""
        return self._reports().answer_rates(report)

    def first_leg_waits(self, report: ReportFilter) -> list[ListWait]:
        """ListWait per team list, for answered calls with a finish time; by team name."""
        return self._reports().first_leg_waits(report)

    def report_teams(self) -> list[str]:
        """Every team list name in the history (NO_TEAM included when such calls exist)."""
        return self._reports().report_teams()
