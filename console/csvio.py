"""CSV import and export for leads, team lists and call history; knows nothing of Qt."""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from console import words
from console.csvlayout import Mapping, Preview, header_key, phone_order, preview, read_table
from console.csvtext import safe_cell, unescape_cell
from console.masking import SECRETS
from console.phone import format_display, lead_label, read_digits
from console.store.models import CallRecord, Lead, TeamList, TeamMember

if TYPE_CHECKING:
    from console.store import Store


class LeadStore(Protocol):
    """What an import of leads needs of a store (console.store.Store; a call list's)."""

    def count_leads(self) -> int: ...
    def search_leads(self, text: str = "", limit: int = 500) -> list[Lead]: ...
    def add_leads(self, leads: list[Lead]) -> int: ...


__all__ = ["Preview", "preview", "safe_cell", "unescape_cell"]  # read here by the window

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
    "disposition",
    "notes",
    "callback_at",
)
# Written with a BOM so Excel opens the file as UTF-8 rather than the local code page.
EXPORT_ENCODING = "utf-8-sig"
_TRUE = frozenset({"", "1", "y", "yes", "true", "t", "on", "enabled", "x", "✓"})
_FALSE = frozenset({"0", "n", "no", "false", "f", "off", "disabled"})


@dataclass
class _ReadReport:
    """What reading a CSV file found besides its rows: shared by leads and team imports.

    ``problems``: one sentence per skipped row, by line. ``notices``: what was done to a row
    that was kept (a multi-value cell, a later phone column used, NUL characters removed).
    ``sources``: per row kept, the column its number came from. ``footer`` and ``blank``:
    report footer lines and blank lines skipped, counted. ``key``: header_key(header), to
    remember a mapping chosen for this header.
    """

    problems: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    sources: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    mapping: Mapping | None = None
    key: str = ""
    footer: int = 0
    blank: int = 0

    def columns(self) -> dict[str, list[str]]:
        """The header names read for each part: name, phone (in the order tried), ..."""
        return _columns(self.mapping, self.header)

    def ignored(self) -> list[str]:
        """The header names of the columns not read."""
        return _ignored(self.mapping, self.header)


@dataclass
class ImportReport(_ReadReport):
    """What an import of leads read: the leads (``lines``: each one's line) and the rest."""

    leads: list[Lead] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Sentences for a person: columns used and ignored, where numbers came from, skips."""
        return _summary(self, len(self.leads), "lead", self.sources)

    def worth_showing(self) -> bool:
        """Whether a person should see the summary after an import: a row skipped, a row
        changed to be kept, report footer lines skipped, or a column not read. An import of
        every row as it was, every column used, says only its count."""
        return bool(self.problems or self.notices or self.footer or self.ignored())


@dataclass
class TeamImport(_ReadReport):
    """Members read from a team CSV file, like ImportReport (labels come from the name)."""

    members: list[TeamMember] = field(default_factory=list)

    def summary(self) -> list[str]:
        return _summary(self, len(self.members), "member", self.sources)


def read_phone(text: str) -> tuple[str | None, str | None]:
    """(10 digits, None) or (None, why not): the engine's one reader (console.phone)."""
    return read_digits(text)


# ---- reading -------------------------------------------------------------------------------


