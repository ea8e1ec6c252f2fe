"""tel: and callto: links (RFC 3966) as the window and the command line receive them; no Qt.

The reading itself is console.phone's, the one reader of numbers: this module only words
its refusal for a link that was meant to start a call.
"""

from __future__ import annotations

from console.phone import MAX_LENGTH, SCHEMES, check_phone, is_link

__all__ = ["MAX_LINK_LENGTH", "SCHEMES", "parse_tel_link", "read_number", "shown"]

MAX_LINK_LENGTH = MAX_LENGTH


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
    if not is_link(link):
        raise ValueError(f"Cannot call {shown(link)}: only tel: and callto: links can be dialed")
    return read_number(link)


def read_number(text: str) -> str:
    """The 10 digits of a link or a typed number; ValueError naming the text and the reason."""
    raw = text.strip()
    check = check_phone(raw)
    if check.digits is None:
        subject = "the link" if is_link(raw) else "the number"
        raise ValueError(f"Cannot call {shown(raw)}: {subject} {check.error}")
    return check.digits
