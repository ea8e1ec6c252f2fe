"""Calls written into a store by the store tests (tests/unit/test_store*.py)."""

from __future__ import annotations

from console.store import CallRecord
from console.store.base import ConsoleStore


def begin(
    store: ConsoleStore, name: str = "Ann", number: str = "5551112222", team: str = "Sales"
) -> int:
    """A call begun (pending) to ``name`` at ``number`` from ``team``; its id."""
    return store.begin_call(
        lead_name=name,
        lead_number=number,
        team_name=team,
        list_value="5550001111|5550002222",
        call_type=1,
        request_redacted="GET /list?access_key=***",
    )


def record(i: int, *, status: str = "success", owner_pid: int = 1) -> CallRecord:
    """The ``i``-th of many calls for add_calls_bulk: teams Even/Odd, a millisecond apart."""
    return CallRecord(
        id=None,
        created_at=f"2024-01-01T00:00:00.{i % 1000:03d}Z",
        finished_at=None if status == "pending" else "2024-01-01T00:00:01.000Z",
        lead_name=f"Lead {i}",
        lead_number=f"555{i:07d}",
        team_name="Even" if i % 2 == 0 else "Odd",
        list_value="5550001111",
        call_type=1,
        status=status,
        description="ok",
        sid=f"SID{i}",
        request_redacted="",
        raw_reply="",
        owner_pid=owner_pid,
    )
