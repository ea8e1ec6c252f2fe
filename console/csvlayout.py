"""Which columns of an exported contact file hold the name, the numbers, the company, the notes.

Header names as the tools people use write them (from their documentation and exports):

- Google Contacts (2020+): First Name, Middle Name, Last Name, Organization Name, Notes,
  Phone 1 - Label, Phone 1 - Value, ...; the legacy ("Outlook CSV"-like) export: Name,
  Given Name, Family Name, Organization 1 - Name, Phone 1 - Type, Phone 1 - Value, ...
- Outlook: First Name, Middle Name, Last Name, Company, Notes, Primary Phone, Business Phone,
  Business Phone 2, Company Main Phone, Mobile Phone, Home Phone, Other Phone, Car Phone,
  Callback, Assistant's Phone, Radio Phone, and the undialable Business Fax, Pager, Telex...
- HubSpot: First Name, Last Name, Company Name, Phone Number, Mobile Phone Number.
- Salesforce reports and list views: First Name, Last Name, Full Name, Company / Account,
  Account Name, Phone, Mobile, Mobile Phone, Description; its API names (FirstName,
  LastName, MobilePhone) in Data Loader files.
- Zoho CRM: First Name, Last Name, Company, Account Name, Phone, Mobile, Home Phone,
  Other Phone, Asst Phone, Description.
- Pipedrive: Person - Name, Person - First name, Person - Last name, Person - Organization,
  Organization - Name, Person - Phone, Person - Phone - Work/Mobile/Home/Other.
- Dynamics 365: Full Name, First Name, Last Name, Company Name, Business Phone, Mobile Phone.
- Plain sheets: Name, Full Name, Contact Name, Telephone, Tel, Mobile, Cell, Phone Number,
  Number, Company, Organisation, Business, Notes, Comments.

A number is taken from the phone columns in this order: main/primary or unqualified, work
(business, office, company), mobile (cell), home, other; a Google column ranks by the
label beside it in each row ("Work", "Mobile", ...).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from console.csvtext import Record, load, records, unescape_cell
from console.phone import clean
from console.settings import IMPORT_MAPPINGS as MAPPINGS_SETTING

MAX_REMEMBERED = 50
# Ranks of the kinds of phone column, tried in this order.
MAIN, WORK, MOBILE, HOME, OTHER = range(5)
RANK_NAMES = ("main", "work", "mobile", "home", "other")
_WORK = {"work", "business", "office", "direct", "company", "corporate"}
_MOBILE = {"mobile", "cell", "cellular", "cellphone", "mobilephone", "iphone"}
_HOME = {"home", "personal", "private", "residence", "homephone"}
_OTHER_PHONE = {"other", "assistant", "asst", "car", "callback", "radio", "secondary", "alt"}
_PHONE_WORDS = {"phone", "telephone", "tel", "phonenumber", "businessphone", "workphone",
                "homephone", "otherphone", "callback"} | _MOBILE  # fmt: skip
# Numbers no call should go to, and columns about a number rather than holding one.
_UNDIALABLE = {"fax", "pager", "telex", "tty", "tdd", "isdn", "ext", "extension", "country",
               "code", "type", "label", "verified", "status", "count", "opt", "dnc"}  # fmt: skip
_FULL_NAME = ["full name", "fullname", "name", "display name", "contact name", "person name",
              "customer name", "client name", "contact full name"]  # fmt: skip
_FIRST = ["first name", "firstname", "given name", "givenname", "first", "forename"]
_MIDDLE = ["middle name", "middlename", "additional name", "middle"]
_LAST = ["last name", "lastname", "family name", "familyname", "surname", "last"]
_COMPANY = ["company", "company name", "companyname", "organization", "organisation",
            "organization name", "organisation name", "organization 1 name", "company account",
            "account name", "accountname", "account", "business name", "employer",
            "associated company"]  # fmt: skip
_NOTES = ["notes", "note", "comments", "comment", "description", "remarks", "memo",
          "note content"]  # fmt: skip
_ENABLED = ["enabled", "active", "on"]
# Prefixes some tools put on every column ("Person - Phone", Pipedrive).
_PREFIXES = ("person ", "contact ")
_GOOGLE_PHONE = re.compile(r"phone (\d+) (value|type|label)")
# Lines a report tool writes after its rows (Salesforce: "Grand Totals (5 records)",
# "Confidential Information - Do Not Distribute", "Copyright (c) 2000-2026 salesforce.com").
_FOOTER = re.compile(
    r"(?i)^\s*(?:grand totals?|totals?|subtotal|count|confidential|copyright|\(c\)|©|"
    r"generated|all rights reserved|filtered by|report)\b|\(\d+ records?\)"
)
_HEADER_SEARCH = 5  # rows looked at for a header below a title or a tool's notes


@dataclass(frozen=True)
class Mapping:
    """Column positions (0-based, into the header row) for each part of a lead or member.

    ``phones`` in the order they are tried; ``phone_labels`` maps a phone column to the
    column whose cell names its kind per row (Google's "Phone 1 - Label"). The name is
    ``full_name`` when that cell is filled, else ``name_parts`` joined (first, middle, last).
    """

    phones: tuple[int, ...]
    full_name: int | None = None
    name_parts: tuple[int, ...] = ()
    company: int | None = None
    notes: int | None = None
    enabled: int | None = None
    phone_labels: dict[int, int] = field(default_factory=dict, compare=False, hash=False)
    ranks: dict[int, int] = field(default_factory=dict, compare=False, hash=False)

    def used(self) -> set[int]:
        """Every column this mapping reads."""
        single = (self.full_name, self.company, self.notes, self.enabled)
        return {*self.phones, *self.name_parts, *self.phone_labels.values()} | {
            i for i in single if i is not None
        }

    def to_json(self) -> dict[str, object]:
        """A plain dict for the settings file (see from_json)."""
        return {
            "phones": list(self.phones),
            "full_name": self.full_name,
            "name_parts": list(self.name_parts),
            "company": self.company,
            "notes": self.notes,
            "enabled": self.enabled,
        }

    @classmethod
    def from_json(cls, data: object, width: int) -> Mapping | None:
        """The mapping saved by to_json, or None when it does not fit a header of ``width``."""
        try:
            assert isinstance(data, dict)
            phones = tuple(int(i) for i in data["phones"])
            single = {k: data.get(k) for k in ("full_name", "company", "notes", "enabled")}
            mapping = cls(
                phones=phones,
                name_parts=tuple(int(i) for i in data.get("name_parts", [])),
                **{k: (None if v is None else int(v)) for k, v in single.items()},
            )
        except (AssertionError, KeyError, TypeError, ValueError):
            return None
        if not phones or any(not 0 <= i < width for i in mapping.used()):
            return None
        return mapping


class SettingsLike(Protocol):
    """What remembering a mapping needs of console.settings.Settings."""

    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any) -> None: ...
    def save(self) -> None: ...


def remembered(settings: SettingsLike, header: Sequence[str]) -> Mapping | None:
    """The mapping a person chose before for a file with this header, if it still fits."""
    saved = settings.get(MAPPINGS_SETTING).get(header_key(header))
    return Mapping.from_json(saved, len(header)) if saved is not None else None


def remembering(
    settings: SettingsLike, header: Sequence[str], mapping: Mapping
) -> dict[str, object]:
    """The settings that remember ``mapping`` for files with this header: {IMPORT_MAPPINGS:
    the newest MAX_REMEMBERED choices, this one last}. Nothing is set or saved: the window
    keeps them with ui.common.settings_save.keep_settings, remember() here."""
    saved = dict(settings.get(MAPPINGS_SETTING))
    key = header_key(header)
    saved.pop(key, None)
    saved[key] = mapping.to_json()  # last in: dicts keep insertion order, oldest first
    while len(saved) > MAX_REMEMBERED:
        saved.pop(next(iter(saved)))
    return {MAPPINGS_SETTING: saved}


def remember(settings: SettingsLike, header: Sequence[str], mapping: Mapping) -> None:
    """Keep ``mapping`` for files with this header (see remembering) and save the settings
    file: LocalProblem (console.problems, one sentence) when it cannot be written, the
    choice then holding for this run."""
    for key, value in remembering(settings, header, mapping).items():
        settings.set(key, value)
    settings.save()


def header_key(header: Sequence[str]) -> str:
    """A short stable key for a header row, to remember the mapping chosen for it."""
    names = [" ".join(clean(cell).casefold().split()) for cell in header]
    return hashlib.sha256(json.dumps(names).encode("utf-8")).hexdigest()[:16]


def normalize(cell: str) -> str:
    """A header cell as compared: case and punctuation folded ("Company / Account" ->
    "company account"), and a "Person - " or "Contact - " prefix dropped."""
    key = " ".join(re.findall(r"[a-z0-9]+", clean(cell).casefold()))
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key != prefix.strip():
            key = key[len(prefix) :]
    return key


def phone_rank(key: str) -> int | None:
    """The rank of a phone column from its normalized name, or None if it is not one."""
    words = set(key.split())
    if words & _UNDIALABLE:
        return None
    if not words & _PHONE_WORDS:
        # "Number" alone is a phone; "Record Number" and "Account Number" are not.
        return MAIN if key == "number" else None
    return _kind(words)


def label_rank(label: str) -> int | None:
    """The rank a Google phone label gives its number ("Work", "* Mobile"), None for a fax."""
    text = clean(label).strip()
    words = set(re.findall(r"[a-z0-9]+", text.casefold()))
    if words & _UNDIALABLE:
        return None
    if text.startswith("*"):
        return MAIN  # Google marks the number the person chose as primary
    return _kind(words) if words - {"phone"} else OTHER


def _kind(words: set[str]) -> int:
    # Work before "main": Outlook's "Company Main Phone" is the switchboard, after the
    # person's own "Business Phone"; "Primary Phone" is the one the person chose.
    if "primary" in words:
        return MAIN
    if words & _WORK:
        return WORK
    if "main" in words:
        return MAIN
    if words & _MOBILE:
        return MOBILE
    if words & _HOME:
        return HOME
    if words & _OTHER_PHONE:
        return OTHER
    return MAIN


def recognise(header: Sequence[str], *, team: bool = False) -> Mapping | None:
    """The mapping for a header row, or None when no column holds a phone number.

    ``team``: read a team list, whose "Label" is the member's name (for leads, Pipedrive's
    "Label" is a tag) and whose "Enabled" column says whether the number rings.
    """
    keys = [normalize(cell) for cell in header]
    position: dict[str, int] = {}
    for index, key in enumerate(keys):
        position.setdefault(key, index)
    phones: list[tuple[int, int]] = []
    labels: dict[int, int] = {}
    google: dict[str, dict[str, int]] = {}
    for index, key in enumerate(keys):
        match = _GOOGLE_PHONE.fullmatch(key)
        if match:
            google.setdefault(match.group(1), {})[match.group(2)] = index
            continue
        rank = phone_rank(key)
        if rank is not None:
            phones.append((rank, index))
    for parts in google.values():
        if "value" in parts:
            label = parts.get("label", parts.get("type"))
            phones.append((OTHER, parts["value"]))
            if label is not None:
                labels[parts["value"]] = label
    if not phones:
        return None
    phones.sort()
    full = _first(position, ["label", *_FULL_NAME] if team else _FULL_NAME)
    name_parts = tuple(
        i for i in (_first(position, names) for names in (_FIRST, _MIDDLE, _LAST)) if i is not None
    )
    return Mapping(
        phones=tuple(index for _rank, index in phones),
        full_name=full,
        name_parts=name_parts,
        company=None if team else _first(position, _COMPANY),
        notes=None if team else _first(position, _NOTES),
        enabled=_first(position, _ENABLED) if team else None,
        phone_labels=labels,
        ranks={index: rank for rank, index in phones},
    )


def _first(position: dict[str, int], names: list[str]) -> int | None:
    return next((position[name] for name in names if name in position), None)


def phone_order(mapping: Mapping, cells: Sequence[str]) -> list[int]:
    """The phone columns of one row in the order to try them (Google's labels rank per row)."""
    if not mapping.phone_labels:
        return list(mapping.phones)
    ranked = []
    for order, index in enumerate(mapping.phones):
        rank = mapping.ranks.get(index, OTHER)
        label = mapping.phone_labels.get(index)
        if label is not None:
            text = cells[label] if label < len(cells) else ""
            rank = label_rank(text) if text.strip() else OTHER
            if rank is None:
                continue  # a fax or pager number: never called
        ranked.append((rank, order, index))
    return [index for _rank, _order, index in sorted(ranked)]


# ---- a file's header, rows and footer -----------------------------------------------------


class Preview(NamedTuple):
    """The first rows of a file, for a person to pick its columns: header, rows, key."""

    header: list[str]
    rows: list[list[str]]
    encoding: str
    key: str
    line: int  # the header's line
    mapping: Mapping | None  # what recognise() makes of the header


@dataclass
class Table:
    """A file's rows once its header, mapping, footer and blank lines are known; ``error``
    says why there are none (an empty file, no phone column)."""

    encoding: str
    header: list[str] = field(default_factory=list)
    mapping: Mapping | None = None
    rows: list[Record] = field(default_factory=list)
    error: str | None = None
    footer: int = 0
    blank: int = 0
    line: int = 0


def read_table(
    source: str | bytes | os.PathLike[str], mapping: Mapping | None, team: bool
) -> Table:
    """The header (the first line, or the first recognised among the first few), its mapping
    (``mapping`` if given, else recognise()), and the data rows without a report's footer."""
    text, encoding = load(source)
    table = Table(encoding)
    found = [r for r in records(text)]
    filled = [i for i, r in enumerate(found) if not r.blank]
    if not filled:
        table.error = "the file is empty; its first line must name the columns"
        return table
    start = filled[0] if mapping is not None else _header_at(found, filled, team)
    header = found[start]
    if header.cells is None:
        table.error = f"line {header.line}: the header cannot be read ({header.error})"
        return table
    if mapping is None:
        mapping = recognise(header.cells, team=team)
    table.header = [unescape_cell(c.strip()).strip() for c in header.cells or []]
    table.line = header.line
    if mapping is None:
        shown = ", ".join(repr(c) for c in table.header[:8])
        table.error = (
            f"line {header.line}: no column holds phone numbers (found {shown}); name one "
            "Phone, Mobile or Number"
        )
        return table
    table.mapping = mapping
    rows = found[start + 1 :]
    end = _footer_start(rows, mapping)
    table.footer = sum(1 for r in rows[end:] if not r.blank)
    table.blank = sum(1 for r in rows if r.blank)
    table.rows = [r for r in rows[:end] if not r.blank]
    return table


def _header_at(found: list[Record], filled: list[int], team: bool) -> int:
    """The header's index: the first line, or the first recognised one among the first few
    (a title or a tool's notes may come first, as in Pipedrive's template)."""
    for index in filled[:_HEADER_SEARCH]:
        cells = found[index].cells
        if cells is not None and recognise(cells, team=team) is not None:
            return index
    return filled[0]


def _footer_start(rows: list[Record], mapping: Mapping) -> int:
    """Where a report's footer begins: trailing one-cell rows with no number, after a blank
    line or each worded as a footer ("Grand Totals", "Copyright"); len(rows) if none."""
    end = len(rows)
    while end > 0 and (rows[end - 1].blank or _footer_like(rows[end - 1], mapping)):
        end -= 1
    block = rows[end:]
    blank = next((i for i, r in enumerate(block) if r.blank), None)
    if blank is not None:
        return end + blank  # rows between the data and the first blank line are data
    if all(_FOOTER.search(" ".join(r.cells or [])) for r in block):
        return end
    return len(rows)


def _footer_like(row: Record, mapping: Mapping) -> bool:
    cells = row.cells or []
    if sum(1 for c in cells if c.strip()) != 1:
        return False
    return not any(i < len(cells) and cells[i].strip() for i in mapping.phones)


def preview(
    source: str | bytes | os.PathLike[str], rows: int = 5, *, team: bool = False
) -> Preview:
    """The header and first rows of a file, for choosing its columns; OSError if unreadable."""
    text, encoding = load(source)
    # The header and the rows shown are near the top: the rest of a big file is not parsed.
    found = list(itertools.islice(records(text), _HEADER_SEARCH + rows + 20))
    filled = [i for i, r in enumerate(found) if not r.blank and r.cells is not None]
    if not filled:
        return Preview([], [], encoding, header_key([]), 0, None)
    start = _header_at(found, filled, team)
    header = [unescape_cell(c.strip()).strip() for c in found[start].cells or []]
    body = [list(found[i].cells or []) for i in filled if i > start][:rows]
    return Preview(
        header, body, encoding, header_key(header), found[start].line, recognise(header, team=team)
    )
