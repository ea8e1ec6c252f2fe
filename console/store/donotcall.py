"""The team's do-not-call numbers (team mode): one mark per number, shared by every desktop.

Leads are each desktop's own (they are not copied), so a lead's "Do not call" mark is shared
by its number: on the team server in ``do_not_call`` (schema v5), on a desktop in its copy
``team_do_not_call`` (console.store.teamshare). Both engines' ``do_not_call_lead(number)``
answer a number the team marked as they answer a marked lead (console.calls.DoNotCall):
one implementation, DoNotCallLookup, over each engine's own reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from console.store.models import Lead


class DoNotCallMark(NamedTuple):
    """One number's mark for the team: ``marked`` False is an unmark (sent, never kept in a
    copy); ``reason`` as the person wrote it or the wrap-up made it; ``marked_by`` the agent
    (or login) that set it; ``marked_at`` ISO 8601 UTC, the marking desktop's clock: of two
    changes, the later one wins."""

    number: str
    marked: bool
    reason: str
    marked_by: str
    marked_at: str

    @classmethod
    def from_row(cls, row: Sequence[str]) -> DoNotCallMark:
        """A kept mark from a row of (number, reason, marked_by, marked_at): both engines'
        team-mark tables read these columns, in this order (marked_at ISO 8601 UTC)."""
        number, reason, marked_by, marked_at = row
        return cls(number, True, reason, marked_by, marked_at)


def marked_lead(mark: DoNotCallMark, lead: Lead | None) -> Lead:
    """The lead ``do_not_call_lead`` answers for a number the team marked: the saved lead
    with that number when there is one (else a lead with no id and no name), marked, its
    reason saying who marked it for the team and when (the day, UTC)."""
    who = mark.marked_by or "another desktop"
    why = mark.reason or "no reason given"
    reason = f"{why}; marked for the team by {who} on {mark.marked_at[:10]}"
    base = lead if lead is not None else Lead(None, "", mark.number)
    return base._replace(do_not_call=True, do_not_call_reason=reason)


def with_team_marks(
    leads: list[Lead], marks_of: Callable[[Iterable[str]], Mapping[str, DoNotCallMark]]
) -> list[Lead]:
    """Leads as the team sees them: one not marked itself whose number the team marked
    carries the team's mark (marked_lead), so a list shows it and "Allow calls again" takes
    it away. ``marks_of(numbers)`` reads the marks of those numbers (one query)."""
    wanted = {lead.number for lead in leads if not lead.do_not_call and lead.number}
    marks = marks_of(sorted(wanted)) if wanted else {}
    if not marks:
        return leads
    return [
        marked_lead(marks[x.number], x) if not x.do_not_call and x.number in marks else x
        for x in leads
    ]


class DoNotCallLookup:
    """``do_not_call_lead`` for both engines (SQLite Store and PgStore), over reads each engine
    gives: ``_marked_lead_id(number)``, ``get_lead``, ``lead_with_number`` and
    ``team_marks(numbers)``. A number nobody marked costs the two small reads and no lead read
    (it is asked before every call and for each lead of a call list); one the team marked
    reads its saved lead too, whose reading carries the mark again."""

    if TYPE_CHECKING:

        def _marked_lead_id(self, number: str) -> int | None: ...
        def get_lead(self, lead_id: int) -> Lead | None: ...
        def lead_with_number(self, number: str) -> Lead | None: ...
        def team_marks(self, numbers: Iterable[str]) -> Mapping[str, DoNotCallMark]: ...

    def do_not_call_lead(self, number: str) -> Lead | None:
        """A lead marked "Do not call" with this number (10 digits), the first by id; else, in
        team mode, the team's mark on the number (marked_lead: who and why) on the saved lead
        with that number, or on a lead with no id when none is saved; else None."""
        marked_id = self._marked_lead_id(number)
        if marked_id is not None:
            return self.get_lead(marked_id)
        # The mark first: a number nobody marked (nearly every call) costs no lead read.
        mark = self.team_marks([number]).get(number)
        if mark is None:
            return None
        # The saved lead, read through get_lead, carries the team's mark already.
        lead = self.lead_with_number(number)
        return lead if lead is not None and lead.do_not_call else marked_lead(mark, lead)
