"""CSV import and export for leads, team lists and call history; knows nothing of Qt."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from console.params import SECRET_NAMES
from console.phone import format_display, read_digits
from console.store.models import CallRecord, Lead, TeamList, TeamMember

LEAD_COLUMNS = ("name", "phone", "company", "notes")
TEAM_COLUMNS = ("label", "number", "enabled")
HISTORY_COLUMNS = (
    "created_at",
    "finished_at",
    "lead_name",
    "lead_number",
    "team_name",
    "list_value",
    "call_type",
    "status",
    "description",
    "sid",
    "request",
)
# Written with a BOM so Excel opens the file as UTF-8 rather than the local code page.
EXPORT_ENCODING = "utf-8-sig"
# A spreadsheet treats a cell starting with these as a formula (OWASP "CSV injection").
# The full-width forms are included because some spreadsheets fold them to ASCII.
_FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")
_TRUE = frozenset({"", "1", "y", "yes", "true", "t", "on", "enabled", "x", "✓"})
_FALSE = frozenset({"0", "n", "no", "false", "f", "off", "disabled"})


@dataclass
class ImportReport:
    """Leads read from a CSV file, one sentence per skipped row, and the encoding used."""

    leads: list[Lead] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    # The line each lead was read from, in step with `leads`, for later checks to cite.
    lines: list[int] = field(default_factory=list)


@dataclass
class TeamImport:
    """Members read from a team CSV file, one sentence per skipped row, and the encoding."""

    members: list[TeamMember] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def read_phone(text: str) -> tuple[str | None, str | None]:
    """(10 digits, None) or (None, why not): the engine's one reader (console.phone)."""
    return read_digits(text)


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


# ---- reading -------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (with or without BOM), else Windows."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export; utf-16 reads the BOM and drops it.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
        return text, ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so this cannot fail.
        return data.decode("latin-1"), "latin-1"


def _load(source: str | bytes | os.PathLike[str]) -> tuple[str, str]:
    """(text, encoding) from a path, raw bytes, or CSV text; OSError if a path cannot be read."""
    if isinstance(source, os.PathLike):
        return decode(Path(source).read_bytes())
    if isinstance(source, bytes | bytearray):
        return decode(bytes(source))
    # A one-line string naming an existing file is a path; any other string is CSV text.
    if "\n" not in source and "\r" not in source and len(source) < 4096 and os.path.isfile(source):
        return decode(Path(source).read_bytes())
    return source.removeprefix("\ufeff"), "text"


def _delimiter(text: str) -> str:
    """The separator used in the header line: comma, or semicolon/tab as some locales write."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(first line of the record, cells, error) per non-blank record; lines count from 1."""
    csv.field_size_limit(1 << 24)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    line_end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line_end + 1, None, str(exc)
            line_end = reader.line_num
            continue
        start, line_end = line_end + 1, reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row, None


def _header(
    rows: Iterator[tuple[int, list[str] | None, str | None]],
    expected: tuple[str, ...],
    required: str,
    aliases: dict[str, str],
) -> tuple[dict[str, int] | None, str | None]:
    """Column positions by expected name, or a sentence saying what the header lacks."""
    wanted = ", ".join(expected)
    for line, cells, error in rows:
        if cells is None:
            return None, f"line {line}: the header cannot be read ({error})"
        found: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = unescape_cell(cell).strip().lower()
            key = aliases.get(key, key)
            if key in expected and key not in found:
                found[key] = index
        if required not in found:
            shown = ", ".join(repr(c.strip()) for c in cells[:8])
            return None, (
                f"line {line}: no {required!r} column; the first line must name the columns "
                f"{wanted} (found {shown})"
            )
        return found, None
    return None, f"the file is empty; the first line must name the columns {wanted}"


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return unescape_cell(cells[index].strip()).strip()


