"""The call list itself: building it, moving through it, its calls (console.calllist says
the rules; console.calllist.build finds the leads of a new one)."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from console.calllist.build import FileLeads, no_leads_in, read_leads, saved_entries, search_ids
from console.calllist.parts import (
    CallListRefused,
    CallListStore,
    Progress,
    clock_text,
    local_now,
    reached_today,
    skip_words,
)
from console.calls.outcome import Status
from console.calls.registry import CallRegistry, InFlight, call_key
from console.phone import lead_label
from console.store.calllist_rows import Entry, EntryState, SkipReason, StoredList
from console.store.models import CallRecord, Lead

if TYPE_CHECKING:
    from console.csvio import ImportReport
    from console.csvlayout import Mapping

_T = TypeVar("_T")


def _writes(method: Callable[..., _T]) -> Callable[..., _T]:
    """A change to the list: what it changed is written once, as it returns (or raises), in
    one go with anything an earlier write left unsaved (see CallList._flush)."""

    @functools.wraps(method)
    def change(self: CallList, *args: object, **kwargs: object) -> _T:
        self._depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._flush()

    return change


class CallList:
    """The desktop's call list, loaded from ``store`` (empty until one is built).

    ``registry`` is the CallService's (engine.calls.registry): a call is pending while its
    reservation is in it. ``now`` gives the local time, aware (tests pass a fixed clock).
    """

    def __init__(
        self,
        store: CallListStore,
        registry: CallRegistry,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        self.store, self.registry, self._now = store, registry, now
        self._call: InFlight | None = None  # the list's call, reserved or in flight
        self._call_entry: int | None = None  # the index it was placed for
        self._wrapping: int | None = None  # the call id whose wrap-up the list waits for
        # Why the list in use could not be read at start ("" when it was): the console
        # starts without it rather than not at all.
        self.problem = ""
        # Why the last change could not be written ("" once written; see _flush).
        self.save_problem = ""
        self._unsaved: set[int] = set()  # entries changed in memory, not yet in the store
        self._place_unsaved = False
        self._depth = 0  # how deep in changes (_writes): written when back at 0
        self._stored: StoredList | None = None
        # A list called from before the console stopped comes back held: auto-advance may
        # have been counting down to the lead up next, and nobody asked for a call in this run.
        self.held_after_restart = False
        try:
            self._stored = store.load_call_list()
            if self._stored is not None:
                self._settle_calls_of_last_run()
                self.next()  # written with the settled entries, in one go
                # Auto-advance counts down only after a call of the list's: one was made.
                called = any(entry.call_id is not None for entry in self.entries)
                self.held_after_restart = called and not self.paused and bool(self.current())
        except sqlite3.Error as exc:
            self.problem = f"The call list could not be read ({exc}); it is kept in the store."

    def _settle_calls_of_last_run(self) -> None:
        """A lead whose call started before the console stopped (its history row was written,
        the end never reached the list) is called, as the history says: never up again as
        if it had not been, since that call may have rung."""
        for index, entry in enumerate(self.entries):
            if entry.state != EntryState.WAITING or entry.call_id is None:
                continue
            record = self.store.get_call(entry.call_id)
            status = record.status if record is not None else "interrupted"
            clock = clock_text(record.created_at, self._now())[0] if record else ""
            self._ended(index, status, clock)

    # What the list is
    @property
    def entries(self) -> list[Entry]:
        return self._stored.entries if self._stored else []

    @property
    def position(self) -> int:
        """The current entry's index; len(entries) once all are done."""
        return self._stored.position if self._stored else 0

    @property
    def paused(self) -> bool:
        return bool(self._stored and self._stored.paused)

    @property
    def source(self) -> str:
        """What the list was built from, in words ("3 selected leads"); "" for none."""
        return self._stored.source if self._stored else ""

    def current(self) -> Entry | None:
        """The lead the list is on, or None when it is empty or done."""
        entries = self.entries
        return entries[self.position] if self.position < len(entries) else None

    def is_done(self) -> bool:
        return bool(self.entries) and all(e.state != EntryState.WAITING for e in self.entries)

    def progress(self) -> Progress:
        entries = self.entries
        done = sum(e.state != EntryState.WAITING for e in entries)
        reached = sum(e.state == EntryState.REACHED for e in entries)
        return Progress(done, len(entries), reached)

    def pending(self) -> InFlight | None:
        """The list's call while it is reserved or in flight in the registry."""
        call = self._call
        return call if call is not None and call in self.registry else None

    @property
    def awaiting_wrap_up(self) -> int | None:
        """The history id of the list's call whose wrap-up is awaited, if any."""
        return self._wrapping

    # Building
    @_writes
    def from_lead_ids(self, lead_ids: Iterable[int], source: str, empty: str = "") -> int:
        """A new list of these saved leads, in this order (repeats and unknown ids dropped);
        returns its length. Replaces the list in use; refused while its call is pending, and
        when none of them is a saved lead (``empty`` says why, in words: "The search “x”
        finds no leads"), as an empty list would only lose the one in use."""
        self._refuse_if_calling("no new list was made")
        entries = saved_entries(self.store, lead_ids)
        if not entries:
            why = empty or "None of these leads is saved any more"
            raise CallListRefused(f"{why}; the call list in use is kept.")
        self._stored = self.store.replace_call_list(source, entries)
        self._unsaved, self._place_unsaved, self.save_problem = set(), False, ""
        self._wrapping, self.held_after_restart = None, False
        self.next()
        return len(entries)

    def from_search(self, text: str, limit: int = 10_000) -> int:
        """A new list of the leads the leads search finds for ``text`` (all leads for ""),
        in the order the leads table shows them by default (by name)."""
        return self.from_lead_ids(*search_ids(self.store, text, limit))

    def read_file(
        self,
        path: str | os.PathLike[str],
        mapping: Mapping | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> FileLeads:
        """Read a CSV file's leads for a new list (FileLeads: the report, the lead ids in the
        file's order, the list's source in words, how many were new). Blocking: run it off
        the UI thread, then give the ids to ``from_lead_ids`` (``from_file`` does both). See
        console.calllist.build.read_leads (OSError when it cannot be read:
        console.problems.file_unreadable says why)."""
        return read_leads(self.store, path, mapping, progress)

    def from_file(
        self,
        path: str | os.PathLike[str],
        mapping: Mapping | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """A new list of a CSV file's leads in the file's order (see ``read_file``)."""
        self._refuse_if_calling("no new list was made")
        report, ids, source, _added = self.read_file(path, mapping, progress)
        self.from_lead_ids(ids, source, no_leads_in(path, report))
        return report

    # Moving through it
    @_writes
    def next(self) -> Entry | None:
        """The first lead still to call from the position on (the current one if it is),
        marking skipped those the rules pass over; None when all are done."""
        stored = self._stored
        if stored is None:
            return None
        index = stored.position
        while index < len(stored.entries):
            entry = stored.entries[index]
            if entry.state == EntryState.WAITING:
                why, at, _lead = self._rule_skips(index)
                if why is None:
                    break
                self._skipped(index, why, at)  # with the change's one write (a held store: kept)
            index += 1
        self._move(index)
        if index >= len(stored.entries) and stored.paused:  # done: nothing to hold back
            stored.paused, self._place_unsaved = False, True
        return self.current()

    def lead_up(self) -> tuple[Entry, Lead | None] | None:
        """The current entry and its lead as saved now (None once deleted), or None when the
        list is empty or done. The entry takes the lead's name and number as they are now
        (written when they changed): the lead shown is the one Call dials. When its calls
        cannot be read the lead comes without them (store.lead_without_calls);
        sqlite3.Error when the lead itself cannot be read."""
        entry = self.current()
        if entry is None:
            return None
        try:
            lead = self.store.get_lead(entry.lead_id)
        except sqlite3.Error:
            # The lead's calls (the history) that cannot be read do not make it unsaved:
            # read without them (a store that cannot read the lead either raises as before);
            # the calls' problem is said where they are shown.
            lead = self.store.lead_without_calls(entry.lead_id)
        # Written only when it changed: the window reads this on every refresh, and a store
        # another program holds would make each read wait for it.
        if lead is not None and self._follow(self.position, entry, lead) and not self._depth:
            self._flush()
        return entry, lead

    def _follow(self, index: int, entry: Entry, lead: Lead) -> bool:
        """The entry takes the lead's name and number; whether they changed."""
        if (entry.name, entry.number) == (lead.name, lead.number):
            return False
        entry.name, entry.number = lead.name, lead.number
        self._save_entry(index)
        return True

    def _rule_skips(self, index: int) -> tuple[SkipReason | None, str, Lead | None]:
        """(Why the rules pass the entry at ``index`` over or None, the time it was reached
        today (HH:MM) or "", its lead as read now); its name and number are refreshed from
        the lead."""
        entry = self.entries[index]
        lead = self.store.get_lead(entry.lead_id)
        if lead is None:
            return SkipReason.NOT_SAVED, "", None
        self._follow(index, entry, lead)
        # The engine's rule (CallService): a number is not called while any lead with it is
        # marked, so a copy of a marked lead saved by hand is passed over too.
        if lead.do_not_call or self.store.do_not_call_lead(lead.number) is not None:
            return SkipReason.DO_NOT_CALL, "", lead
        reached = self.reached_today(lead.number)
        if reached is not None:
            return SkipReason.REACHED_TODAY, reached, lead
        return None, "", lead

    def reached_today(self, number: str) -> str | None:
        """The local time (HH:MM) of the latest call today that reached ``number`` (see the
        module: history status success), or None."""
        return reached_today(self.store, number, self._now())

    @_writes
    def skip(self, reason: SkipReason = SkipReason.AGENT) -> Entry | None:
        """Pass over the current lead (skipped: ``reason``) and go to the next one.

        After a call from the list (its wrap-up awaited) it simply moves on. Refused
        (CallListRefused) while the list's call is pending, and when nothing is left.
        """
        self._refuse_if_calling("nothing was skipped")
        entry = self.current()
        if entry is None:
            raise CallListRefused(self.nothing_left())
        if entry.state == EntryState.WAITING:
            self._skipped(self.position, reason)
        self._wrapping = None
        return self.next()

    @_writes
    def pause(self) -> None:
        """Stop at the current lead: no call from the list, no auto-advance, until resume.
        Refused (CallListRefused) once the list is done: a finished list is never paused."""
        if self._stored is not None and self.current() is None:
            raise CallListRefused(self.nothing_left())
        self._set_paused(True)

    @_writes
    def resume(self) -> Entry | None:
        """Go on from where the list was paused, or held after a restart (auto-advance may
        count down again); the lead to call now (None when done)."""
        self._set_paused(False)
        self.held_after_restart = False
        return self.next() if self._wrapping is None else self.current()

    def auto_advance_switched_on(self) -> None:
        """The agent switched auto-advance on in this run: a hold after a restart is over
        (it holds a countdown of the last run, not one this choice asks for). Nothing is
        called by it: the countdown starts after the next wrap-up, as for any list."""
        self.held_after_restart = False

    def auto_advance_to(self, enabled: bool) -> Entry | None:
        """The lead auto-advance would call now, or None: only when ``enabled`` (the
        person's choice, off by default), the list not paused nor held after a restart
        (``held_after_restart``: never a call by itself before the agent calls or resumes),
        no call of the list pending and no wrap-up awaited."""
        if not enabled or self.paused or self.held_after_restart:
            return None
        if self.pending() is not None or self._wrapping:
            return None
        return self.current()

    # Calls from the list
    @_writes
    def check_call(self) -> tuple[Entry, Lead]:
        """The lead to call now, checked against the rules: (its entry, the lead as read for
        the check: the one to dial). CallListRefused (one sentence) when the list is empty,
        paused, done, its call still pending or its wrap-up awaited. A lead the rules now
        pass over (marked "Do not call" since it came up) is skipped with its reason, and the
        refusal says so."""
        self._refuse_if_calling()
        if not self.entries:
            raise CallListRefused(
                "The call list is empty: build one from selected leads, a search or a CSV file."
            )
        if self.paused:
            raise CallListRefused("The call list is paused: press Resume to go on.")
        if self._wrapping is not None:
            entry = self._call_entry_now()
            who = lead_label(entry.name, entry.number) if entry else "the last lead"
            raise CallListRefused(
                f"Save or skip the wrap-up of the call to {who} first; then the next lead comes up."
            )
        entry = self.current()
        if entry is not None and entry.state != EntryState.WAITING:
            entry = self.next()  # called already (its wrap-up skipped by moving on)
        if entry is None:
            raise CallListRefused(self.nothing_left())
        why, at, lead = self._rule_skips(self.position)
        if why is not None or lead is None:
            who = lead_label(entry.name, entry.number)
            self._skipped(self.position, why or SkipReason.NOT_SAVED, at)
            self.next()
            said = skip_words(why or SkipReason.NOT_SAVED, at)
            raise CallListRefused(f"{who} was skipped ({said}); nothing was sent.")
        self._refuse_if_called_elsewhere(entry)
        return entry, lead

    def calling(self, call: InFlight) -> None:
        """The call to the current lead is reserved (``call``, from the registry): until it
        ends, the list refuses another. The agent called: a hold after a restart is over."""
        self._call, self._call_entry = call, self.position
        self.held_after_restart = False

    @_writes
    def call_started(self, call: InFlight) -> None:
        """The registry says ``call``'s history row exists: the list keeps its id at once, so
        a restart before it ends finds the lead called (see the constructor)."""
        if call is self._call and self._call_entry is not None and call.call_id is not None:
            self.entries[self._call_entry].call_id = call.call_id
            self._save_entry(self._call_entry)

    @_writes
    def call_ended(self, call: InFlight) -> Entry | None:
        """The registry says ``call`` ended: its lead is marked reached or called, with the
        time, and the list waits for its wrap-up (``wrapped_up``); the entry, or None when
        the call was not the list's."""
        if call is not self._call or self._call_entry is None:
            return None
        index, self._call, self._call_entry = self._call_entry, None, None
        entry = self.entries[index]
        entry.call_id = call.call_id
        status = str(call.status) if call.status is not None else ""
        self._ended(index, status, self._now().strftime("%H:%M"))
        # Without a history row to wrap up (the history could not take it) nothing will be
        # saved or skipped: the list moves on at once.
        self._wrapping = call.call_id if call.unsaved is None else None
        return entry

    @_writes
    def wrapped_up(self, record: CallRecord, saved: bool = True) -> Entry | None:
        """A call's wrap-up was saved (or skipped: ``saved`` False). A call of the list's
        has its disposition kept in its entry (even after Skip moved on, or edited later
        from the history); when it is the awaited one, the next lead comes up (returned).
        None otherwise."""
        if record.id is None:
            return None
        for index, entry in enumerate(self.entries):
            if entry.call_id == record.id and saved and record.disposition:
                entry.disposition = record.disposition  # a later edit replaces it
                # A list made before the status was data joined the disposition to the
                # note's words ("called at 09:00: failed · Interested"): now data, said once.
                entry.note = entry.note.split(" · ", 1)[0]
                self._save_entry(index)
        if record.id != self._wrapping:
            return None
        self._wrapping = None
        return self.next()

    # Inside
    def _call_entry_now(self) -> Entry | None:
        return next((e for e in self.entries if e.call_id == self._wrapping), None)

    def _refuse_if_calling(self, then: str = "nothing more was sent") -> None:
        """``then``: what the refusal means for what was asked ("nothing was skipped")."""
        call = self.pending()
        if call is not None:
            raise CallListRefused(f"A call to {call.lead} is still in progress; {then}.")

    def _refuse_if_called_elsewhere(self, entry: Entry) -> None:
        """A call to this lead placed outside the list (the call panel, a link) and still
        pending holds the list: calling now would be the panel's "Call again?", whose call
        the list would never know of."""
        number = call_key(entry.number, "")[0]
        other = next((call for call in self.registry if call.key[0] == number), None)
        if other is not None:
            raise CallListRefused(
                f"A call to {other.lead} placed outside the list is still in progress;"
                " nothing more was sent."
            )

    def nothing_left(self) -> str:
        """The list done, in words: "All 12 leads are done." ("The one lead is done.")."""
        total = len(self.entries)
        return f"All {total} leads are done." if total != 1 else "The one lead is done."

    def _move(self, index: int) -> None:
        stored = self._stored
        assert stored is not None
        if stored.position != index:
            stored.position = index
            self._place_unsaved = True

    def _set_paused(self, paused: bool) -> None:
        stored = self._stored
        if stored is None:
            raise CallListRefused("There is no call list yet.")
        stored.paused = paused
        self._place_unsaved = True

    def _save_entry(self, index: int) -> None:
        self._unsaved.add(index)

    def _skipped(self, index: int, why: SkipReason, at: str = "") -> None:
        entry = self.entries[index]
        entry.state, entry.skip, entry.at = EntryState.SKIPPED, why, at
        self._save_entry(index)

    def _ended(self, index: int, status: str, clock: str) -> None:
        """The list's call to the entry at ``index`` ended at ``clock`` (HH:MM) with the
        history's ``status`` ("" when none): reached (Status.SUCCESS) or called."""
        entry = self.entries[index]
        reached = status == Status.SUCCESS
        entry.state = EntryState.REACHED if reached else EntryState.CALLED
        entry.at, entry.result = clock, status
        self._save_entry(index)

    def _flush(self) -> None:
        """Write what changed (with whatever an earlier write left unsaved); a store that
        refuses (another program holds it, a full disk) is noted in ``save_problem`` and
        the list goes on in memory, written with the next change."""
        stored = self._stored
        if stored is None:
            return
        if not self._unsaved and not self._place_unsaved:
            return
        changed = {index: stored.entries[index] for index in self._unsaved}
        place = (stored.position, stored.paused) if self._place_unsaved else None
        try:
            self.store.save_call_list(stored.id, changed, place)  # one transaction
        except sqlite3.Error as exc:
            self.save_problem = (
                f"The call list could not be saved just now ({exc}); it goes on, and is"
                " saved with the next change."
            )
            return
        self._unsaved, self._place_unsaved = set(), False
        self.save_problem = ""
