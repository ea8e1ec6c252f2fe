"""The command line for the lists: leads and team lists in and out, and the history exported.

The same engine and store as the window (console.csvio, console.store), no Qt. Every
listing takes --json. Exit codes: 0 done (rows may have been skipped: the summary lists
them), 2 bad input and nothing changed (a file that cannot be read or has no phone column,
a team list name taken or missing, an agent editing a team list on a team server).
With a team server (console.team_cli) the `teams` commands use its lists: 3 when it cannot
be reached, 4 when it refused the login (TeamServerProblem.exit_code).

    main.py leads import FILE [--json]
    main.py leads list [--search TEXT] [--json]
    main.py leads export FILE
    main.py teams import FILE --name NAME [--add | --replace] [--json]
    main.py teams list [--json]
    main.py teams show NAME [--json]
    main.py teams export NAME FILE
    main.py teams watch [--json]     (the team server's lists, or this desktop's)
    main.py history export FILE [--search TEXT] [--status STATUS] [--disposition NAME]
    main.py history wrap-up CALL --disposition NAME ...  (console.wrapup_cli)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console import wrapup_cli
from console.store.base import NotALead
from console.store.models import CALL_STATUSES
from console.words import count

EXIT_OK, EXIT_BAD_INPUT = 0, 2
COMMANDS = ("leads", "teams")


def register(sub: argparse._SubParsersAction, history: argparse.ArgumentParser) -> None:
    """Add the leads and teams commands to the top-level parser, and `history export`."""
    leads = sub.add_parser("leads", help="import, list and export leads")
    actions = leads.add_subparsers(dest="lists_action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="add the leads of a CSV file (Google, Outlook, HubSpot, Salesforce, ...)",
        description="Add the leads of a CSV file; numbers already among the leads are "
        "skipped. Prints what was imported, each skipped row with its line and reason, and "
        "the columns used. Exit 0 when the file was read, 2 when it could not be.",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    listing = actions.add_parser("list", help="list the leads, by name")
    listing.add_argument("--search", default="", help="part of a name, company or number")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    export = actions.add_parser("export", help="write every lead to a CSV file")
    export.add_argument("file", metavar="FILE")

    teams = sub.add_parser("teams", help="import, list, show and export team lists")
    actions = teams.add_subparsers(dest="lists_action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="make a team list from a CSV roster, or add to or replace one",
        description="Read a roster (label or first and last name, and a phone column). "
        "Without --add or --replace a new list is made (exit 2 if the name is taken); "
        "--add appends the numbers the list lacks, --replace replaces its members (either "
        "makes the list if there is none).",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--name", required=True, help="the team list's name")
    mode = imp.add_mutually_exclusive_group()
    mode.add_argument("--add", action="store_const", dest="mode", const="add")
    mode.add_argument("--replace", action="store_const", dest="mode", const="replace")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    listing = actions.add_parser("list", help="list the team lists")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    show = actions.add_parser("show", help="show one team list's members in order")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    watch = actions.add_parser(
        "watch",
        help="print one JSON line per change of the team lists (on the team server when "
        "connected, else in this desktop's store, made by another process), until Ctrl+C",
    )
    watch.add_argument("--json", action="store_true", help="one JSON object a line (default)")
    export = actions.add_parser("export", help="write a team list to a CSV file")
    export.add_argument("name", metavar="NAME")
    export.add_argument("file", metavar="FILE")

    history_actions = history.add_subparsers(dest="history_action", metavar="ACTION")
    export = history_actions.add_parser(
        "export",
        help="write the call history to a CSV file (the window's export)",
        description="Write every call (or those matching --search and --status) to a CSV "
        "file, as the window's Export does: credentials masked, formulas escaped.",
    )
    export.add_argument("file", metavar="FILE")
    export.add_argument("--search", default="", help="text the window's filter would match")
    export.add_argument("--status", choices=CALL_STATUSES, help="only calls with this status")
    export.add_argument(
        "--disposition", metavar="NAME", help='only calls wrapped up so ("" for none)'
    )
    wrapup_cli.register(history_actions)


def handles(args: argparse.Namespace) -> bool:
    """Whether ``args`` is one of this module's commands."""
    return args.command in COMMANDS or getattr(args, "history_action", None) == "export"


def run(args: argparse.Namespace) -> int:
    """Run a leads, teams or history export command; returns the exit code."""
    if getattr(args, "history_action", None) == "export":
        return _history_export(args)
    handler = {
        ("leads", "import"): _leads_import,
        ("leads", "list"): _leads_list,
        ("leads", "export"): _leads_export,
        ("teams", "import"): _teams_import,
        ("teams", "list"): _teams_list,
        ("teams", "show"): _teams_show,
        ("teams", "export"): _teams_export,
        ("teams", "watch"): _teams_watch,
    }[(args.command, args.lists_action)]
    return handler(args)


