"""The one reader of phone numbers: typed, pasted, from CSV, a tel:/callto: link or an argument.

Every way a number arrives goes through ``check_phone`` (or ``read_digits``, the same decision
without the warning), so a form is accepted or refused everywhere alike, with the same reason:

1. Unicode is folded (``clean``): NFKC (full-width digits and signs), dash look-alikes to
   ``-``, space look-alikes to a space, other scripts' digits to ASCII, and invisible format
   characters (Unicode category Cf: bidi marks, soft hyphen, zero-width) removed.
2. A ``tel:`` or ``callto:`` link is read as RFC 3966 says: percent-decoded, its parameters
   split off, a local number completed from a ``+1`` ``phone-context``.
3. What cannot be dialed by the API is refused naming why: extensions, post-dial digits in
   every form (``;postd=``, ``,``, ``p``/``w``, ``;`` followed by digits, ``#``), service codes.
4. ``phonenumbers`` reads the rest as a North American number; the number plan's own rules
   (no area code or exchange starts with 0 or 1, N11 codes are not area codes) are errors.
   The vendor's examples use the unassigned area code 555 with any exchange ("555-111-2222"):
   that range gets a warning, never an error, so the examples and the sandbox work.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote

SCHEMES = ("tel", "callto")
MAX_LENGTH = 256  # longer than any number or link a person has; a message quotes less

# Dash-like characters that are not in Unicode's dash category (Pd) but stand for one.
_MORE_DASHES = frozenset("\u2212\u2043\u02d7\u2796\ufe63")
_LINK = re.compile(r"(?i)(tel|callto):")
# Other links that hold a number or an address (RFC 2806's fax: and modem:, and the apps').
_OTHER_SCHEME = re.compile(
    r"(?i)(?:sips?|sms|fax|modem|skype|facetime(?:-audio)?|whatsapp|viber|mailto|https?):"
)
_PARAM_NAME = re.compile(r"[a-z0-9-]+")
_POSTDIAL_PARAM = re.compile(r"[0-9*#pw,.()\- ]*[0-9][0-9*#pw,.()\- ]*")
_ALLOWED = re.compile(r"[0-9\s().+\-/]*")
# "x12", "ext. 12", "extension 12", "#12" after a number.
_EXTENSION = re.compile(r"(?i)[0-9][\s.)]*(?:ext(?:ension)?\.?|x|#)\s*:?\s*[0-9]+\s*$")
# Pauses then digits, as dialers write them: "555 111 2222,,1234", "5551112222p1234".
_POSTDIAL = re.compile(r"(?i)[0-9)]\s*(?:,[\s,]*|[pw]+)(?:[0-9*#]|\s*$)")  # or a pause at the end
# Excel shows a long number as "5.55222E+09" and writes it so to CSV: the digits are lost.
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]{1,3}")
# A number typed in a common shape: read without phonenumbers (80 µs a call adds up over a
# 100,000-row file). A property test holds this path to phonenumbers' answer.
_SIMPLE = re.compile(r"[0-9().\- ]{10,20}")
_NANP = re.compile(r"1?([2-9][0-9]{9})")
_NOT_DIGIT = re.compile(r"[^0-9]")
_LETTER = re.compile(r"[^\W\d_]")

EXTENSION = "has an extension, which the API cannot dial"
POSTDIAL = "has post-dial digits (dialed after the call answers), which the API cannot dial"
NOT_NANP = "the API dials North American numbers only"


class PhoneCheck(NamedTuple):
    """The outcome of reading one number.

    ``digits`` is the 10-digit form the API dials (its "unformatted" number); ``error`` says
    why the text is not one, worded to follow the text or the field ("is too short ...");
    ``warning`` flags a number possible in shape but no phone answers: unassigned, or in the
    fictional 555 range (``is_fictional``: the vendor's own examples are such numbers, so
    this never blocks a call).
    """

    text: str
    digits: str | None = None
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def clean(text: str) -> str:
    """``text`` with Unicode look-alikes folded: NFKC, dashes to -, spaces to a space, digits
    of any script to ASCII, and format characters (category Cf: U+200E, U+00AD, U+200B ...)
    removed. ASCII text is returned as is."""
    if text.isascii():
        return text
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if char.isascii():
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        if category == "Zs":
            out.append(" ")
        elif category == "Pd" or char in _MORE_DASHES:
            out.append("-")
        elif category == "Nd":
            out.append(str(unicodedata.digit(char)))
        else:
            out.append(char)
    return "".join(out)


def is_link(text: str) -> bool:
    """Whether ``text`` (after ``clean``) starts with a tel: or callto: scheme."""
    return bool(_LINK.match(clean(text).strip()))


@lru_cache(maxsize=4096)  # pure, and each call checks the same list numbers again and again
def check_phone(text: str) -> PhoneCheck:
    """Read ``text`` (a typed number or a tel:/callto: link) as a North American number.

    Never raises. See the module docstring for the rules, applied in that order.
    """
    digits, error = _read(text, fast=False)
    if digits is None:
        return PhoneCheck(text, error=error)
    return PhoneCheck(text, digits=digits, warning=_warning(digits))


def read_digits(text: str) -> tuple[str | None, str | None]:
    """(10 digits, None) or (None, why not): check_phone's decision, without its warning,
    reading plainly formatted numbers without phonenumbers (for 100,000-row files)."""
    return _read(text, fast=True)


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


def lead_label(name: str, number: str) -> str:
    """A lead as sentences and lists name it: its ``name``, else its ``number`` (digits, as
    stored) formatted by ``format_display``: "Ann Archer", or "(555) 201-7777" without a name."""
    return name or format_display(number)


# ---- reading -------------------------------------------------------------------------------


def _read(text: str, *, fast: bool) -> tuple[str | None, str | None]:
    if fast:
        # Digits and ( ) - . and spaces only: none of the rules below the plan's can apply.
        plain = text.strip()
        if _SIMPLE.fullmatch(plain) and plain.count("(") <= 1 and plain.count(")") <= 1:
            match = _NANP.fullmatch(_NOT_DIGIT.sub("", plain))
            if match:
                error = _plan_error(match.group(1))
                return (None, error) if error else (match.group(1), None)
    raw = clean(text or "").strip()
    if not raw:
        return None, "is empty"
    if len(raw) > MAX_LENGTH:
        return None, f"is longer than {MAX_LENGTH} characters, more than any number or link"
    link = _LINK.match(raw)
    if link:
        rest = raw[link.end() :]
        if rest.startswith("//"):
            # callto://+1... (the NetMeeting/Skype form) and the tel:// some pages use.
            rest = rest[2:].rstrip("/")
        try:
            rest = clean(unquote(rest, errors="strict")).strip()
        except UnicodeDecodeError:
            return None, "has percent-encoding that is not valid UTF-8"
    else:
        other = _OTHER_SCHEME.match(raw)
        if other:
            return None, f"is a {other.group(0)} link; only tel: and callto: links name a number"
        rest = raw
    number, *params = rest.split(";")
    context, error = _parameters(params)
    if error:
        return None, error
    number = number.strip()
    if not number:
        return None, "holds no number"
    error = _undialable(number)
    if error:
        return None, error
    if context and not number.startswith("+"):
        number, error = _in_context(number, context)
        if error:
            return None, error
    return _parse(number)


def _parameters(params: list[str]) -> tuple[str, str | None]:
    """(phone-context, error) from the ;name=value parts after the number (RFC 3966 par)."""
    context = ""
    for param in params:
        name, _, value = param.partition("=")
        name = name.strip().lower()
        if not name and not value:
            continue  # a trailing or doubled ;
        if name == "ext":
            return "", EXTENSION
        if name == "isub":
            return "", "has an ISDN subaddress (;isub=), which the API cannot dial"
        if name == "postd" or _POSTDIAL_PARAM.fullmatch(name):
            return "", POSTDIAL
        if name == "phone-context":
            context = value.strip()
        elif not _PARAM_NAME.fullmatch(name):
            return "", f"has {';' + param.strip()!r} after the number, which is not a parameter"
        # Other parameters do not change the number, and RFC 3966 lets a reader ignore them.
    return context, None


def _undialable(number: str) -> str | None:
    """Why the number part cannot be dialed as written, before reading its digits."""
    if number[0] in "*#":
        return "starts with * or #, a service code the API cannot dial"
    if _EXTENSION.search(number):
        return EXTENSION
    if _POSTDIAL.search(number):
        return POSTDIAL
    if "*" in number or "#" in number:
        return "contains * or #, which the API cannot dial (they key in codes, not numbers)"
    if _SCIENTIFIC.fullmatch(number):
        return (
            "is in scientific notation, as Excel shows long numbers, so its last digits are "
            "lost; format the column as Text in Excel and export again"
        )
    if _LETTER.search(number):
        return "contains letters"
    if not _ALLOWED.fullmatch(number):
        return "contains characters other than digits and ( ) - . + /"
    return None


def _in_context(number: str, context: str) -> tuple[str, str | None]:
    """A local number completed from its phone-context (RFC 3966 5.1.5), or why not."""
    if not context.startswith("+"):
        return number, None  # a domain name: the number must be whole in itself
    prefix = re.sub(r"[^0-9]", "", context)
    if not prefix.startswith("1"):
        return number, f"is local to {context}, outside North America; {NOT_NANP}"
    local = re.sub(r"[^0-9]", "", number)
    if len(local) == 7 and len(prefix) >= 4:
        # "+1-914-555" with "863-1234": +1, the area code 914, the local 7 digits.
        return "+1" + prefix[1:4] + local, None
    return "+1" + local if len(local) == 10 else number, None


def _parse(number: str) -> tuple[str | None, str | None]:
    # Imported on first use: phonenumbers takes a while to load, and the window and a
    # command can start without it.
    import phonenumbers
    from phonenumbers import NumberParseException, ValidationResult

    try:
        parsed = phonenumbers.parse(number, "US")
    except NumberParseException:
        return None, "is not a phone number"
    if parsed.extension:
        return None, EXTENSION
    if parsed.country_code != 1:
        region = phonenumbers.region_code_for_country_code(parsed.country_code)
        return None, f"is outside North America (+{parsed.country_code} {region}); {NOT_NANP}"
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return None, "is a local 7-digit number; add the 3-digit area code"
    if reason == ValidationResult.TOO_SHORT:
        return None, "is too short for a 10-digit North American number"
    if reason in (ValidationResult.TOO_LONG, ValidationResult.INVALID_LENGTH):
        return None, "is too long for a 10-digit North American number"
    digits = phonenumbers.national_significant_number(parsed)  # keeps a leading 0
    # The plan's rule first: phonenumbers calls "+1 023 ..." impossible without saying why.
    error = _plan_error(digits) if len(digits) == 10 else None
    if error is None and (reason != ValidationResult.IS_POSSIBLE or len(digits) != 10):
        error = "is not a possible North American number"
    return (None, error) if error else (digits, None)


def _plan_error(digits: str) -> str | None:
    """The North American Numbering Plan's rules for NPA-NXX-XXXX that phonenumbers lets by."""
    area, exchange = digits[:3], digits[3:6]
    if area[0] in "01":
        return "has an area code starting with 0 or 1, which no North American number has"
    if area[1:] == "11":
        return f"has {area} as its area code, a service code (N11) that is not an area code"
    if area != "555" and exchange[0] in "01":
        return (
            "has an exchange (the 3 digits after the area code) starting with 0 or 1, "
            "which no North American number has"
        )
    if area != "555" and exchange[1:] == "11":
        return (
            f"has {exchange} as its exchange (the 3 digits after the area code), a service "
            "code (N11) that no North American number has"
        )
    return None


def _warning(digits: str) -> str | None:
    if is_fictional(digits):
        # phonenumbers calls 212-555-0123 valid: the range is kept for fiction, not unassigned.
        return "is in the fictional 555 range, which no real phone answers"
    import phonenumbers

    if phonenumbers.is_valid_number(phonenumbers.parse("+1" + digits)):
        return None
    return "is possible in shape but not an assigned number"
