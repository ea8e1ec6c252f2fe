"""CSV files as people's tools write them: encodings, `sep=` lines, separators, line ends.

Knows nothing of leads or columns; csvio reads the rows this module yields.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

# 8-bit encodings a contact export is plausibly in: Windows and Mac western, and Windows
# Cyrillic. charset-normalizer picks among them; given every code page it names exotic ones
# for short western files (Mac Greek for a Mac Roman file).
EIGHT_BIT = ["cp1252", "mac_roman", "cp1251"]
# A spreadsheet treats a cell starting with these as a formula (OWASP "CSV injection").
# The full-width forms are included because some spreadsheets fold them to ASCII.
_FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")
_SEP_LINE = re.compile(r'\s*"?sep=(.)"?\s*')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Record(NamedTuple):  # slots: a big file makes one per line
    """One CSV record: the line it starts on (from 1, as editors count), its cells, or why it
    cannot be read (``cells`` None). A blank record has ``cells == []``."""

    line: int
    cells: list[str] | None
    error: str | None = None
    blank: bool = False


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with.

    A BOM decides (UTF-8, UTF-16); UTF-16 without one is recognised by its zero bytes
    (Excel's and Google's "Unicode" exports); then UTF-8; then charset-normalizer chooses
    among EIGHT_BIT, so Mac Roman and Windows files keep their accents; Latin-1 last, which
    reads any bytes.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
        return text, ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for files that are not Unicode

    best = from_bytes(data, cp_isolation=EIGHT_BIT).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le or utf-16-be when the zero bytes say so (ASCII text has one in every pair)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    even = sample[0::2].count(0) / pairs
    odd = sample[1::2].count(0) / pairs
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def load(source: str | bytes | os.PathLike[str]) -> tuple[str, str]:
    """(text, encoding) from a path, raw bytes, or CSV text; OSError if a path cannot be read."""
    if isinstance(source, os.PathLike):
        return decode(Path(source).read_bytes())
    if isinstance(source, bytes | bytearray):
        return decode(bytes(source))
    # A one-line string naming an existing file is a path; any other string is CSV text.
    if "\n" not in source and "\r" not in source and len(source) < 4096 and os.path.isfile(source):
        return decode(Path(source).read_bytes())
    return source.removeprefix("\ufeff"), "text"


def records(text: str) -> Iterator[Record]:
    """Every record of ``text``, blank ones included, numbered by the line it starts on.

    A first line ``sep=;`` (Excel writes it) names the separator and is skipped; otherwise
    the header line's most frequent of , ; and tab is used. Line ends may be CRLF, LF or CR.
    A quote opened and never closed would make the rest of the file one cell: its line is
    reported instead, and the lines after it are read again as rows of their own.
    """
    first, _, rest = _split_first_line(text)
    match = _SEP_LINE.fullmatch(first)
    if match:
        yield from _records(rest, match.group(1), 1)
    else:
        yield from _records(text, _delimiter(first), 0)


def _records(text: str, delimiter: str, offset: int) -> Iterator[Record]:
    csv.field_size_limit(1 << 24)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    line_end = 0
    held: tuple[Record, int] | None = None  # the latest record, held until the next is read
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if held is not None:
                yield held[0]
                held = None
            yield Record(line_end + 1 + offset, None, str(exc))
            line_end = reader.line_num
            continue
        start, line_end = line_end + 1, reader.line_num
        if held is not None:
            yield held[0]
        held = (Record(start + offset, row, blank=not "".join(row).strip()), start)
    if held is None:
        return
    record, start = held
    lines = _LINE_BREAK.split(text)
    # Only the last record can run to the end of the file; an odd count of quotes from its
    # first line on means one was never closed.
    if line_end > start and "\n".join(lines[start - 1 :]).count('"') % 2 == 1:
        yield Record(
            record.line,
            None,
            "a quote opened on this line is never closed, so the lines after it were read as "
            "one cell; this row is skipped and the lines after it are read as rows again",
        )
        yield from _records("\n".join(lines[start:]), delimiter, record.line)
        return
    yield record


def _split_first_line(text: str) -> tuple[str, str, str]:
    match = _LINE_BREAK.search(text)
    if match is None:
        return text, "", ""
    return text[: match.start()], match.group(0), text[match.end() :]


def _delimiter(header: str) -> str:
    """The separator used in the header line: comma, or semicolon/tab as some locales write."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def safe_cell(value: object) -> str:
    """The text to write in a CSV cell so a spreadsheet shows it rather than runs it."""
    text = "" if value is None else str(value)
    return "'" + text if _needs_escape(text) else text


def unescape_cell(text: str) -> str:
    """Undo safe_cell: unescape_cell(safe_cell(x)) == x for every string x."""
    if text.startswith("'") and _needs_escape(text[1:]):
        return text[1:]
    return text


def _needs_escape(text: str) -> bool:
    # An apostrophe before a risky start is escaped too, so unescape_cell can tell the
    # apostrophe safe_cell added from one the person typed.
    stripped = text.lstrip("'")
    return bool(stripped) and stripped[0] in _FORMULA_START
