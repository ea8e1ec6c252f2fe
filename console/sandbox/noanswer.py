"""What the sandbox does when nobody on a type=2 list answers: the outbox and the reports."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple
from xml.sax.saxutils import escape

import httpx

from console.phone import format_display
from console.sandbox.http_errors import CredentialFilter
from console.sandbox.rules import Attempt

log = logging.getLogger(__name__)
log.addFilter(CredentialFilter())  # a report URL may carry someone's key

POST_TIMEOUT_SECONDS = 5.0
RECORDED = "recorded"
KINDS = ("email", "sms", "url", "transfer")
REPORT_SUBJECT = "POST no-answer attempt report"


class OutboxEntry(NamedTuple):
    """One follow-up the simulated service performed: an email, SMS, URL report or transfer."""

    kind: str
    to: str
    subject: str
    body: str
    created_at: str
    status: str
    sid: str = ""


def now_iso() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def subject_line(phone_to_call: str) -> str:
    """The vendor's subject and SMS text: ``LeadResponse unsuccessful for (555) 111-2222``."""
    return f"LeadResponse unsuccessful for {format_display(phone_to_call)}"


def email_body(phone_to_call: str, attempts: Sequence[Attempt]) -> str:
    """The vendor's email body: a sentence, a blank line, then one line per attempt."""
    lines = [f"{format_display(a.number)} {a.result}" for a in attempts]
    return (
        f"Attempts to connect an agent to {format_display(phone_to_call)} were unsuccessful, "
        "with the following activity breakdown:\n\n" + "\n".join(lines)
    )


def attempts_xml(phone_to_call: str, attempts: Sequence[Attempt]) -> str:
    """The XML report POSTed to no_answer_url, laid out like the vendor's example."""
    items = "".join(
        "\t\t<attempt>\n"
        f"\t\t\t<called_number>{escape(a.number)}</called_number>\n"
        f"\t\t\t<call_result>{escape(a.result)}</call_result>\n"
        "\t\t</attempt>\n"
        for a in attempts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<response>\n'
        f"\t<phone_to_call>{escape(phone_to_call)}</phone_to_call>\n"
        f"\t<attempts>\n{items}\t</attempts>\n</response>"
    )


def immediate_entries(
    params: Mapping[str, str], attempts: Sequence[Attempt], sid: str
) -> list[OutboxEntry]:
    """The email, SMS and transfer a no-answer call asks for, recorded (not really sent)."""
    lead = params.get("phone_to_call", "")
    subject = subject_line(lead)
    stamp = now_iso()
    entries: list[OutboxEntry] = []
    if params.get("no_answer_email"):
        body = email_body(lead, attempts)
        entries.append(
            OutboxEntry("email", params["no_answer_email"], subject, body, stamp, RECORDED, sid)
        )
    if params.get("no_answer_sms"):
        to = format_display(params["no_answer_sms"])
        entries.append(OutboxEntry("sms", to, "", subject, stamp, RECORDED, sid))
    if params.get("no_answer_phone"):
        to = format_display(params["no_answer_phone"])
        body = f"Blind transfer of the call with {format_display(lead)} to {to}"
        entries.append(OutboxEntry("transfer", to, "Blind transfer", body, stamp, RECORDED, sid))
    return entries


async def post_report(
    url: str, xml: str, sid: str, http: httpx.AsyncClient | None = None
) -> OutboxEntry:
    """POST the attempt report to ``url``; the entry says how delivery went. Never raises."""
    try:
        if http is None:
            async with httpx.AsyncClient(timeout=POST_TIMEOUT_SECONDS) as own:
                response = await _post(own, url, xml)
        else:
            response = await _post(http, url, xml)
    except asyncio.CancelledError:
        log.info("no-answer report to %s cancelled (sid %s)", url, sid)
        raise
    except (httpx.HTTPError, OSError, ValueError) as exc:
        status = f"failed: {type(exc).__name__}: {exc}".rstrip(": ")
    else:
        code = response.status_code
        status = f"delivered (HTTP {code})" if 200 <= code < 300 else f"failed: HTTP {code}"
    log.info("no-answer report to %s: %s (sid %s)", url, status, sid)
    return OutboxEntry("url", url, REPORT_SUBJECT, xml, now_iso(), status, sid)


async def _post(http: httpx.AsyncClient, url: str, xml: str) -> httpx.Response:
    return await http.post(
        url,
        content=xml.encode("utf-8"),
        headers={"Content-Type": "text/xml; charset=UTF-8"},
        timeout=POST_TIMEOUT_SECONDS,
    )
