"""The calls in flight of this process, each reserved before anything is awaited.

A call is reserved synchronously, at the request, so a second identical request made before
the first one's history row exists (two presses in one turn of the loop, a key and a click)
finds the first and is refused with AlreadyPending; the window then asks "Call again?". The
rule lives here, not in a widget, so every path to a call meets it.

The registry is per process: two ``main.py call`` processes, or a command and the window, do
not see each other's calls. The store's pending rows are deliberately not consulted: another
process's call can be neither asked about, cancelled nor followed from here, and a command
places one deliberate call (a script that calls a lead twice means it; refusing would need
an exit code scripts do not expect). It is not thread-safe: it is used from the event loop's
thread only, as asyncio is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from console.calls.outcome import Status
from console.phone import lead_label

if TYPE_CHECKING:
    from console.store.journal import Unsaved

log = logging.getLogger(__name__)

# The lead's number and the set of the list's numbers, as digits (see call_key).
CallKey = tuple[str, frozenset[str]]
Observer = Callable[["InFlight"], None]
_DIGITS = frozenset("0123456789")
_STARTED, _ENDED = 0, 1  # an observer entry's two places


def _number_key(text: str) -> str:
    # Digits only, without the +1 country code: "(555) 222-3334", "+1 555 222 3334" and
    # "5552223334" are one number. Not console.phone.check_phone: the key is made in the
    # press's own turn of the loop, where loading phonenumbers (~0.1 s) would freeze the
    # window; the request itself is validated afterwards, before anything is sent.
    digits = "".join(c for c in text if c in _DIGITS)
    if len(digits) == 11 and digits.startswith("1"):
        return digits[1:]
    return digits or text.strip()


def call_key(lead_number: str, list_value: str) -> CallKey:
    """What makes two calls the same call: the lead's number and the team list's numbers.

    ``list_value`` is the API's ``list`` ("5551110003|5551110004"); it is compared as a set,
    since reordered it still rings the same agents for the same lead. The options do not
    count: another caller ID, timeout or whisper still rings the same people a second time.
    """
    numbers = frozenset(_number_key(n) for n in list_value.split("|") if n.strip())
    return _number_key(lead_number), numbers


class InFlight:
    """One call reserved or in flight.

    ``call_id`` (the history row) is None until the pending row is written; ``started`` is
    the time.monotonic() reading of that moment. ``task`` is what ``cancel`` cancels.
    ``status``, ``description`` (the service's words, or why there is no answer), ``sid`` and
    ``unsaved`` (set when the history could not take the ending, saying where it went)
    describe the ending, for the ``ended`` observers; secrets are masked in them.
    """

    # A plain class (compared by identity: each reservation is itself, even when two are for
    # the same call), not a dataclass: one is made by compiling its methods at import.
    __slots__ = (
        "key", "lead_number", "list_value", "lead_name", "team_name", "again", "task",
        "call_id", "reserved_at", "started", "status", "description", "sid", "unsaved",
    )  # fmt: skip

    def __init__(
        self,
        key: CallKey,
        lead_number: str,
        list_value: str,
        lead_name: str = "",
        team_name: str = "",
        again: bool = False,  # reserved as a confirmed repeat of a call still pending
    ) -> None:
        self.key = key
        self.lead_number = lead_number
        self.list_value = list_value
        self.lead_name = lead_name
        self.team_name = team_name
        self.again = again
        self.task: asyncio.Task | None = None
        self.call_id: int | None = None
        self.reserved_at = time.monotonic()
        self.started = 0.0
        self.status: Status | None = None
        self.description = ""
        self.sid = ""
        self.unsaved: Unsaved | None = None

    def __repr__(self) -> str:
        return (
            f"InFlight(lead={self.lead!r}, list_value={self.list_value!r}, "
            f"call_id={self.call_id!r}, status={self.status!r}, sid={self.sid!r})"
        )

    @property
    def lead(self) -> str:
        """The lead as a person reads it: the name, else the formatted number."""
        return lead_label(self.lead_name, self.lead_number)


class AlreadyPending(Exception):
    """A call to the same lead on the same list is reserved or in flight; nothing was sent.

    ``pending`` is that call. Reserve again with ``again=True`` once the person said so.
    """

    def __init__(self, pending: InFlight) -> None:
        team = f"the list {pending.team_name}" if pending.team_name else "the same list"
        super().__init__(f"A call to {pending.lead} on {team} is already pending; nothing was sent")
        self.pending = pending


class CallRegistry:
    """The calls reserved or in flight, oldest first, with observers told as they go.

    ``started(call)`` is called once the call's pending history row exists (just before the
    request leaves), ``ended(call)`` once that row holds the ending; a reservation that ends
    before it is recorded (refused, no credentials) is never shown to them. Observers are
    plain callables, called on the loop's thread; one that raises is logged and skipped.
    """

    def __init__(self) -> None:
        self._calls: dict[InFlight, None] = {}  # an ordered set
        self._by_key: dict[CallKey, list[InFlight]] = {}
        self._by_id: dict[int, InFlight] = {}
        self._observers: list[tuple[Observer | None, Observer | None]] = []

    def reserve(
        self,
        lead_number: str,
        list_value: str,
        *,
        lead_name: str = "",
        team_name: str = "",
        again: bool = False,
    ) -> InFlight:
        """Hold the call to ``lead_number`` on ``list_value`` (the API's ``list``) at once.

        Raises AlreadyPending when the same call (see ``call_key``) is already reserved or in
        flight, unless ``again``: the person confirmed a repeat. Release it with ``release``
        (``CallService.place`` does, as the call ends).
        """
        key = call_key(lead_number, list_value)
        held = self._by_key.get(key)
        if held and not again:
            raise AlreadyPending(held[0])
        call = InFlight(key, lead_number, list_value, lead_name, team_name, again)
        self._calls[call] = None
        self._by_key.setdefault(key, []).append(call)
        return call

    def attach(self, call: InFlight, task: asyncio.Task) -> None:
        """``task`` places ``call``: ``cancel`` cancels it, and its end releases the call
        (even a task cancelled before it ever ran, whose own clean-up never runs)."""
        call.task = task
        task.add_done_callback(lambda _task: self.release(call))

    def record(self, call: InFlight, call_id: int) -> None:
        """The call's pending history row ``call_id`` exists: ``started`` observers are told.

        Raises RuntimeError when the reservation was already released (nothing is sent then).
        """
        if call not in self._calls:
            raise RuntimeError("the call's reservation was released before it was placed")
        call.call_id, call.started = call_id, time.monotonic()
        self._by_id[call_id] = call
        self._tell(_STARTED, call)

    def release(self, call: InFlight) -> None:
        """The call ended, or never left: it is no longer pending. Safe to call twice."""
        if call not in self._calls:
            return
        del self._calls[call]
        same = self._by_key[call.key]
        same.remove(call)
        if not same:
            del self._by_key[call.key]
        if call.call_id is not None:
            del self._by_id[call.call_id]
            self._tell(_ENDED, call)

    def find(self, lead_number: str, list_value: str) -> InFlight | None:
        """The oldest call reserved or in flight to this lead on this list, if any."""
        held = self._by_key.get(call_key(lead_number, list_value))
        return held[0] if held else None

    def get(self, call_id: int) -> InFlight | None:
        """The call in flight whose history row is ``call_id``."""
        return self._by_id.get(call_id)

    def cancel(self, call_id: int) -> bool:
        """Stop waiting for the call ``call_id``; False when it is not in flight.

        Its request has been sent, so the call may still go ahead at the service; the
        history row ends as cancelled.
        """
        call = self._by_id.get(call_id)
        if call is None or call.task is None or call.task.done():
            return False
        call.task.cancel()
        return True

    def count(self) -> int:
        """How many calls are reserved or in flight."""
        return len(self._calls)

    def count_sent(self) -> int:
        """How many may have reached the service: their pending history row is written, so
        the request has left or is leaving. A reservation still being checked (waiting for
        the keyring, say) has sent nothing and can simply be dropped."""
        return sum(1 for call in self._calls if call.call_id is not None)

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, call: object) -> bool:
        return call in self._calls

    def __iter__(self) -> Iterator[InFlight]:
        return iter(list(self._calls))

    def in_flight(self) -> list[InFlight]:
        """The calls whose pending row exists, oldest first (what a list of them shows)."""
        return sorted(self._by_id.values(), key=lambda call: call.started)

    def observe(
        self, *, started: Observer | None = None, ended: Observer | None = None
    ) -> Callable[[], None]:
        """Call ``started(call)`` and ``ended(call)`` as calls go (see the class); returns
        the function that stops it."""
        entry = (started, ended)
        self._observers.append(entry)

        def stop() -> None:
            if entry in self._observers:
                self._observers.remove(entry)

        return stop

    def _tell(self, which: int, call: InFlight) -> None:
        for observer in [entry[which] for entry in self._observers]:
            if observer is None:
                continue
            try:
                observer(call)
            except Exception:
                # A broken view must not leave a call unrecorded or held for ever.
                log.exception("an observer of the calls in flight failed")
