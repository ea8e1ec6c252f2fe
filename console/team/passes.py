"""One sync step each: send the outboxes, pull the lists and the calls. console.team.sync runs
them in its thread (or once, for the command line); each takes the local Store and a PgStore
connected to the team server, and raises psycopg.Error when the server is lost mid-way
(what was committed stays committed, what was not is sent again next time: every step is
idempotent on the server).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from console.store import Store, TeamList
from console.store.base import NotALead
from console.store.postgres import PgStore
from console.store.postgres.exchange import calls_changed, lists_snapshot, send_calls
from console.store.teamcopy import ListEdit

log = logging.getLogger(__name__)

CALLS_BATCH = 200  # outbox rows per server transaction
PULL_PAGE = 500
# A call's changed_at is the server's clock at its statement, a moment before its commit makes
# it visible: each pull reads again what changed in the last seconds before the mark.
PULL_MARGIN_SECONDS = 30.0
MARK_KEY = "calls_mark"  # team_state: the changed_at the next pull of calls starts from


@dataclass
class Pass:
    """What one sync pass did (see TeamSync.sync_once)."""

    sent_calls: int = 0
    sent_edits: int = 0
    pulled_calls: int = 0
    lists_changed: bool = False
    refused: str = ""  # the server's refusal of a list edit, one sentence ('' when none)
    calls_refused: str = ""  # the same for calls the row policy would not take
    sent_shared: int = 0  # wrap-ups and do-not-call marks the server took (console.team.share)
    shared_changed: bool = False  # the copy of the dispositions or do-not-call numbers changed

    @property
    def problem(self) -> str:
        """The pass's problem in one sentence ('' when none)."""
        return self.refused or self.calls_refused


def send_list_edits(local: Store, server: PgStore, done: Pass) -> None:
    """Make the server's lists and presets what this desktop's are, for each captured edit.

    Edits are replayed by name (the server's ids are not this desktop's) and each one is
    idempotent: the list or preset is written as it is here now, or deleted if it is gone
    here. A refusal (an agent's role, a name taken meanwhile) drops the edits with one
    sentence in ``done.refused``; the next pull of the lists puts the server's back.
    """
    edits = local.list_edits()
    if not edits:
        return
    try:
        seen: set[tuple[str, str]] = set()
        for edit in edits:
            key = (edit.kind, edit.name.casefold())
            if edit.op == "save" and key in seen:
                continue  # the list was already written as it is now
            seen.add(key)
            if edit.kind == "team":
                _send_team(local, server, edit)
            else:
                _send_preset(local, server, edit)
            done.sent_edits += 1
    except NotALead as exc:
        done.refused = str(exc)
    except (ValueError, KeyError) as exc:
        what = "team list" if edit.kind == "team" else "preset"
        reason = str(exc.args[0] if exc.args else exc)
        done.refused = f"The {what} {edit.name!r} was not saved on the team server ({reason})."
    local.drop_list_edits(edits[-1].seq)


def _send_team(local: Store, server: PgStore, edit: ListEdit) -> None:
    here = local.get_team(edit.name)
    there = server.get_team(edit.name)
    if edit.op == "rename" and edit.old_name and there is None:
        old = server.get_team(edit.old_name)
        if old is not None and old.id is not None:
            server.rename_team(old.id, edit.name)  # the same list on every desktop, renamed
            there = server.get_team(edit.name)
    if here is None:
        if there is not None and there.id is not None:
            server.delete_team(there.id)
        return
    server.save_team(TeamList(there.id if there else None, here.name, list(here.members)))


def _send_preset(local: Store, server: PgStore, edit: ListEdit) -> None:
    here = local.get_preset(edit.name)
    renamed_there = (
        edit.op == "rename"
        and edit.old_name
        and server.get_preset(edit.name) is None
        and server.get_preset(edit.old_name) is not None
    )
    if renamed_there:
        server.rename_preset(str(edit.old_name), edit.name)
    if here is None:
        server.delete_preset(edit.name)
    else:
        server.save_preset(here.name, here.options)


def send_calls_outbox(local: Store, server: PgStore, agent: str, done: Pass) -> None:
    """Send this desktop's calls the server lacks, oldest first, in batches. Calls the server
    refuses are given up, not retried forever: ``done.calls_refused`` says so."""
    while True:
        batch = local.outbox_calls(CALLS_BATCH)
        if not batch:
            return
        try:
            send_calls(server, batch, agent)
        except NotALead:
            # An agent's role may write only calls under its own name: a row made under
            # another name never will be accepted. The batch went back whole: each row
            # again on its own, and only those refused are given up (said, not retried).
            refused = 0
            for record in batch:
                try:
                    send_calls(server, [record], agent)
                except NotALead as exc:
                    refused += 1
                    calls = "1 call was" if refused == 1 else f"{refused} calls were"
                    done.calls_refused = f"{calls} not accepted by the team server: {exc}"
            log.warning("%s", done.calls_refused)
        local.mark_sent(batch, agent)
        done.sent_calls += len(batch)


def pull_lists(local: Store, server: PgStore, done: Pass) -> None:
    """Copy the server's lists and presets into the local tables (skipped while edits made
    here wait to be sent: they go first)."""
    teams, presets = lists_snapshot(server)
    if local.mirror_lists(teams, presets):
        done.lists_changed = True


def pull_calls(local: Store, server: PgStore, done: Pass) -> None:
    """Add the calls changed on the server since the last pull (other desktops': a lead's
    role sees every agent's, an agent's its own) to the local history, origin 'team'."""
    since = newest = local.team_state().get(MARK_KEY, "")
    margin = PULL_MARGIN_SECONDS
    while True:
        page = calls_changed(server, since, PULL_PAGE, margin)
        done.pulled_calls += local.merge_team_calls(page.calls)
        newest = max(newest, page.mark)  # ISO 8601 UTC text: text order is time order
        if len(page.calls) < PULL_PAGE or page.mark == since:
            break
        since, margin = page.mark, 0.0  # the next page: no margin, or it would loop
    local.set_team_state({MARK_KEY: newest})  # writes only when it moved
