"""A call request: validated before anything is sent, encoded exactly, shown redacted."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple
from urllib.parse import quote, urlencode, urlsplit

from console.calls.params import (
    ACTION,
    BY_NAME,
    NEXTACTION_NEEDS_ITEM,
    PARAMS,
    SECRET_NAMES,
    Kind,
    Param,
    unavailable_reason,
)
from console.masking import REDACTED
from console.phone import check_phone, format_display, is_fictional

# Beyond the longest wait the page allows for the first leg, the time the service may take to
# set the call up and answer: generous, because giving up early turns a call into "unknown".
READ_MARGIN_SECONDS = 30.0

_INT = re.compile(r"^[+-]?[0-9]+$")
# Longer digit strings are out of every range on the page; int() would refuse past 4300 digits.
_MAX_INT_DIGITS = 40
_HUGE = 10**_MAX_INT_DIGITS
# Ids are database keys at the service: at most 18 digits (a signed 64-bit integer).
_MAX_ID = 10**18 - 1
_EMAIL = re.compile(r"^[^@\s\"<>(),;:\[\]]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_FILENAME = re.compile(r"^[^/\\:*?\"<>|]+\.[A-Za-z0-9]{1,5}$")
# Separators people use for lists that the API does not: its list is pipe-delimited.
_OTHER_SEPARATOR = re.compile(r"[,;]")


class Problem(NamedTuple):
    """One thing wrong with a request, naming the field and the rule; ``number`` is the
    10 digits a warning about an unassigned number is about."""

    field: str
    message: str
    number: str = ""

    def __str__(self) -> str:
        return f"{self.field} {self.message}"


class Validation:
    """Every problem and warning found, and the normalized values when there are no problems.

    A plain class: a dataclass compiles its methods at import, and this module loads at start.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.params: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Validation(problems={self.problems!r}, warnings={self.warnings!r})"

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message))


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not _INT.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").lstrip("0") or "0"
    return sign * (_HUGE if len(digits) > _MAX_INT_DIGITS else int(digits))


def _check_text(param: Param, text: str, out: Validation) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        out.add(param.name, "contains characters that cannot be sent")
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        out.add(param.name, "must not contain control characters such as line breaks")
        return None
    if param.max_length is not None and len(text) > param.max_length:
        out.add(param.name, f"must be at most {param.max_length} characters (it has {len(text)})")
        return None
    return text


def _check_phone(name: str, text: str, out: Validation, what: str | None = None) -> str | None:
    result = check_phone(text)
    label = what or name
    if result.error:
        out.add(name, f"{_quoted(label, text)}{result.error}")
        return None
    if result.warning:
        warning = Problem(name, f"{_quoted(label, text)}{result.warning}", result.digits or "")
        out.warnings.append(warning)
    return result.digits


def _quoted(label: str, text: str) -> str:
    # The field name already leads the message; quote the value only inside a list.
    return "" if label.isidentifier() else f"{label} {text!r} "


def wrong_list_separator(value: str) -> str | None:
    """Why ``value`` is not a list when it separates numbers with , or ; (else None): the one
    reason both the console and the sandbox give, so neither sends a person elsewhere."""
    found = _OTHER_SEPARATOR.search(value)
    return f"must separate numbers with |, not {found.group()!r}" if found else None


def _check_list(value: object, out: Validation) -> str | None:
    raw = str(value).strip()
    wrong = wrong_list_separator(raw)
    if wrong:
        out.add("list", wrong)
        return None
    parts = [p.strip() for p in raw.split("|")]
    if any(not p for p in parts):
        out.add("list", "has an empty entry; separate numbers with a single |")
        return None
    digits: list[str] = []
    seen: dict[str, int] = {}
    for index, part in enumerate(parts, start=1):
        number = _check_phone("list", part, out, what=f"number {index}")
        if number is None:
            continue
        if number in seen:
            out.add("list", f"has {number} twice (numbers {seen[number]} and {index})")
            continue
        seen[number] = index
        digits.append(number)
    return "|".join(digits) if len(digits) == len(parts) else None


