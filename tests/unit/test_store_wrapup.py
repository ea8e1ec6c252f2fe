"""Wrap-up in the store on both engines: dispositions, wrap-ups, call-backs, do not call."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.store import Lead, Store
from console.store.base import ConsoleStore
from console.store.dispositions import (
    CALL_BACK,
    DEFAULTS,
    DO_NOT_CALL,
    UnknownDisposition,
    parse_callback,
)
from console.store.models import Disposition


def _call(store: Any, name: str = "Ann", number: str = "5551112222", sid: str = "") -> Any:
    call_id = store.begin_call(
        lead_name=name,
        lead_number=number,
        team_name="Sales",
        list_value="5550001111",
        call_type=1,
        request_redacted="GET /x",
    )
    store.finish_call(call_id, status="success", description="ok", sid=sid)
    return call_id


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_a_new_store_has_the_default_dispositions(any_store: ConsoleStore) -> None:
    found = any_store.list_dispositions()
    assert [(d.name, d.kind) for d in found] == list(DEFAULTS)
    assert [d.kind for d in found].count(DO_NOT_CALL) == 1
    assert [d.kind for d in found].count(CALL_BACK) == 1


def test_the_team_edits_the_list(any_store: ConsoleStore) -> None:
    store = any_store
    added = store.save_disposition(Disposition(None, "  Sent brochure ", 20))
    assert added.id is not None and added.name == "Sent brochure"
    store.save_disposition(Disposition(added.id, "Brochure sent", -1))
    names = [d.name for d in store.list_dispositions()]
    assert names[0] == "Brochure sent"  # the list is in position order
    with pytest.raises(ValueError, match="already exists") as taken:
        store.save_disposition(Disposition(None, "connected", 30))
    # One plain sentence (it ended "or one means what it means").
    assert str(taken.value) == "a disposition named 'connected' already exists (names ignore case)"
    with pytest.raises(ValueError, match="'Do not call' already means do not call"):
        store.save_disposition(Disposition(None, "Remove me", 31, DO_NOT_CALL))
    with pytest.raises(ValueError, match="needs a name"):
        store.save_disposition(Disposition(None, "  ", 31))
    store.delete_disposition(added.id)
    assert "Brochure sent" not in [d.name for d in store.list_dispositions()]


def test_a_wrap_up_is_saved_changed_found_and_filtered(any_store: ConsoleStore) -> None:
    store = any_store
    first = _call(store, "Ann", "5551112222", sid="SID-A")
    second = _call(store, "Bob", "5553334444")
    done = store.wrap_up(first, "left VOICEMAIL", "  said call Tuesday  ")
    assert (done.disposition, done.notes) == ("Left voicemail", "said call Tuesday")
    assert done.wrapped_at and done.wrapped_at.endswith("Z")
    assert store.get_call(first).disposition == "Left voicemail"
    assert store.find_call("SID-A").lead_name == "Ann"
    assert store.find_call(str(store.get_call(second).id)).lead_name == "Bob"
    assert store.find_call("nope") is None
    assert [c.lead_name for c in store.fetch_calls(disposition="left voicemail")] == ["Ann"]
    assert [c.lead_name for c in store.fetch_calls(disposition="")] == ["Bob"]
    assert store.count_calls(disposition="Left voicemail") == 1
    changed = store.wrap_up(first, "Interested")
    assert (changed.disposition, changed.notes) == ("Interested", "")
    assert store.count_calls(disposition="Left voicemail") == 0


def test_bad_wrap_ups_write_nothing(any_store: ConsoleStore) -> None:
    store = any_store
    call = _call(store)
    with pytest.raises(UnknownDisposition) as caught:
        store.wrap_up(call, "Sold")
    assert "'Sold'" in str(caught.value) and "Connected, Left voicemail" in str(caught.value)
    with pytest.raises(ValueError, match="call-back disposition only"):
        store.wrap_up(call, "Connected", callback_at="2030-01-01T10:00")
    with pytest.raises(ValueError, match="not a date and time"):
        store.wrap_up(call, "Call back", callback_at="next tuesday")
    with pytest.raises(KeyError):
        store.wrap_up(999_999 if isinstance(call, int) else "999999", "Connected")
    assert store.get_call(call).disposition == ""


def test_a_call_back_without_a_time_is_refused_as_it_would_never_come_due(
    any_store: ConsoleStore,
) -> None:
    from console.store.dispositions import NoCallBackTime

    store = any_store
    call = _call(store)
    for when in (None, "", "  "):
        with pytest.raises(NoCallBackTime, match="^'Call back' needs a time to call back$"):
            store.wrap_up(call, "call back", "after 5", when)
    assert store.get_call(call).disposition == ""
    assert store.due_callbacks("2999-01-01T00:00:00.000Z") == []


def test_a_call_back_is_due_until_a_later_call(any_store: ConsoleStore) -> None:
    store = any_store
    store.add_lead(Lead(None, "Ann", "5551112222"))
    store.add_lead(Lead(None, "Bob", "5553334444"))
    now = datetime.now(UTC)
    ann = _call(store, "Ann", "5551112222")
    bob = _call(store, "Bob", "5553334444")
    store.wrap_up(ann, "Call back", callback_at=_iso(now - timedelta(minutes=5)))
    store.wrap_up(bob, "Call back", callback_at=_iso(now + timedelta(days=1)))
    assert [c.lead_name for c in store.due_callbacks()] == ["Ann"]
    assert len(store.due_callbacks(_iso(now + timedelta(days=2)))) == 2
    leads = {lead.name: lead for lead in store.search_leads()}
    assert leads["Ann"].callback_at == _iso(now - timedelta(minutes=5))
    _call(store, "Ann", "5551112222")  # called back: the newer call supersedes it
    assert store.due_callbacks() == []
    assert store.search_leads("Ann")[0].callback_at is None


def test_do_not_call_marks_the_lead_and_a_changed_wrap_up_clears_it(
    any_store: ConsoleStore,
) -> None:
    store = any_store
    ann = store.add_lead(Lead(None, "Ann", "5551112222"))
    assert store.do_not_call_lead("5551112222") is None
    call = _call(store, "Ann", "5551112222")
    store.wrap_up(call, "Do not call", "asked to be removed")
    marked = store.do_not_call_lead("5551112222")
    assert marked is not None and marked.id == ann.id and marked.do_not_call
    # The notes and the call's day; not the disposition's name, which the mark says already.
    day = store.get_call(call).created_at[:10]
    assert marked.do_not_call_reason == f"asked to be removed (wrap-up of the call on {day})"
    assert store.get_lead(ann.id).do_not_call
    # Editing the lead keeps the mark.
    store.update_lead(Lead(ann.id, "Ann Lee", "5551112222"))
    assert store.get_lead(ann.id).do_not_call
    store.wrap_up(call, "Wrong number")  # a key pressed by mistake, put right
    assert store.do_not_call_lead("5551112222") is None


def test_a_mark_set_by_hand_stays_when_a_wrap_up_changes(any_store: ConsoleStore) -> None:
    store = any_store
    ann = store.add_lead(Lead(None, "Ann", "5551112222"))
    call = _call(store, "Ann", "5551112222")
    store.set_do_not_call(ann.id, "on the national registry")
    store.wrap_up(call, "Connected")
    assert store.do_not_call_lead("5551112222").do_not_call_reason == "on the national registry"
    with pytest.raises(ValueError, match="say why"):
        store.set_do_not_call(ann.id, " ")
    store.set_do_not_call(ann.id, None)
    assert store.do_not_call_lead("5551112222") is None
    with pytest.raises(KeyError):
        store.set_do_not_call(987654, "x")


def test_callback_times_are_read_as_local_or_with_their_offset() -> None:
    assert parse_callback("2030-01-02T03:04:05+02:00") == "2030-01-02T01:04:05.000Z"
    local = datetime(2030, 1, 2, 3, 4).astimezone()
    assert parse_callback("2030-01-02 03:04") == _iso(local)
    with pytest.raises(ValueError, match="such as"):
        parse_callback("tomorrow")


def test_an_agent_reads_dispositions_and_only_a_lead_edits_them(
    pg_cluster: Any, pg_db: str
) -> None:
    from console.store.postgres import NotALead, PgStore
    from tests import pg

    def login(user: str) -> Any:
        return PgStore.open(pg_cluster.url(pg_db, user, pg.ROLE_PASSWORD))

    with login(pg.LEAD_USER) as lead, login(pg.AGENT_USER) as agent:
        added = lead.save_disposition(Disposition(None, "Sent brochure", 9))
        assert "Sent brochure" in [d.name for d in agent.list_dispositions()]
        with pytest.raises(NotALead, match=r"^Only a team lead can edit dispositions\.$"):
            agent.save_disposition(Disposition(added.id, "Renamed", 9))
        with pytest.raises(NotALead):
            agent.save_disposition(Disposition(None, "Mine", 10))
        with pytest.raises(NotALead, match=r"^Only a team lead can edit dispositions\.$"):
            agent.place_disposition(Disposition(None, "Mine", 0), 1)  # refused at its lock
        # An agent wraps up their own calls, and marks their leads do-not-call through it.
        agent.add_lead(Lead(None, "Ann", "5551112222"))
        mine = _call(agent)
        assert agent.wrap_up(mine, "Do not call").disposition == "Do not call"
        assert lead.do_not_call_lead("5551112222") is not None
        theirs = _call(lead, "Bob", "5553334444")
        with pytest.raises(KeyError):
            agent.wrap_up(theirs, "Connected")


def test_a_name_too_long_or_taken_by_a_rename_is_refused_and_nothing_changes(
    any_store: ConsoleStore,
) -> None:
    store = any_store
    before = store.list_dispositions()
    with pytest.raises(ValueError, match=r"name is limited to 40 characters \(41 given\)"):
        store.save_disposition(Disposition(None, "x" * 41, 30))
    # A rename onto another's name (case ignored) says so before the database is asked.
    with pytest.raises(ValueError, match="named 'NO ANSWER' already exists"):
        store.save_disposition(before[0]._replace(name="NO ANSWER"))
    # Its own name in another case is a rename, not a duplicate.
    store.save_disposition(before[0]._replace(name="CONNECTED"))
    assert [d.name for d in store.list_dispositions()][0] == "CONNECTED"
    assert len(store.list_dispositions()) == len(before)


def _places(store: ConsoleStore) -> list[tuple[str, int]]:
    return [(d.name, d.position) for d in store.list_dispositions()]


def test_a_disposition_placed_or_moved_renumbers_the_list_without_ties(
    any_store: ConsoleStore,
) -> None:
    store = any_store
    # Two share a place (an add before --position counted from 1 could leave that).
    first = store.list_dispositions()[0]
    store.save_disposition(first._replace(position=1))
    added = store.place_disposition(Disposition(None, "  Sent brochure ", 99), 3)
    assert (added.name, added.position) == ("Sent brochure", 2) and added.id is not None
    names = [name for name, _ in _places(store)]
    assert names[:4] == ["Connected", "Left voicemail", "Sent brochure", "No answer"]
    assert [p for _, p in _places(store)] == list(range(len(DEFAULTS) + 1))
    # A move: only its place changes (its name as stored), the others renumbered.
    moved = store.place_disposition(added._replace(name="ignored"), 1)
    assert (moved.name, moved.position) == ("Sent brochure", 0)
    assert _places(store)[:2] == [("Sent brochure", 0), ("Connected", 1)]
    store.place_disposition(added, len(DEFAULTS) + 1)  # the last place
    assert _places(store)[-1] == ("Sent brochure", len(DEFAULTS))
    assert [p for _, p in _places(store)] == list(range(len(DEFAULTS) + 1))
    before = _places(store)
    with pytest.raises(IndexError):
        store.place_disposition(Disposition(None, "Too far", 0), len(DEFAULTS) + 3)
    with pytest.raises(IndexError):
        store.place_disposition(added, len(DEFAULTS) + 2)  # a move has one place fewer
    with pytest.raises(ValueError, match="already exists"):
        store.place_disposition(Disposition(None, "connected", 0), 1)
    with pytest.raises(KeyError):
        store.place_disposition(Disposition(10_000, "Gone", 0), 1)
    assert _places(store) == before


def test_a_failure_midway_through_placing_leaves_the_old_order(any_store: ConsoleStore) -> None:
    # The database fails at the renumbering of the last disposition, after the others (a
    # trigger failing at run time, as a full disk or a lost connection would): the new one
    # is not left in, and no two share a place.
    store = any_store
    before = _places(store)
    victim = store.list_dispositions()[-1]
    if isinstance(store, Store):
        conn = sqlite3.connect(store.path)
        conn.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE OF position ON dispositions"
            f" WHEN OLD.id = {victim.id} BEGIN SELECT json('refused'); END"
        )
        conn.commit()
        conn.close()
        failure: Any = sqlite3.OperationalError
    else:
        from psycopg import errors

        with store._tx() as conn:  # type: ignore[attr-defined]
            conn.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                " $$BEGIN RAISE EXCEPTION 'refused'; END$$"
            )
            conn.execute(
                "CREATE TRIGGER refuse BEFORE UPDATE OF position ON dispositions FOR EACH ROW"
                f" WHEN (OLD.id = {victim.id}) EXECUTE FUNCTION refuse()"
            )
        failure = errors.RaiseException
    with pytest.raises(failure, match="malformed JSON|refused"):
        store.place_disposition(Disposition(None, "Sent brochure", 0), 1)
    assert _places(store) == before


def test_a_disposition_added_at_a_place_shifts_the_others_and_stays_inside_the_list() -> None:
    from console.store.dispositions import inserted

    known = [Disposition(1, "A", 0), Disposition(2, "B", 1), Disposition(3, "C", 1)]
    new = Disposition(None, "N", 0)
    at_two = inserted(known, new, 2)
    assert [(d.name, d.position) for d in at_two] == [("A", 0), ("N", 1), ("B", 2), ("C", 3)]
    first, last = inserted(known, new, 1), inserted(known, new, 4)
    assert [d.name for d in first] == ["N", "A", "B", "C"]
    assert [(d.name, d.position) for d in last][-1] == ("N", 3)
    for place in (0, -1, 5):
        with pytest.raises(IndexError):
            inserted(known, new, place)


def test_only_an_agent_is_refused_an_edit() -> None:
    from console.store.dispositions import LEAD_ONLY, edit_refusal

    assert edit_refusal({"mode": "team", "role": "agent"}) == LEAD_ONLY
    assert edit_refusal({"mode": "team", "role": "lead"}) == ""
    assert edit_refusal({}) == ""


@pytest.mark.parametrize(
    "name", ["Line\nbreak", "Tab\there", "\u200b", " \u200b\u2060 ", "Bell\x07"]
)
def test_a_name_with_a_line_break_or_nothing_visible_is_refused(
    any_store: ConsoleStore, name: str
) -> None:
    # Found by hand: `dispositions add $'Line\nbreak'` was saved and broke the text listing;
    # a zero-width space alone was saved as an invisible entry on the strip.
    store = any_store
    before = store.list_dispositions()
    with pytest.raises(ValueError, match="needs a name|no line break, tab or control character"):
        store.save_disposition(Disposition(None, name, 30))
    assert store.list_dispositions() == before
    # Visible names with joiners and emoji are fine.
    store.save_disposition(Disposition(None, "Family 👨\u200d👩\u200d👧 ok", 31))
