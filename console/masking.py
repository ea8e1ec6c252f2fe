"""Secrets masked in every form they take on the way out: the one place that hides them.

A secret sent in a query can come back in a reply or an error in many encodings: percent-
encoded (``quote``, ``quote_plus``, upper- or lower-case hex), as XML/HTML character
references, JSON-escaped, with CSV's doubled quotes, and nested (percent-encoded, then
XML-escaped; percent-encoded twice). Rather than listing every encoder's output, ``mask``
decodes the text (each kind of escape in turn, two layers deep, ``+`` as a space or not),
finds each secret in the decoded text and replaces the original characters it came from with
``***``. So a form that no listed encoder makes (``/`` left as it is but ``+`` escaped in lower
case, the way some other library does it) is found too.

Every text from a request or a reply goes through ``mask`` or ``SECRETS.mask`` before it is
printed, stored, logged, exported or shown: the call service (history rows), the command line
(its output streams), the log handlers, the window's error dialogs and call details, and the
CSV export.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TextIO

from console.calls.params import SECRET_NAMES

REDACTED = "***"
# A shorter value would mask ordinary text everywhere; no real credential is that short.
MIN_LENGTH = 3
LAYERS = 2  # decodings applied on top of each other: percent-encoded, then XML-escaped...

_HEX = "[0-9A-Fa-f]"
# Each kind of escape, decoded one kind at a time: decoding all at once would also decode a
# secret's own text ("%21" inside an XML-escaped secret is the secret, not an escape).
_KINDS = {
    "percent": re.compile(rf"(?P<pct>(?:%{_HEX}{{2}})+)"),  # UTF-8 bytes (RFC 3986 2.1)
    "form": re.compile(rf"(?P<pct>(?:%{_HEX}{{2}})+)|(?P<plus>\+)"),  # + is a space (HTML forms)
    "reference": re.compile(  # XML and HTML character references, numeric or named
        rf"(?P<ref>&(?:#[0-9]{{1,8}}|#[xX]{_HEX}{{1,7}}|[A-Za-z][A-Za-z0-9]{{1,31}});)"
    ),
    "backslash": re.compile(  # JSON (RFC 8259 section 7) and Python string escapes
        rf"(?P<pair>\\u[dD][89abAB]{_HEX}{{2}}\\u[dD][c-fC-F]{_HEX}{{2}})"
        rf"|(?P<u>\\u{_HEX}{{4}}|\\U{_HEX}{{8}}|\\x{_HEX}{{2}})"
        r"|(?P<short>\\[\"\\/'bfnrt])"
    ),
    "csv": re.compile(r'(?P<csv>"")'),  # a quote inside a quoted CSV field (RFC 4180)
}
_SHORT = {'"': '"', "\\": "\\", "/": "/", "'": "'", "b": "\b", "f": "\f", "n": "\n"}
_SHORT |= {"r": "\r", "t": "\t"}

# A credential parameter's value in a query string, by name: it catches a secret that was
# never registered in this process (an older row, another account's key).
_SECRET_IN_QUERY = re.compile(
    r"(?i)(?<!\w)((?:" + "|".join(map(re.escape, sorted(SECRET_NAMES))) + r")=)[^&\s<>\"']+"
)


class _Decoded:
    """A text with its escapes decoded; ``starts[i]``/``ends[i]`` give the span of the
    original text that decoded character ``i`` came from."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: list[int], ends: list[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    @classmethod
    def of(cls, text: str) -> _Decoded:
        return cls(text, list(range(len(text))), list(range(1, len(text) + 1)))

    def decode(self, kind: str) -> _Decoded | None:
        """One more layer: the escapes of one kind decoded; None when there were none."""
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        found = False
        for match in _KINDS[kind].finditer(self.text):
            pieces = _decode_escape(match.lastgroup, match.group())
            if pieces is None:
                continue
            found = True
            start = match.start()
            out.append(self.text[at:start])
            starts.extend(self.starts[at:start])
            ends.extend(self.ends[at:start])
            for char, first, last in pieces:  # offsets within the escape, end exclusive
                out.append(char)
                starts.append(self.starts[start + first])
                ends.append(self.ends[start + last - 1])
            at = match.end()
        if not found:
            return None
        out.append(self.text[at:])
        starts.extend(self.starts[at:])
        ends.extend(self.ends[at:])
        return _Decoded("".join(out), starts, ends)