def import_leads(
    source: str | bytes | os.PathLike[str], progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Leads from CSV with name, phone, company, notes columns; bad rows named by line.

    ``source`` is a path, raw bytes, or CSV text. Never raises for bad content; OSError
    when a path cannot be read. ``progress`` is called with the line reached now and then.
    """
    text, encoding = _load(source)
    report = ImportReport(encoding=encoding)
    rows = _rows(text)
    columns, error = _header(
        rows, LEAD_COLUMNS, "phone", {"number": "phone", "phone number": "phone"}
    )
    if columns is None:
        report.problems.append(str(error))
        return report
    seen: dict[str, int] = {}
    for line, cells, error in rows:
        if progress is not None and line % 5000 == 0:
            progress(line)
        if cells is None:
            report.problems.append(f"line {line}: cannot be read ({error})")
            continue
        raw = _cell(cells, columns, "phone")
        digits, why = read_phone(raw)
        if digits is None:
            report.problems.append(f"line {line}: phone {_shown(raw)} {why}")
            continue
        if digits in seen:
            report.problems.append(
                f"line {line}: phone {_shown(raw)} repeats line {seen[digits]}; skipped"
            )
            continue
        seen[digits] = line
        report.lines.append(line)
        report.leads.append(
            Lead(
                None,
                _cell(cells, columns, "name"),
                digits,
                _cell(cells, columns, "company"),
                _cell(cells, columns, "notes"),
            )
        )
    return report


def drop_known(report: ImportReport, known: Mapping[str, str]) -> int:
    """Move leads whose number is already a lead (number -> name) into the problems, by line."""
    kept: list[Lead] = []
    lines: list[int] = []
    dropped: list[tuple[int, str]] = []
    for lead, line in zip(report.leads, report.lines, strict=True):
        if lead.number in known:
            name = known[lead.number] or format_display(lead.number)
            dropped.append(
                (line, f"line {line}: phone {format_display(lead.number)} is already the lead "
                 f"{_shown(name)}; skipped")
            )  # fmt: skip
        else:
            kept.append(lead)
            lines.append(line)
    if dropped:
        report.leads, report.lines = kept, lines
        numbered = [(_line_of(p), p) for p in report.problems] + dropped
        report.problems = [p for _line, p in sorted(numbered, key=lambda item: item[0])]
    return len(dropped)


def _line_of(problem: str) -> int:
    match = re.match(r"line (\d+):", problem)
    return int(match.group(1)) if match else 0


def import_team(source: str | bytes | os.PathLike[str]) -> TeamImport:
    """Team members from CSV with label, number, enabled columns; bad rows named by line."""
    text, encoding = _load(source)
    result = TeamImport(encoding=encoding)
    rows = _rows(text)
    aliases = {"phone": "number", "name": "label", "enabled?": "enabled"}
    columns, error = _header(rows, TEAM_COLUMNS, "number", aliases)
    if columns is None:
        result.problems.append(str(error))
        return result
    seen: dict[str, int] = {}
    for line, cells, error in rows:
        if cells is None:
            result.problems.append(f"line {line}: cannot be read ({error})")
            continue
        raw = _cell(cells, columns, "number")
        digits, why = read_phone(raw)
        if digits is None:
            result.problems.append(f"line {line}: number {_shown(raw)} {why}")
            continue
        flag = _cell(cells, columns, "enabled").lower()
        if flag not in _TRUE and flag not in _FALSE:
            result.problems.append(
                f"line {line}: enabled {_shown(flag)} should be yes or no (empty means yes)"
            )
            continue
        if digits in seen:
            result.problems.append(
                f"line {line}: number {_shown(raw)} repeats line {seen[digits]}; skipped"
            )
            continue
        seen[digits] = line
        # A label is one line in the table and the form, so line breaks become spaces.
        label = " ".join(_cell(cells, columns, "label").split())
        result.members.append(TeamMember(label, digits, flag in _TRUE))
    return result


def _shown(text: str) -> str:
    """A cell quoted for a message, cut short so one huge cell cannot flood the report."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


# ---- writing -------------------------------------------------------------------------------


def write_rows(
    path: str | os.PathLike[str], header: Iterable[str], rows: Iterable[Iterable]
) -> int:
    """Write a CSV file with every cell made safe; returns the number of data rows."""
    count = 0
    with open(path, "w", encoding=EXPORT_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
            count += 1
    return count


def export_team(team: TeamList, path: str | os.PathLike[str]) -> int:
    """Write a team's members as label, number, enabled; returns how many were written."""
    rows = ((m.label, m.number, "yes" if m.enabled else "no") for m in team.members)
    return write_rows(path, TEAM_COLUMNS, rows)


def export_history(records: Iterable[CallRecord], path: str | os.PathLike[str]) -> int:
    """Write call history (no raw replies, credentials masked); returns how many rows."""
    rows = (
        (
            r.created_at,
            r.finished_at or "",
            r.lead_name,
            r.lead_number,
            r.team_name,
            r.list_value,
            r.call_type,
            r.status,
            r.description,
            r.sid,
            mask_secrets(r.request_redacted),
        )
        for r in records
    )
    return write_rows(path, HISTORY_COLUMNS, rows)


_SECRET_IN_QUERY = re.compile(
    r"(?i)((?:^|[?&\s])(?:" + "|".join(map(re.escape, sorted(SECRET_NAMES))) + r")=)[^&\s]*"
)


def mask_secrets(text: str) -> str:
    """`text` with any credential query value replaced by ***, in case one slipped through."""
    # Records should hold only redacted requests already; exports are files people mail
    # around, so this second pass costs nothing and guards against an older row.
    return _SECRET_IN_QUERY.sub(r"\1***", text)
