"""The async Click-to-FindMe List client, on one shared httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from console import USER_AGENT
from console.calls.outcome import CallResult, NetworkFailure, OutcomeUnknown, describe
from console.calls.reply import MAX_REPLY_BYTES, ReplyError, parse_reply, raw_text
from console.calls.request import encode_query, first_leg_seconds, redacted_url

log = logging.getLogger(__name__)

CONNECT_SECONDS = 10.0


def make_http_client(*, verify: bool | str | ssl.SSLContext = True) -> httpx.AsyncClient:
    """The one AsyncClient the console shares: TLS verified, our User-Agent, no redirects."""
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT},
        verify=verify,
        follow_redirects=False,  # a redirect after the request arrived is not an answer
        timeout=httpx.Timeout(CONNECT_SECONDS),
        # Each pending call holds its connection for the whole first leg, so the pool must
        # not cap calls in flight (httpx's default of 100 would turn call 101 into a false
        # "could not connect"); few idle connections are kept, as most calls are minutes apart.
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=20),
    )


def _cause(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in ``exc``'s chain of causes, or None."""
    while exc is not None:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


class FindMeClient:
    """Places calls. Never sends a request twice once it may have reached the service."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        api_url: str,
        *,
        connect_retries: int = 2,
        retry_delay: float = 0.5,
        read_timeout: float | None = None,
        connect_timeout: float = CONNECT_SECONDS,
    ) -> None:
        self.http = http
        self.api_url = api_url
        self.connect_retries = connect_retries
        self.retry_delay = retry_delay
        self.connect_timeout = connect_timeout
        self._read_timeout = read_timeout  # None: derived from each request

    def read_timeout_for(self, params: Mapping[str, str]) -> float:
        """How long to wait for the answer: the request's first-leg worst case, plus a margin."""
        return self._read_timeout or first_leg_seconds(params)

    async def place_call(self, params: Mapping[str, str]) -> CallResult:
        """Send validated ``params`` (credentials included) and read the service's answer.

        Raises NetworkFailure when nothing reached the service, OutcomeUnknown when the request
        went out but no usable answer came back. A failed result is returned, not raised.
        """
        url = httpx.URL(self.api_url).copy_with(query=encode_query(params).encode("ascii"))
        read_timeout = self.read_timeout_for(params)
        timeout = httpx.Timeout(self.connect_timeout, read=read_timeout)
        shown = redacted_url(self.api_url, params)
        for attempt in range(self.connect_retries + 1):
            log.info("sending %s (attempt %d)", shown, attempt + 1)
            try:
                return await self._send_once(url, timeout, read_timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Connection set-up failed, so nothing was sent: the one case a retry is safe,
                # unless the server refused TLS, which it would do again.
                why, final = self._connect_failure(exc)
                if final or attempt == self.connect_retries:
                    raise NetworkFailure(why) from None
                log.warning("%s; retrying", why)
                await asyncio.sleep(self.retry_delay * (attempt + 1))
        raise AssertionError("unreachable")

    def _connect_failure(self, exc: httpx.TransportError) -> tuple[str, bool]:
        """Why no connection could be made, naming the host; and whether a retry is pointless.

        The summary the caller's sentence starts with already says that nothing was sent.
        """
        host = self._host()
        lookup = _cause(exc, socket.gaierror)
        if lookup is not None:
            name = urlsplit(self.api_url).hostname or host
            return f"the server name {name} could not be looked up ({describe(lookup)})", False
        within = f"within {self.connect_timeout:g} s"
        timed_out = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        # A handshake that stalls leaves an SSLWantReadError in the chain: a timeout like any
        # other (the server may be overloaded), not a verdict on its certificate.
        tls = _cause(exc, ssl.SSLError)
        if timed_out and tls is not None:
            return f"the TLS handshake with {host} did not finish {within}", False
        if timed_out:
            return f"could not connect to {host} {within}", False
        if isinstance(tls, ssl.SSLCertVerificationError):
            return "the server's TLS certificate is not trusted", True
        if tls is not None:
            # OpenSSL's reason code reads as words ("wrong version number": not TLS at all).
            why = tls.reason.replace("_", " ").lower() if tls.reason else describe(tls)
            return f"the TLS handshake with {host} failed ({why})", True
        return f"could not connect to {host} ({describe(exc)})", False

    async def _send_once(
        self, url: httpx.URL, timeout: httpx.Timeout, read_timeout: float
    ) -> CallResult:
        received = bytearray()  # what came of the body, kept for the history if it goes wrong
        content_type: str | None = None
        try:
            # A whole-reply deadline as well as httpx's per-read one: a reply dripping one
            # byte a second never trips a per-read timeout.
            async with asyncio.timeout(self.connect_timeout + read_timeout):
                async with self.http.stream("GET", url, timeout=timeout) as response:
                    content_type = response.headers.get("content-type")
                    await self._read_capped(response, received)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise  # nothing was sent; place_call decides about a retry
        except httpx.TimeoutException:
            raise OutcomeUnknown(
                f"no answer within {read_timeout:g} s", raw=raw_text(received, content_type)
            ) from None
        except TimeoutError:
            deadline = self.connect_timeout + read_timeout
            raise OutcomeUnknown(
                f"no complete answer within {deadline:g} s", raw=raw_text(received, content_type)
            ) from None
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(
                f"the connection broke before the answer arrived ({describe(exc)})",
                raw=raw_text(received, content_type),
            ) from None
        except OutcomeUnknown as exc:  # too big: its first 64 KiB are kept
            exc.raw = raw_text(received, content_type)
            raise
        body = bytes(received)
        if not 200 <= response.status_code < 300:
            reason = f" {response.reason_phrase}" if response.reason_phrase else ""
            raise OutcomeUnknown(
                f"the service answered HTTP {response.status_code}{reason}",
                raw=raw_text(body, content_type),
            )
        try:
            result = parse_reply(body, content_type)
        except ReplyError as exc:
            raise OutcomeUnknown(str(exc), raw=raw_text(body, content_type)) from None
        log.info("answer: %s %s sid=%s", result.result, result.description, result.sid)
        return result

    @staticmethod
    async def _read_capped(response: httpx.Response, received: bytearray) -> None:
        """Read the body into ``received``, at most MAX_REPLY_BYTES of it (OutcomeUnknown past)."""
        too_big = f"the reply is larger than {MAX_REPLY_BYTES // 1024} KiB"
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > MAX_REPLY_BYTES:
            raise OutcomeUnknown(too_big)  # said up front: not one byte of it is read
        stream = response.aiter_bytes()
        try:
            async for chunk in stream:
                received += chunk[: MAX_REPLY_BYTES + 1 - len(received)]
                if len(received) > MAX_REPLY_BYTES:
                    del received[MAX_REPLY_BYTES:]
                    raise OutcomeUnknown(too_big)
        finally:
            # Closed here, on this loop: left to the garbage collector, the half-read stream
            # would be finalized wherever (and whenever) it is collected.
            await stream.aclose()

    def _host(self) -> str:
        return urlsplit(self.api_url).netloc or self.api_url
