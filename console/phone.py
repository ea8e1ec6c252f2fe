"""Phone numbers as people type them, normalized to the API's "unformatted" 10 digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_LETTERS = re.compile(r"[A-Za-z]")
_ALLOWED = re.compile(r"^[\d\s().+\-/]*$")
# "x12", "ext. 12", "extension 12", "#12" and the RFC 3966 ";ext=12" after a number.
_EXTENSION = re.compile(r"(?i)\d[\s.)]*(?:;\s*ext\s*=|ext(?:ension)?\.?|x|#)\s*:?\s*\d+\s*$")


@dataclass(frozen=True)
class PhoneCheck:
    """The outcome of reading one typed number.

    ``digits`` is the 10-digit form when the text can be a North American number; ``error``
    says why it cannot; ``warning`` flags a number that is possible in shape but no phone
    answers: unassigned, or in the fictional 555 range (``is_fictional``: the vendor's own
    examples are such numbers, so this never blocks a call).
    """

    text: str
    digits: str | None = None
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@lru_cache(maxsize=4096)  # pure, and each call checks the same list numbers again and again
def check_phone(text: str) -> PhoneCheck:
    """Read ``text`` as a North American number; never raises."""
    raw = (text or "").strip()
    if not raw:
        return PhoneCheck(text, error="is empty")
    if _EXTENSION.search(raw):
        return PhoneCheck(text, error="has an extension, which the API cannot dial")
    if _LETTERS.search(raw):
        return PhoneCheck(text, error="contains letters")
    if not _ALLOWED.match(raw):
        return PhoneCheck(text, error="contains characters other than digits and ( ) - . + /")
    # Imported on first use: phonenumbers takes a while to load, and the window and a
    # command can start without it.
    import phonenumbers
    from phonenumbers import NumberParseException, ValidationResult

    try:
        number = phonenumbers.parse(raw, "US")
    except NumberParseException:
        return PhoneCheck(text, error="is not a phone number")
    if number.extension:
        return PhoneCheck(text, error="has an extension, which the API cannot dial")
    if number.country_code != 1:
        region = phonenumbers.region_code_for_country_code(number.country_code)
        return PhoneCheck(
            text,
            error=f"is outside North America (+{number.country_code} {region}); "
            "the API dials North American numbers only",
        )
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return PhoneCheck(text, error="is a local 7-digit number; add the 3-digit area code")
    if reason == ValidationResult.TOO_SHORT:
        return PhoneCheck(text, error="is too short for a 10-digit North American number")
    if reason in (ValidationResult.TOO_LONG, ValidationResult.INVALID_LENGTH):
        return PhoneCheck(text, error="is too long for a 10-digit North American number")
    if reason != ValidationResult.IS_POSSIBLE:
        return PhoneCheck(text, error="is not a possible North American number")
    digits = str(number.national_number)
    if len(digits) != 10:
        return PhoneCheck(text, error="is not a 10-digit North American number")
    if digits[0] in "01":
        # phonenumbers calls "(123) 456-7890" possible, but no area code starts with 0 or 1.
        return PhoneCheck(
            text, error="has an area code starting with 0 or 1, which no North American number has"
        )
    warning = None
    if is_fictional(digits):
        # phonenumbers calls 212-555-0123 valid: the range is kept for fiction, not unassigned.
        warning = "is in the fictional 555 range, which no real phone answers"
    elif not phonenumbers.is_valid_number(number):
        warning = "is possible in shape but not an assigned number"
    return PhoneCheck(text, digits=digits, warning=warning)


def is_fictional(digits: str) -> bool:
    """Whether 10 ``digits`` are in the 555 range no real phone answers: the unassigned area
    code 555 (the vendor's examples, and the sandbox's numbers), or NXX-555-0100 to 0199,
    which the North American Numbering Plan keeps for fiction."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    return digits.startswith("555") or (digits[3:6] == "555" and digits[6:8] == "01")


def format_display(digits: str) -> str:
    """(555) 111-2222 for 10 digits; anything else unchanged."""
    if len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return digits
