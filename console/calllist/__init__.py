"""The call list: leads to work through one after another (preview dialing). No Qt.

A call list is an ordered list of leads, each ``waiting``, ``called``, ``reached`` or
``skipped``, with why and when as data (Entry: a SkipReason, the time, the call's status and
disposition; the window words them), a current position and a paused flag. It is built from
lead ids (a selection), a search, or a CSV file read by the leads importer, and kept in the
desktop's SQLite store (console.store.calllists: SQLite only, deliberately not part of the
ConsoleStore protocol, like team_state), so it survives a restart.

The rules live here, not in a window:

- ``next()`` moves to the first waiting lead from the current position on, passing over (and
  marking skipped, with its SkipReason) a lead marked "Do not call", a lead reached today
  (with the time) and a lead no longer saved.
- **Reached** means the service connected a call to the lead's number (history status
  ``success``, console.calls.outcome.Status.SUCCESS): the first leg was answered and the
  team was rung. Dispositions are not used: the team edits their list, so none of them can be
  relied on to mean "reached". "Today" is the local day of the clock given (the computer's).
- Never two calls at once from the list: ``check_call()`` refuses while the list's call is
  still reserved or in flight in the CallService's registry (the same registry that holds the
  "Call again?" rule), and while its wrap-up is still awaited.
- A list called from before the console stopped (a call made, a lead up next, not paused) comes
  back ``held_after_restart``: auto-advance never calls by itself after a restart (it may
  have been counting down when the console stopped); the agent's Call, ``resume()`` or
  auto-advance switched on in this run (``auto_advance_switched_on()``) ends the hold. Kept
  in memory only: every start holds such a list again.
- A finished list is never paused: reaching its end (Skip, a wrap-up) drops the flag, and
  ``pause()`` refuses once nothing is left.
- Progress: "12 of 40 · 7 reached", where 12 counts the leads done (called, reached or
  skipped) and 7 those reached from the list.

Every change is written at once. A write the store refuses (another program holds it, a full
disk) leaves the list going on in memory: ``save_problem`` says so in one sentence, and it is
written with the next change. Building a list is written or not made (sqlite3.Error).
"""

from console.calllist.build import FileLeads, no_leads_in
from console.calllist.parts import (
    AUTO_ADVANCE_SECONDS,
    LIST_KEPT,
    CallListRefused,
    CallListStore,
    Countdown,
    Progress,
)
from console.calllist.worklist import CallList
from console.store.calllist_rows import Entry, EntryState, SkipReason

__all__ = [
    "AUTO_ADVANCE_SECONDS",
    "CallList",
    "CallListRefused",
    "CallListStore",
    "Countdown",
    "Entry",
    "EntryState",
    "FileLeads",
    "LIST_KEPT",
    "Progress",
    "SkipReason",
    "no_leads_in",
]
