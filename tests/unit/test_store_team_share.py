"""What a desktop shares beyond lists and calls, in the store: wrap-ups, dispositions and
do-not-call marks captured in team mode (console.store.teamshare), the copies the sync
writes, and the team's do-not-call numbers answered by both engines' do_not_call_lead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.store import Lead, Store
from console.store.base import ConsoleStore
from console.store.donotcall import DoNotCallMark
from console.store.models import CallRecord, Disposition


def _call(store: Any, number: str = "5551112222") -> Any:
    call_id = store.begin_call(
        lead_name="Ann", lead_number=number, team_name="", list_value="5550001111",
        call_type=1, request_redacted="",
    )  # fmt: skip
    store.finish_call(call_id, status="success", description="ok")
    return call_id


def _team_mode(store: Store) -> None:
    store.set_team_state({"mode": "team"})


def _edits(store: Store) -> list[tuple[str, str, str]]:
    return [
        (e.kind, e.op, e.name)
        for kind in ("wrap_up", "disposition", "do_not_call")
        for e in store.share_edits(kind)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store.open(tmp_path / "data" / "findme.db") as opened:
        yield opened


def test_nothing_is_captured_on_a_desktop_alone(store: Store) -> None:
    call_id = _call(store)
    store.wrap_up(call_id, "Connected")
    store.save_disposition(Disposition(None, "Sent brochure", 9))
    lead = store.add_lead(Lead(None, "Ann", "5551112222"))
    store.set_do_not_call(lead.id, "asked us to stop")
    assert _edits(store) == []


def test_team_mode_captures_each_change_in_order(store: Store) -> None:
    _team_mode(store)
    call_id = _call(store)
    uuid = store.get_call(call_id).uuid
    store.wrap_up(call_id, "Connected", "first")
    store.wrap_up(call_id, "Interested", "second")
    added = store.save_disposition(Disposition(None, "Sent brochure", 9))
    store.save_disposition(Disposition(added.id, "Brochure sent", 9))
    lead = store.add_lead(Lead(None, "Ann", "5551112222"))
    store.set_do_not_call(lead.id, "asked us to stop")
    store.set_do_not_call(lead.id, None)
    assert _edits(store) == [
        ("wrap_up", "save", uuid),
        ("wrap_up", "save", uuid),
        ("disposition", "save", "Sent brochure"),
        ("disposition", "rename", "Brochure sent"),
        ("do_not_call", "mark", "5551112222"),
        ("do_not_call", "unmark", "5551112222"),
    ]
    marks = store.share_edits("do_not_call")
    assert marks[0].detail == "asked us to stop" and marks[0].at.endswith("Z")
    # Counted once per thing waiting: the call, its wrap-up, each name edited, the number.
    assert store.team_state()["waiting"] == "5"
    # What is sent for a wrap-up is the call's as it is now: the latest change.
    [row] = store.wrap_ups([uuid, uuid])
    assert (row.disposition, row.notes) == ("Interested", "second")
    store.drop_share_edits("wrap_up", store.share_edits("wrap_up")[-1].seq)
    assert [e[0] for e in _edits(store)] == [
        "disposition",
        "disposition",
        "do_not_call",
        "do_not_call",
    ]


def test_the_sync_copies_are_not_captured_and_wait_for_changes_made_here(store: Store) -> None:
    _team_mode(store)
    team = [Disposition(11, "Reached", 0), Disposition(12, "Do not call", 1, "do_not_call")]
    assert store.mirror_dispositions(team) is True
    assert store.list_dispositions() == team
    assert store.mirror_dispositions(team) is False
    marks = [DoNotCallMark("5551112222", True, "rude", "bob", "2026-11-30T01:00:00.000Z")]
    assert store.mirror_do_not_call(marks) is True
    assert store.mirror_do_not_call(marks) is False
    assert _edits(store) == []  # the copy is the server's: nothing to send back

    # A pulled wrap-up is taken when it is later than the one here, and not sent back.
    call_id = _call(store)
    record = store.get_call(call_id)
    store.drop_share_edits("wrap_up", 10**9)
    pulled = _with_wrap_up(record, "Reached", "from the lead", "2999-01-01T00:00:00.000Z")
    assert store.merge_team_calls([pulled]) == 1
    assert store.get_call(call_id).notes == "from the lead"
    older = _with_wrap_up(record, "Reached", "stale", "2000-01-01T00:00:00.000Z")
    assert store.merge_team_calls([older]) == 0
    assert store.get_call(call_id).notes == "from the lead"
    assert _edits(store) == []

    # An edit made here waits to be sent: the copy does not overwrite it meanwhile.
    store.save_disposition(Disposition(None, "Mine", 5))
    assert store.mirror_dispositions(team) is None
    assert "Mine" in [d.name for d in store.list_dispositions()]


def _with_wrap_up(record: CallRecord, disposition: str, notes: str, at: str) -> CallRecord:

    return record._replace(disposition=disposition, notes=notes, wrapped_at=at)


def test_unmarking_a_lead_the_team_marked_unblocks_it_here_at_once_and_is_sent(
    store: Store,
) -> None:
    _team_mode(store)
    lead = store.add_lead(Lead(None, "Ann", "5551112222"))
    mark = DoNotCallMark("5551112222", True, "rude", "bob", "2026-11-30T01:00:00.000Z")
    store.mirror_do_not_call([mark])
    blocked = store.do_not_call_lead("5551112222")
    assert blocked is not None and blocked.id == lead.id and blocked.name == "Ann"
    store.set_do_not_call(lead.id, None)  # "Allow calls again" on this desktop
    assert store.do_not_call_lead("5551112222") is None
    assert _edits(store) == [("do_not_call", "unmark", "5551112222")]


def _mark_for_the_team(store: Any, number: str, reason: str, who: str) -> None:
    """The team's mark as each engine gets it: the sync's copy (SQLite), the table (server)."""
    if isinstance(store, Store):
        store.mirror_do_not_call(
            [DoNotCallMark(number, True, reason, who, "2026-11-30T09:00:00.000Z")]
        )
        return
    with store._tx() as conn:
        conn.execute(
            "INSERT INTO do_not_call (number, marked, reason, marked_by, marked_at)"
            " VALUES (%s, true, %s, %s, '2026-11-30T09:00:00Z')",
            (number, reason, who),
        )


def test_a_number_the_team_marked_is_refused_with_who_and_why(any_store: ConsoleStore) -> None:
    store = any_store
    _mark_for_the_team(store, "5553334444", "asked us to stop", "ann")
    nobody = store.do_not_call_lead("5553334444")
    assert nobody is not None and nobody.id is None and nobody.number == "5553334444"
    assert nobody.do_not_call
    assert nobody.do_not_call_reason == "asked us to stop; marked for the team by ann on 2026-11-30"
    saved = store.add_lead(Lead(None, "Zed", "5553334444"))
    found = store.do_not_call_lead("5553334444")
    assert (found.id, found.name) == (saved.id, "Zed")  # the lead here, with the team's mark
    assert store.do_not_call_lead("5550000000") is None
    # The leads list and a lead read alone show the team's mark, so it can be taken away.
    other = store.add_lead(Lead(None, "Yan", "5550000000"))
    listed = {x.name: x for x in store.search_leads()}
    assert listed["Zed"].do_not_call and "by ann" in listed["Zed"].do_not_call_reason
    assert not listed["Yan"].do_not_call
    assert store.get_lead(saved.id).do_not_call and not store.get_lead(other.id).do_not_call


def test_a_number_nobody_marked_costs_one_mark_read_and_no_lead_read(store: Store) -> None:
    # Asked before every call and for each lead of a call list: the common answer is cheap.
    _mark_for_the_team(store, "5553334444", "asked us to stop", "ann")
    store.add_lead(Lead(None, "Zed", "5553334444"))
    store.add_lead(Lead(None, "Amy", "5550000000"))
    for number, marked in (("5553334444", True), ("5550000000", False)):
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        found = store.do_not_call_lead(number)
        store._conn.set_trace_callback(None)
        assert (found is not None) == marked
        if not marked:
            assert len([sql for sql in statements if "team_do_not_call" in sql]) == 1
            assert not [sql for sql in statements if "FROM history" in sql], statements


def test_a_lead_marked_on_the_server_is_the_teams_mark(any_store: ConsoleStore) -> None:
    store = any_store
    lead = store.add_lead(Lead(None, "Zed", "5553334444"))
    store.set_do_not_call(lead.id, "wrong person")
    assert store.do_not_call_lead("5553334444").do_not_call_reason == "wrong person"
    if isinstance(store, Store):
        return  # a desktop alone has no team: the mark is the lead's
    with store._read() as conn:
        row = conn.execute(
            "SELECT marked, reason, marked_by FROM do_not_call WHERE number = '5553334444'"
        ).fetchone()
    assert row == (True, "wrong person", conn.info.user)
    store.set_do_not_call(lead.id, None)
    assert store.do_not_call_lead("5553334444") is None  # unmarked for the team too
