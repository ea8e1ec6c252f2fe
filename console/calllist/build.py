"""The leads of a new call list: from lead ids, a leads search or a CSV file (its leads
saved or found, in the file's order), and why a file makes no list. console.calllist.worklist
makes the list of them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from console.calllist.parts import CallListStore
from console.store.calllist_rows import Entry

if TYPE_CHECKING:
    from console.csvio import ImportReport
    from console.csvlayout import Mapping


def saved_entries(store: CallListStore, lead_ids: Iterable[int]) -> list[Entry]:
    """The entries of these saved leads, in this order: repeats and unknown ids dropped.
    One read of the leads, whatever their count (a list of all leads: thousands, on the
    window's thread)."""
    ordered = list(dict.fromkeys(lead_ids))  # repeats dropped, the first place kept
    leads = store.get_leads(ordered)
    return [
        Entry(lead_id, lead.name, lead.number)
        for lead_id in ordered
        if (lead := leads.get(lead_id)) is not None
    ]


def search_ids(store: CallListStore, text: str, limit: int) -> tuple[list[int], str, str]:
    """The ids of the leads the leads search finds for ``text`` (all leads for ""), in the
    order the leads table shows them by default (by name), with the list's source and why
    it is empty, in words (``CallList.from_lead_ids``' ``source`` and ``empty``)."""
    from console.words import count  # as no_leads_in: only when a list is made

    leads = store.search_leads(text, limit)
    ids = [lead.id for lead in leads if lead.id is not None]
    words = f"search \u201c{text.strip()}\u201d" if text.strip() else "all leads"
    empty = f"The {words} finds no leads" if text.strip() else "There are no leads yet"
    return ids, f"{count(len(ids), 'lead')} from {words}", empty


class FileLeads(NamedTuple):
    """A CSV file's leads read for a new list (read_leads)."""

    report: ImportReport  # the leads importer's: its leads, bad rows, notices
    ids: list[int]  # the leads' ids in the file's order
    source: str  # the list's source in words: "12 leads from today.csv"
    added: int  # how many of them were new, saved as leads by the read


def read_leads(
    store: CallListStore,
    path: str | os.PathLike[str],
    mapping: Mapping | None = None,
    progress: Callable[[int], None] | None = None,
) -> FileLeads:
    """Read a CSV file's leads for a new list (FileLeads: the report, the lead ids in the
    file's order, the list's source in words, how many were new). Blocking: run it off the
    UI thread, then give the ids to ``CallList.from_lead_ids`` (``CallList.from_file`` does
    both).

    The leads importer reads it (console.csvio.import_leads: its layouts, or ``mapping``).
    Rows whose number is not a lead yet are saved as leads in ``store``; a row whose number
    already is one lists that lead (said in the report's notices). Bad rows are in the
    report's problems, each by its line. OSError when it cannot be read
    (console.problems.file_unreadable says why).
    """
    from console.csvio import import_leads_into  # the CSV reader: only when a file is read
    from console.words import count

    # A path, never text: the importer reads a str as the CSV's own text.
    report, added = import_leads_into(store, Path(path), mapping, progress, keep_known=True)
    # The file's numbers are unique (the importer skips a repeat): one lookup of them.
    found = store.lead_ids([lead.number for lead in report.leads])
    ids = [found[lead.number] for lead in report.leads if lead.number in found]
    name = os.path.basename(os.fspath(path))
    return FileLeads(report, ids, f"{count(len(ids), 'lead')} from {name}", added)


def no_leads_in(path: str | os.PathLike[str], report: ImportReport | None = None) -> str:
    """Why a file makes no list, in words (for ``CallList.from_lead_ids``'s ``empty``), with
    the importer's reason from ``report`` (read_leads'): a missing column, or how many rows
    were bad and the first of them by its line."""
    from console.words import count

    said = f"{os.path.basename(os.fspath(path))} has no leads to call"
    if report is None or report.leads:  # leads read, none of them saved any more
        return said
    if report.mapping is None and report.problems:  # the header: no phone column, empty file
        return f"{said}: {report.problems[0]}"
    if report.problems:
        first = "the first, " if len(report.problems) > 1 else ""
        bad = count(len(report.problems), "row")
        return f"{said}: {bad} could not be read as leads ({first}{report.problems[0]})"
    return f"{said}: it has no rows under its header"
