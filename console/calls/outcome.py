"""How a call ended, in a small named set that every screen can say in one sentence."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from console.store.journal import Unsaved


class Status(StrEnum):
    """A history row's state; the values are what the store keeps."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"  # the service answered result=failed
    INVALID = "invalid"  # refused before sending
    NETWORK = "network"  # nothing reached the service
    UNKNOWN = "unknown"  # sent, but no usable answer came back
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the console stopped while the call was pending

    @property
    def may_have_rung(self) -> bool:
        return self in (Status.UNKNOWN, Status.CANCELLED, Status.INTERRUPTED, Status.PENDING)

    @property
    def is_final(self) -> bool:
        return self is not Status.PENDING


SUMMARY = {
    Status.PENDING: "Waiting for the first leg to be answered.",
    Status.SUCCESS: "The service connected the call.",
    Status.FAILED: "The service answered that the call failed.",
    Status.INVALID: "The request is invalid; nothing was sent.",
    Status.NETWORK: "The service could not be reached; nothing was sent, no call was placed.",
    Status.UNKNOWN: "The request was sent but no usable answer came back; the call may have "
    "been placed, so it was not sent again.",
    Status.CANCELLED: "Cancelled here, but the request had been sent: the call may still go "
    "ahead at the service.",
    Status.INTERRUPTED: "outcome unknown (interrupted): the console stopped while the call "
    "was pending; it may have been placed.",
}


class CallError(Exception):
    """A call that did not get a result from the service; ``status`` names the category."""

    status: Status = Status.UNKNOWN

    def __init__(self, detail: str, *, problems: list[str] | None = None, raw: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []
        # What came back, if anything (text, at most 64 KiB): kept in the history, so a sid
        # in a reply that could not be read can still be found.
        self.raw = raw
        # Set by CallService when the history could not record this ending (where it went).
        self.unsaved: Unsaved | None = None

    def sentence(self) -> str:
        """One sentence for a person: the category, then the detail in brackets (if any)."""
        summary = SUMMARY[self.status]
        detail = self.detail.strip().removesuffix(".").strip()
        if not detail:
            return summary
        return f"{summary.removesuffix('.')} ({detail})."


def describe(exc: BaseException) -> str:
    """What went wrong, in words: the exception's text, else the first in its chain of causes
    that has some (httpx's ReadError for a reset connection has none), else its type's name."""
    link: BaseException | None = exc
    while link is not None:
        text = (getattr(link, "strerror", None) or str(link)).strip()
        if text:
            return text
        link = link.__cause__ or link.__context__
    return type(exc).__name__


class InvalidRequest(CallError):
    status = Status.INVALID


class NetworkFailure(CallError):
    status = Status.NETWORK


class OutcomeUnknown(CallError):
    status = Status.UNKNOWN


class Cancelled(CallError):
    status = Status.CANCELLED


class CallResult(NamedTuple):
    """The service's answer: success or failed, its description and the sid."""

    result: str
    description: str
    sid: str
    raw: str

    @property
    def ok(self) -> bool:
        return self.result == "success"

    @property
    def status(self) -> Status:
        return Status.SUCCESS if self.ok else Status.FAILED
