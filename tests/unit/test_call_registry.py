"""The calls in flight (console.calls.registry): one reservation per call, told to observers."""

from __future__ import annotations

import asyncio

import pytest

from console.calls import AlreadyPending, CallRegistry, InFlight, call_key

LEAD, LIST = "5552223334", "5551110003|5551110004"


def test_the_same_call_is_refused_while_it_is_reserved():
    registry = CallRegistry()
    first = registry.reserve(LEAD, LIST, lead_name="Jane Roe", team_name="Sales East")
    with pytest.raises(AlreadyPending) as refused:
        registry.reserve(LEAD, LIST)
    assert refused.value.pending is first
    assert "Jane Roe" in str(refused.value) and "Sales East" in str(refused.value)
    assert "nothing was sent" in str(refused.value)
    assert registry.count() == 1 and registry.find(LEAD, LIST) is first


def test_formatting_and_list_order_make_no_other_call_but_another_lead_or_list_does():
    registry = CallRegistry()
    registry.reserve(LEAD, LIST)
    for lead, numbers in [
        ("(555) 222-3334", LIST),
        ("+1 555 222 3334", LIST),
        (LEAD, "555-111-0004|(555) 111-0003"),  # the same agents, in another order
    ]:
        with pytest.raises(AlreadyPending):
            registry.reserve(lead, numbers)
    registry.reserve("5552223335", LIST)  # another lead
    registry.reserve(LEAD, "5551110003")  # another list
    assert registry.count() == 3
    assert call_key("1-555-222-3334", LIST) == call_key(LEAD, "5551110004|5551110003")


def test_a_confirmed_repeat_is_reserved_beside_the_first():
    registry = CallRegistry()
    first = registry.reserve(LEAD, LIST)
    second = registry.reserve(LEAD, LIST, again=True)
    assert second is not first and second.again and registry.count() == 2
    registry.release(first)
    assert registry.find(LEAD, LIST) is second
    registry.release(second)
    registry.release(second)  # twice is harmless
    assert registry.count() == 0 and registry.find(LEAD, LIST) is None
    registry.reserve(LEAD, LIST)  # free again


def test_observers_hear_of_recorded_calls_only():
    registry = CallRegistry()
    seen: list[tuple[str, int | None]] = []
    stop = registry.observe(
        started=lambda call: seen.append(("started", call.call_id)),
        ended=lambda call: seen.append(("ended", call.call_id)),
    )
    refused = registry.reserve(LEAD, LIST)  # refused before its row was written
    registry.release(refused)
    placed = registry.reserve(LEAD, LIST)
    registry.record(placed, 7)
    assert registry.get(7) is placed and placed.started > 0
    assert registry.in_flight() == [placed]
    registry.release(placed)
    assert seen == [("started", 7), ("ended", 7)]
    stop()
    again = registry.reserve(LEAD, LIST)
    registry.record(again, 8)
    assert seen == [("started", 7), ("ended", 7)]


def test_a_failing_observer_does_not_stop_the_others(caplog):
    registry = CallRegistry()
    told: list[InFlight] = []

    def broken(_call: InFlight) -> None:
        raise RuntimeError("a deleted view")

    registry.observe(started=broken, ended=broken)
    registry.observe(started=told.append, ended=told.append)
    call = registry.reserve(LEAD, LIST)
    registry.record(call, 1)
    registry.release(call)
    assert told == [call, call] and registry.count() == 0
    assert "observer of the calls in flight failed" in caplog.text


def test_a_released_reservation_cannot_be_recorded():
    registry = CallRegistry()
    call = registry.reserve(LEAD, LIST)
    registry.release(call)
    with pytest.raises(RuntimeError, match="released"):
        registry.record(call, 1)


def test_cancel_cancels_the_task_and_its_end_releases_the_call():
    async def main() -> tuple[bool, bool, int, bool]:
        registry = CallRegistry()
        call = registry.reserve(LEAD, LIST)
        task = asyncio.get_running_loop().create_task(asyncio.sleep(60))
        registry.attach(call, task)
        registry.record(call, 3)
        cancelled = registry.cancel(3)
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)  # the task's done callbacks run
        return cancelled, task.cancelled(), registry.count(), registry.cancel(3)

    cancelled, task_cancelled, left, again = asyncio.run(main())
    assert cancelled and task_cancelled and left == 0 and not again


def test_a_task_cancelled_before_it_ran_releases_its_reservation():
    async def place() -> None:  # never runs, so nothing in it could release
        raise AssertionError("ran")

    async def main() -> int:
        registry = CallRegistry()
        call = registry.reserve(LEAD, LIST)
        task = asyncio.get_running_loop().create_task(place())
        registry.attach(call, task)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
        return registry.count()

    assert asyncio.run(main()) == 0


def test_only_calls_whose_row_is_written_count_as_sent():
    # Closing the window asks about these alone: a reservation still being checked (waiting
    # for the keyring) has sent nothing.
    registry = CallRegistry()
    checking = registry.reserve(LEAD, LIST)
    sending = registry.reserve("5552223335", LIST)
    assert (registry.count(), registry.count_sent()) == (2, 0)
    registry.record(sending, 41)
    assert (registry.count(), registry.count_sent()) == (2, 1)
    registry.release(checking)
    assert (registry.count(), registry.count_sent()) == (1, 1)
