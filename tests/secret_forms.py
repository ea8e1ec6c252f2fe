"""Every form a secret can take in a leak, made with the standard library's own encoders (not
console.masking's decoder, so the tests check it against an independent list)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape, quoteattr

_PERCENT = re.compile(r"%[0-9A-F]{2}")


def _lower_hex(text: str) -> str:
    return _PERCENT.sub(lambda m: m.group().lower(), text)


ENCODERS: dict[str, Callable[[str], str]] = {
    "quote": lambda s: quote(s, safe=""),
    "quote keeping /": quote,  # urllib's default, and what a URL path keeps
    "quote_plus": quote_plus,
    "quote_plus keeping /": lambda s: quote_plus(s, safe="/"),
    "quote, lower-case hex": lambda s: _lower_hex(quote(s, safe="")),
    "quote_plus, lower-case hex": lambda s: _lower_hex(quote_plus(s)),
    "XML": escape,
    "XML attribute": lambda s: quoteattr(s)[1:-1],
    "HTML": html.escape,
    "JSON": lambda s: json.dumps(s)[1:-1],
    "JSON, UTF-8": lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    "CSV": lambda s: s.replace('"', '""'),
    "repr": lambda s: repr(s)[1:-1],
}


def forms(secret: str) -> dict[str, str]:
    """Each encoded form of ``secret`` by name: raw, each encoder, and each two nested."""
    found = {"raw": secret}
    for name, encode in ENCODERS.items():
        found[name] = encode(secret)
        for outer, encode_outer in ENCODERS.items():
            found[f"{name}, then {outer}"] = encode_outer(encode(secret))
    return found


def leaks(secrets: Iterable[str], blobs: Iterable[tuple[str, bytes]]) -> list[str]:
    """Where any form of any secret occurs, in UTF-8 or UTF-16 (as Qt and some exports write)."""
    wanted: dict[bytes, str] = {}
    for secret in secrets:
        for name, form in forms(secret).items():
            for encoding in ("utf-8", "utf-16-le"):
                wanted.setdefault(form.encode(encoding), f"{secret!r} as {name} ({encoding})")
    return [f"{label} in {where}" for where, data in blobs for form, label in wanted.items()
            if form in data]  # fmt: skip
