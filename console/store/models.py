"""The records the store reads and writes, plus the small helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from console.calls.outcome import Status
from console.phone import clean

# Every status a history row can have (one vocabulary: console.calls.outcome.Status); 'pending' is
# the only one a row is created with.
CALL_STATUSES: tuple[str, ...] = tuple(Status)
FINAL_STATUSES = tuple(s for s in Status if s.is_final)


@dataclass(frozen=True)
class TeamMember:
    """One phone on a team: a label for people and a 10-digit number for the API."""

    label: str
    number: str
    enabled: bool = True


@dataclass(frozen=True)
class TeamList:
    """A named, ordered list of phones that a call rings."""

    id: int | None
    name: str
    members: list[TeamMember]

    @property
    def list_value(self) -> str:
        """The API's `list` parameter: enabled numbers in order, joined by '|'."""
        return "|".join(m.number for m in self.members if m.enabled)


@dataclass(frozen=True)
class Lead:
    """A person to call; last_result and last_called_at come from history, never stored."""

    id: int | None
    name: str
    number: str
    company: str = ""
    notes: str = ""
    last_result: str | None = None
    last_called_at: str | None = None


@dataclass(frozen=True)
class Preset:
    """Named call options, kept as JSON so new options need no schema change."""

    id: int | None
    name: str
    options: dict[str, object]


@dataclass(frozen=True, slots=True)  # slots: the history view may hold 100,000 of them
class CallRecord:
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
