"""Helpers shared by the call list's unit tests (tests/unit/test_calllist*.py): a fixed
clock and leads added to a real store."""

from __future__ import annotations

from datetime import UTC, datetime

from console.store import Lead, Store

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def add(store: Store, *names: str) -> list[int]:
    """Leads named ``names`` saved in ``store`` (numbers 5552220000, 5552220001, …); their ids."""
    ids = []
    for i, name in enumerate(names):
        lead = store.add_lead(Lead(None, name, f"55522200{i:02d}"))
        ids.append(lead.id)
    return ids
