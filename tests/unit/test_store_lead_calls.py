"""A lead's calls (count, the newest few, the newest result), the lead without its calls, and the
leads' order by last call, on both engines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.store import LEAD_ORDERS, CallRecord, Lead, Store
from console.store.base import ConsoleStore


def _call(store: ConsoleStore, name: str, number: str, team: str = "Sales", status: str = ""):
    call_id = store.begin_call(
        lead_name=name,
        lead_number=number,
        team_name=team,
        list_value="5550001111",
        call_type=1,
        request_redacted="GET /list?access_key=***",
    )
    if status:
        store.finish_call(call_id, status=status, description=status, sid="S", raw_reply="<r/>")
    # Calls a millisecond apart at least: the time orders them, not the id (PostgreSQL's
    # UUIDs have no order).
    time.sleep(0.003)
    return call_id


def _key(record: CallRecord, given: int | str) -> int | str | None:
    """The id begin_call gave for this call, of the kind ``given`` is (PostgreSQL's is the
    UUID; SQLite's rows have a UUID too, for the team server, but their id is the row id)."""
    return record.uuid if isinstance(given, str) else record.id


def test_lead_calls_gives_the_count_and_the_newest_first(any_store: ConsoleStore) -> None:
    store = any_store
    first = _call(store, "Ann", "5551112222", "Sales", "failed")
    _call(store, "Bob", "5553334444", "Sales", "success")
    second = _call(store, "Ann", "5551112222", "Support", "success")
    third = _call(store, "Ann", "5551112222", "Night")  # still pending

    found = store.lead_calls("5551112222", limit=2)
    assert found.total == 3
    assert [_key(c, third) for c in found.recent] == [third, second]
    assert [(c.team_name, c.status) for c in found.recent] == [
        ("Night", "pending"),
        ("Support", "success"),
    ]
    # Without the bodies: a lead's list never holds the request or the raw reply.
    assert all(c.raw_reply == "" and c.request_redacted == "" for c in found.recent)
    assert [_key(c, third) for c in store.lead_calls("5551112222").recent] == [third, second, first]
    none = store.lead_calls("5559990000")
    assert (none.total, none.recent) == (0, [])


def test_leads_carry_their_call_count_and_sort_by_last_call(any_store: ConsoleStore) -> None:
    store = any_store
    dee = store.add_lead(Lead(None, "Dee", "5557778888"))
    ann = store.add_lead(Lead(None, "Ann", "5551112222"))
    store.add_lead(Lead(None, "Bob", "5553334444"))
    store.add_lead(Lead(None, "Cy", "5555556666"))  # never called
    for _ in range(3):
        _call(store, "Dee", dee.number, status="success")
    for _ in range(2):
        _call(store, "Ann", ann.number, status="failed")
    _call(store, "Bob", "5553334444", status="success")

    def names(**kw) -> list[str]:
        return [lead.name for lead in store.search_leads(**kw)]

    assert names() == ["Ann", "Bob", "Cy", "Dee"]
    assert names(order="name", descending=True) == ["Dee", "Cy", "Bob", "Ann"]
    assert names(order="last_call", descending=True) == ["Bob", "Ann", "Dee", "Cy"]
    # Going up: never called first, then whoever has waited longest.
    assert names(order="last_call") == ["Cy", "Dee", "Ann", "Bob"]
    assert names(order="calls", descending=True) == ["Dee", "Ann", "Bob", "Cy"]
    # The limit applies after the order: the two called last of all the leads.
    assert names(order="last_call", descending=True, limit=2) == ["Bob", "Ann"]
    assert names(text="5555", order="calls", descending=True) == ["Cy"]
    counts = {lead.name: lead.call_count for lead in store.search_leads()}
    assert counts == {"Ann": 2, "Bob": 1, "Cy": 0, "Dee": 3}
    assert store.get_lead(dee.id).call_count == 3
    assert set(LEAD_ORDERS) >= {"name", "last_call", "calls"}
    with pytest.raises(ValueError, match="last_call"):
        store.search_leads(order="sid")


def test_a_leads_calls_are_read_through_the_lead_index(tmp_path: Path) -> None:
    # 100,000 calls: what the lead's list and the leads page run never scans the history.
    store = Store.open(tmp_path / "findme.db")
    try:
        store.add_calls_bulk(
            CallRecord(
                None,
                f"2026-01-01T00:00:{i % 60:02d}.{i % 1000:03d}Z",
                None,
                "L",
                f"555{i % 2000:07d}",
                "T",
                "5550001111",
                1,
                "success",
                "",
                "",
                "",
                "",
                1,
            )  # fmt: skip
            for i in range(100_000)
        )
        store.add_leads([Lead(None, f"L {i}", f"555{i:07d}") for i in range(2000)])
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        calls = store.lead_calls("5550000007", limit=10)
        store.search_leads(limit=500)
        store.search_leads(limit=500, order="last_call", descending=True)
        store._conn.set_trace_callback(None)
        assert calls.total == 50 and len(calls.recent) == 10
        plans = []
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = store._conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            plans.append(" / ".join(row[-1] for row in plan))
        # Each list of leads also looks up the team's do-not-call marks of its numbers
        # (console.store.donotcall): by the copy's primary key.
        marks = [p for p in plans if "team_do_not_call" in p]
        assert marks == ["SEARCH team_do_not_call USING PRIMARY KEY (number=?)"] * 2, marks
        plans = [p for p in plans if p not in marks]
        assert len(plans) == 4
        for plan in plans:
            assert "SCAN history" not in plan, plan
            assert "history_lead" in plan, plan
    finally:
        store.close()


def test_the_lead_with_a_number_is_an_exact_lookup(any_store: ConsoleStore) -> None:
    # It searched the text (name, company, number) and kept the first 50 by name: 60 leads
    # whose company quotes the number, named before the lead itself, hid it.
    store = any_store
    store.add_leads(
        [Lead(None, f"Aaron {i:02d}", f"555000{i:04d}", "Desk 5551112222") for i in range(60)]
    )
    zed = store.add_lead(Lead(None, "Zed", "5551112222"))
    store.add_lead(Lead(None, "Longer", "15551112222"))  # contains the digits, is not the number
    found = store.lead_with_number("5551112222")
    assert found is not None and (found.id, found.name) == (zed.id, "Zed")
    # Several leads sharing a number: the first by name, whatever the case.
    store.add_lead(Lead(None, "bea", "5551112222"))
    assert store.lead_with_number("5551112222").name == "bea"
    assert store.lead_with_number("555111222") is None
    assert store.lead_with_number("") is None


def test_get_leads_reads_many_leads_as_get_lead_does(any_store: ConsoleStore) -> None:
    store = any_store
    ann = store.add_lead(Lead(None, "Ann", "5551112222", "Acme", "VIP"))
    bob = store.add_lead(Lead(None, "Bob", "5553334444"))
    cy = store.add_lead(Lead(None, "Cy", "5555556666"))
    store.set_do_not_call(cy.id, "asked")
    _call(store, "Ann", ann.number, "Sales", "failed")
    _call(store, "Ann", ann.number, "Sales", "success")
    store.delete_lead(bob.id)
    assert ann.id is not None and bob.id is not None and cy.id is not None
    found = store.get_leads([cy.id, bob.id, ann.id, 999_999])
    assert found == {ann.id: store.get_lead(ann.id), cy.id: store.get_lead(cy.id)}
    assert (found[ann.id].call_count, found[ann.id].last_result) == (2, "success")
    assert found[cy.id].do_not_call and found[cy.id].do_not_call_reason == "asked"
    assert store.get_leads([]) == {}


def test_a_lead_read_without_its_calls_is_the_lead_less_its_calls(
    any_store: ConsoleStore,
) -> None:
    store = any_store
    ann = store.add_lead(Lead(None, "Ann", "5551112222", "Acme", "mornings"))
    store.set_do_not_call(ann.id, "asked")
    call_id = _call(store, "Ann", "5551112222")
    store.finish_call(call_id, status="success", description="connected")
    full = store.get_lead(ann.id)
    assert full is not None and full.call_count == 1 and full.last_result == "success"
    alone = store.lead_without_calls(ann.id)
    assert alone == full._replace(last_result=None, last_called_at=None, call_count=0)
    assert alone.do_not_call and alone.do_not_call_reason == "asked"
    store.delete_lead(ann.id)
    assert store.lead_without_calls(ann.id) is None


def test_lead_carries_newest_call_result(any_store: ConsoleStore) -> None:
    store = any_store
    ann = store.add_lead(Lead(None, "Ann", "5551112222"))
    bob = store.add_lead(Lead(None, "Bob", "5553334444"))
    first = _call(store, "Ann", "5551112222")
    store.finish_call(first, status="failed", description="busy")
    second = _call(store, "Ann", "5551112222")
    store.finish_call(second, status="success", description="connected")

    found = {lead.name: lead for lead in store.search_leads()}
    assert found["Ann"].last_result == "success"
    assert found["Ann"].last_called_at == store.get_call(second).created_at
    assert found["Bob"].last_result is None and found["Bob"].last_called_at is None
    assert store.get_lead(ann.id).last_result == "success"
    assert store.get_lead(bob.id).last_result is None
