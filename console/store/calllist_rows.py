"""The call list's rows as the store keeps them (console.store.calllists reads and writes
them; console.calllist works on them). Loaded with the first call list, not at start.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntryState(StrEnum):
    """Where a lead of the list stands; the values are what the store keeps."""

    WAITING = "waiting"  # not called yet
    CALLED = "called"  # called from the list; the service did not connect it
    REACHED = "reached"  # called from the list and connected (Status.SUCCESS)
    SKIPPED = "skipped"  # passed over: by the agent, or by a rule (Entry.skip says which)


class SkipReason(StrEnum):
    """Why a lead of the list was passed over; the values are what the store keeps."""

    AGENT = "agent"  # Skip was pressed
    DO_NOT_CALL = "do_not_call"  # the lead, or another lead with its number, is marked
    REACHED_TODAY = "reached_today"  # a call reached its number today (at the entry's ``at``)
    NOT_SAVED = "not_saved"  # the lead was deleted since the list was made


@dataclass
class Entry:
    """One lead on the list: its id, its name and number as last read (kept so a deleted lead
    still reads), its state and the history id of the call placed from the list (None
    before). Why and when, as data for the window to word: ``skip`` (why it was passed
    over), ``at`` (local HH:MM: the call from the list, or the call that reached it today),
    ``result`` (the call's history status, console.calls.outcome.Status; "" when it ended
    without one) and ``disposition`` (its wrap-up's, once saved). ``note``: the words a
    console wrote before these were kept as data (lists made then), else ""."""

    lead_id: int
    name: str
    number: str
    state: EntryState = EntryState.WAITING
    note: str = ""
    call_id: int | None = None
    skip: SkipReason | None = None
    at: str = ""
    result: str = ""
    disposition: str = ""


@dataclass
class StoredList:
    """The list as stored: ``position`` is the index of the current entry (len(entries) when
    all are done), ``source`` says what it was built from ("3 selected leads")."""

    id: int
    source: str
    created_at: str
    position: int
    paused: bool
    entries: list[Entry]