def _check_value(param: Param, value: object, out: Validation) -> str | None:
    """Normalize one present value to the string the API wants, or record why not."""
    name = param.name
    if param.kind in (Kind.INT, Kind.CHOICE, Kind.ID):
        number = _as_int(value)
        if number is None:
            out.add(name, "must be a whole number")
            return None
        if param.kind is Kind.CHOICE and number not in param.choices:
            allowed = ", ".join(f"{k} ({v})" for k, v in param.choices.items())
            out.add(name, f"must be one of {allowed}")
            return None
        if param.kind is Kind.INT and not (param.minimum <= number <= param.maximum):
            unit = " seconds" if name == "timeout" else ""
            out.add(name, f"must be {param.minimum} to {param.maximum}{unit}")
            return None
        if param.kind is Kind.ID and not 1 <= number <= _MAX_ID:
            out.add(name, "must be a positive id of at most 18 digits")
            return None
        return str(number)
    text = value if isinstance(value, str) else str(value)
    if param.kind is Kind.PHONE:
        return _check_phone(name, text, out)
    if param.kind is Kind.PHONES:
        return _check_list(text, out)
    stripped = text.strip() if param.kind is not Kind.TEXT else text
    checked = _check_text(param, stripped, out)
    if checked is None:
        return None
    if param.kind is Kind.EMAIL and not _EMAIL.match(checked):
        out.add(name, "must be an email address such as agent@example.com")
        return None
    if param.kind is Kind.URL and not _is_web_url(checked):
        out.add(name, "must be an http:// or https:// URL")
        return None
    if param.kind is Kind.FILENAME and not _FILENAME.match(checked):
        out.add(name, "must be a file name such as song.wav, without folders")
        return None
    return checked


def check_option(name: str, value: object) -> str | None:
    """Why ``value`` cannot be sent as the parameter ``name``, or None when it can (or is empty).

    The same rule ``validate`` applies, for one field as it is typed; the message leaves out
    the parameter's name ("must be a file name such as song.wav, without folders"), so a form
    can show it beside its own label. Rules between fields (type, use_screen) are not checked.
    """
    if not _present(value):
        return None
    out = Validation()
    _check_value(BY_NAME[name], value, out)
    return out.problems[0].message if out.problems else None


def _is_web_url(text: str) -> bool:
    if any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_credentials(values: Mapping[str, object], out: Validation) -> None:
    has = {name: _present(values.get(name)) for name in SECRET_NAMES}
    if has["key"] and (has["access_key"] or has["secret_access_key"]):
        out.add(
            "key", "cannot be combined with access_key or secret_access_key; use one or the other"
        )
    elif has["access_key"] and not has["secret_access_key"]:
        out.add("secret_access_key", "is required with access_key")
    elif has["secret_access_key"] and not has["access_key"]:
        out.add("access_key", "is required with secret_access_key")
    elif not any(has.values()):
        out.add("credentials", "are required: access_key with secret_access_key, or key alone")


