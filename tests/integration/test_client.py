"""The client over real loopback HTTP: the sandbox, and small servers that misbehave."""

from __future__ import annotations

import asyncio
import logging
import re
import resource
import socket
import ssl
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from console import APP_NAME, __version__
from console.calls.client import FindMeClient, make_http_client
from console.calls.outcome import SUMMARY, CallError, NetworkFailure, OutcomeUnknown, Status
from console.calls.request import READ_MARGIN_SECONDS, encode_query, validate
from console.sandbox import Sandbox
from console.urls import check_api_url
from tests.faults import (
    FAULTS,
    HUGE_BYTES,
    LATIN1_CONTENT_TYPE,
    LATIN1_XML,
    LATIN1_XML_UNDECLARED,
    PLAIN_TEXT,
    VENDOR_SUCCESS,
    FaultServer,
    SilentServer,
    TlsServer,
    closed_port,
    drip,
    huge,
    reply,
    self_signed_cert,
    slow,
)

SID = re.compile(r"[0-9]{6}[0-9a-f]{10}")


def params(**extra: object) -> dict[str, str]:
    checked = validate(
        {"key": "test-key", "list": "5559998888|5559997777", "phone_to_call": "5551112222"} | extra
    )
    assert checked.ok, checked.problems
    return checked.params


def with_http(scenario: Callable[[httpx.AsyncClient], Awaitable[Any]], **http_args: Any) -> Any:
    async def main() -> Any:
        async with make_http_client(**http_args) as http:
            return await scenario(http)

    return asyncio.run(main())


def assert_one_sentence(text: str) -> None:
    assert "\n" not in text and text.endswith("."), text
    assert not re.search(r"[.!?]\s+[A-Z(]", text[:-1]), text
    assert not re.search(r"\(\s*\)", text), text  # no empty brackets


def assert_nothing_sent_said_once(sentence: str) -> None:
    assert sentence.count("nothing was sent") == 1, sentence


def sandbox_call(request: Mapping[str, str], time_scale: float = 0.001):
    """Place one call through a fresh sandbox; returns (result, what the sandbox received)."""

    async def scenario(http: httpx.AsyncClient):
        sandbox = Sandbox(time_scale=time_scale, http=http)
        url = await sandbox.start(host="127.0.0.1", port=0)
        try:
            result = await FindMeClient(http, url).place_call(request)
        finally:
            await sandbox.stop()
        return result, sandbox.received

    return with_http(scenario)


# -- the sandbox ------------------------------------------------------------------------------

NASTY = {
    "page": "Lead & Co/pricing?x=1 2",
    "ref": "100% +sure; a=b#frag %20 literal",
    "screen_prompt": "Ünïcødé – “quotes” 日本語 😀 <b>&amp;</b>",
    "holdmusic": "hold & wait+1.wav",
}


def test_every_value_arrives_intact() -> None:
    sent = params(**NASTY)
    result, received = sandbox_call(sent)
    assert result.ok
    assert received == [sent]
    assert received[0]["page"] == "Lead & Co/pricing?x=1 2"
    assert received[0]["list"] == "5559998888|5559997777"


def test_success_with_a_vendor_shaped_sid() -> None:
    result, _ = sandbox_call(params())  # the lead ends in 2: answers after 2 s
    assert (result.result, result.description) == ("success", "Call Connected")
    assert SID.fullmatch(result.sid)
    assert result.sid[:6] in {
        datetime.now(UTC).strftime("%y%m%d"),
        datetime.fromtimestamp(time.time() - 60, UTC).strftime("%y%m%d"),
    }
    assert "<!DOCTYPE response" in result.raw


@pytest.mark.parametrize(
    ("extra", "description"),
    [
        ({"phone_to_call": "5551112220", "timeout": 10}, "No Answer"),  # 0: never answers
        ({"phone_to_call": "5551112221"}, "Busy"),  # 1: busy
        ({"type": 2, "list": "5559998880|5559998881", "timeout": 10}, "No Answer"),
        ({"key": "invalid"}, "Authentication failed"),
    ],
)
def test_failed_results_carry_their_description_and_sid(
    extra: dict[str, object], description: str
) -> None:
    result, received = sandbox_call(params(**extra))
    assert (result.result, result.description) == ("failed", description)
    assert not result.ok and result.status is Status.FAILED
    assert SID.fullmatch(result.sid)
    assert len(received) == 1


