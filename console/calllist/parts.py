"""The call list's small parts: what it needs of the store, its refusal, its progress,
auto-advance's countdown and "reached today" (console.calllist says the rules)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from console.calls.outcome import Status
from console.store.calllist_rows import Entry, SkipReason, StoredList
from console.store.models import CallRecord, Lead, LeadCalls

AUTO_ADVANCE_SECONDS = 5  # the countdown before the next lead is called, when asked for
RECENT_CALLS = 20  # how many of a lead's newest calls "reached today" looks through
# What becomes of the list when a file picked for a new one cannot be read
# (console.problems.file_unreadable's ``outcome``).
LIST_KEPT = "the call list in use is kept"


class CallListStore(Protocol):
    """What the call list needs of the desktop's store (console.store.Store)."""

    def get_lead(self, lead_id: int) -> Lead | None: ...
    def lead_without_calls(self, lead_id: int) -> Lead | None: ...
    def get_leads(self, lead_ids: list[int]) -> dict[int, Lead]: ...
    def search_leads(
        self, text: str = "", limit: int = 500, order: str = "name", descending: bool = False
    ) -> list[Lead]: ...
    def count_leads(self) -> int: ...
    def add_leads(self, leads: list[Lead]) -> int: ...
    def lead_ids(self, numbers: list[str]) -> dict[str, int]: ...
    def lead_calls(self, number: str, limit: int = 10) -> LeadCalls: ...
    def do_not_call_lead(self, number: str) -> Lead | None: ...
    def get_call(self, call_id: int) -> CallRecord | None: ...
    def load_call_list(self) -> StoredList | None: ...
    def replace_call_list(self, source: str, entries: list[Entry]) -> StoredList: ...
    def save_call_list(
        self, list_id: int, entries: dict[int, Entry], place: tuple[int, bool] | None = None
    ) -> None: ...


class CallListRefused(Exception):
    """The list will not do that now; str() is one sentence for the person."""


class Progress(NamedTuple):
    """``done`` of ``total`` leads dealt with (called, reached or skipped), ``reached`` of
    them reached from the list."""

    done: int
    total: int
    reached: int

    def text(self) -> str:
        """ "12 of 40 · 7 reached"."""
        return f"{self.done} of {self.total} · {self.reached} reached"


class Countdown:
    """The seconds before the next lead is called by itself (auto-advance): ``start``, then
    ``tick`` once a second until it says the time is up; ``cancel`` (any key, Pause) stops it.
    """

    def __init__(self, seconds: int = AUTO_ADVANCE_SECONDS) -> None:
        self.seconds = seconds
        self.left: int | None = None  # None: not counting

    @property
    def running(self) -> bool:
        return self.left is not None

    def start(self) -> None:
        self.left = self.seconds

    def tick(self) -> bool:
        """One second passed; True when the time is up (the count then stops)."""
        if self.left is None:
            return False
        self.left -= 1
        if self.left > 0:
            return False
        self.left = None
        return True

    def cancel(self) -> bool:
        """Stop counting; whether it was counting."""
        was, self.left = self.left is not None, None
        return was


# Two wordings of a skip on purpose: these are the engine's (English, in the CallListRefused
# the window shows as it comes); ui/calllist/model.py's SKIPS are the list
# table's, translated by Qt, which console/ knows nothing of.
def skip_words(why: SkipReason, at: str = "") -> str:
    """Why a lead was passed over, in the engine's words for its refusals ("Do not call",
    "reached today at 10:14"); the window words an entry's status itself (ui/calllist)."""
    return {
        SkipReason.AGENT: "by the agent",
        SkipReason.DO_NOT_CALL: "Do not call",
        SkipReason.REACHED_TODAY: f"reached today at {at}",
        SkipReason.NOT_SAVED: "no longer a saved lead",
    }[why]


def reached_today(store: CallListStore, number: str, now: datetime) -> str | None:
    """The local time (HH:MM in ``now``'s zone) of the latest call today that reached
    ``number`` (history status success), or None."""
    for call in store.lead_calls(number, RECENT_CALLS).recent:  # newest first
        if call.status != Status.SUCCESS:
            continue
        clock, today = clock_text(call.created_at, now)
        if today:
            return clock
        break  # older than today: none later can be today
    return None


def clock_text(iso: str, now: datetime) -> tuple[str, bool]:
    """(HH:MM in ``now``'s zone, whether on ``now``'s day) for a stored UTC time."""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(now.tzinfo)
    return when.strftime("%H:%M"), when.date() == now.date()


def local_now() -> datetime:
    return datetime.now().astimezone()