def _decode_escape(kind: str | None, token: str) -> list[tuple[str, int, int]] | None:
    """The characters one escape stands for, each with the offsets it spans in ``token``."""
    if kind == "pct":
        data = bytes.fromhex(token.replace("%", ""))
        chars, offset = [], 0
        for char in data.decode("utf-8", errors="surrogateescape"):
            size = 1 if "\udc80" <= char <= "\udcff" else len(char.encode("utf-8"))
            chars.append((char, offset * 3, (offset + size) * 3))
            offset += size
        return chars
    if kind == "ref":
        import html  # its table of 2,000 entity names, read only when one is met

        char = html.unescape(token)
        return None if char == token else [(char, 0, len(token))]
    if kind == "pair":
        high, low = int(token[2:6], 16), int(token[8:12], 16)
        return [(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), 0, len(token))]
    if kind == "u":
        code = int(token[2:], 16)
        return [(chr(code), 0, len(token))] if code <= sys.maxunicode else None
    if kind == "short":
        return [(_SHORT[token[1]], 0, 2)]
    if kind == "csv":
        return [('"', 0, 2)]
    return [(" ", 0, 1)]  # plus


def _decodings(text: str) -> Iterator[_Decoded]:
    """The text as it is, then decoded by each kind of escape, up to ``LAYERS`` deep."""
    layer = [_Decoded.of(text)]
    yield layer[0]
    for _ in range(LAYERS):
        deeper = []
        for decoded in layer:
            for kind in _KINDS:
                found = decoded.decode(kind)
                if found is not None:
                    deeper.append(found)
                    yield found
        layer = deeper


def _spans(decoded: _Decoded, secret: str) -> Iterator[tuple[int, int]]:
    at = decoded.text.find(secret)
    while at != -1:
        yield decoded.starts[at], decoded.ends[at + len(secret) - 1]
        at = decoded.text.find(secret, at + len(secret))


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets``, in any encoding listed above, replaced by ***.

    Also masks the value of a credential parameter (``key=``, ``access_key=``,
    ``secret_access_key=``) in a query string. Values shorter than ``MIN_LENGTH`` are ignored.
    """
    wanted = sorted({s for s in secrets if len(s) >= MIN_LENGTH}, key=len, reverse=True)
    if wanted and text:
        spans: list[tuple[int, int]] = []
        for decoded in _decodings(text):
            for secret in wanted:
                spans.extend(_spans(decoded, secret))
        text = _replace(text, spans)
    return _SECRET_IN_QUERY.sub(r"\1" + REDACTED, text) if "=" in text else text


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, at = [], 0
    for start, end in merged:
        pieces += [text[at:start], REDACTED]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


class Secrets(logging.Filter):
    """The secrets known to this process; as a logging filter it masks every record."""

    def __init__(self) -> None:
        super().__init__()
        self._values: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def register(self, secrets: Iterable[str]) -> None:
        """From now on ``mask``, every log line and the masked output streams hide these."""
        with self._lock:
            self._values |= {s for s in secrets if s and len(s) >= MIN_LENGTH}

    def mask(self, text: str) -> str:
        """``mask(text, every registered secret)``."""
        return mask(text, self._values)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit: the handler reports it (handleError)
            return True
        record.msg, record.args = self.mask(message), None
        # A traceback can carry a secret too (an exception's message, a URL in it).
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


_FORMATTER = logging.Formatter()

SECRETS = Secrets()


class MaskedStream:
    """A text stream whose every write goes through ``SECRETS.mask`` first."""

    def __init__(self, stream: TextIO, secrets: Secrets = SECRETS) -> None:
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        self._stream.write(self._secrets.mask(text))
        return len(text)

    def __getattr__(self, name: str):  # flush, fileno, encoding, isatty...
        return getattr(self._stream, name)


def mask_output() -> None:
    """Route this process's stdout and stderr (prints, --json, tracebacks) through ``SECRETS``."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, MaskedStream):
            setattr(sys, name, MaskedStream(stream))
