"""`main.py history wrap-up`: a call's disposition, notes and call-back from a script or a CRM.

    main.py history wrap-up CALL --disposition NAME [--notes TEXT] [--callback ISO] [--json]
    main.py dispositions list [--json]
    main.py dispositions add NAME [--kind do_not_call|call_back] [--position N]
    main.py dispositions rename NAME NEW
    main.py dispositions remove NAME

CALL is the history id or the sid; --notes and --callback left out keep what the call has.
Exit codes: 0 saved; 2 bad input and nothing changed (no
such call, a disposition not in the list: the known ones are listed, the call-back
disposition without --callback (and no time kept), a call-back time that is not one, is in the
past or goes with another disposition); 4 a local problem (console.problems).
`dispositions` edits the list the window's wrap-up offers: 0 done, 2 nothing changed (a name
taken or unknown, a meaning another one has, a --position outside the list (counted from 1),
an agent's edit in team mode).
In team mode both run one sync pass before (the team's list) and after (the change goes to the
team server; offline it waits, said in one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from console.phone import format_display, lead_label
from console.store.dispositions import (
    CALL_BACK,
    DO_NOT_CALL,
    NoCallBackTime,
    PastCallBack,
    UnknownDisposition,
    future_callback,
)

if TYPE_CHECKING:
    from console.store.models import Disposition

EXIT_OK, EXIT_BAD_INPUT = 0, 2
ACTION = "wrap-up"


def register(history_actions: argparse._SubParsersAction) -> None:
    """Add `wrap-up` to the `history` command's actions."""
    wrap = history_actions.add_parser(
        ACTION,
        help="set a call's disposition and notes (a CRM script's wrap-up)",
        description="Set or change a call's wrap-up, as the window's wrap-up strip does. "
        "A \u201cDo not call\u201d disposition marks the lead so it is not called again "
        "without --override-do-not-call. Exit codes: 0 saved, 2 bad input and nothing "
        "changed (no such call, an unknown disposition, the call-back one without "
        "--callback, a bad call-back time or one in the past), 4 a local "
        "problem (the store).",
    )
    wrap.add_argument("call", metavar="CALL", help="the call's history id or its sid")
    wrap.add_argument(
        "--disposition",
        required=True,
        metavar="NAME",
        help='one of the team\'s dispositions, e.g. "Left voicemail" (case ignored); '
        '"" for notes only',
    )
    wrap.add_argument(
        "--notes",
        metavar="TEXT",
        help="the agent's notes (left out: the call's notes are kept; \"\" clears them)",
    )
    wrap.add_argument(
        "--callback",
        metavar="ISO",
        help="with the call-back disposition: when, later than now, e.g. 2026-12-01T14:30 "
        "(local time) or with an offset (left out: a call-back time the call has is kept)",
    )
    wrap.add_argument("--json", action="store_true", help="print the call as one JSON object")


def register_dispositions(sub: argparse._SubParsersAction) -> None:
    """Add the `dispositions` command (the team's list for wrap-ups)."""
    command = sub.add_parser(
        "dispositions",
        help="list or edit the dispositions a wrap-up offers",
        description="The list the wrap-up offers, in order. Exit codes: 0 done, 2 nothing "
        "changed (a name taken or unknown, a meaning another disposition has), 4 a local "
        "problem.",
    )
    actions = command.add_subparsers(dest="dispositions_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the dispositions in order")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    add = actions.add_parser("add", help="add a disposition")
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--kind",
        choices=(DO_NOT_CALL, CALL_BACK),
        help="what it means: the lead is not called again, or a date and time to call back",
    )
    add.add_argument(
        "--position",
        type=int,
        metavar="N",
        help="its place in the list, counted from 1 as `dispositions list` numbers them; the "
        "ones from there on move down (default: last)",
    )
    rename = actions.add_parser("rename", help="rename one (calls keep the name they got)")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new", metavar="NEW")
    remove = actions.add_parser("remove", help="take one off the list (calls keep its name)")
    remove.add_argument("name", metavar="NAME")


def handles(args: argparse.Namespace) -> bool:
    return getattr(args, "history_action", None) == ACTION or args.command == "dispositions"


def record_fields(record: object) -> dict[str, object]:
    """The wrap-up fields of a CallRecord, as `history --json` and this command print them."""
    return {
        key: getattr(record, key) for key in ("disposition", "notes", "wrapped_at", "callback_at")
    }


