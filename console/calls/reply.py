"""Reading the service's reply: the vendor's XML (with its DOCTYPE), or plain text."""

from __future__ import annotations

import codecs
import re
from urllib.parse import parse_qs
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from console.calls.outcome import CallResult

MAX_REPLY_BYTES = 64 * 1024
RESULTS = ("success", "failed")
_SID = re.compile(r"\b[0-9a-fA-F]{16}\b")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_DECLARES_ENCODING = re.compile(r"\A\ufeff?\s*<\?xml\b[^>]*\bencoding\s*=")


class ReplyError(ValueError):
    """The body is not a reply this console can read."""


# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UNREADABLE = "the reply cannot be read in the text encoding it declares, or in UTF-8"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """The body as text: by its byte-order mark, its declared charset, else UTF-8.

    Also says whether the Content-Type header's charset is what read it.
    """
    match = _CHARSET.search(content_type or "")
    marked = next((encoding for bom, encoding in _BOMS if body.startswith(bom)), None)
    for encoding, by_header in ((marked, False), (match.group(1) if match else None, True)):
        if encoding:
            try:
                return body.decode(encoding), by_header
            except (LookupError, UnicodeDecodeError):
                continue
    if b"\x00" in body:
        # UTF-16 or UTF-32 without a byte-order mark, which UTF-8 would wrongly accept.
        raise ReplyError(f"{_UNREADABLE} (it holds NUL bytes, as UTF-16 does)")
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        # An XML declaration may still name the encoding: the XML parser reads the bytes.
        return body.decode("latin-1"), False


def _from_xml(source: bytes | str, text: str) -> CallResult:
    """Read the vendor's XML from ``source``: the bytes (the parser then follows the XML
    declaration's encoding, else UTF-8), or text already decoded by the header's charset."""
    try:
        # A DOCTYPE with element declarations is what the vendor sends; entities are refused,
        # which stops expansion bombs and external references alike.
        root = fromstring(source, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        name = getattr(exc, "name", None)
        named = f" ({name!r})" if name else ""
        raise ReplyError(f"the reply declares an XML entity{named}, which is refused") from None
    except (ParseError, LookupError, ValueError) as exc:
        if isinstance(source, bytes) and ("encoding" in str(exc) or not _is_utf8(source)):
            # Bytes in some other encoding than the one declared (or UTF-8, when none is).
            raise ReplyError(f"{_UNREADABLE} ({exc})") from None
        raise ReplyError(f"the reply is not well-formed XML ({exc})") from None
    if root.tag != "response":
        raise ReplyError(f"the reply's root element is <{root.tag}>, not <response>")
    result = (root.findtext("result") or "").strip().lower()
    if result not in RESULTS:
        raise ReplyError(f"the reply's result is {result!r}, not success or failed")
    description = (root.findtext("result_description") or "").strip()
    sid = (root.findtext("sid") or "").strip()
    return CallResult(result, description, sid, text)


def _from_text(text: str) -> CallResult:
    stripped = text.strip()
    if "=" in stripped and "&" in stripped:
        fields = {k: v[0] for k, v in parse_qs(stripped).items()}
        result = fields.get("result", "").strip().lower()
        if result in RESULTS:
            return CallResult(
                result, fields.get("result_description", "").strip(), fields.get("sid", ""), text
            )
    words = re.split(r"[\s,:;|]+", stripped, maxsplit=1)
    result = words[0].lower() if words else ""
    if result not in RESULTS:
        raise ReplyError("the reply is neither the vendor's XML nor a success/failed text")
    rest = words[1] if len(words) > 1 else ""
    sid_match = _SID.search(rest)
    sid = sid_match.group(0) if sid_match else ""
    description = re.sub(r"\s+", " ", _SID.sub("", rest).replace("sid", "")).strip(" ,:;|-=")
    return CallResult(result, description, sid, text)


def raw_text(body: bytes | bytearray, content_type: str | None = None) -> str:
    """A reply body as text to keep, whatever it holds: as parse_reply would read it, else
    UTF-8 with the unreadable bytes replaced. NULs are dropped (ASCII in UTF-16 stays legible).
    At most MAX_REPLY_BYTES are looked at."""
    body = bytes(body[:MAX_REPLY_BYTES])
    try:
        text, _by_header = _decode(body, content_type)
    except ReplyError:
        text = body.decode("utf-8", errors="replace")
    return text.replace("\x00", "")


def parse_reply(body: bytes, content_type: str | None = None) -> CallResult:
    """Read a reply body, XML or plain text; raise ReplyError when it cannot be read."""
    if len(body) > MAX_REPLY_BYTES:
        raise ReplyError(f"the reply is larger than {MAX_REPLY_BYTES // 1024} KiB")
    if not body.strip():
        raise ReplyError("the reply is empty")
    text, by_header = _decode(body, content_type)
    if text.lstrip("\ufeff \t\r\n").startswith("<"):
        # The XML parser reads bytes as UTF-8 unless the XML declaration says otherwise; a
        # charset given only in the Content-Type header (RFC 7303 section 3.2) reaches it by
        # handing it the text that charset decoded.
        if by_header and not _DECLARES_ENCODING.match(text):
            return _from_xml(text, text)
        return _from_xml(body, text)
    return _from_text(text)
