"""tel: and callto: links (RFC 3966) read as the 10 digits the API dials; no Qt here."""

from __future__ import annotations

import re
from urllib.parse import unquote

from console.phone import check_phone

SCHEMES = ("tel", "callto")
MAX_LINK_LENGTH = 256

# What may stand in the number part once decoded: RFC 3966's visual separators (- . ( )),
# a leading + for a global number, and the spaces that pages put in (often as %20).
_NUMBER = re.compile(r"\+?[0-9().\- ]+", re.ASCII)

# Parameters that change what would be dialed after the number answers: the API dials the
# number alone, so calling anyway would reach the wrong person.
_UNDIALABLE = {
    "ext": "it has an extension (;ext=), which the API cannot dial",
    "isub": "it has an ISDN subaddress (;isub=), which the API cannot dial",
    "postd": "it has post-dial digits (;postd=), which the API cannot dial",
}


def is_call_link(arg: str) -> bool:
    """Whether ``arg`` is a tel: or callto: link (the scheme in any case), number or not."""
    scheme, colon, _ = arg.partition(":")
    return bool(colon) and scheme.lower() in SCHEMES


def shown(link: str) -> str:
    """A link or number as a message quotes it: repr (control characters visible), cut when long."""
    if len(link) > 60:
        link = link[:57] + "..."
    return repr(link)


def parse_tel_link(text: str) -> str:
    """The 10 digits of a tel: or callto: link; ValueError naming the link and the rule."""
    link = text.strip()

    def refuse(rule: str) -> ValueError:
        return ValueError(f"Cannot call {shown(link)}: {rule}")

    if len(link) > MAX_LINK_LENGTH:
        raise refuse(f"a phone link is at most {MAX_LINK_LENGTH} characters")
    scheme, colon, rest = link.partition(":")
    if not colon or scheme.lower() not in SCHEMES:
        raise refuse("only tel: and callto: links can be dialed")
    if rest.startswith("//"):
        # callto://+1... (the NetMeeting/Skype form) and the tel:// some pages use.
        rest = rest[2:].rstrip("/")
    try:
        rest = unquote(rest, errors="strict")
    except UnicodeDecodeError:
        raise refuse("its percent-encoding is not valid UTF-8") from None
    number, *params = rest.split(";")
    context = ""
    for param in params:
        name, _, value = param.partition("=")
        name = name.strip().lower()
        if name in _UNDIALABLE:
            raise refuse(_UNDIALABLE[name])
        if name == "phone-context":
            context = value.strip()
        # Other parameters do not change the number, and RFC 3966 lets a reader ignore them.
    number = number.strip()
    if not number:
        raise refuse("it holds no number")
    if "*" in number or "#" in number:
        raise refuse("it holds * or #, a service code the API cannot dial")
    if not _NUMBER.fullmatch(number):
        raise refuse(
            "a number may hold only digits, one leading +, spaces and the separators - . ( )"
        )
    # A local number is dialed in its context's country; only +1 is North American.
    local = context.startswith("+") and not number.startswith("+")
    if local and re.sub(r"[^0-9]", "", context) != "1":
        raise refuse(
            f"its phone-context {context} is outside North America; "
            "the API dials North American numbers only"
        )
    check = check_phone(number)
    if not check.ok or check.digits is None:
        raise refuse(f"the number {check.error}")
    return check.digits
