"""`main.py history wrap-up`: a call's disposition, notes and call-back from a script or a CRM.

    main.py history wrap-up CALL --disposition NAME [--notes TEXT] [--callback ISO] [--json]

CALL is the history id or the sid. Exit codes: 0 saved; 2 bad input and nothing changed (no
such call, a disposition not in the list: the known ones are listed, a call-back time that
is not one or that goes with another disposition); 4 a local problem (console.problems).
"""

from __future__ import annotations

import argparse
import json
import sys

from console.store.dispositions import UnknownDisposition

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
        "changed (no such call, an unknown disposition, a bad call-back time), 4 a local "
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
    wrap.add_argument("--notes", default="", metavar="TEXT", help="the agent's notes")
    wrap.add_argument(
        "--callback",
        metavar="ISO",
        help="with the call-back disposition: when, e.g. 2026-12-01T14:30 (local time) "
        "or with an offset",
    )
    wrap.add_argument("--json", action="store_true", help="print the call as one JSON object")


def handles(args: argparse.Namespace) -> bool:
    return getattr(args, "history_action", None) == ACTION


def record_fields(record: object) -> dict[str, object]:
    """The wrap-up fields of a CallRecord, as `history --json` and this command print them."""
    return {
        key: getattr(record, key) for key in ("disposition", "notes", "wrapped_at", "callback_at")
    }


def run(args: argparse.Namespace) -> int:
    import sqlite3

    from console import paths
    from console.store import Store
    from console.store.damage import store_problem

    store = Store.open(paths.store_path())
    try:
        call = store.find_call(args.call)
        if call is None:
            return _fail(f"no call with the history id or sid {args.call!r}")
        try:
            done = store.wrap_up(call.id, args.disposition, args.notes, args.callback)
        except (UnknownDisposition, ValueError) as exc:
            return _fail(str(exc))
        marked = store.do_not_call_lead(done.lead_number)
    except sqlite3.DatabaseError as exc:  # damage past what opening reads
        raise store_problem(exc, store.path) from exc
    finally:
        store.close()
    if args.json:
        payload = {"id": done.id, "sid": done.sid, **record_fields(done)}
        payload["do_not_call"] = marked is not None
        print(json.dumps(payload))
        return EXIT_OK
    what = done.disposition or "no disposition"
    print(f"Call {done.id} ({done.lead_name or done.lead_number}): {what}.")
    if done.callback_at:
        print(f"Call back at {done.callback_at}.")
    if marked is not None:
        print(f"{marked.name or marked.number} is marked \u201cDo not call\u201d.")
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"history wrap-up: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
