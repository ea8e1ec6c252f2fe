"""The async Click-to-FindMe List client, on one shared httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from console import USER_AGENT
from console.outcome import CallResult, NetworkFailure, OutcomeUnknown
from console.reply import MAX_REPLY_BYTES, ReplyError, parse_reply
from console.request import encode_query, first_leg_seconds, redacted_url

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://secure.dialogtech.com/ibp_api.php"
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


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(url: str) -> str | None:
    """Why ``url`` cannot be the API endpoint, or None: https only, http on loopback only."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "API URL must be an https:// URL"
    if parts.scheme == "http" and not is_loopback(url):
        return "API URL must use https:// (plain http is allowed only on this computer)"
    return None


def _is_tls_failure(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, ssl.SSLError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


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
    ) -> None:
        self.http = http
        self.api_url = api_url
        self.connect_retries = connect_retries
        self.retry_delay = retry_delay
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
        timeout = httpx.Timeout(CONNECT_SECONDS, read=read_timeout)
        shown = redacted_url(self.api_url, params)
        for attempt in range(self.connect_retries + 1):
            log.info("sending %s (attempt %d)", shown, attempt + 1)
            try:
                return await self._send_once(url, timeout, read_timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Connection set-up failed, so nothing was sent: the one case a retry is safe.
                if _is_tls_failure(exc):
                    raise NetworkFailure(
                        "the server's TLS certificate is not trusted; nothing was sent"
                    ) from None
                if attempt == self.connect_retries:
                    raise NetworkFailure(f"could not connect to {self._host()}: {exc}") from None
                log.warning("connect to %s failed (%s); retrying", self._host(), exc)
                await asyncio.sleep(self.retry_delay * (attempt + 1))
        raise AssertionError("unreachable")

    async def _send_once(
        self, url: httpx.URL, timeout: httpx.Timeout, read_timeout: float
    ) -> CallResult:
        try:
            # A whole-reply deadline as well as httpx's per-read one: a reply dripping one
            # byte a second never trips a per-read timeout.
            async with asyncio.timeout(CONNECT_SECONDS + read_timeout):
                async with self.http.stream("GET", url, timeout=timeout) as response:
                    body = await self._read_capped(response)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
            raise  # nothing was sent; place_call decides about a retry
        except (httpx.TimeoutException, TimeoutError):
            raise OutcomeUnknown(f"no answer within {read_timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(
                f"the connection broke before the answer arrived ({exc})"
            ) from None
        if not 200 <= response.status_code < 300:
            raise OutcomeUnknown(f"the service answered HTTP {response.status_code}")
        try:
            result = parse_reply(body, response.headers.get("content-type"))
        except ReplyError as exc:
            raise OutcomeUnknown(str(exc)) from None
        log.info("answer: %s %s sid=%s", result.result, result.description, result.sid)
        return result

    @staticmethod
    async def _read_capped(response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise OutcomeUnknown(f"the reply is larger than {MAX_REPLY_BYTES // 1024} KiB")
            chunks.append(chunk)
        return b"".join(chunks)

    def _host(self) -> str:
        return urlsplit(self.api_url).netloc or self.api_url