def test_type_two_success_when_someone_on_the_list_answers() -> None:
    result, _ = sandbox_call(params(type=2, list="5559998880|5559998883", timeout=10))
    assert (result.result, result.description) == ("success", "Call Connected")


def test_user_agent_names_the_console_and_its_version() -> None:
    async def scenario(http: httpx.AsyncClient) -> dict[str, str]:
        async with FaultServer(reply(VENDOR_SUCCESS)) as server:
            assert (await FindMeClient(http, server.url).place_call(params())).ok
            return server.headers[0]

    headers = with_http(scenario)
    agent = headers["User-Agent"]
    assert APP_NAME.replace(" ", "") in agent and __version__ in agent
    assert "python-httpx" not in agent


def test_the_request_is_a_get_with_the_query_encoded() -> None:
    sent = params(page="a&b c+d")

    async def scenario(http: httpx.AsyncClient) -> FaultServer:
        async with FaultServer(reply(VENDOR_SUCCESS)) as server:
            await FindMeClient(http, server.url).place_call(sent)
            return server

    server = with_http(scenario)
    assert server.requests[0].method == "GET"
    assert server.requests[0].path == "/ibp_api.php"
    assert server.queries[0] == encode_query(sent)
    assert "page=a%26b%20c%2Bd" in server.queries[0]


# -- how long the client waits ----------------------------------------------------------------


def test_read_timeout_is_derived_from_the_request() -> None:
    client = FindMeClient(httpx.AsyncClient(), "http://127.0.0.1:9/ibp_api.php")
    type1 = params(timeout=20, loop_count=3)
    assert client.read_timeout_for(type1) == 20 + READ_MARGIN_SECONDS
    type2 = params(type=2, timeout=20, loop_count=3)  # two numbers on the list
    assert client.read_timeout_for(type2) == 20 * 2 * 3 + READ_MARGIN_SECONDS
    widest = params(
        type=2, timeout=60, loop_count=5, list="|".join(f"55599988{i}2" for i in range(10))
    )
    assert client.read_timeout_for(widest) == 60 * 10 * 5 + READ_MARGIN_SECONDS
    assert client.read_timeout_for(params()) > 5.0  # never httpx's 5-second default
    fixed = FindMeClient(httpx.AsyncClient(), "http://127.0.0.1:9/ibp_api.php", read_timeout=0.3)
    assert fixed.read_timeout_for(type2) == 0.3


