"""Placing calls end to end: a real SQLite store, the real sandbox, real loopback HTTP."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from console import paths
from console.calls import CallPlan, CallService
from console.calls.client import FindMeClient, make_http_client
from console.calls.outcome import (
    SUMMARY,
    CallResult,
    InvalidRequest,
    NetworkFailure,
    OutcomeUnknown,
    Status,
)
from console.calls.reply import MAX_REPLY_BYTES
from console.credentials import Credentials, Vault
from console.engine import start_engine
from console.sandbox import Sandbox
from console.store import CallRecord, Store
from console.store import connection as store_connection
from tests.conftest import MemoryKeyring, until
from tests.faults import (
    FAULTS,
    VENDOR_SUCCESS,
    FaultServer,
    closed_port,
    huge,
    reply,
    truncated,
)

SECRET = "SECRET-key-0xC0FFEE"
CREDS = Credentials(key=SECRET)


def plan(lead: str = "5551112222", **options: object) -> CallPlan:
    return CallPlan(lead, "5559998888|5559997777", options, lead_name="Ann Lee", team_name="Sales")


Scenario = Callable[[CallService, Sandbox], Awaitable[Any]]


def with_service(tmp_path: Path, scenario: Scenario, time_scale: float = 0.001) -> Any:
    async def main() -> Any:
        store = Store.open(tmp_path / "data" / "findme.db")
        async with make_http_client() as http:
            sandbox = Sandbox(time_scale=time_scale, http=http)
            url = await sandbox.start(host="127.0.0.1", port=0)
            try:
                return await scenario(CallService(store, FindMeClient(http, url)), sandbox)
            finally:
                await sandbox.stop()
                store.close()

    return asyncio.run(main())


def only_row(store: Store) -> CallRecord:
    rows = store.fetch_calls()
    assert len(rows) == 1, rows
    return rows[0]


def test_row_is_pending_while_the_sandbox_holds_the_reply_then_final(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario(service: CallService, sandbox: Sandbox) -> None:
        pending_ids: list[int] = []
        # The lead ends in 5: the sandbox holds the reply 5 simulated seconds (0.5 s here).
        task = asyncio.create_task(
            service.place(
                plan("5551112225"),
                CREDS,
                on_pending=lambda call_id, _params: pending_ids.append(call_id),
            )
        )
        await until(lambda: sandbox.held == 1, what="the sandbox to hold the request")
        row = only_row(service.store)
        seen["pending"] = row
        assert pending_ids == [row.id]
        placed = await task
        seen["placed"] = placed
        seen["final"] = service.store.get_call(row.id)

    with_service(tmp_path, scenario, time_scale=0.1)
    pending, placed, final = seen["pending"], seen["placed"], seen["final"]
    assert pending.status == "pending" and pending.finished_at is None
    assert pending.owner_pid == os.getpid()
    assert (pending.lead_name, pending.lead_number, pending.team_name) == (
        "Ann Lee",
        "5551112225",
        "Sales",
    )
    assert pending.list_value == "5559998888|5559997777" and pending.call_type == 1
    assert "key=***" in pending.request_redacted and SECRET not in pending.request_redacted
    assert placed.call_id == pending.id and placed.result.ok
    assert any(w.field == "phone_to_call" for w in placed.warnings)  # a 555 number
    assert final.status == "success" and final.finished_at
    assert final.sid == placed.result.sid and final.description == "Call Connected"
    assert "<response>" in final.raw_reply


def test_failed_result_is_recorded(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> CallRecord:
        placed = await service.place(plan("5551112220", timeout=10), CREDS)
        assert not placed.result.ok
        return only_row(service.store)

    row = with_service(tmp_path, scenario)
    assert (row.status, row.description) == ("failed", "No Answer") and row.sid


def test_invalid_request_writes_no_row_and_sends_nothing(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> tuple[InvalidRequest, int]:
        bad = CallPlan("555-1234", "5559998888|5559998888", {"timeout": "5"})
        with pytest.raises(InvalidRequest) as caught:
            await service.place(bad, CREDS)
        with pytest.raises(InvalidRequest):
            await service.place(plan(), Credentials())  # no credentials at all
        return caught.value, len(sandbox.received)

    error, received = with_service(tmp_path, scenario)
    assert received == 0
    assert error.status is Status.INVALID
    fields = [p.split(" ")[0] for p in error.problems]
    assert {"phone_to_call", "list", "timeout"} <= set(fields)
    with Store.open(tmp_path / "data" / "findme.db") as store:
        assert store.count_calls() == 0


def test_check_lists_problems_without_sending(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> int:
        checked = service.check(plan(timeout="99"), CREDS)
        assert not checked.ok and [p.field for p in checked.problems] == ["timeout"]
        return len(sandbox.received) + service.store.count_calls()

    assert with_service(tmp_path, scenario) == 0


def test_cancelled_call_is_marked_cancelled_and_may_still_go_ahead(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> CallRecord:
        task = asyncio.create_task(service.place(plan("5551112229"), CREDS))
        await until(lambda: sandbox.held == 1, what="the sandbox to hold the request")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert len(sandbox.received) == 1
        return only_row(service.store)

    row = with_service(tmp_path, scenario, time_scale=1.0)  # held 9 s: cancelled long before
    assert row.status == "cancelled" and row.finished_at
    assert "may still go ahead" in row.description
    assert row.description == SUMMARY[Status.CANCELLED]


@pytest.mark.parametrize("fault", ["http_500", "truncated", "entity_bomb"])
def test_a_fault_leaves_the_row_unknown(tmp_path: Path, fault: str) -> None:
    async def main() -> CallRecord:
        with Store.open(tmp_path / "findme.db") as store:
            async with make_http_client() as http, FaultServer(FAULTS[fault]) as server:
                service = CallService(store, FindMeClient(http, server.url))
                with pytest.raises(OutcomeUnknown):
                    await service.place(plan(), CREDS)
                assert server.count == 1
            return only_row(store)

    row = asyncio.run(main())
    assert row.status == "unknown" and row.finished_at
    assert "may have been placed" in row.description and "not sent again" in row.description


def _echo_with_sid(status: int):
    """A reply that cannot be read as an answer, holding a sid and the request it was sent."""

    async def handle(request: web.Request) -> web.StreamResponse:
        body = f"<html>proxy error for {request.query_string} sid 181127fc48636186</html>"
        return web.Response(text=body, status=status, content_type="text/html")

    return handle


@pytest.mark.parametrize(
    "handler",
    [_echo_with_sid(502), _echo_with_sid(200), truncated(), huge()],
    ids=["http_502", "not_a_reply", "truncated", "too_big_streamed"],
)
def test_an_unknown_outcome_keeps_what_came_back_in_the_history(tmp_path: Path, handler) -> None:
    async def main() -> CallRecord:
        with Store.open(tmp_path / "findme.db") as store:
            async with make_http_client() as http, FaultServer(handler) as server:
                service = CallService(store, FindMeClient(http, server.url))
                with pytest.raises(OutcomeUnknown) as raised:
                    await service.place(plan(), CREDS)
                assert SECRET not in raised.value.raw
            return only_row(store)

    row = asyncio.run(main())
    assert row.status == "unknown"
    assert row.raw_reply  # what came back, so a sid in it can be found later
    assert SECRET not in row.raw_reply  # the echoed request is masked
    assert len(row.raw_reply) <= MAX_REPLY_BYTES
    if "sid" in row.raw_reply:
        assert "181127fc48636186" in row.raw_reply


def _answer_when(event: asyncio.Event, status: int = 200, body: str = VENDOR_SUCCESS):
    async def handle(request: web.Request) -> web.StreamResponse:
        await event.wait()
        return web.Response(text=body, status=status, content_type="text/xml")

    return handle


@pytest.mark.parametrize("status", [200, 500])
def test_an_ending_the_history_cannot_take_is_journaled_and_merged_at_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 100)  # waits 0.1 s, not 5
    path = tmp_path / "data" / "findme.db"

    async def main() -> tuple[Any, int]:
        answer = asyncio.Event()
        with Store.open(path) as store:
            async with (
                make_http_client() as http,
                FaultServer(_answer_when(answer, status)) as server,
            ):
                service = CallService(store, FindMeClient(http, server.url))
                task = asyncio.create_task(service.place(plan(), CREDS))
                await until(lambda: server.count == 1, what="the request")
                holder = sqlite3.connect(path, isolation_level=None)
                holder.execute("BEGIN IMMEDIATE")  # another program, writing
                try:
                    answer.set()
                    try:
                        outcome = await task
                    except OutcomeUnknown as exc:
                        outcome = exc
                finally:
                    holder.close()
            assert store.get_call(outcome.unsaved.record.id).status == "pending"
            return outcome, store.merged_calls

    outcome, merged_at_open = asyncio.run(main())
    unsaved = outcome.unsaved
    assert merged_at_open == 0
    assert unsaved.problem == "database is locked"
    assert unsaved.kept_in.parent == path.parent / "journal"
    assert str(unsaved.kept_in) in unsaved.sentence()
    kept = unsaved.kept_in.read_text("utf-8")
    assert SECRET not in kept
    with Store.open(path) as reopened:
        assert reopened.merged_calls == 1
        row = reopened.get_call(unsaved.record.id)
    assert not unsaved.kept_in.exists()
    if status == 200:
        assert (row.status, row.sid) == ("success", outcome.result.sid)
        assert row.sid == unsaved.record.sid == "181127fc48636186"
        assert row.raw_reply == outcome.result.raw
    else:  # the vendor's answer under an HTTP 500: unknown, but its sid can be found
        assert (row.status, row.description) == ("unknown", outcome.sentence())
        assert "181127fc48636186" in row.raw_reply == outcome.raw
    assert row.finished_at and row.request_redacted and SECRET not in row.request_redacted


class BuggyClient(FindMeClient):
    """A bug after the request may have left: an exception that carries no text at all."""

    async def place_call(self, params: Mapping[str, str]) -> CallResult:
        raise RuntimeError()


def test_a_bug_while_sending_leaves_the_row_unknown_in_one_sentence(tmp_path: Path) -> None:
    async def main() -> CallRecord:
        with Store.open(tmp_path / "findme.db") as store:
            async with make_http_client() as http:
                client = BuggyClient(http, f"http://127.0.0.1:{closed_port()}/ibp_api.php")
                with pytest.raises(RuntimeError):
                    await CallService(store, client).place(plan(), CREDS)
            return only_row(store)

    row = asyncio.run(main())
    assert row.status == "unknown" and row.finished_at
    assert row.description == OutcomeUnknown("RuntimeError").sentence()
    assert "()" not in row.description and ". (" not in row.description


def test_refused_connection_leaves_the_row_network(tmp_path: Path) -> None:
    async def main() -> CallRecord:
        with Store.open(tmp_path / "findme.db") as store:
            async with make_http_client() as http:
                url = f"http://127.0.0.1:{closed_port()}/ibp_api.php"
                client = FindMeClient(http, url, connect_retries=1, retry_delay=0.01)
                with pytest.raises(NetworkFailure):
                    await CallService(store, client).place(plan(), CREDS)
            return only_row(store)

    row = asyncio.run(main())
    assert row.status == "network" and row.description.count("nothing was sent") == 1


def test_secrets_never_reach_the_history_file(tmp_path: Path) -> None:
    async def scenario(service: CallService, sandbox: Sandbox) -> None:
        await service.place(plan(), CREDS)
        await service.place(plan(), Credentials(access_key="AKID-PAIR-1", secret_access_key=SECRET))

    with_service(tmp_path, scenario)
    for file in (tmp_path / "data").rglob("*"):
        if file.is_dir():
            continue
        data = file.read_bytes()
        assert SECRET.encode() not in data and b"AKID-PAIR-1" not in data, file.name
    with Store.open(tmp_path / "data" / "findme.db") as store:
        assert [r.status for r in store.fetch_calls()] == ["success", "success"]


# -- the engine -------------------------------------------------------------------------------


def test_first_run_starts_the_sandbox_and_places_calls(home: Path) -> None:
    async def main() -> tuple[str, bool, Any, Any]:
        engine = await start_engine(time_scale=0.001, vault=Vault(MemoryKeyring()))
        try:
            credentials = await engine.credentials()
            placed = await engine.calls.place(plan(), credentials)
            return engine.api_url, engine.uses_sandbox, placed, engine.notices
        finally:
            await engine.close()

    url, uses_sandbox, placed, notices = asyncio.run(main())
    assert uses_sandbox
    assert url.startswith("http://127.0.0.1:") and url.endswith("/ibp_api.php")
    assert placed.result.ok
    assert notices == []
    assert paths.store_path().parent == home and paths.store_path().exists()
    with Store.open(paths.store_path()) as store:
        assert store.get_call(placed.call_id).status == "success"


def test_engine_uses_the_api_url_from_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def main() -> tuple[bool, str]:
        engine = await start_engine(vault=Vault(MemoryKeyring()))
        try:
            return engine.uses_sandbox, engine.api_url
        finally:
            await engine.close()

    monkeypatch.setenv("FINDME_API_URL", "http://127.0.0.1:9/ibp_api.php")
    assert asyncio.run(main()) == (False, "http://127.0.0.1:9/ibp_api.php")


def test_engine_refuses_plain_http_to_another_computer(home: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        asyncio.run(start_engine(api_url="http://example.com/ibp_api.php"))


def test_engine_reports_calls_interrupted_by_a_crash(home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(done.stdout)
    record = CallRecord(
        None, "2024-01-01T00:00:00.000Z", None, "Ann", "5551112222", "", "5559998888", 1,
        "pending", "", "", "", "", dead_pid,
    )  # fmt: skip
    with Store.open(paths.store_path()) as store:
        store.add_calls_bulk([record])

    async def main() -> list[str]:
        engine = await start_engine(time_scale=0.001, vault=Vault(MemoryKeyring()))
        await engine.close()
        return engine.notices

    notices = asyncio.run(main())
    assert any("interrupted" in n for n in notices)
    with Store.open(paths.store_path()) as store:
        assert store.fetch_calls()[0].status == "interrupted"


def test_engine_says_it_merged_results_kept_in_the_journal(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 50)
    with Store.open(paths.store_path()) as store:
        call_id = store.begin_call(
            lead_name="Ann", lead_number="5551112222", team_name="", list_value="5559998888",
            call_type=1, request_redacted="",
        )  # fmt: skip
        holder = sqlite3.connect(store.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        unsaved = store.complete_call(call_id, status="failed", description="Busy", sid="S1")
        holder.close()
    assert unsaved is not None and unsaved.kept_in is not None

    async def main() -> list[str]:
        engine = await start_engine(time_scale=0.001, vault=Vault(MemoryKeyring()))
        await engine.close()
        return engine.notices

    notices = asyncio.run(main())
    assert any("1 call result that" in n and "journal" in n for n in notices), notices
    assert not any("interrupted" in n for n in notices)
    with Store.open(paths.store_path()) as store:
        assert (store.get_call(call_id).status, store.get_call(call_id).sid) == ("failed", "S1")


def test_engine_passes_the_keyring_warning_on_when_not_in_the_sandbox(home: Path) -> None:
    import keyring.backends.fail

    async def main() -> list[str]:
        engine = await start_engine(
            api_url="http://127.0.0.1:9/ibp_api.php", vault=Vault(keyring.backends.fail.Keyring())
        )
        await engine.close()
        return engine.notices

    assert any("memory" in n for n in asyncio.run(main()))


def test_api_url_comes_from_the_flag_then_the_environment_then_the_account(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.engine import SANDBOX, resolve_api_url
    from console.settings import Settings

    settings = Settings(paths.settings_path())
    assert resolve_api_url(settings) == SANDBOX  # first run: the sandbox
    settings.set("account.mode", "dialogtech")
    settings.set("account.api_url", "https://account.example/ibp_api.php")
    assert resolve_api_url(settings) == "https://account.example/ibp_api.php"
    monkeypatch.setenv("FINDME_API_URL", "https://env.example/ibp_api.php")
    assert resolve_api_url(settings) == "https://env.example/ibp_api.php"
    assert resolve_api_url(settings, "sandbox") == SANDBOX
    assert resolve_api_url(settings, "https://flag.example/x") == "https://flag.example/x"


def test_a_real_account_calls_with_the_keyring_credentials_on_the_shared_client(
    home: Path,
) -> None:
    keyring = MemoryKeyring()
    Vault(keyring).save(CREDS)

    async def main() -> tuple[FaultServer, bool]:
        async with FaultServer(reply(VENDOR_SUCCESS)) as server:
            engine = await start_engine(api_url=server.url, vault=Vault(keyring))
            try:
                assert not engine.uses_sandbox and engine.api_url == server.url
                credentials = await engine.credentials()
                assert credentials == CREDS
                await engine.calls.place(plan(), credentials)
                shared = engine.calls.client.http is engine.http
            finally:
                await engine.close()
        return server, shared

    server, shared = asyncio.run(main())
    assert shared
    assert server.count == 1 and f"key={SECRET}" in server.queries[0]
