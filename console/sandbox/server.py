"""The sandbox: a local stand-in for the Click-to-FindMe List service over real HTTP.

It answers ``GET /ibp_api.php`` like the vendor: the reply is held for the simulated first
leg, then sent as the vendor's XML. Parameters the API does not have are ignored (and
logged by name); any other method gets 405. ``GET /outbox`` lists the no-answer follow-ups
as JSON. The number rules are in ``console.sandbox.rules``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import httpx
from aiohttp import web

from console.calls.params import BY_NAME, Kind
from console.calls.request import redact, validate, wrong_list_separator
from console.sandbox.http_errors import CredentialFilter, http_log, refuse_quietly
from console.sandbox.noanswer import (
    REPORT_SUBJECT,
    OutboxEntry,
    attempts_xml,
    immediate_entries,
    now_iso,
    post_report,
)
from console.sandbox.rules import Attempt, describe_rules, plan_call

log = logging.getLogger(__name__)
log.addFilter(CredentialFilter())  # a traceback or a quoted request must not show a key

API_PATH = "/ibp_api.php"
OUTBOX_PATH = "/outbox"
CONTENT_TYPE = "text/xml; charset=UTF-8"
REJECTED_CREDENTIAL = "invalid"
_CREDENTIAL_NAMES = ("key", "secret_access_key")
_UNFORMATTED = re.compile(r"^[0-9]{10}$")
_REMEMBERED_NAMES = 1000  # random names must not grow memory without end

# The vendor's example, byte for byte: note the line holding a single space in the DOCTYPE.
_REPLY = "\n".join(
    (
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!DOCTYPE response [",
        " ",
        "<!ELEMENT response (result,result_description,sid)>",
        "<!ELEMENT result (#PCDATA)>",
        "<!ELEMENT result_description (#PCDATA)>",
        "<!ELEMENT sid (#PCDATA)>",
        " ]>",
        "<response>",
        " <result>{result}</result>",
        " <result_description>{description}</result_description>",
        " <sid>{sid}</sid>",
        "</response>",
    )
)


class CannotListen(OSError):
    """The sandbox could not take its address (in use, not allowed, not this computer's);
    ``strerror`` is one sentence naming the address and why."""


def reply_xml(result: str, description: str, sid: str) -> str:
    """The vendor's reply, DOCTYPE included, with every value escaped."""
    return _REPLY.format(result=escape(result), description=escape(description), sid=escape(sid))


def unformatted_problems(params: Mapping[str, str]) -> dict[str, str]:
    """Phone values that are not already the API's unformatted 10 digits, by parameter name.

    The API takes no punctuation, so for these values this is the one reason given: the
    console's own checks (which accept "(555) 999-8888" and send the digits) are not.
    """
    problems = {}
    for name, value in params.items():
        param = BY_NAME.get(name)
        if param is None or param.kind not in (Kind.PHONE, Kind.PHONES) or not value.strip():
            continue
        wrong = wrong_list_separator(value) if param.kind is Kind.PHONES else None
        if wrong:
            problems[name] = f"{name} {wrong}"
        elif not all(_UNFORMATTED.match(part) for part in value.split("|")):
            shape = "an unformatted number"
            if param.kind is Kind.PHONES:
                shape = "pipe-delimited unformatted numbers"
            problems[name] = f"{name} must be {shape} (10 digits, no punctuation)"
    return problems


async def _refuse_method(request: web.Request) -> web.Response:
    """Anything but GET: the API is documented as GET with a query string, so a POST that
    worked here would fail at the service."""
    log.info("refused %s %s: the API takes GET", request.method, API_PATH)
    raise web.HTTPMethodNotAllowed(
        request.method,
        ["GET"],
        text="405 Method Not Allowed: the Click-to-FindMe List API takes GET, with the "
        "parameters in the query string\n",
    )


def new_sid() -> str:
    """A sid like the vendor's: the UTC date as yymmdd, then 10 lowercase hex digits."""
    return datetime.now(UTC).strftime("%y%m%d") + secrets.token_hex(5)


class LoggedRing(NamedTuple):
    """One simulated ring in the sandbox's call log."""

    sid: str
    leg: str  # "first", "second" or "transfer"
    number: str
    result: str
    seconds: float


OutboxHook = Callable[[OutboxEntry], object]


class Sandbox:
    """A simulated Click-to-FindMe List service on loopback HTTP, run on the current loop."""

    def __init__(self, time_scale: float = 1.0, http: httpx.AsyncClient | None = None) -> None:
        if time_scale < 0:
            raise ValueError("time_scale must not be negative")
        self.time_scale = time_scale
        self.http = http
        self.received: list[dict[str, str]] = []
        self.outbox: list[OutboxEntry] = []
        self.on_outbox: list[OutboxHook] = []
        self.calls: list[LoggedRing] = []
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._stopping = False
        self._sids: set[str] = set()
        self._ignored: set[str] = set()  # unknown parameter names already warned about
        # Simulated calls whose first leg is still running; each is its own task, so a client
        # that hangs up does not end the call, just as at the real service.
        self._held: set[asyncio.Task[tuple[str, str]]] = set()
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def url(self) -> str:
        """The API URL, e.g. http://127.0.0.1:PORT/ibp_api.php; only while running."""
        if self._url is None:
            raise RuntimeError("the sandbox is not running")
        return self._url

    @property
    def outbox_url(self) -> str:
        """Where the outbox is served as JSON."""
        return self.url.removesuffix(API_PATH) + OUTBOX_PATH

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def held(self) -> int:
        """How many simulated first legs are running (their client waiting, or gone)."""
        return len(self._held)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host``:``port`` (0 picks a free port); return the API URL."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        app = web.Application()
        app.router.add_get(API_PATH, self._handle_api, allow_head=False)
        app.router.add_route("*", API_PATH, _refuse_method)
        app.router.add_get(OUTBOX_PATH, self._handle_outbox, allow_head=False)
        # No access log: its request line would carry the credentials in the query string.
        runner = web.AppRunner(
            app, access_log=None, logger=http_log, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        refuse_quietly(runner)
        shown = f"[{host}]" if ":" in host else host
        try:
            site = web.TCPSite(runner, host, port, backlog=1024)
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            # asyncio's own text repeats the address as a tuple; the errno's words suffice.
            why = os.strerror(exc.errno) if (exc.errno or 0) > 0 else exc.strerror or str(exc)
            raise CannotListen(exc.errno, f"cannot listen on {shown}:{port} ({why})") from None
        except BaseException:
            await runner.cleanup()
            raise
        bound = runner.addresses[0][1]
        self._stopping = False
        self._runner = runner
        self._url = f"http://{shown}:{bound}{API_PATH}"
        log.info("sandbox listening at %s", self._url)
        return self._url

    async def stop(self) -> None:
        """End held requests and simulated background work, then close the server."""
        runner = self._runner
        if runner is None:
            return
        self._stopping = True
        await self._cancel_all()
        await runner.cleanup()
        await self._cancel_all()  # anything a last request started while the server closed
        self._runner = None
        self._url = None
        log.info("sandbox stopped")

    async def _cancel_all(self) -> None:
        while tasks := [*self._held, *self._background]:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._held.difference_update(tasks)
            self._background.difference_update(tasks)

    def record(self, entry: OutboxEntry) -> None:
        """Add ``entry`` to the outbox and tell every hook; a failing hook is only logged."""
        self.outbox.append(entry)
        for hook in list(self.on_outbox):
            try:
                hook(entry)
            except Exception:
                log.exception("outbox hook failed")

    async def _handle_outbox(self, request: web.Request) -> web.Response:
        return web.json_response([e._asdict() for e in self.outbox])

    async def _handle_api(self, request: web.Request) -> web.Response:
        if self._stopping:
            raise web.HTTPServiceUnavailable(text="the sandbox is stopping")
        params = dict(request.query.items())  # a repeated name: the last wins, as in PHP
        self.received.append(params)
        sid = self._unique_sid()
        # The call is simulated in a task of its own that the handler only waits for: aiohttp
        # cancels the handler when the client hangs up (a timeout, a cancel), but the real
        # service carries on with the call, so the simulation does too.
        simulation = asyncio.get_running_loop().create_task(
            self._simulate(params, sid), name=f"sandbox call {sid}"
        )
        self._held.add(simulation)
        simulation.add_done_callback(self._held.discard)
        try:
            result, description = await asyncio.shield(simulation)
        except asyncio.CancelledError:
            if simulation.done():
                log.info("sid %s: the simulation was stopped before the reply", sid)
            else:
                log.info("sid %s: the client hung up; the simulated call carries on", sid)
            raise
        return web.Response(
            body=reply_xml(result, description, sid).encode("utf-8"),
            headers={"Content-Type": CONTENT_TYPE},
        )

    def _unique_sid(self) -> str:
        sid = new_sid()
        while sid in self._sids:
            sid = new_sid()
        self._sids.add(sid)
        return sid

    async def _simulate(self, params: Mapping[str, str], sid: str) -> tuple[str, str]:
        """The whole simulated call, which ends the same whether or not its client waited."""
        try:
            result, description = await self._answer(params, sid)
        except Exception:
            # Said here: once the client has gone, nobody else would hear of it.
            log.exception("sid %s: the simulation failed", sid)
            raise
        log.info("sid %s: %s %s", sid, result, description)
        return result, description

    async def _answer(self, received: Mapping[str, str], sid: str) -> tuple[str, str]:
        """Run the simulated first leg and return the reply's result and description."""
        params = {name: value for name, value in received.items() if name in BY_NAME}
        self._ignore(sid, [name for name in received if name not in BY_NAME])
        log.info("sid %s: request %s", sid, redact(params))
        if any(params.get(n, "").strip() == REJECTED_CREDENTIAL for n in _CREDENTIAL_NAMES):
            return "failed", "Authentication failed"
        problems = [] if params.get("action", "").strip() else ["action is required"]
        checked = validate(params)
        shape = unformatted_problems(params)
        problems += [str(p) for p in checked.problems if p.field not in shape]
        problems += shape.values()
        if problems:
            return "failed", "Invalid request: " + "; ".join(problems)
        plan = plan_call(checked.params, sid)
        await self._ring(sid, "first", plan.first_leg)
        if plan.connected:
            self._spawn(self._ring(sid, "second", plan.second_leg))
        elif plan.call_type == 2:
            self._no_answer(checked.params, plan.first_leg, sid)
        return plan.result, plan.description

    def _ignore(self, sid: str, names: Sequence[str]) -> None:
        """Say which parameters were ignored: names only, as a value may be a misnamed key.

        A PHP endpoint ignores what it does not read (a jQuery cache-buster ``_``, a CRM's
        own fields), so the sandbox does too. Each name is a warning the first time only:
        a cache-buster comes with every request.
        """
        if not names:
            return
        new = [n for n in names if n not in self._ignored]
        if len(self._ignored) < _REMEMBERED_NAMES:
            self._ignored.update(new)
        level = logging.WARNING if new else logging.INFO
        shown = ", ".join(repr(n[:40]) for n in names)
        log.log(level, "sid %s: ignored parameters the API does not have: %s", sid, shown)

    async def _ring(self, sid: str, leg: str, attempts: Sequence[Attempt]) -> None:
        for attempt in attempts:
            await asyncio.sleep(attempt.seconds * self.time_scale)
            self.calls.append(LoggedRing(sid, leg, attempt.number, attempt.result, attempt.seconds))

    def _no_answer(self, params: Mapping[str, str], attempts: Sequence[Attempt], sid: str) -> None:
        """Perform the no-answer actions: record email, SMS and transfer; POST the report."""
        for entry in immediate_entries(params, attempts, sid):
            self.record(entry)
            if entry.kind == "transfer":
                number = params["no_answer_phone"]
                self.calls.append(LoggedRing(sid, "transfer", number, "Transferred", 0.0))
        url = params.get("no_answer_url")
        if url:
            xml = attempts_xml(params.get("phone_to_call", ""), attempts)
            self._spawn(self._deliver(url, xml, sid))

    async def _deliver(self, url: str, xml: str, sid: str) -> None:
        try:
            entry = await post_report(url, xml, sid, self.http)
        except asyncio.CancelledError:
            status = "failed: cancelled (the sandbox stopped)"
            self.record(OutboxEntry("url", url, REPORT_SUBJECT, xml, now_iso(), status, sid))
            raise
        self.record(entry)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


async def serve_forever(host: str = "127.0.0.1", port: int = 0, time_scale: float = 1.0) -> None:
    """Run a standalone sandbox, print its URL and rules, and serve until cancelled (Ctrl+C)."""
    sandbox = Sandbox(time_scale)
    url = await sandbox.start(host, port)
    sandbox.on_outbox.append(_print_entry)
    print(f"FindMe sandbox listening at {url}", flush=True)
    print(f"Outbox (JSON): {sandbox.outbox_url}", flush=True)
    print(describe_rules(api_terms=True), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def _print_entry(entry: OutboxEntry) -> None:
    print(f"[outbox] {entry.kind} to {entry.to}: {entry.status}", flush=True)