class RecordingClient(FindMeClient):
    """Shrinks each derived wait a thousandfold, recording what it was asked about."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[Mapping[str, str]] = []

    def read_timeout_for(self, request: Mapping[str, str]) -> float:
        self.asked.append(request)
        return super().read_timeout_for(request) / 1000


def test_place_call_waits_as_long_as_the_request_needs() -> None:
    request = params(type=2, timeout=60, loop_count=5)  # 60 x 2 x 5 + margin = 630 s

    async def scenario(http: httpx.AsyncClient) -> tuple[float, FaultServer, RecordingClient]:
        async with FaultServer(slow(1.5)) as server:
            client = RecordingClient(http, server.url)
            started = time.monotonic()
            with pytest.raises(OutcomeUnknown, match="no answer within 0.63 s"):
                await client.place_call(request)
            return time.monotonic() - started, server, client

    elapsed, server, client = with_http(scenario)
    assert client.asked == [request]
    assert 0.55 < elapsed < 3
    assert server.count == 1


# -- faults and the no-retry rule -------------------------------------------------------------

FAULT_WORDS = {
    "http_500": "HTTP 500",
    "not_found_html": "HTTP 404",
    "empty": "empty",
    "too_big": "larger than 64 KiB",
    "entity_bomb": "XML entity ('a'), which is refused",
    "external_entity": "XML entity ('xxe'), which is refused",
    "truncated": "connection broke",
    "reset": "the connection broke before the answer arrived (",
    "not_a_reply": "<html>",
    "http_502": "HTTP 502 Bad Gateway",
    "http_503": "HTTP 503 Service Unavailable",
    "body_50mb": "larger than 64 KiB",
    "utf16_declaring_utf8": "text encoding it declares, or in UTF-8 (encoding specified",
    "utf16_without_bom": "text encoding it declares, or in UTF-8 (it holds NUL bytes",
    "shift_jis_undeclared": "text encoding it declares, or in UTF-8 (not well-formed",
}


def fault_call(handler, **client_args: Any) -> tuple[CallError | None, FaultServer]:
    async def scenario(http: httpx.AsyncClient):
        async with FaultServer(handler) as server:
            client = FindMeClient(http, server.url, retry_delay=0.01, **client_args)
            try:
                await client.place_call(params())
            except CallError as exc:
                return exc, server
            return None, server

    return with_http(scenario)


def test_every_fault_has_a_case() -> None:
    assert set(FAULT_WORDS) == set(FAULTS)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_request_that_reached_the_server_is_never_sent_again(name: str) -> None:
    error, server = fault_call(FAULTS[name])
    assert isinstance(error, OutcomeUnknown), error
    assert error.status is Status.UNKNOWN
    assert server.count == 1
    sentence = error.sentence()
    assert FAULT_WORDS[name] in sentence
    assert sentence.startswith(SUMMARY[Status.UNKNOWN].removesuffix("."))
    assert "not sent again" in sentence
    assert_one_sentence(sentence)


def test_slow_reply_beyond_the_read_timeout_is_unknown_and_not_repeated() -> None:
    started = time.monotonic()
    error, server = fault_call(slow(5), read_timeout=0.3)
    assert time.monotonic() - started < 3
    assert isinstance(error, OutcomeUnknown)
    assert "no answer within 0.3 s" in error.sentence()
    assert_one_sentence(error.sentence())
    assert server.count == 1


def test_redirect_is_not_followed() -> None:
    async def moved(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/elsewhere")

    error, server = fault_call(moved)
    assert isinstance(error, OutcomeUnknown) and "HTTP 302" in error.sentence()
    assert server.count == 1


def test_plain_text_reply_is_accepted() -> None:
    error, server = fault_call(reply(PLAIN_TEXT, content_type="text/plain"))
    assert error is None and server.count == 1


def test_iso_8859_1_reply() -> None:
    async def scenario(http: httpx.AsyncClient):
        async with FaultServer(reply(LATIN1_XML, content_type="text/xml")) as server:
            return await FindMeClient(http, server.url).place_call(params())

    result = with_http(scenario)
    assert result.ok and result.description == "Appel connecté à l'équipe"


def test_a_charset_given_only_in_the_content_type_header_is_read() -> None:
    handler = reply(LATIN1_XML_UNDECLARED, content_type=LATIN1_CONTENT_TYPE)

    async def scenario(http: httpx.AsyncClient):
        async with FaultServer(handler) as server:
            return await FindMeClient(http, server.url).place_call(params())

    result = with_http(scenario)
    assert result.ok and result.description == "Appel connecté à l'équipe"
    assert result.sid == "181127fc48636186"


def test_refused_connection_is_retried_then_a_network_failure(caplog) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/ibp_api.php"

    async def scenario(http: httpx.AsyncClient) -> NetworkFailure:
        client = FindMeClient(http, url, connect_retries=2, retry_delay=0.01)
        with pytest.raises(NetworkFailure) as caught:
            await client.place_call(params())
        return caught.value

    with caplog.at_level(logging.INFO, logger="console.calls.client"):
        error = with_http(scenario)
    attempts = [r for r in caplog.records if r.getMessage().startswith("sending ")]
    assert len(attempts) == 3  # connect_retries + 1
    assert error.status is Status.NETWORK
    sentence = error.sentence()
    assert "nothing was sent" in sentence and f"127.0.0.1:{port}" in sentence
    assert_nothing_sent_said_once(sentence)
    assert_one_sentence(sentence)
    assert "test-key" not in sentence and all("test-key" not in r.getMessage() for r in attempts)


def test_a_retry_reaches_a_server_that_came_up_and_sends_once() -> None:
    port = closed_port()
    server = FaultServer(reply(VENDOR_SUCCESS), port=port)

    async def scenario(http: httpx.AsyncClient):
        async def come_up() -> None:
            await asyncio.sleep(0.1)
            await server.start()

        starting = asyncio.create_task(come_up())
        client = FindMeClient(http, server_url(port), connect_retries=3, retry_delay=0.3)
        try:
            return await client.place_call(params())
        finally:
            await starting
            await server.stop()

    result = with_http(scenario)
    assert result.ok and server.count == 1


def server_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/ibp_api.php"


def network_failure(url: str, caplog, **client_args: Any) -> tuple[NetworkFailure, int, float]:
    """Place a call that cannot connect: the failure, how many sends were logged, seconds."""

    async def scenario(http: httpx.AsyncClient) -> NetworkFailure:
        client = FindMeClient(http, url, retry_delay=0.01, **client_args)
        with pytest.raises(NetworkFailure) as caught:
            await client.place_call(params())
        return caught.value

    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="console.calls.client"):
        error = with_http(scenario)
    sends = [r for r in caplog.records if r.getMessage().startswith("sending ")]
    return error, len(sends), time.monotonic() - started


def test_a_name_that_does_not_resolve_is_a_network_failure(caplog) -> None:
    host = "findme-console-test.invalid"  # .invalid never resolves (RFC 6761)
    try:
        socket.getaddrinfo(host, 443)
    except socket.gaierror:
        pass
    else:
        pytest.skip("this resolver answers for .invalid names")
    error, sends, _ = network_failure(f"https://{host}/ibp_api.php", caplog, connect_retries=1)
    assert error.status is Status.NETWORK and sends == 2  # nothing was sent, so one retry
    sentence = error.sentence()
    assert f"the server name {host} could not be looked up" in sentence
    assert_nothing_sent_said_once(sentence)
    assert_one_sentence(sentence)


class FullBacklog:
    """A loopback listener that never accepts, its queue filled: new connects hang unanswered.

    Linux drops a SYN when the accept queue is full, so the client's connect times out, as
    it would against an address that routes nowhere.
    """

    def __enter__(self) -> str:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        port = self.listener.getsockname()[1]
        self.fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            self.fillers.append(filler)
        time.sleep(0.05)
        probe = socket.socket()
        probe.settimeout(0.2)
        try:
            probe.connect(("127.0.0.1", port))
        except TimeoutError:
            pass
        else:
            pytest.skip("this system accepts connections past a full listen queue")
        finally:
            probe.close()
        return server_url(port)

    def __exit__(self, *exc: object) -> None:
        for sock in [*self.fillers, self.listener]:
            sock.close()


def test_a_connect_timeout_is_a_network_failure_and_retried(caplog) -> None:
    with FullBacklog() as url:
        error, sends, elapsed = network_failure(url, caplog, connect_retries=1, connect_timeout=0.3)
    assert error.status is Status.NETWORK and sends == 2
    assert 0.6 <= elapsed < 3
    sentence = error.sentence()
    assert "could not connect to 127.0.0.1:" in sentence and "within 0.3 s" in sentence
    assert_nothing_sent_said_once(sentence)
    assert_one_sentence(sentence)


def test_a_reply_dripping_a_byte_a_second_ends_at_the_whole_reply_deadline() -> None:
    # Each byte comes well within the 1.5 s per-read timeout, so only the deadline for the
    # whole reply (connect + read timeout = 2 s) can end the wait; the message names it.
    started = time.monotonic()
    error, server = fault_call(drip(1.0), read_timeout=1.5, connect_timeout=0.5)
    elapsed = time.monotonic() - started
    assert isinstance(error, OutcomeUnknown)
    assert 1.9 < elapsed < 4, elapsed
    assert "no complete answer within 2 s" in error.sentence()
    assert_one_sentence(error.sentence())
    assert server.count == 1


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from /proc")
@pytest.mark.parametrize("announce", [False, True], ids=["chunked", "content-length"])
def test_a_50_mb_reply_keeps_memory_bounded(announce: bool) -> None:
    samples: list[int] = []

    async def scenario(http: httpx.AsyncClient):
        async def sample() -> None:
            while True:
                samples.append(_rss_bytes())
                await asyncio.sleep(0.002)

        async with FaultServer(huge(HUGE_BYTES, announce=announce)) as server:
            client = FindMeClient(http, server.url)
            baseline = _rss_bytes()
            sampler = asyncio.create_task(sample())
            tracemalloc.start()
            try:
                with pytest.raises(OutcomeUnknown) as caught:
                    await client.place_call(params())
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
                sampler.cancel()
            return caught.value, server.count, peak, max(samples) - baseline

    error, count, peak, rss_growth = with_http(scenario)
    assert "larger than 64 KiB" in error.sentence() and count == 1
    print(f"50 MB reply ({'announced' if announce else 'chunked'}): traced peak "
          f"{peak / 1e6:.2f} MB, RSS growth {rss_growth / 1e6:.2f} MB")  # fmt: skip
    assert peak < 4 * 1024 * 1024, peak  # Python allocations: the cap plus httpx's buffers
    assert rss_growth < 16 * 1024 * 1024, rss_growth  # the whole process, far below 50 MB


# -- TLS --------------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    made = self_signed_cert(tmp_path)
    if made is None:
        pytest.skip("neither the cryptography package nor openssl can make a certificate")
    return made


def test_untrusted_certificate_is_refused_and_not_retried(certificate: tuple[Path, Path]) -> None:
    async def scenario(http: httpx.AsyncClient):
        async with TlsServer(*certificate) as server:
            client = FindMeClient(http, server.url, connect_retries=2, retry_delay=0.01)
            with pytest.raises(NetworkFailure) as caught:
                await client.place_call(params())
            await asyncio.sleep(0.05)
            return caught.value, server

    error, server = with_http(scenario)
    assert "certificate is not trusted" in error.sentence()
    assert_one_sentence(error.sentence())
    assert_nothing_sent_said_once(error.sentence())
    assert server.connections == 1  # refused once, not retried
    assert server.handshakes_ok == 0


def test_a_tls_handshake_that_never_completes_is_a_timeout() -> None:
    # The server takes the connection and never answers the ClientHello: an overloaded or
    # half-dead server, not one whose certificate is in doubt. Nothing was sent: retried.
    async def scenario(http: httpx.AsyncClient):
        async with SilentServer() as server:
            client = FindMeClient(
                http, server.url, connect_retries=1, retry_delay=0.01, connect_timeout=0.3
            )
            started = time.monotonic()
            with pytest.raises(NetworkFailure) as caught:
                await client.place_call(params())
            return caught.value, server.connections, time.monotonic() - started

    error, connections, elapsed = with_http(scenario)
    sentence = error.sentence()
    assert "certificate" not in sentence, sentence
    assert "the TLS handshake with 127.0.0.1:" in sentence
    assert "did not finish within 0.3 s" in sentence
    assert connections == 2 and 0.6 <= elapsed < 3
    assert_nothing_sent_said_once(sentence)
    assert_one_sentence(sentence)


def test_https_to_a_server_that_speaks_plain_http_is_a_handshake_failure() -> None:
    async def scenario(http: httpx.AsyncClient):
        async with FaultServer(reply(VENDOR_SUCCESS)) as server:
            url = server.url.replace("http://", "https://")
            client = FindMeClient(http, url, connect_retries=2, retry_delay=0.01)
            with pytest.raises(NetworkFailure) as caught:
                await client.place_call(params())
            return caught.value, server.count

    error, count = with_http(scenario)
    sentence = error.sentence()
    assert "certificate" not in sentence, sentence
    assert "the TLS handshake with 127.0.0.1:" in sentence and "failed (" in sentence
    assert count == 0
    assert_nothing_sent_said_once(sentence)
    assert_one_sentence(sentence)


def test_trusting_the_certificate_lets_the_handshake_through(
    certificate: tuple[Path, Path],
) -> None:
    # The control for the test above: the refusal is about trust, not a broken server.
    trusted = ssl.create_default_context(cafile=str(certificate[0]))

    async def scenario(http: httpx.AsyncClient):
        async with TlsServer(*certificate) as server:
            with pytest.raises(CallError) as caught:
                await FindMeClient(http, server.url, retry_delay=0.01).place_call(params())
            await asyncio.sleep(0.05)
            return caught.value, server

    error, server = with_http(scenario, verify=trusted)
    assert server.handshakes_ok == 1
    assert "certificate" not in error.sentence()


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://secure.dialogtech.com/ibp_api.php", True),
        ("http://127.0.0.1:8089/ibp_api.php", True),
        ("http://localhost:8089/ibp_api.php", True),
        ("http://[::1]:8089/ibp_api.php", True),
        ("http://secure.dialogtech.com/ibp_api.php", False),
        ("ftp://secure.dialogtech.com/", False),
        ("secure.dialogtech.com/ibp_api.php", False),
    ],
)
def test_api_url_must_be_https_except_on_this_computer(url: str, ok: bool) -> None:
    assert (check_api_url(url) is None) == ok
