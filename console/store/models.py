"""The records the store reads and writes, plus the small helpers they share.

Records here and elsewhere in the engine are ``typing.NamedTuple``: immutable as a frozen
dataclass would be, copied with ``_replace``, and made at import about five times faster
(a dataclass compiles each of its methods; tests/ui/test_startup_weight.py fails if the
window's start loads a frozen one, or any dataclass at a next start). The mutable objects a
start makes (the engine, a call in flight) are plain classes; dataclasses remain off the start
path (a call list's rows, import reports) and for csvlayout.Mapping (whose cache fields take no
part in its equality); Credentials are a plain immutable class (a tuple would spill their values
to anything that iterates or encodes it). A record is a tuple: it equals a tuple of the
same values and unpacks, which no code here relies on; compare records of one type only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import NamedTuple

from console.calls.outcome import Status
from console.phone import clean

# Every status a history row can have (one vocabulary: console.calls.outcome.Status); 'pending' is
# the only one a row is created with.
CALL_STATUSES: tuple[str, ...] = tuple(Status)
FINAL_STATUSES = tuple(s for s in Status if s.is_final)


class TeamMember(NamedTuple):
    """One phone on a team: a label for people and a 10-digit number for the API."""

    label: str
    number: str
    enabled: bool = True


class TeamList(NamedTuple):
    """A named, ordered list of phones that a call rings."""

    id: int | None
    name: str
    members: list[TeamMember]

    @property
    def list_value(self) -> str:
        """The API's `list` parameter: enabled numbers in order, joined by '|'."""
        return "|".join(m.number for m in self.members if m.enabled)


class Lead(NamedTuple):
    """A person to call; last_result, last_called_at and call_count come from history (the
    calls to its number), never stored."""

    id: int | None
    name: str
    number: str
    company: str = ""
    notes: str = ""
    last_result: str | None = None
    last_called_at: str | None = None
    # Set by a "Do not call" wrap-up or by hand; the engine refuses to call the number then
    # unless the person overrides it (console.calls.service.DoNotCall says why).
    do_not_call: bool = False
    do_not_call_reason: str = ""
    # The call-back its newest call asked for (ISO 8601 UTC), from history; a later call
    # supersedes it. Due when it is not after now.
    callback_at: str | None = None
    # How many calls its number had, from history.
    call_count: int = 0

    def callback_due(self, now: str | None = None) -> bool:
        """Whether its call-back has come: a time not after ``now`` (ISO 8601 UTC as the store
        writes it; default the clock). The leads list's "Call back due", `leads list`'s too."""
        return self.callback_at is not None and self.callback_at <= (now or utc_now())


# How search_leads may order the leads: by these fields of Lead ("last_call" is
# last_called_at, "calls" is call_count). Ascending by last call puts the leads never called
# first, then those waiting longest; descending, the latest called first.
LEAD_ORDERS: tuple[str, ...] = ("name", "number", "company", "last_call", "calls")


class LeadCalls(NamedTuple):
    """The calls to one lead's number: how many there are in all, and the newest few.

    ``recent`` is newest first, without the request and reply bodies (get_call has them).
    """

    total: int
    recent: list[CallRecord]


class Preset(NamedTuple):
    """Named call options, kept as JSON so new options need no schema change."""

    id: int | None
    name: str
    options: dict[str, object]


class CallRecord(NamedTuple):  # a tuple: the history view may hold 100,000 of them
    """One row of call history; field order matches history.CALL_COLUMNS."""

    id: int | None
    created_at: str
    finished_at: str | None
    lead_name: str
    lead_number: str
    team_name: str
    list_value: str
    call_type: int
    status: str
    description: str
    sid: str
    request_redacted: str
    raw_reply: str
    owner_pid: int
    # The store that placed the call (see console.store.owners); "" for rows written before
    # schema v3, whose owner is known by its pid alone.
    owner_token: str = ""
    # The UUID the desktop made for the call at begin_call (its id on the team server), and
    # the agent who placed it ("" when not known: a desktop that never joined a team).
    uuid: str = ""
    agent: str = ""
    # The wrap-up (console.store.dispositions): the disposition's name as chosen then, the
    # agent's notes, when it was saved and the call-back asked for (ISO 8601 UTC, or None).
    disposition: str = ""
    notes: str = ""
    wrapped_at: str | None = None
    callback_at: str | None = None


class Disposition(NamedTuple):
    """One way a call can be wrapped up, from the team's editable list (in ``position`` order).

    ``kind`` gives it a meaning the engine acts on: DO_NOT_CALL marks the lead so it is not
    called again without an override, CALL_BACK carries a date and time; "" for the others.
    At most one disposition has each kind.
    """

    id: int | None
    name: str
    position: int = 0
    kind: str = ""


def utc_now() -> str:
    """Now as ISO 8601 UTC with milliseconds and a Z, so text order is time order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere; use with ESCAPE '\\'."""
    # Escaped so a typed % or _ is searched for literally rather than acting as a wildcard.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_PHONE_LIKE = re.compile(r"^[\d\s().+\-/]*\d[\d\s().+\-/]*$")


def phone_digits(text: str) -> str | None:
    """The digits of `text` when it reads as a typed phone number ("(555) 111-2"), else None.

    Part of a number counts (this is for searching); its Unicode look-alikes are folded by
    the same function that reads whole numbers (console.phone.clean).
    """
    text = clean(text)
    # Only punctuation-and-digits text counts: "sid7" or "lead 12" must not match every
    # number that merely contains a 7 or a 12.
    if not _PHONE_LIKE.match(text):
        return None
    return re.sub(r"[^0-9]", "", text)
