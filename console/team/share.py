"""Sync steps for what desktops share beyond lists and calls: wrap-ups, the team's
dispositions and its do-not-call numbers (console.store.teamshare captures them locally,
console.store.postgres.share writes them on the server). console.team.sync runs them in each
pass after the calls; like console.team.passes' steps, each is idempotent on the server and
raises psycopg.Error when the server is lost (what was not committed is sent again).
"""

from __future__ import annotations

from console.store import Store
from console.store.base import NotALead
from console.store.dispositions import UnknownDisposition, find_disposition
from console.store.donotcall import DoNotCallMark
from console.store.models import Disposition
from console.store.postgres import PgStore
from console.store.postgres.share import send_marks, send_wrap_ups, shared_snapshot
from console.store.teamshare import ShareEdit
from console.team.passes import CALLS_BATCH, Pass


def send_wrap_up_changes(local: Store, server: PgStore, done: Pass) -> None:
    """Send the wrap-ups changed here (each call's as it is now: the latest change), in the
    order they changed, in batches; the server keeps the later of its own and this one."""
    while edits := local.share_edits("wrap_up")[:CALLS_BATCH]:
        rows = local.wrap_ups(edit.name for edit in edits)
        try:
            done.sent_shared += send_wrap_ups(server, rows)
        except (NotALead, ValueError) as exc:  # not retried forever: said, then dropped
            done.refused = done.refused or f"A wrap-up was not saved on the team server: {exc}"
        local.drop_share_edits("wrap_up", edits[-1].seq)


def send_do_not_call_changes(local: Store, server: PgStore, who: str, done: Pass) -> None:
    """Send the do-not-call marks and unmarks made here, the last change of each number, as
    the team's (``who``: the name they are marked under; '' for the server's login)."""
    edits = local.share_edits("do_not_call")
    if not edits:
        return
    latest = {edit.name: edit for edit in edits}  # in order: the last change of each number
    marks = [DoNotCallMark(e.name, e.op == "mark", e.detail, who, e.at) for e in latest.values()]
    try:
        done.sent_shared += send_marks(server, marks)
    except (NotALead, ValueError) as exc:
        done.refused = done.refused or f"A do-not-call mark was not shared: {exc}"
    local.drop_share_edits("do_not_call", edits[-1].seq)


def send_disposition_edits(local: Store, server: PgStore, done: Pass) -> None:
    """Make the server's dispositions what this desktop's are, for each captured edit, by
    name (as console.team.passes.send_list_edits does lists). A refusal (an agent's role:
    "Only a team lead can edit dispositions.") drops the edits with one sentence in
    ``done.refused``; the next copy puts the team's list back."""
    edits = local.share_edits("disposition")
    if not edits:
        return
    edit = edits[0]
    try:
        seen: set[str] = set()
        for edit in edits:
            key = edit.name.casefold()
            if edit.op == "save" and key in seen:
                continue
            seen.add(key)
            _send_disposition(local, server, edit)
            done.sent_edits += 1
    except NotALead as exc:
        done.refused = str(exc)
    except (ValueError, KeyError) as exc:
        reason = str(exc.args[0] if exc.args else exc)
        done.refused = f"The disposition {edit.name!r} was not saved on the team server ({reason})."
    local.drop_share_edits("disposition", edits[-1].seq)


def _named(dispositions: list[Disposition], name: str | None) -> Disposition | None:
    try:
        return find_disposition(dispositions, name or "")
    except UnknownDisposition:
        return None


def _send_disposition(local: Store, server: PgStore, edit: ShareEdit) -> None:
    here = _named(local.list_dispositions(), edit.name)
    there = _named(server.list_dispositions(), edit.name)
    if edit.op == "rename" and there is None:
        old = _named(server.list_dispositions(), edit.old_name)
        if old is not None:  # the same disposition for every desktop, renamed
            there = server.save_disposition(old._replace(name=edit.name))
    if here is None:
        if there is not None and there.id is not None:
            server.delete_disposition(there.id)
        return
    server.save_disposition(here._replace(id=there.id if there else None))


def pull_shared(local: Store, server: PgStore, done: Pass) -> None:
    """Copy the team's dispositions and do-not-call numbers into the local copy (each
    skipped while changes of its own made here wait to be sent: they go first)."""
    dispositions, marks = shared_snapshot(server)
    if local.mirror_dispositions(dispositions):
        done.shared_changed = True
    if local.mirror_do_not_call(marks):
        done.shared_changed = True