def run(args: argparse.Namespace) -> int:
    if args.command == "dispositions":
        return _dispositions(args)
    import sqlite3

    from console import paths, team_cli
    from console.store import Store
    from console.store.damage import store_problem

    # Team mode: the team's dispositions as they are now; after, the wrap-up goes to the team.
    team_cli.sync_now(say="history wrap-up")
    store = Store.open(paths.store_path())
    try:
        call = store.find_call(args.call)
        if call is None:
            return _fail(f"no call with the history id or sid {args.call!r}")
        # Left out, the notes and the call-back time stay as they were: a script correcting
        # the disposition must not wipe what the agent wrote.
        notes = call.notes if args.notes is None else args.notes
        callback = args.callback
        kinds = store.list_dispositions()
        if callback is None and call.callback_at and _kind(kinds, args.disposition) == CALL_BACK:
            callback = call.callback_at
        elif callback is not None and _kind(kinds, args.disposition) == CALL_BACK:
            try:
                future_callback(callback, kept=call.callback_at)
            except PastCallBack as exc:
                return _fail(f"--callback {exc}")
            except ValueError as exc:  # not a time at all
                return _fail(str(exc))
        try:
            done = store.wrap_up(call.id, args.disposition, notes, callback)
        except NoCallBackTime as exc:  # the window's strip always asks for the time
            example = "--callback 2026-12-01T14:30 (later than now)"
            return _fail(f"{exc}: add --callback, e.g. {example}")
        except (UnknownDisposition, ValueError) as exc:
            return _fail(str(exc))
        marked = store.do_not_call_lead(done.lead_number)
    except sqlite3.DatabaseError as exc:  # damage past what opening reads
        raise store_problem(exc, store.path) from exc
    finally:
        store.close()
    team_cli.sync_now(say="history wrap-up")
    if marked is None and done.disposition and _kind(kinds, done.disposition) == DO_NOT_CALL:
        # Only a saved lead carries the mark that `call` and the window check.
        print(
            f"history wrap-up: {format_display(done.lead_number)} is not a saved lead, so"
            " nothing stops a later call to it; add it as a lead (leads import) and wrap up"
            " again to mark it.",
            file=sys.stderr,
        )
    if args.json:
        payload = {"id": done.id, "sid": done.sid, **record_fields(done)}
        payload["do_not_call"] = marked is not None
        print(json.dumps(payload))
        return EXIT_OK
    what = done.disposition or "no disposition"
    print(f"Call {done.id} ({lead_label(done.lead_name, done.lead_number)}): {what}.")
    if done.callback_at:
        print(f"Call back at {done.callback_at}.")
    if marked is not None:
        print(f"{lead_label(marked.name, marked.number)} is marked \u201cDo not call\u201d.")
    return EXIT_OK


def _kind(dispositions: list[Disposition], name: str) -> str:
    """The kind of the disposition called ``name`` ("" when it has none or is unknown)."""
    from console.store.dispositions import find_disposition

    try:
        return find_disposition(dispositions, name).kind
    except UnknownDisposition:
        return ""


def _dispositions(args: argparse.Namespace) -> int:
    import sqlite3

    from console import paths, team_cli
    from console.store import Store
    from console.store.damage import store_problem
    from console.store.dispositions import (
        edit_refusal,
        find_disposition,
        next_position,
    )
    from console.store.models import Disposition

    action = args.dispositions_action
    team_cli.sync_now(say="dispositions")  # team mode: the team's list as it is now
    with Store.open(paths.store_path()) as store:
        try:
            known = store.list_dispositions()
            if action != "list" and (refusal := edit_refusal(store.team_state())):
                return _fail(refusal, "dispositions")
            if action == "list":
                if args.json:
                    fields = ("name", "position", "kind")
                    print(json.dumps([{k: getattr(d, k) for k in fields} for d in known]))
                else:
                    for index, d in enumerate(known, 1):
                        meaning = f"  ({d.kind.replace('_', ' ')})" if d.kind else ""
                        print(f"{index}. {d.name}{meaning}")
                return EXIT_OK
            if action == "add":
                new = Disposition(None, args.name, next_position(known), args.kind or "")
                if args.position is None:
                    added = store.save_disposition(new)
                else:
                    try:  # added and the others renumbered in one transaction
                        added = store.place_disposition(new, args.position)
                    except IndexError:
                        return _fail(
                            f"--position {args.position} is not a place in the list: give 1 "
                            f"to {len(known) + 1} (1 is first, as `dispositions list` "
                            "numbers them)",
                            "dispositions",
                        )
                print(f"Added {added.name!r}.")
            elif action == "rename":
                found = find_disposition(known, args.name)
                store.save_disposition(found._replace(name=args.new))
                print(f"Renamed {found.name!r} to {args.new.strip()!r}.")
            else:
                found = find_disposition(known, args.name)
                store.delete_disposition(found.id)
                print(f"Removed {found.name!r}; calls wrapped up with it keep the name.")
        except ValueError as exc:  # UnknownDisposition too
            return _fail(str(exc), "dispositions")
        except sqlite3.DatabaseError as exc:  # locked past the wait, or damaged: exit 4
            raise store_problem(exc, store.path) from exc
    if action != "list":
        team_cli.sync_now(say="dispositions")  # team mode: the edit goes to the team now
    return EXIT_OK


def _fail(message: str, command: str = "history wrap-up") -> int:
    print(f"{command}: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
