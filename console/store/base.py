"""The store interface the engine uses, which SQLite (console.store.Store, one desktop) and
PostgreSQL (console.store.postgres.PgStore, a team) both implement.

A call's id is opaque to callers: SQLite's row id (int) or the UUID the desktop made for it
(str, PostgreSQL). Everything else is the records of console.store.models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from console.store.models import (
    CallRecord,
    Disposition,
    Lead,
    LeadCalls,
    Preset,
    TeamList,
    TeamMember,
)
from console.store.teams import TeamImportResult

if TYPE_CHECKING:  # the Reports window's shapes: that module loads when it opens
    from console.store.reports import DayCount, DayDisposition, HourRate, ListWait, ReportFilter

CallId = int | str


class NotALead(Exception):
    """The team server refused an edit only a team lead may make; str() is one sentence."""


@runtime_checkable
class ConsoleStore(Protocol):
    """Team lists, presets, leads and history: what the engine and the command line call."""

    # Team lists (names ignore case; ValueError for a duplicate, KeyError for a missing id).
    def list_teams(self) -> list[TeamList]: ...
    def get_team(self, name: str) -> TeamList | None: ...
    def save_team(self, team: TeamList) -> TeamList: ...
    def import_members(
        self, name: str, members: list[TeamMember], mode: str = "new"
    ) -> TeamImportResult: ...
    def rename_team(self, team_id: int, new_name: str) -> None: ...
    def delete_team(self, team_id: int) -> None: ...

    # Presets
    def list_presets(self) -> list[Preset]: ...
    def get_preset(self, name: str) -> Preset | None: ...
    def save_preset(self, name: str, options: dict[str, object]) -> Preset: ...
    def rename_preset(self, old: str, new: str) -> None: ...
    def delete_preset(self, name: str) -> None: ...

    # Leads
    def add_lead(self, lead: Lead) -> Lead: ...
    def add_leads(self, leads: list[Lead]) -> int: ...
    def update_lead(self, lead: Lead) -> None: ...
    def delete_lead(self, lead_id: int) -> None: ...
    def get_lead(self, lead_id: int) -> Lead | None: ...
    # The lead as get_lead reads it but for its calls (history not read: no last call,
    # call-back or count); for a reader showing the calls apart, when they cannot be read.
    def lead_without_calls(self, lead_id: int) -> Lead | None: ...
    # The saved leads among ``lead_ids``, each as get_lead reads it: id -> lead (unknown ids
    # left out), in one query whatever the count.
    def get_leads(self, lead_ids: list[int]) -> dict[int, Lead]: ...
    # The lead whose number is exactly ``number`` (10 digits), the first by name; or None.
    def lead_with_number(self, number: str) -> Lead | None: ...
    # ``order``: one of models.LEAD_ORDERS (ValueError for another); each lead carries its
    # last call and call count.
    def search_leads(
        self, text: str = "", limit: int = 500, order: str = "name", descending: bool = False
    ) -> list[Lead]: ...
    def count_leads(self) -> int: ...

    # History: a call is begun (pending) before the request leaves, then finished once.
    def begin_call(
        self,
        *,
        lead_name: str,
        lead_number: str,
        team_name: str,
        list_value: str,
        call_type: int,
        request_redacted: str,
    ) -> CallId: ...
    def finish_call(
        self,
        call_id: CallId,
        *,
        status: str,
        description: str,
        sid: str = "",
        raw_reply: str = "",
    ) -> None: ...
    def get_call(self, call_id: CallId) -> CallRecord | None: ...
    # ``agent``: only the calls with that agent name (None: all this store shows).
    def fetch_calls(
        self,
        text: str = "",
        status: str | None = None,
        offset: int = 0,
        limit: int = 200,
        *,
        disposition: str | None = None,
        agent: str | None = None,
    ) -> list[CallRecord]: ...
    def count_calls(
        self,
        text: str = "",
        status: str | None = None,
        *,
        disposition: str | None = None,
        agent: str | None = None,
    ) -> int: ...
    def list_agents(self) -> list[str]: ...
    # A lead's calls by its number: the count and the newest ``limit``, newest first.
    def lead_calls(self, number: str, limit: int = 10) -> LeadCalls: ...

    # Wrap-up (console.store.dispositions): the team's dispositions (a team lead edits them on
    # a team server: NotALead otherwise), a call's disposition and notes, call-backs, and the
    # leads marked "Do not call".
    def list_dispositions(self) -> list[Disposition]: ...
    def save_disposition(self, disposition: Disposition) -> Disposition: ...
    # A new disposition (id None) added at ``place`` (1-based), or one moved there, and the
    # list renumbered 0..n-1, in one transaction (IndexError outside the list).
    def place_disposition(self, disposition: Disposition, place: int) -> Disposition: ...
    def delete_disposition(self, disposition_id: int) -> None: ...
    def find_call(self, ref: str) -> CallRecord | None: ...
    def wrap_up(
        self,
        call_id: CallId,
        disposition: str,
        notes: str = "",
        callback_at: str | None = None,
    ) -> CallRecord: ...
    def set_do_not_call(self, lead_id: int, reason: str | None) -> None: ...
    def do_not_call_lead(self, number: str) -> Lead | None: ...
    def due_callbacks(self, now: str | None = None) -> list[CallRecord]: ...

    # Team mode: the sync's state (keys in docs/team-server.md), all values text.
    def team_state(self) -> dict[str, str]: ...
    # Reports (console.store.reports says what each figure means), counted in SQL.
    def calls_per_day(self, report: ReportFilter) -> list[DayCount]: ...
    def answer_rates(self, report: ReportFilter) -> list[HourRate]: ...
    def first_leg_waits(self, report: ReportFilter) -> list[ListWait]: ...
    def dispositions_per_day(self, report: ReportFilter) -> list[DayDisposition]: ...
    def report_teams(self) -> list[str]: ...

    def close(self) -> None: ...