def validate(values: Mapping[str, object], *, require_credentials: bool = True) -> Validation:
    """Check every API parameter in ``values`` and return all problems at once.

    Values may be strings as typed or integers from forms; empty strings count as absent. On
    success ``params`` holds the exact strings to send, with ``action`` filled in.
    """
    out = Validation()
    present = {k: v for k, v in values.items() if _present(v)}
    for name in present:
        if name not in BY_NAME:
            out.add(name, "is not a Click-to-FindMe List parameter")
    present.setdefault("action", ACTION)
    if str(present["action"]).strip() != ACTION:
        out.add("action", f"must be {ACTION}")
    if require_credentials:
        _check_credentials(present, out)

    normalized: dict[str, str] = {}
    for param in PARAMS:
        if param.name not in present:
            if param.required:
                out.add(param.name, "is required")
            continue
        if param.kind is Kind.FIXED:
            normalized[param.name] = str(present[param.name]).strip()
            continue
        if param.kind is Kind.SECRET:
            # Checked like any text (never quoted in a message), so it can always be sent.
            secret = _check_text(param, str(present[param.name]).strip(), out)
            if secret is not None:
                normalized[param.name] = secret
            continue
        checked = _check_value(param, present[param.name], out)
        if checked is not None:
            normalized[param.name] = checked

    call_type = _as_int(present.get("type", 1))
    use_screen = _as_int(present["use_screen"]) if "use_screen" in present else None
    if call_type in (1, 2):
        for param in PARAMS:
            if param.name in present:
                reason = unavailable_reason(param, call_type, use_screen)
                if reason:
                    out.problems.append(Problem(param.name, reason.removeprefix(param.name + " ")))
        nextaction = _as_int(present.get("nextaction")) if "nextaction" in present else None
        has_item = "nextactionitem" in present
        if nextaction in NEXTACTION_NEEDS_ITEM and not has_item and call_type == 1:
            out.add("nextactionitem", f"is required when nextaction is {nextaction}")
        if has_item and call_type == 1 and nextaction not in NEXTACTION_NEEDS_ITEM:
            out.add("nextactionitem", "is only used with nextaction 2, 4, 5 or 6")

    if out.ok:
        out.params = {"action": normalized.pop("action")} | normalized
    return out


def warning_lines(warnings: Sequence[Problem], *, sandbox: bool, shown: int = 3) -> list[str]:
    """The warnings as a person reads them: one line for the numbers of the fictional 555
    range, none of them when ``sandbox`` (it expects those numbers), one line for any other
    unassigned numbers, and every other warning as it is. ``shown``: numbers named per line.

    A sandbox team list of 20 numbers made 21 lines before, one per 555 number.
    """
    fictional = [w.number for w in warnings if w.number and is_fictional(w.number)]
    unassigned = [w.number for w in warnings if w.number and not is_fictional(w.number)]
    lines: list[str] = []
    if fictional and not sandbox:
        lines.append(_numbers_line(fictional, shown, "in the fictional 555 range, which no real "
                                   "phone answers"))  # fmt: skip
    if unassigned:
        lines.append(_numbers_line(unassigned, shown, "not assigned to any phone"))
    lines += [str(w) for w in warnings if not w.number]
    return lines


def _numbers_line(numbers: list[str], shown: int, what: str) -> str:
    unique = list(dict.fromkeys(numbers))
    named = ", ".join(format_display(n) for n in unique[:shown])
    more = len(unique) - shown
    if len(unique) == 1:
        return f"{named} is {what}"
    if more > 0:
        named += f" and {more} more"
    return f"{len(unique)} numbers are {what}: {named}"


def encode_query(params: Mapping[str, str]) -> str:
    """The query string exactly as sent: every value percent-encoded, spaces as %20."""
    return urlencode(list(params.items()), quote_via=quote, safe="")


def redact(params: Mapping[str, str]) -> dict[str, str]:
    """A copy safe to show a person or store: credential values replaced."""
    return {k: (REDACTED if k in SECRET_NAMES else v) for k, v in params.items()}


def redacted_url(api_url: str, params: Mapping[str, str]) -> str:
    """The URL as sent, with credentials shown as *** (not percent-encoded, so it reads)."""
    pairs = (
        f"{quote(k, safe='')}={REDACTED if k in SECRET_NAMES else quote(v, safe='')}"
        for k, v in params.items()
    )
    return f"{api_url}?{'&'.join(pairs)}"


def first_leg_seconds(params: Mapping[str, str]) -> float:
    """The longest the service may take to answer: the first leg's worst case, plus a margin."""
    timeout = int(params.get("timeout", "30"))
    if params.get("type", "1") == "2":
        numbers = len(params.get("list", "").split("|"))
        loops = int(params.get("loop_count", "1"))
        return timeout * numbers * loops + READ_MARGIN_SECONDS
    return timeout + READ_MARGIN_SECONDS