@contextmanager
def _store(shared: bool = False) -> Iterator[Any]:
    """The desktop's store; with ``shared``, the team server's when this desktop has one
    (team lists are the team's: console.team_cli)."""
    from console import paths
    from console.store import Store

    store = None
    if shared:
        from console.team_cli import open_team_store

        store = open_team_store()
    if store is None:
        store = Store.open(paths.store_path())
    try:
        yield store
    finally:
        store.close()


def _fail(command: str, text: str) -> int:
    print(f"{command}: {text}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _print_json(payload: object) -> None:
    print(json.dumps(payload, indent=1, ensure_ascii=False))


def _skipped(problems: list[str]) -> list[dict[str, Any]]:
    rows = []
    for problem in problems:
        match = re.match(r"line (\d+): (.*)", problem, re.DOTALL)
        line, reason = (int(match.group(1)), match.group(2)) if match else (None, problem)
        rows.append({"line": line, "reason": reason})
    return rows


def _report_json(report: Any, file: str) -> dict[str, Any]:
    return {
        "file": file,
        "encoding": report.encoding,
        "skipped": _skipped(report.problems),
        "notes": report.notices,
        "columns": report.columns(),
        "ignored_columns": report.ignored(),
        "numbers_from": dict(Counter(report.sources)),
        "footer_lines": report.footer,
        "blank_lines": report.blank,
    }


def _print_report(report: Any, headline: str) -> None:
    print(headline)
    for line in report.summary():
        print(line)
    if report.problems:
        print(f"Skipped {count(len(report.problems), 'row')}:")
        for problem in report.problems:
            print("  " + problem)
    if report.notices:
        print("Kept, with a note:")
        for notice in report.notices:
            print("  " + notice)


def _unreadable(report: Any) -> bool:
    """Nothing could be read as a list: no header, no phone column."""
    return report.mapping is None


# ---- leads ---------------------------------------------------------------------------------


def _leads_import(args: argparse.Namespace) -> int:
    from console import paths
    from console.csvio import import_leads_into, preview
    from console.csvlayout import remembered
    from console.settings import Settings

    file = Path(args.file)  # a Path: a string naming no file would be read as CSV text
    try:
        shown = preview(file)
    except OSError as exc:
        return _fail("leads import", f"cannot read {args.file}: {exc.strerror or exc}")
    mapping = None
    if shown.mapping is None and shown.header:
        # Columns the person picked in the window for a file with this header.
        mapping = remembered(Settings(paths.settings_path()), shown.header)
    with _store() as store:
        report, added = import_leads_into(store, file, mapping)
    if args.json:
        payload = {"imported": added, **_report_json(report, args.file)}
        payload["leads"] = [
            {"line": line, "name": lead.name, "number": lead.number, "company": lead.company,
             "column": column}
            for lead, line, column in zip(report.leads, report.lines, report.sources, strict=True)
        ]  # fmt: skip
        _print_json(payload)
    elif _unreadable(report):
        # Nothing was read as leads: one sentence on stderr, no "Imported 0 leads" beside it.
        print(f"Nothing imported from {args.file}.")
        print(f"leads import: {report.problems[0]}", file=sys.stderr)
    else:
        _print_report(
            report, f"Imported {count(added, 'lead')} from {args.file} (read as {report.encoding})."
        )
    if _unreadable(report):
        return EXIT_BAD_INPUT
    return EXIT_OK


def _leads_list(args: argparse.Namespace) -> int:
    from console.phone import format_display
    from console.store.models import utc_now

    with _store() as store:
        leads = store.search_leads(args.search, limit=max(store.count_leads(), 1))
    now = utc_now()  # one moment for the whole listing
    if args.json:
        keys = (
            "id", "name", "number", "company", "notes", "last_result", "last_called_at",
            "do_not_call", "do_not_call_reason", "callback_at",
        )  # fmt: skip
        _print_json(
            [{**{k: getattr(lead, k) for k in keys}, "callback_due": lead.callback_due(now)}
             for lead in leads]
        )  # fmt: skip
        return EXIT_OK
    for lead in leads:
        last = lead.last_result or ""
        if lead.do_not_call:  # the mark `call` refuses on, said where a script or person reads
            last = f"{last}  do not call: {lead.do_not_call_reason}".strip()
        elif lead.callback_at:  # as the window's leads list: the mark first, then a call-back
            when = "due" if lead.callback_due(now) else f"at {lead.callback_at}"
            last = f"{last}  call back {when}".strip()
        print(f"{lead.name or '-':<28} {format_display(lead.number):<15} {lead.company:<24} {last}")
    if not leads:
        print("No leads match." if args.search.strip() else "No leads yet.")
    return EXIT_OK


def _leads_export(args: argparse.Namespace) -> int:
    from console.csvio import export_leads

    with _store() as store:
        leads = store.search_leads("", limit=max(store.count_leads(), 1))
    try:
        exported = export_leads(leads, args.file)
    except OSError as exc:
        return _fail("leads export", f"cannot write {args.file}: {exc.strerror or exc}")
    print(f"Exported {count(exported, 'lead')} to {args.file}.")
    return EXIT_OK


# ---- teams ---------------------------------------------------------------------------------


def _teams_import(args: argparse.Namespace) -> int:
    from console.csvio import import_team

    mode = args.mode or "new"
    try:
        result = import_team(Path(args.file))
    except OSError as exc:
        return _fail("teams import", f"cannot read {args.file}: {exc.strerror or exc}")
    if not result.members:
        # Nothing to add, and "replace" must not empty a list because a file was bad.
        _print_report(result, f"Nothing imported from {args.file}; {args.name!r} is unchanged.")
        return EXIT_BAD_INPUT
    with _store(shared=True) as store:
        try:
            done = store.import_members(args.name, result.members, mode)
        except ValueError as exc:
            hint = "; use --add or --replace" if mode == "new" else ""
            return _fail("teams import", f"{exc}{hint}")
        except NotALead as exc:  # an agent on a team server: the server refused
            return _fail("teams import", str(exc))
    if args.json:
        payload = {
            "team": done.team.name,
            "created": done.created,
            "mode": mode,
            "imported": done.added,
            "already_on_list": done.already,
            "members": len(done.team.members),
            **_report_json(result, args.file),
        }
        _print_json(payload)
        return EXIT_OK
    if done.created:
        headline = f"Made the team list {done.team.name!r} with {count(done.added, 'member')}"
    elif mode == "add":
        headline = f"Added {count(done.added, 'member')} to {done.team.name!r}"
        if done.already:
            were = "was" if len(done.already) == 1 else "were"
            headline += f"; {count(len(done.already), 'number')} {were} on it already"
    else:
        headline = f"Replaced the members of {done.team.name!r} with {done.added}"
    _print_report(result, f"{headline} (from {args.file}, read as {result.encoding}).")
    return EXIT_OK


def _team_json(team: Any) -> dict[str, Any]:
    return {
        "name": team.name,
        "list": team.list_value,
        "members": [
            {"label": m.label, "number": m.number, "enabled": m.enabled} for m in team.members
        ],
    }


def _teams_list(args: argparse.Namespace) -> int:
    with _store(shared=True) as store:
        teams = store.list_teams()
    if args.json:
        _print_json(
            [
                {"name": t.name, "members": len(t.members),
                 "enabled": sum(m.enabled for m in t.members), "list": t.list_value}
                for t in teams
            ]
        )  # fmt: skip
        return EXIT_OK
    for team in teams:
        enabled = sum(m.enabled for m in team.members)
        print(f"{team.name:<28} {enabled} of {len(team.members)} ring  {team.list_value}")
    if not teams:
        print("No team lists yet.")
    return EXIT_OK


def _team(store: Any, name: str, command: str) -> Any:
    team = store.get_team(name)
    if team is None:
        names = ", ".join(t.name for t in store.list_teams()) or "none saved"
        _fail(command, f"no team list named {name!r} ({names})")
    return team


def _teams_show(args: argparse.Namespace) -> int:
    from console.phone import format_display

    with _store(shared=True) as store:
        team = _team(store, args.name, "teams show")
    if team is None:
        return EXIT_BAD_INPUT
    if args.json:
        _print_json(_team_json(team))
        return EXIT_OK
    print(f"{team.name}: {team.list_value or 'no enabled numbers'}")
    for position, member in enumerate(team.members, start=1):
        state = "" if member.enabled else "  (disabled)"
        print(f"{position:>3}. {member.label or '-':<28} {format_display(member.number)}{state}")
    return EXIT_OK


def _teams_export(args: argparse.Namespace) -> int:
    from console.csvio import export_team

    with _store(shared=True) as store:
        team = _team(store, args.name, "teams export")
    if team is None:
        return EXIT_BAD_INPUT
    try:
        exported = export_team(team, args.file)
    except OSError as exc:
        return _fail("teams export", f"cannot write {args.file}: {exc.strerror or exc}")
    print(f"Exported {count(exported, 'member')} of {team.name!r} to {args.file}.")
    return EXIT_OK


# ---- history -------------------------------------------------------------------------------


def _teams_watch(args: argparse.Namespace) -> int:
    from console.team_cli import watch_lists

    return watch_lists()


def _history_export(args: argparse.Namespace) -> int:
    from console.csvio import export_calls

    with _store() as store:
        try:
            exported = export_calls(store, args.file, args.search, args.status, args.disposition)
        except OSError as exc:
            return _fail("history export", f"cannot write {args.file}: {exc.strerror or exc}")
    print(f"Exported {count(exported, 'call')} to {args.file}.")
    return EXIT_OK
