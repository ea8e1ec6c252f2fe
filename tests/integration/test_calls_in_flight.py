"""The engine's calls in flight, without Qt: a real store, the real sandbox over loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from console.calls import AlreadyPending, CallService, InFlight
from console.calls.outcome import InvalidRequest, Status
from console.credentials import Vault
from console.engine import start_engine
from console.sandbox import Sandbox
from tests.conftest import MemoryKeyring, until
from tests.faults import VENDOR_SUCCESS, FaultServer, reply
from tests.integration.test_calls import CREDS, plan, with_service


def test_two_places_made_in_one_turn_send_one_request(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> tuple[Any, ...]:
        # Both coroutines made before the loop turns, as two presses in a row would make them;
        # the second is written otherwise and has other options: it is still the same call.
        first = service.place(plan("5551112225"), CREDS)
        second = service.place(plan("(555) 111-2225", timeout=20), CREDS)
        results = await asyncio.gather(first, second, return_exceptions=True)
        return (*results, len(sandbox.received), service.store.count_calls(), service.count())

    placed, refused, received, rows, left = with_service(tmp_path, scenario)
    assert isinstance(refused, AlreadyPending), refused
    assert refused.pending.lead_name == "Ann Lee" and "already pending" in str(refused)
    assert placed.result.ok
    assert received == 1 and rows == 1  # one request, one history row
    assert left == 0  # the call ended: nothing is held any more


def test_a_confirmed_repeat_places_a_second_call(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> tuple[Any, ...]:
        first = service.place(plan("5551112225"), CREDS)
        again = service.place(plan("5551112225"), CREDS, again=True)
        results = await asyncio.gather(first, again)
        return results, len(sandbox.received), service.store.count_calls()

    results, received, rows = with_service(tmp_path, scenario)
    assert all(placed.result.ok for placed in results)
    assert received == 2 and rows == 2


def test_a_refused_request_frees_its_reservation(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> tuple[Any, ...]:
        with pytest.raises(InvalidRequest):
            await service.place(plan(timeout="99"), CREDS)
        held = service.count()
        placed = await service.place(plan(), CREDS)  # the same lead and list, now valid
        return held, placed, len(sandbox.received)

    held, placed, received = with_service(tmp_path, scenario)
    assert held == 0 and placed.result.ok and received == 1


def test_observers_are_told_as_the_row_is_written_and_as_it_ends(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> tuple[Any, ...]:
        seen: list[tuple[str, str | None]] = []

        def started(call: InFlight) -> None:
            seen.append(("started", service.store.get_call(call.call_id).status))
            assert sandbox.received == []  # told before the request leaves

        def ended(call: InFlight) -> None:
            seen.append(("ended", service.store.get_call(call.call_id).status))

        service.observe(started=started, ended=ended)
        placed = await service.place(plan("5551112224"), CREDS)
        return seen, placed

    seen, placed = with_service(tmp_path, scenario)
    assert seen == [("started", "pending"), ("ended", "success")]
    assert placed.result.ok


def test_cancel_by_call_id_stops_waiting_and_the_row_says_so(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> tuple[Any, ...]:
        ended: list[InFlight] = []
        service.observe(ended=ended.append)
        task = asyncio.create_task(service.place(plan("5551112229"), CREDS))
        await until(lambda: sandbox.held == 1, what="the sandbox to hold the request")
        (call,) = service.registry.in_flight()
        assert service.cancel(call.call_id)
        with pytest.raises(asyncio.CancelledError):
            await task
        return ended, service.store.get_call(call.call_id), service.count()

    ended, row, left = with_service(tmp_path, scenario, time_scale=1.0)  # held 9 s
    assert [call.status for call in ended] == [Status.CANCELLED]
    assert row.status == "cancelled" and left == 0


def test_engine_calls_is_built_once_and_sends_with_the_account_of_the_moment(home: Path) -> None:
    async def main() -> tuple[Any, ...]:
        async with (
            FaultServer(reply(VENDOR_SUCCESS)) as one,
            FaultServer(reply(VENDOR_SUCCESS)) as two,
        ):
            engine = await start_engine(api_url=one.url, vault=Vault(MemoryKeyring()))
            try:
                service = engine.calls
                assert engine.calls is service
                held = service.reserve(plan())  # a call in flight across the change
                await engine.apply_account(two.url)
                kept = engine.calls is service and held in service.registry
                with pytest.raises(AlreadyPending):
                    await service.place(plan(), CREDS)
                service.release(held)
                await service.place(plan(), CREDS)
                return kept, service.client.api_url == two.url, one.count, two.count
            finally:
                await engine.close()

    kept, new_url, first_count, second_count = asyncio.run(main())
    assert kept and new_url
    assert (first_count, second_count) == (0, 1)
