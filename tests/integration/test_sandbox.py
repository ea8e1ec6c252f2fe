"""The sandbox over real loopback HTTP: replies, number rules, no-answer reports, shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import socket
import time
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from aiohttp import web

from console.calls.client import FindMeClient, make_http_client
from console.calls.outcome import CallResult, OutcomeUnknown
from console.calls.reply import parse_reply
from console.calls.request import encode_query, validate
from console.sandbox import OutboxEntry, Sandbox, describe_rules
from console.sandbox.rules import ANSWERED, BUSY, NO_ANSWER, dial_order, hunt, plan_call, ring
from tests.faults import ENCODED_MALFORMED_SECRET, MALFORMED_LINES, MALFORMED_SECRET, raw_request

SCALE = 0.005  # real seconds per simulated second
SID = re.compile(r"^\d{6}[0-9a-f]{10}$")


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``scenario`` in a fresh loop and fail on any warning it leaves behind."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(scenario())
        gc.collect()
    assert [str(w.message) for w in caught] == []


def params(**overrides: str | None) -> dict[str, str]:
    """A valid type=1 request whose lead answers after 5 s, with ``overrides`` applied."""
    base: dict[str, str | None] = {
        "action": "clickto.findme",
        "key": "public-key",
        "list": "5558880005",
        "phone_to_call": "5551112225",
        "timeout": "10",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@asynccontextmanager
async def running(
    time_scale: float = SCALE, *, shared: bool = False
) -> AsyncIterator[tuple[Sandbox, httpx.AsyncClient]]:
    # Few idle connections kept: httpx's pool slows down sharply with hundreds of them.
    limits = httpx.Limits(max_connections=300, max_keepalive_connections=20)
    async with httpx.AsyncClient(trust_env=False, timeout=10, limits=limits) as http:
        sandbox = Sandbox(time_scale, http=http if shared else None)
        await sandbox.start()
        try:
            yield sandbox, http
        finally:
            await sandbox.stop()


async def call(
    http: httpx.AsyncClient, sandbox: Sandbox, query: dict[str, str]
) -> tuple[CallResult, httpx.Response, float]:
    started = time.monotonic()
    response = await http.get(f"{sandbox.url}?{encode_query(query)}")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    return parse_reply(response.content, response.headers["content-type"]), response, elapsed


@asynccontextmanager
async def receiver(status: int = 200) -> AsyncIterator[tuple[str, list[tuple[str, bytes]]]]:
    """A small aiohttp server that records every POST to /report."""
    posts: list[tuple[str, bytes]] = []

    async def handle(request: web.Request) -> web.Response:
        posts.append((request.headers.get("Content-Type", ""), await request.read()))
        return web.Response(status=status, text="thanks")

    app = web.Application()
    app.router.add_post("/report", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/report", posts
    finally:
        await runner.cleanup()


async def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def noisy_logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.split(".")[0] in ("asyncio", "aiohttp")
    ]


# -- the rules, as pure functions -----------------------------------------------------------


def test_ring_follows_the_last_digit() -> None:
    assert ring("5550000000", 10) == ring("5550000000", 10)
    assert (ring("5551110000", 25).result, ring("5551110000", 25).seconds) == (NO_ANSWER, 25)
    assert (ring("5550000001", 10).result, ring("5550000001", 10).seconds) == (BUSY, 1)
    for digit in range(2, 10):
        attempt = ring(f"555000000{digit}", 10)
        assert (attempt.result, attempt.seconds) == (ANSWERED, digit)
    assert ring("5550000009", 9).result == NO_ANSWER  # not shorter than the timeout


def test_dial_order_loops_and_shuffles_reproducibly() -> None:
    numbers = [f"55500000{i:02d}" for i in range(10, 20)]
    assert dial_order(numbers, 3, False, "x") == numbers * 3
    shuffled = dial_order(numbers, 2, True, "261127aaaaaaaaaa")
    assert shuffled == dial_order(numbers, 2, True, "261127aaaaaaaaaa")
    assert sorted(shuffled[:10]) == sorted(numbers) == sorted(shuffled[10:])
    assert shuffled != numbers * 2
    tried = hunt(["5550000000", "5550000003", "5550000004"], 10, 2, False, "")
    assert [(a.number, a.result) for a in tried] == [
        ("5550000000", NO_ANSWER),
        ("5550000003", ANSWERED),
    ]
    assert len(hunt(["5550000000", "5550000001"], 10, 5, False, "")) == 10


def test_plan_call_and_rules_text() -> None:
    busy = plan_call(params(phone_to_call="5551112221"), "s")
    assert (busy.result, busy.description, busy.second_leg) == ("failed", BUSY, ())
    connected = plan_call(params(list="5558880000|5558880006"), "s")
    assert connected.connected and [a.result for a in connected.second_leg] == [NO_ANSWER, ANSWERED]
    text = describe_rules()
    assert "0" in text and "Busy" in text and "2-9" in text and "time scale" in text


# -- the service over HTTP ------------------------------------------------------------------


def test_reply_is_the_vendors_xml_with_a_dated_sid() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            before = datetime.now(UTC).strftime("%y%m%d")
            result, response, _ = await call(http, sandbox, params())
            after = datetime.now(UTC).strftime("%y%m%d")
            assert response.headers["content-type"] == "text/xml; charset=UTF-8"
            assert "<!DOCTYPE response [" in response.text
            assert "<!ELEMENT response (result,result_description,sid)>" in response.text
            assert (result.result, result.description) == ("success", "Call Connected")
            assert SID.match(result.sid) and result.sid[:6] in (before, after)
            second, _, _ = await call(http, sandbox, params())
            assert second.sid != result.sid
            assert sandbox.url.startswith("http://127.0.0.1:") and sandbox.url.endswith(
                "/ibp_api.php"
            )

    run(scenario)


def test_type1_lead_rules_and_the_reply_is_held() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            outcomes = await asyncio.gather(
                call(http, sandbox, params(phone_to_call="5551112220")),
                call(http, sandbox, params(phone_to_call="5551112221")),
                call(http, sandbox, params(phone_to_call="5551112225")),
            )
            (never, t0), (busy, t1), (answers, t5) = [(r, t) for r, _, t in outcomes]
            assert (never.result, never.description) == ("failed", "No Answer")
            assert (busy.result, busy.description) == ("failed", "Busy")
            assert (answers.result, answers.description) == ("success", "Call Connected")
            assert t0 >= 10 * SCALE and t1 >= 1 * SCALE and t5 >= 5 * SCALE
            # The list is hunted after the lead answers; only the answered call has a second leg.
            await wait_until(
                lambda: any(c.sid == answers.sid and c.leg == "second" for c in sandbox.calls)
            )
            legs = {c.leg for c in sandbox.calls if c.sid == answers.sid}
            assert legs == {"first", "second"}
            assert {c.leg for c in sandbox.calls if c.sid == busy.sid} == {"first"}

    run(scenario)


def test_time_scale_holds_the_reply() -> None:
    async def scenario() -> None:
        async with running(time_scale=0.05) as (sandbox, http):
            result, _, elapsed = await call(http, sandbox, params(phone_to_call="5551112224"))
            assert result.ok and elapsed >= 4 * 0.05

    run(scenario)


def test_type2_first_to_answer_takes_the_call() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            query = params(type="2", list="5558880000|5558880003")
            result, _, elapsed = await call(http, sandbox, query)
            assert (result.result, result.description) == ("success", "Call Connected")
            assert elapsed >= (10 + 3) * SCALE
            first = [(c.number, c.result) for c in sandbox.calls if c.leg == "first"]
            assert first == [("5558880000", NO_ANSWER), ("5558880003", ANSWERED)]
            assert sandbox.outbox == []

    run(scenario)


def test_type2_nobody_answers_runs_every_no_answer_action() -> None:
    async def scenario() -> None:
        async with receiver() as (report_url, posts), running(shared=True) as (sandbox, http):
            seen: list[OutboxEntry] = []
            sandbox.on_outbox.append(seen.append)
            query = params(
                type="2",
                list="5558688950",
                phone_to_call="5551112222",
                no_answer_email="agent@example.com",
                no_answer_sms="5554443333",
                no_answer_url=report_url,
                no_answer_phone="5557776666",
            )
            result, _, _ = await call(http, sandbox, query)
            assert (result.result, result.description) == ("failed", "No Answer")
            await wait_until(lambda: len(sandbox.outbox) == 4)
            by_kind = {e.kind: e for e in sandbox.outbox}
            assert seen == sandbox.outbox and all(e.sid == result.sid for e in seen)

            email = by_kind["email"]
            assert (email.to, email.subject) == (
                "agent@example.com",
                "LeadResponse unsuccessful for (555) 111-2222",
            )
            assert email.body.startswith("Attempts to connect an agent to (555) 111-2222")
            assert email.body.splitlines()[-1] == "(555) 868-8950 No Answer"
            assert by_kind["sms"].body == "LeadResponse unsuccessful for (555) 111-2222"
            assert "444-3333" in by_kind["sms"].to
            assert "777-6666" in by_kind["transfer"].to
            assert by_kind["url"].status == "delivered (HTTP 200)"
            datetime.fromisoformat(email.created_at)

            assert len(posts) == 1
            content_type, body = posts[0]
            assert content_type.startswith("text/xml")
            assert body.decode() == (
                '<?xml version="1.0" encoding="UTF-8"?>\n<response>\n'
                "\t<phone_to_call>5551112222</phone_to_call>\n\t<attempts>\n\t\t<attempt>\n"
                "\t\t\t<called_number>5558688950</called_number>\n"
                "\t\t\t<call_result>No Answer</call_result>\n\t\t</attempt>\n\t</attempts>\n"
                "</response>"
            )
            root = ElementTree.fromstring(body)
            assert root.findtext("phone_to_call") == "5551112222"

            listed = (await http.get(sandbox.outbox_url)).json()
            assert [e["kind"] for e in listed] == [e.kind for e in sandbox.outbox]

    run(scenario)


def test_loop_count_multiplies_the_attempts() -> None:
    async def scenario() -> None:
        async with receiver() as (report_url, posts), running() as (sandbox, http):
            query = params(
                type="2", list="5558880000|5558880011", loop_count="3", no_answer_url=report_url
            )
            result, _, elapsed = await call(http, sandbox, query)
            assert result.description == "No Answer" and elapsed >= 3 * (10 + 1) * SCALE
            await wait_until(lambda: bool(posts))
            root = ElementTree.fromstring(posts[0][1])
            attempts = [
                (a.findtext("called_number"), a.findtext("call_result"))
                for a in root.iter("attempt")
            ]
            assert attempts == [("5558880000", NO_ANSWER), ("5558880011", BUSY)] * 3
            assert len([c for c in sandbox.calls if c.sid == result.sid]) == 6

    run(scenario)


def test_a_failing_report_url_never_breaks_the_reply() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            dead = f"http://127.0.0.1:{free_port()}/report"
            query = params(type="2", list="5558880000", no_answer_url=dead)
            result, _, _ = await call(http, sandbox, query)
            assert (result.result, result.description) == ("failed", "No Answer")
            await wait_until(lambda: bool(sandbox.outbox))
            assert sandbox.outbox[0].kind == "url"
            assert sandbox.outbox[0].status.startswith("failed: ")

    run(scenario)


def test_invalid_requests_name_every_problem() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            bad, _, _ = await call(http, sandbox, params(list=None, timeout="5"))
            assert bad.result == "failed" and SID.match(bad.sid)
            assert bad.description.startswith("Invalid request: ")
            assert "list is required" in bad.description
            assert "timeout must be 10 to 60 seconds" in bad.description
            assert "; " in bad.description

            wrong_type, _, _ = await call(http, sandbox, params(no_answer_email="a@example.com"))
            assert "no_answer_email is only available" in wrong_type.description
            no_action, _, _ = await call(http, sandbox, params(action=None))
            assert no_action.description == "Invalid request: action is required"
            no_keys, _, _ = await call(http, sandbox, params(key=None))
            assert "credentials are required" in no_keys.description
            formatted, _, _ = await call(http, sandbox, params(phone_to_call="(555) 111-2225"))
            assert formatted.description == (
                "Invalid request: phone_to_call must be an unformatted number "
                "(10 digits, no punctuation)"
            )
            assert sandbox.calls == []

            missing = await http.get(sandbox.url.replace("ibp_api.php", "nope.php"))
            assert missing.status_code == 404
            assert (await http.post(sandbox.url)).status_code == 405

    run(scenario)


@pytest.mark.parametrize("form", ["encoded", "raw"])
@pytest.mark.parametrize("name", list(MALFORMED_LINES))
def test_a_malformed_request_line_is_refused_without_repeating_it(
    caplog: pytest.LogCaptureFixture, name: str, form: str
) -> None:
    secret = (ENCODED_MALFORMED_SECRET if form == "encoded" else MALFORMED_SECRET).encode()
    line = MALFORMED_LINES[name].replace(b"%s", secret)
    answers: list[bytes] = []

    async def scenario() -> None:
        async with running() as (sandbox, http):
            request = line + b"\r\nHost: 127.0.0.1\r\n\r\n"
            answers.append(await asyncio.to_thread(raw_request, sandbox.url, request))
            bad_header = b"GET /ibp_api.php?key=" + secret + b" HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"
            answers.append(await asyncio.to_thread(raw_request, sandbox.url, bad_header))
            assert sandbox.received == []

    with caplog.at_level(logging.DEBUG):
        run(scenario)
    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records)
    for answer in answers:
        assert answer.startswith(b"HTTP/1.0 400 Bad Request\r\n"), answer
        head, _, body = answer.partition(b"\r\n\r\n")
        assert body.startswith(b"400 Bad Request: ") and body.count(b"\n") == 1, body
        assert b"S3cret" not in answer and b"ZZ9" not in answer, answer
    assert "S3cret" not in logged and "ZZ9" not in logged, logged
    assert "refused a malformed request from 127.0.0.1" in caplog.text


def test_the_sandbox_logs_mask_credential_values(caplog: pytest.LogCaptureFixture) -> None:
    secret = MALFORMED_SECRET
    with caplog.at_level(logging.INFO):
        try:
            raise ValueError(f"bad request /ibp_api.php?list=1&KEY={secret}")
        except ValueError:
            logging.getLogger("console.sandbox.server").exception("failed: key=%s", secret)
    assert "S3cret" not in caplog.text and "KEY=***" in caplog.text and "key=***" in caplog.text


def test_parameters_the_api_does_not_have_are_ignored_and_logged_by_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            extra = {"foo": "bar", "_": "1700000000000", "empty": "", "Key": "S3cret-misnamed"}
            first, _, _ = await call(http, sandbox, params(**extra))
            again, _, _ = await call(http, sandbox, params(_="1700000000001"))
            assert first.ok and first.description == "Call Connected", first.description
            assert again.ok
            assert sandbox.received[0] == params(**extra)  # as received, all of it

    with caplog.at_level(logging.INFO, logger="console.sandbox"):
        run(scenario)
    ignored = [r for r in caplog.records if "ignored parameters" in r.getMessage()]
    assert len(ignored) == 2
    assert ignored[0].levelno == logging.WARNING  # new names: said where a person sees it
    assert "'foo', '_', 'empty', 'Key'" in ignored[0].getMessage()
    assert ignored[1].levelno == logging.INFO and "'_'" in ignored[1].getMessage()
    assert "S3cret" not in caplog.text and "1700000000000" not in caplog.text


def test_methods_other_than_get_are_refused_saying_why() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            for method in ("POST", "PUT", "HEAD"):
                refused = await http.request(method, sandbox.url, data=params())
                assert refused.status_code == 405, method
                assert refused.headers["Allow"] == "GET"
                if method != "HEAD":
                    assert "takes GET, with the parameters in the query string" in refused.text
            assert sandbox.received == []

    run(scenario)


def test_a_list_with_another_separator_gets_one_reason_everywhere() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            commas, _, _ = await call(http, sandbox, params(list="5558880005,5558880006"))
            assert (
                commas.description == "Invalid request: list must separate numbers with |, not ','"
            )
            punctuated, _, _ = await call(http, sandbox, params(list="(555) 888-0005|5558880006"))
            assert punctuated.description == (
                "Invalid request: list must be pipe-delimited unformatted numbers "
                "(10 digits, no punctuation)"
            )
            for reply in (commas, punctuated):
                assert "( ) - . + /" not in reply.description
            assert sandbox.calls == []

    run(scenario)
    # The console gives the same reason before sending anything.
    checked = validate({"key": "k", "list": "5558880005,5558880006", "phone_to_call": "5551112225"})
    assert [str(p) for p in checked.problems] == ["list must separate numbers with |, not ','"]


def test_the_invalid_credential_is_rejected() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            by_key, _, _ = await call(http, sandbox, params(key="invalid"))
            pair = params(key=None, access_key="a", secret_access_key="invalid")
            by_secret, _, _ = await call(http, sandbox, pair)
            accepted, _, _ = await call(
                http, sandbox, params(key=None, access_key="a", secret_access_key="b")
            )
            for rejected in (by_key, by_secret):
                assert (rejected.result, rejected.description) == (
                    "failed",
                    "Authentication failed",
                )
            assert accepted.ok

    run(scenario)


def test_encoded_values_arrive_intact_and_once() -> None:
    async def scenario() -> None:
        async with running() as (sandbox, http):
            page = "Lead & Co/pricing?x=1 2"
            ref = "a+b=c%20d#e<f>"
            result, _, _ = await call(http, sandbox, params(page=page, ref=ref))
            assert result.ok
            assert len(sandbox.received) == 1
            assert sandbox.received[0]["page"] == page and sandbox.received[0]["ref"] == ref
            assert sandbox.received[0] == params(page=page, ref=ref)

    run(scenario)


def test_the_console_client_talks_to_the_sandbox() -> None:
    async def scenario() -> None:
        sandbox = Sandbox(SCALE)
        url = await sandbox.start()
        try:
            async with make_http_client() as http:
                client = FindMeClient(http, url)
                result = await client.place_call(params(phone_to_call="5551112221"))
                assert (result.result, result.description) == ("failed", "Busy")
                assert len(sandbox.received) == 1
        finally:
            await sandbox.stop()

    run(scenario)


def test_two_hundred_concurrent_requests_are_all_answered() -> None:
    async def scenario() -> None:
        async with running(time_scale=0.01) as (sandbox, http):
            leads = [f"5551112{i:03d}" for i in range(200)]
            outcomes = await asyncio.gather(
                *(call(http, sandbox, params(phone_to_call=lead)) for lead in leads)
            )
            expected = {"0": "No Answer", "1": "Busy"}
            for lead, (result, _, _) in zip(leads, outcomes, strict=True):
                assert result.description == expected.get(lead[-1], "Call Connected")
            assert len({r.sid for r, _, _ in outcomes}) == 200
            assert len(sandbox.received) == 200 and sandbox.held == 0

    run(scenario)


def test_stop_with_held_requests_is_clean(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
            sandbox = Sandbox(0.1)
            url = await sandbox.start()
            never = encode_query(params(phone_to_call="5551112220", timeout="60"))
            held = [asyncio.create_task(http.get(f"{url}?{never}")) for _ in range(5)]
            # One answered call whose list hunt (5 passes of 60 s rings) goes on in the background.
            hunting = params(
                phone_to_call="5551112222",
                list="5558880000|5558880010",
                loop_count="5",
                timeout="60",
            )
            answered, _, _ = await call(http, sandbox, hunting)
            assert answered.ok
            await wait_until(lambda: sandbox.held == 5)
            started = time.monotonic()
            await sandbox.stop()
            assert time.monotonic() - started < 2.0
            outcomes = await asyncio.gather(*held, return_exceptions=True)
            assert all(isinstance(o, httpx.HTTPError) for o in outcomes), outcomes
            assert not sandbox.running and sandbox.held == 0
            await sandbox.stop()  # a second stop is harmless

    with caplog.at_level(logging.WARNING):
        run(scenario)
    assert noisy_logs(caplog) == []


@pytest.mark.parametrize("how", ["timeout", "cancel"])
def test_a_client_that_gives_up_does_not_end_the_call(
    how: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The real service carries on with a call whose client stopped waiting ("it may still go
    # ahead"): a team-first call nobody answers still sends its no-answer follow-ups.
    async def scenario() -> None:
        async with receiver() as (report_url, posts), running(time_scale=0.02) as (sandbox, http):
            query = params(
                type="2",
                list="5558880000|5558880010",  # 2 x 10 s of ringing: 0.4 s here
                phone_to_call="5551112222",
                no_answer_email="agent@example.com",
                no_answer_sms="5554443333",
                no_answer_url=report_url,
            )
            client = FindMeClient(http, sandbox.url, read_timeout=0.05)
            placing = asyncio.create_task(client.place_call(query))
            await wait_until(lambda: sandbox.held == 1)
            if how == "cancel":
                placing.cancel()
            outcome = (await asyncio.gather(placing, return_exceptions=True))[0]
            expected = asyncio.CancelledError if how == "cancel" else OutcomeUnknown
            assert isinstance(outcome, expected), outcome
            assert sandbox.held == 1 and sandbox.outbox == []  # still ringing the list
            await wait_until(lambda: len(sandbox.outbox) == 3 and posts, seconds=5.0)
            assert sorted(e.kind for e in sandbox.outbox) == ["email", "sms", "url"]
            assert {e.sid for e in sandbox.outbox} == {r.sid for r in sandbox.calls}
            assert [(c.number, c.result) for c in sandbox.calls] == [
                ("5558880000", NO_ANSWER),
                ("5558880010", NO_ANSWER),
            ]
            assert sandbox.held == 0 and len(sandbox.received) == 1
            assert b"<called_number>5558880010</called_number>" in posts[0][1]

    with caplog.at_level(logging.INFO, logger="console.sandbox"):
        run(scenario)
    assert noisy_logs(caplog) == []
    assert any("carries on" in r.getMessage() for r in caplog.records)


def test_stop_ends_a_call_whose_client_gave_up() -> None:
    async def scenario() -> None:
        async with running(time_scale=1.0) as (sandbox, http):
            query = params(type="2", list="5558880000", no_answer_email="agent@example.com")
            client = FindMeClient(http, sandbox.url, read_timeout=0.05)
            with pytest.raises(OutcomeUnknown):
                await client.place_call(query)
            assert sandbox.held == 1
            started = time.monotonic()
            await sandbox.stop()
            assert time.monotonic() - started < 2.0
            assert sandbox.held == 0 and sandbox.outbox == [] and sandbox.calls == []

    run(scenario)
