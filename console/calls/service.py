"""Placing a call: validate, write the pending history row, send, complete the row."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.credentials import Credentials, mask_in_logs, maskable
from console.logs import mask
from console.outcome import SUMMARY, CallError, CallResult, InvalidRequest, Status
from console.request import Problem, Validation, redacted_url, validate
from console.store import Store
from console.store.journal import Unsaved

if TYPE_CHECKING:
    from console.client import FindMeClient  # imports httpx, which a window waits for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallPlan:
    """What the person asked for: a lead, a team list and the options."""

    lead_number: str
    list_value: str
    options: Mapping[str, object] = field(default_factory=dict)
    lead_name: str = ""
    team_name: str = ""

    def values(self, credentials: Credentials) -> dict[str, object]:
        return {
            **self.options,
            "list": self.list_value,
            "phone_to_call": self.lead_number,
            **credentials.as_params(),
        }


@dataclass(frozen=True)
class PlacedCall:
    call_id: int
    result: CallResult
    warnings: list[Problem]
    # Set when the history could not take the result: where it was kept instead, and why.
    unsaved: Unsaved | None = None


class CallService:
    """The one path every call takes, from the window and the command line alike."""

    def __init__(self, store: Store, client: FindMeClient) -> None:
        self.store = store
        self.client = client

    def check(self, plan: CallPlan, credentials: Credentials) -> Validation:
        """Validate without sending; the window uses it to list problems before Call."""
        return validate(plan.values(credentials))

    async def place(
        self,
        plan: CallPlan,
        credentials: Credentials,
        *,
        on_pending: Callable[[int, Mapping[str, str]], None] | None = None,
        checked: Validation | None = None,
    ) -> PlacedCall:
        """Place one call; raises InvalidRequest before anything is sent, or another CallError.

        ``checked`` is ``check(plan, credentials)`` when the caller has just run it (the window
        does, to list problems), so the request is not validated twice. The history row is
        written as pending before the request leaves, so a crash can never lose a call that
        may have rung, and completed with whatever happened.
        """
        if checked is None:
            checked = self.check(plan, credentials)
        if not checked.ok:
            problems = [str(p) for p in checked.problems]
            raise InvalidRequest(f"{len(problems)} problem(s)", problems=problems)
        params = checked.params
        mask_in_logs(credentials)
        secrets = maskable(credentials)
        call_id = self.store.begin_call(
            lead_name=plan.lead_name,
            lead_number=params["phone_to_call"],
            team_name=plan.team_name,
            list_value=params["list"],
            call_type=int(params.get("type", "1")),
            request_redacted=redacted_url(self.client.api_url, params),
        )
        if on_pending is not None:
            on_pending(call_id, params)
        # The call may have rung from here on: its ending is recorded, in the history or, when
        # the history cannot take it, the journal (complete_call never raises for storage).
        try:
            result = await self.client.place_call(params)
        except CallError as exc:
            # A reply may echo what it was sent (an error quoting the key): never kept or shown.
            exc.detail = mask(exc.detail, secrets)
            exc.raw = mask(exc.raw, secrets)
            exc.unsaved = self.store.complete_call(
                call_id, status=exc.status, description=exc.sentence(), raw_reply=exc.raw
            )
            raise
        except asyncio.CancelledError:
            _warn(
                self.store.complete_call(
                    call_id, status=Status.CANCELLED, description=SUMMARY[Status.CANCELLED]
                )
            )
            raise
        except Exception as exc:
            # A bug must not leave the row pending forever; the call may have gone out.
            description = mask(f"{SUMMARY[Status.UNKNOWN]} ({exc})", secrets)
            _warn(self.store.complete_call(call_id, status=Status.UNKNOWN, description=description))
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
        return PlacedCall(call_id, result, checked.warnings, unsaved)


def _warn(unsaved: Unsaved | None) -> None:
    """Say where an ending went that no caller will be told about (it is raising)."""
    if unsaved is not None:
        log.warning("%s", unsaved.sentence())
