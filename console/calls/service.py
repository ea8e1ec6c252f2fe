"""Placing a call: reserve it, validate, write the pending history row, send, complete the row."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from console.calls.outcome import (
    SUMMARY,
    CallError,
    CallResult,
    InvalidRequest,
    OutcomeUnknown,
    Status,
    describe,
)
from console.calls.registry import CallRegistry, InFlight, Observer
from console.calls.request import Problem, Validation, redacted_url, validate
from console.credentials import Credentials
from console.masking import SECRETS, mask
from console.phone import lead_label
from console.store import Lead, Store
from console.store.journal import Unsaved

if TYPE_CHECKING:
    from console.calls.client import FindMeClient  # imports httpx, which a window waits for

log = logging.getLogger(__name__)


class CallPlan(NamedTuple):
    """What the person asked for: a lead, a team list and the options."""

    lead_number: str
    list_value: str
    options: Mapping[str, object] = MappingProxyType({})  # a tuple's defaults are shared: read-only
    lead_name: str = ""
    team_name: str = ""
    # The person saw why the number is marked "Do not call" and chose to call it anyway.
    override_do_not_call: bool = False

    def overriding(self) -> CallPlan:
        """The same plan, to be placed although its lead is marked "Do not call"."""
        return self._replace(override_do_not_call=True)

    def values(self, credentials: Credentials) -> dict[str, object]:
        return {
            **self.options,
            "list": self.list_value,
            "phone_to_call": self.lead_number,
            **credentials.as_params(),
        }


class DoNotCall(Exception):
    """The number belongs to a lead marked "Do not call"; nothing was sent.

    ``lead`` is that lead (its name and ``do_not_call_reason``); str() is one sentence that
    says why and how to override (CallPlan.override_do_not_call).
    """

    def __init__(self, lead: Lead) -> None:
        self.lead = lead
        why = lead.do_not_call_reason or "no reason given"
        # The reason after a colon, not in brackets: it may hold brackets of its own.
        who = lead_label(lead.name, lead.number)
        super().__init__(
            f"{who} is marked “Do not call”: {why}; nothing was sent,"
            " and only an explicit override calls anyway."
        )

    def sentence(self) -> str:
        return str(self)


class PlacedCall(NamedTuple):
    call_id: int
    result: CallResult
    warnings: list[Problem]
    # Set when the history could not take the result: where it was kept instead, and why.
    unsaved: Unsaved | None = None


class CallService:
    """The one path every call takes, from the window and the command line alike.

    It keeps the calls in flight of this process (``registry``): a call is reserved before
    anything is awaited, so the same call asked for twice while the first is pending is
    refused with AlreadyPending, whatever path each request came by.
    """

    def __init__(
        self,
        store: Store,
        client: FindMeClient | Callable[[], FindMeClient],
        registry: CallRegistry | None = None,
    ) -> None:
        """``client``: the client to send with, or a function giving the one for a call
        starting now (the engine's, which follows the account and its trusted certificate)."""
        self.store = store
        self._client = client
        self.registry = registry if registry is not None else CallRegistry()

    @property
    def client(self) -> FindMeClient:
        """The client a call starting now is sent with; calls in flight keep their own."""
        return self._client() if callable(self._client) else self._client

    def check(self, plan: CallPlan, credentials: Credentials) -> Validation:
        """Validate without sending; the window uses it to list problems before Call."""
        return validate(plan.values(credentials))

    # The calls in flight
    def reserve(self, plan: CallPlan, *, again: bool = False) -> InFlight:
        """Hold ``plan``'s call now, synchronously; pass it to ``place`` as ``reservation``.

        Raises AlreadyPending when a call to the same lead on the same list is reserved or in
        flight (the options do not count; see console.calls.registry.call_key), unless
        ``again``: the person confirmed the repeat. ``place`` releases it as the call ends;
        a caller that does not get as far as ``place`` calls ``release``.
        """
        return self.registry.reserve(
            plan.lead_number,
            plan.list_value,
            lead_name=plan.lead_name,
            team_name=plan.team_name,
            again=again,
        )

    def release(self, reservation: InFlight) -> None:
        """Give up a reservation that will not be placed (safe after ``place`` too)."""
        self.registry.release(reservation)

    def attach(self, reservation: InFlight, task: asyncio.Task) -> None:
        """``task`` will place ``reservation``: ``cancel`` cancels it, and its end releases the
        reservation, even when it is cancelled before it ever ran."""
        self.registry.attach(reservation, task)

    def find(self, lead_number: str, list_value: str) -> InFlight | None:
        """The call reserved or in flight to this lead on this list, if any."""
        return self.registry.find(lead_number, list_value)

    def cancel(self, call_id: int) -> bool:
        """Stop waiting for the call in flight ``call_id`` (it may still go ahead at the
        service; its row ends as cancelled); False when it is not in flight."""
        return self.registry.cancel(call_id)

    def count(self) -> int:
        """How many calls are reserved or in flight in this process."""
        return self.registry.count()

    def count_sent(self) -> int:
        """How many calls in flight may have reached the service (see CallRegistry)."""
        return self.registry.count_sent()

    def observe(
        self, *, started: Observer | None = None, ended: Observer | None = None
    ) -> Callable[[], None]:
        """Be told of each call as its pending row is written and as it ends (see
        CallRegistry); returns the function that stops it."""
        return self.registry.observe(started=started, ended=ended)

    # Placing
    async def place(
        self,
        plan: CallPlan,
        credentials: Credentials,
        *,
        reservation: InFlight | None = None,
        again: bool = False,
        on_pending: Callable[[int, Mapping[str, str]], None] | None = None,
        checked: Validation | None = None,
    ) -> PlacedCall:
        """Place one call; raises AlreadyPending, InvalidRequest or DoNotCall before anything
        is sent, or another CallError.

        ``reservation`` is ``reserve(plan)`` when the caller reserved it at the request (the
        window does, at the press); otherwise the call is reserved here, before the first
        await, with ``again`` as in ``reserve``. Either way it is released as the call ends.
        ``checked`` is ``check(plan, credentials)`` when the caller has just run it (the window
        does, to list problems), so the request is not validated twice. The history row is
        written as pending before the request leaves, so a crash can never lose a call that
        may have rung, and completed with whatever happened.
        """
        call = reservation if reservation is not None else self.reserve(plan, again=again)
        try:
            if call.task is None and (task := asyncio.current_task()) is not None:
                self.registry.attach(call, task)
            return await self._place(call, plan, credentials, on_pending, checked)
        finally:
            self.registry.release(call)

    async def _place(
        self,
        call: InFlight,
        plan: CallPlan,
        credentials: Credentials,
        on_pending: Callable[[int, Mapping[str, str]], None] | None,
        checked: Validation | None,
    ) -> PlacedCall:
        if checked is None:
            checked = self.check(plan, credentials)
        if not checked.ok:
            problems = [str(p) for p in checked.problems]
            count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
            raise InvalidRequest(count, problems=problems)
        params = checked.params
        if not plan.override_do_not_call:
            # The rule lives here, on the one path every call takes: a window, the command
            # line or a call list all meet it. Looked up by the number as it will be sent.
            marked = self.store.do_not_call_lead(str(params["phone_to_call"]))
            if marked is not None:
                raise DoNotCall(marked)
        client = self.client  # the account in use as the call starts, to its end
        secrets = credentials.secrets()
        SECRETS.register(secrets)
        if call not in self.registry:
            raise RuntimeError("the call's reservation was released before it was placed")
        call_id = self.store.begin_call(
            lead_name=plan.lead_name,
            lead_number=params["phone_to_call"],
            team_name=plan.team_name,
            list_value=params["list"],
            call_type=int(params.get("type", "1")),
            request_redacted=mask(redacted_url(client.api_url, params), secrets),
        )
        self.registry.record(call, call_id)
        if on_pending is not None:
            on_pending(call_id, params)
        # The call may have rung from here on: its ending is recorded, in the history or, when
        # the history cannot take it, the journal (complete_call never raises for storage).
        try:
            result = await client.place_call(params)
        except CallError as exc:
            # A reply may echo what it was sent (an error quoting the key): never kept or shown.
            exc.detail = mask(exc.detail, secrets)
            exc.raw = mask(exc.raw, secrets)
            exc.args = (exc.detail,)  # str(exc), as a traceback shows it
            exc.unsaved = self.store.complete_call(
                call_id, status=exc.status, description=exc.sentence(), raw_reply=exc.raw
            )
            call.status, call.description, call.unsaved = exc.status, exc.sentence(), exc.unsaved
            raise
        except asyncio.CancelledError:
            call.status, call.description = Status.CANCELLED, SUMMARY[Status.CANCELLED]
            call.unsaved = self.store.complete_call(
                call_id, status=Status.CANCELLED, description=SUMMARY[Status.CANCELLED]
            )
            _warn(call.unsaved)
            raise
        except Exception as exc:
            # A bug must not leave the row pending forever; the call may have gone out.
            description = mask(OutcomeUnknown(describe(exc)).sentence(), secrets)
            call.status, call.description = Status.UNKNOWN, description
            call.unsaved = self.store.complete_call(
                call_id, status=Status.UNKNOWN, description=description
            )
            _warn(call.unsaved)
            raise
        result = CallResult(
            result.result,
            mask(result.description, secrets),
            mask(result.sid, secrets),
            mask(result.raw, secrets),
        )
        unsaved = self.store.complete_call(
            call_id,
            status=result.status,
            description=result.description,
            sid=result.sid,
            raw_reply=result.raw,
        )
        call.status, call.description, call.sid = result.status, result.description, result.sid
        call.unsaved = unsaved
        return PlacedCall(call_id, result, checked.warnings, unsaved)


def _warn(unsaved: Unsaved | None) -> None:
    """Say where an ending went that no caller will be told about (it is raising)."""
    if unsaved is not None:
        log.warning("%s", unsaved.sentence())