def _cell(cells: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    value = cells[index].strip()
    return unescape_cell(value).strip() if value[:1] == "'" else value


def _text(cells: Sequence[str], index: int | None, line: int, what: str, notes: list[str]) -> str:
    """A text cell, with NUL characters removed (and said): they end strings in C and Qt."""
    value = _cell(cells, index)
    if "\x00" in value:
        value = value.replace("\x00", "").strip()
        notes.append(f"line {line}: removed NUL characters from the {what}")
    return value


def _name(cells: Sequence[str], mapping: Mapping, line: int, notes: list[str]) -> str:
    full = _text(cells, mapping.full_name, line, "name", notes)
    if not full:
        parts = (_text(cells, i, line, "name", notes) for i in mapping.name_parts)
        full = " ".join(p for p in parts if p)
    # A name is one line in the table and the form, so line breaks become spaces.
    return " ".join(full.split())


def _phone(
    cells: Sequence[str], mapping: Mapping, header: list[str], line: int, notes: list[str]
) -> tuple[str | None, int, str]:
    """(digits or None, column, why not or the raw cell) for the first dialable number.

    Columns are tried in order; a multi-value cell ("a ::: b") yields its first dialable
    value. What was passed over on the way is said in ``notes``.
    """
    if len(mapping.phones) == 1:  # the common case, read at once
        index = mapping.phones[0]
        raw = _cell(cells, index)
        if raw and ":::" not in raw:
            digits, why = read_digits(raw)
            if digits is not None:
                return digits, index, raw
            return None, index, f"{header[index]} {_shown(raw)} {why}"
    passed: list[tuple[int, str, str]] = []  # (column, raw, why) of undialable values
    for index in phone_order(mapping, cells):
        raw = _cell(cells, index)
        if not raw:
            continue
        values = [v.strip() for v in raw.split(":::")] if ":::" in raw else [raw]
        for value in values:
            digits, why = read_digits(value)
            if digits is None:
                passed.append((index, value, why or ""))
                continue
            column = header[index]
            if len(values) > 1:
                notes.append(
                    f"line {line}: {column} holds {len(values)} numbers; took the first that "
                    f"can be dialed, {_shown(value)}"
                )
            elif passed:
                first, bad, why = passed[0]
                notes.append(
                    f"line {line}: {header[first]} {_shown(bad)} {why}; took {column} instead"
                )
            return digits, index, value
    if passed:
        index, value, why = passed[0]
        return None, index, f"{header[index]} {_shown(value)} {why}"
    names = ", ".join(header[i] for i in mapping.phones[:4])
    return None, -1, f"no number in {names}"


def import_leads(
    source: str | bytes | os.PathLike[str],
    progress: Callable[[int], None] | None = None,
    mapping: Mapping | None = None,
) -> ImportReport:
    """Leads from a CSV file in any of the layouts csvlayout recognises, or by ``mapping``.

    ``source`` is a path, raw bytes, or CSV text. Never raises for bad content; OSError
    when a path cannot be read. ``progress`` is called with the line reached now and then.
    """
    table = read_table(source, mapping, team=False)
    report = ImportReport(encoding=table.encoding, header=table.header, mapping=table.mapping)
    report.key, report.footer, report.blank = header_key(table.header), table.footer, table.blank
    if table.error or table.mapping is None:
        hint = ", or pick the columns in the window's import" if table.header else ""
        report.problems.append(f"{table.error}{hint}")
        return report
    mapping, header, notes = table.mapping, table.header, report.notices
    seen: dict[str, int] = {}
    for row in table.rows:
        line, cells = row.line, row.cells
        if progress is not None and line % 5000 == 0:
            progress(line)
        if cells is None:
            report.problems.append(f"line {line}: cannot be read ({row.error})")
            continue
        digits, column, raw = _phone(cells, mapping, header, line, notes)
        if digits is None:
            report.problems.append(f"line {line}: {raw}")
            continue
        if digits in seen:
            report.problems.append(
                f"line {line}: {header[column]} {_shown(raw)} repeats line {seen[digits]}; skipped"
            )
            continue
        seen[digits] = line
        report.lines.append(line)
        report.sources.append(header[column])
        name = _name(cells, mapping, line, notes)
        company = _text(cells, mapping.company, line, "company", notes)
        lead_notes = _text(cells, mapping.notes, line, "notes", notes)
        report.leads.append(Lead(None, name, digits, company, lead_notes))
    return report


def drop_known(report: ImportReport, known: dict[str, str]) -> int:
    """Move leads whose number is already a lead (number -> name) into the problems, by line."""
    kept: list[tuple[Lead, int, str]] = []
    dropped: list[tuple[int, str]] = []
    for lead, line, source in zip(report.leads, report.lines, report.sources, strict=True):
        if lead.number in known:
            name = lead_label(known[lead.number], lead.number)
            dropped.append(
                (line, f"line {line}: phone {format_display(lead.number)} is already the lead "
                 f"{_shown(name)}; skipped")
            )  # fmt: skip
        else:
            kept.append((lead, line, source))
    if dropped:
        report.leads = [k[0] for k in kept]
        report.lines = [k[1] for k in kept]
        report.sources = [k[2] for k in kept]
        numbered = [(_line_of(p), p) for p in report.problems] + dropped
        report.problems = [p for _line, p in sorted(numbered, key=lambda item: item[0])]
    return len(dropped)


def list_known(report: ImportReport, known: dict[str, str]) -> list[Lead]:
    """Keep leads whose number is already a lead (number -> name) in ``report``, each said in
    its notices by line ("listed, not added again"); returns the others, the ones to add."""
    new: list[Lead] = []
    for lead, line in zip(report.leads, report.lines, strict=True):
        if lead.number in known:
            who = lead_label(known[lead.number], lead.number)
            report.notices.append(
                f"line {line}: {format_display(lead.number)} is already the lead {who};"
                " listed, not added again"
            )
        else:
            new.append(lead)
    return new


def import_leads_into(
    store: LeadStore,
    source: str | bytes | os.PathLike[str],
    mapping: Mapping | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    keep_known: bool = False,
) -> tuple[ImportReport, int]:
    """Read leads (as import_leads), skip those whose number is already a lead, and add the
    rest in one transaction: (report, how many were added). The window, the command line
    and a call list's file (``keep_known``: a known number stays in ``report.leads``, said
    in the notices, as the list calls that lead) all import through this. OSError if the
    file cannot be read; sqlite3.Error from the store."""
    report = import_leads(source, progress, mapping)
    if not report.leads:
        return report, 0
    # One pass over the stored numbers, rather than one query per imported row. By id,
    # newest first, so a number saved twice (by hand) names its oldest lead.
    total = store.count_leads()
    stored = sorted(store.search_leads("", limit=max(total, 1)), key=lambda x: -(x.id or 0))
    known = {lead.number: lead.name for lead in stored}
    if keep_known:
        new = list_known(report, known)
    else:
        drop_known(report, known)  # the known ones join the problems, each by its line
        new = report.leads
    added = store.add_leads(new) if new else 0
    return report, added


def _line_of(problem: str) -> int:
    match = re.match(r"line (\d+):", problem)
    return int(match.group(1)) if match else 0


def import_team(
    source: str | bytes | os.PathLike[str], mapping: Mapping | None = None
) -> TeamImport:
    """Team members from CSV: label (or first and last name), number, enabled; bad rows
    named by line. Same column recognition as import_leads."""
    table = read_table(source, mapping, team=True)
    result = TeamImport(encoding=table.encoding, header=table.header, mapping=table.mapping)
    result.key, result.footer, result.blank = header_key(table.header), table.footer, table.blank
    if table.error or table.mapping is None:
        result.problems.append(str(table.error))
        return result
    mapping, header, notes = table.mapping, table.header, result.notices
    seen: dict[str, int] = {}
    for row in table.rows:
        line, cells = row.line, row.cells
        if cells is None:
            result.problems.append(f"line {line}: cannot be read ({row.error})")
            continue
        digits, column, raw = _phone(cells, mapping, header, line, notes)
        if digits is None:
            result.problems.append(f"line {line}: {raw}")
            continue
        flag = _cell(cells, mapping.enabled).lower()
        if flag not in _TRUE and flag not in _FALSE:
            result.problems.append(
                f"line {line}: enabled {_shown(flag)} should be yes or no (empty means yes)"
            )
            continue
        if digits in seen:
            result.problems.append(
                f"line {line}: {header[column]} {_shown(raw)} repeats line {seen[digits]}; skipped"
            )
            continue
        seen[digits] = line
        result.sources.append(header[column])
        result.members.append(TeamMember(_name(cells, mapping, line, notes), digits, flag in _TRUE))
    return result


def _columns(mapping: Mapping | None, header: list[str]) -> dict[str, list[str]]:
    if mapping is None:
        return {}

    def names(*indices: int | None) -> list[str]:
        return [header[i] for i in indices if i is not None and i < len(header)]

    return {
        "name": names(mapping.full_name, *mapping.name_parts),
        "phone": names(*mapping.phones),
        "company": names(mapping.company),
        "notes": names(mapping.notes),
        "enabled": names(mapping.enabled),
    }


def _ignored(mapping: Mapping | None, header: list[str]) -> list[str]:
    used = mapping.used() if mapping is not None else set()
    return [name for i, name in enumerate(header) if i not in used and name]


def _summary(
    report: ImportReport | TeamImport, count: int, what: str, sources: list[str]
) -> list[str]:
    columns = report.columns()
    lines = []
    if columns:
        name = columns["name"]
        if report.mapping is not None and report.mapping.full_name is not None and len(name) > 1:
            named = f"{name[0]} (else {' + '.join(name[1:])})"
        else:
            named = " + ".join(name) or "none"
        phones = ", ".join(columns["phone"])
        if len(columns["phone"]) > 1 and report.mapping is not None and report.mapping.phone_labels:
            # Google's exports label each number: work before mobile, home, other (as listed
            # in console.csvlayout), whatever the column order.
            phones += " (per row, by its label: main, then work, mobile, home, other; never a fax)"
        elif len(columns["phone"]) > 1:
            phones += " (the first filled that can be dialed, in this order)"
        parts = [f"name from {named}", f"number from {phones}"]
        parts += [f"{key} from {', '.join(columns[key])}" for key in ("company", "notes", "enabled")
                  if columns[key]]  # fmt: skip
        lines.append("Columns: " + "; ".join(parts) + ".")
    if sources:
        counted = Counter(sources)
        lines.append(
            f"Numbers of the {words.count(count, what)} came from: "
            + ", ".join(f"{column} ({n})" for column, n in counted.most_common())
            + "."
        )
    ignored = report.ignored()
    if ignored:
        lines.append("Ignored columns: " + ", ".join(ignored) + ".")
    if report.footer or report.blank:
        lines.append(
            f"Skipped {words.count(report.footer, 'report footer line')} and "
            f"{words.count(report.blank, 'blank line')}."
        )
    return lines


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


def export_leads(leads: Iterable[Lead], path: str | os.PathLike[str]) -> int:
    """Write leads as name, phone, company, notes (import_leads reads it back); returns how
    many were written."""
    rows = ((lead.name, lead.number, lead.company, lead.notes) for lead in leads)
    return write_rows(path, LEAD_COLUMNS, rows)


def export_calls(
    store: Store,
    path: str | os.PathLike[str],
    text: str = "",
    status: str | None = None,
    disposition: str | None = None,
    *,
    agent: str | None = None,
) -> int:
    """Write every call matching the history filter (as Store.fetch_calls takes it: text,
    status, disposition, agent) to ``path``: the window's Export and `main.py history export`
    alike. Returns the count."""
    records = store.fetch_calls(  # LIMIT -1: no limit
        text, status, 0, -1, disposition=disposition, agent=agent
    )
    export_history(records, path)
    return len(records)


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
            SECRETS.mask(r.description),
            SECRETS.mask(r.sid),
            # Rows hold redacted requests; an older row or another account's key is caught here.
            SECRETS.mask(r.request_redacted),
            r.disposition,
            SECRETS.mask(r.notes),  # typed by a person: a pasted key is caught here too
            r.callback_at or "",
        )
        for r in records
    )
    return write_rows(path, HISTORY_COLUMNS, rows)
