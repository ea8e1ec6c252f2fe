"""The command line: the same engine as the window, for scripts, CRMs and tests.

Imports no Qt, so `--help` answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from console import APP_NAME, __version__, lists_cli, team_cli, wrapup_cli
from console.calls.outcome import CallError, InvalidRequest, Status
from console.calls.params import BY_NAME, OPTION_NAMES, Kind
from console.credentials import Credentials, Vault
from console.logs import setup_logging
from console.masking import SECRETS, mask_output
from console.problems import EXIT_LOCAL, LocalProblem

if TYPE_CHECKING:
    from console.store import Store
    from console.store.journal import Unsaved

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # as a shell reports a program ended by SIGPIPE (128 + 13)
EXIT_FOR = {
    Status.SUCCESS: EXIT_OK,
    Status.FAILED: EXIT_FAILED,
    Status.INVALID: EXIT_INVALID,
    Status.NETWORK: EXIT_UNKNOWN,
    Status.UNKNOWN: EXIT_UNKNOWN,
    Status.CANCELLED: EXIT_UNKNOWN,
}


def _time_scale(text: str) -> float:
    from console.settings import SANDBOX_TIME_SCALE, validate

    try:
        return validate(SANDBOX_TIME_SCALE, float(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace(f"{SANDBOX_TIME_SCALE} ", "")) from exc


def _option_flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="findme-console",
        description=f"{APP_NAME}: Click-to-FindMe List calls from the command line. "
        "Run without a command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    call = sub.add_parser(
        "call",
        help="place one call",
        description="Place one call and print the result and its sid. Exit codes: 0 success, "
        "1 the service answered failed, 2 invalid request or a lead marked “Do not call” "
        "(nothing sent), "
        "3 network failure or outcome unknown, 4 a local problem: the store, the settings or "
        "the keyring (nothing sent).",
    )
    team = call.add_mutually_exclusive_group(required=True)
    team.add_argument("--list", help="team numbers separated by , or |")
    team.add_argument("--team", help="a saved team list, by name")
    call.add_argument("--phone-to-call", required=True, help="the lead's number")
    call.add_argument("--lead-name", default="", help="the lead's name, for the history")
    call.add_argument(
        "--override-do-not-call",
        action="store_true",
        help="call even though the number's lead is marked “Do not call” (the refusal "
        "says why it is marked)",
    )
    for name in OPTION_NAMES:
        param = BY_NAME[name]
        choices = ", ".join(f"{k}={v}" for k, v in param.choices.items())
        call.add_argument(
            _option_flag(name),
            dest=name,
            metavar="N" if param.kind in (Kind.INT, Kind.CHOICE, Kind.ID) else "VALUE",
            help=f"{param.help} {choices}".strip(),
        )
    call.add_argument("--api-url", help='API URL, or "sandbox" for the embedded simulator')
    call.add_argument("--json", action="store_true", help="print one JSON object")

    history = sub.add_parser("history", help="list the call history, newest first")
    history.add_argument("--limit", type=int, default=20, help="rows to show (default 20)")
    history.add_argument("--json", action="store_true", help="print a JSON array")
    history.add_argument(
        "--disposition", metavar="NAME", help='only calls wrapped up so ("" for none)'
    )
    history.add_argument("--agent", help="only the calls of this agent (team mode)")
    lists_cli.register(sub, history)  # leads, teams, history export

    sandbox = sub.add_parser(
        "sandbox",
        help="run the simulated service on its own",
        description="Run the simulated service until Ctrl+C. Exit codes: 0 stopped, "
        "4 it cannot listen on that address (the port is in use, say).",
    )
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8089)
    sandbox.add_argument(
        "--time-scale", type=_time_scale, default=1.0, help="0.01 = 100x faster (0 to 100)"
    )

    account = sub.add_parser("account", help="show or set the account (never shows secrets)")
    acc = account.add_subparsers(dest="account_command", metavar="ACTION")
    setter = acc.add_parser("set", help="switch to the sandbox, store credentials, trust a cert")
    mode = setter.add_mutually_exclusive_group()
    mode.add_argument("--sandbox", action="store_true", help="use the embedded sandbox")
    mode.add_argument("--key-stdin", action="store_true", help="read a public key from stdin")
    mode.add_argument(
        "--access-key-stdin",
        action="store_true",
        help="read the access key from stdin (its first line; the secret is the next line)",
    )
    mode.add_argument(
        "--access-key",
        metavar="AK",
        help="access key given here, where the process list shows it; prefer "
        "--access-key-stdin or FINDME_ACCESS_KEY. The secret is read with --secret-stdin",
    )
    setter.add_argument("--secret-stdin", action="store_true", help="read the secret from stdin")
    setter.add_argument("--api-url", help="API URL (https)")
    setter.add_argument("--label", help="a name for this account")
    trust = setter.add_mutually_exclusive_group()
    trust.add_argument(
        "--trust-cert",
        metavar="PATH",
        help="also trust this certificate (PEM), e.g. a staging server's self-signed one",
    )
    trust.add_argument(
        "--no-trust-cert", action="store_true", help="trust the usual authorities only"
    )
    acc.add_parser("forget", help="delete the stored credentials")
    team_cli.register(sub)  # team init, connect, status, disconnect
    wrapup_cli.register_dispositions(sub)
    return parser


def env_credentials() -> Credentials | None:
    """Credentials from FINDME_KEY, or FINDME_ACCESS_KEY with FINDME_SECRET_ACCESS_KEY."""
    key = os.environ.get("FINDME_KEY", "")
    access = os.environ.get("FINDME_ACCESS_KEY", "")
    secret = os.environ.get("FINDME_SECRET_ACCESS_KEY", "")
    if key or access or secret:
        return Credentials(access_key=access, secret_access_key=secret, key=key)
    return None


def _emit(as_json: bool, payload: dict[str, Any], text: str, *, err: bool = False) -> None:
    stream = sys.stderr if err and not as_json else sys.stdout
    print(json.dumps(payload) if as_json else text, file=stream)


def _report_unsaved(unsaved: Unsaved | None) -> dict[str, Any]:
    """Say on stderr that the history could not take the call's ending, and where it went;
    the --json fields that say the same (none when the history has it)."""
    if unsaved is None:
        return {}
    print(unsaved.sentence(), file=sys.stderr)
    kept_in = str(unsaved.kept_in) if unsaved.kept_in is not None else None
    return {"history_written": False, "kept_in": kept_in, "storage_problem": unsaved.sentence()}


async def _call(args: argparse.Namespace) -> int:
    from console.calls import CallPlan, DoNotCall
    from console.calls.request import warning_lines
    from console.engine import API_URL_ENV, start_engine

    try:
        engine = await start_engine(api_url=args.api_url)
    except ValueError as exc:  # a refused API URL; nothing was sent
        print(f"api-url: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        unknown = engine.settings.account_unknown()
        if unknown and not args.api_url and not os.environ.get(API_URL_ENV):
            # Never the sandbox in place of an account that could not be read.
            raise LocalProblem(
                unknown,
                where=engine.settings.path,
                hint="set the account again (`account set`, or `account set --sandbox`), "
                "or give --api-url",
                kind="settings",
            )
        if args.team:
            team = engine.store.get_team(args.team)
            if team is None:
                names = ", ".join(t.name for t in engine.store.list_teams()) or "none saved"
                print(f"team: no team list named {args.team!r} ({names})", file=sys.stderr)
                return EXIT_INVALID
            list_value, team_name = team.list_value, team.name
        else:
            list_value, team_name = args.list.replace(",", "|"), ""
        options = {n: getattr(args, n) for n in OPTION_NAMES if getattr(args, n) is not None}
        plan = CallPlan(
            args.phone_to_call,
            list_value,
            options,
            args.lead_name or _saved_lead_name(engine.store, args.phone_to_call),
            team_name,
            override_do_not_call=args.override_do_not_call,
        )
        credentials = env_credentials() or await engine.credentials() or Credentials()
        SECRETS.register(credentials.secrets())
        try:
            placed = await engine.calls.place(plan, credentials)
        except InvalidRequest as exc:
            for problem in exc.problems:
                print(f"invalid: {problem}", file=sys.stderr)
            _emit(
                args.json,
                {
                    "result": "invalid",
                    "result_description": exc.sentence(),
                    "sid": "",
                    "problems": exc.problems,
                },
                exc.sentence(),
                err=True,
            )
            return EXIT_INVALID
        except DoNotCall as exc:
            print(f"do not call: {exc}", file=sys.stderr)
            _emit(
                args.json,
                {
                    "result": "do_not_call",
                    "result_description": exc.sentence(),
                    "sid": "",
                    "do_not_call_reason": exc.lead.do_not_call_reason,
                    "hint": "add --override-do-not-call to call anyway",
                },
                "Add --override-do-not-call to call anyway.",
                err=True,
            )
            return EXIT_INVALID
        except CallError as exc:
            _emit(
                args.json,
                {
                    "result": str(exc.status),
                    "result_description": exc.sentence(),
                    "sid": "",
                    **_report_unsaved(exc.unsaved),
                },
                exc.sentence(),
                err=True,
            )
            return EXIT_FOR[exc.status]
        for line in warning_lines(placed.warnings, sandbox=engine.uses_sandbox):
            print(f"warning: {line}", file=sys.stderr)
        result = placed.result
        _emit(
            args.json,
            {
                "result": result.result,
                "result_description": result.description,
                "sid": result.sid,
                **_report_unsaved(placed.unsaved),
            },
            f"{result.result}: {result.description} (sid {result.sid or 'none'})",
        )
        # The call was placed: its own code, so that a script does not think a retry is safe.
        return EXIT_FOR[result.status]
    finally:
        await engine.close()


def _history(args: argparse.Namespace) -> int:
    import sqlite3

    from console import paths
    from console.store import Store
    from console.store.damage import store_problem

    # Team mode: the local copy is brought up to date first (one pass, bounded by the
    # server's connect timeout); offline, the copy is shown as it is, with a note.
    team_cli.sync_now(say="history")
    store = Store.open(paths.store_path())
    try:
        rows = store.fetch_calls(
            limit=max(0, args.limit), disposition=args.disposition, agent=args.agent
        )
    except sqlite3.DatabaseError as exc:  # damage past what opening reads
        raise store_problem(exc, store.path) from exc
    finally:
        store.close()
    if args.json:
        keys = (
            "id",
            "created_at",
            "finished_at",
            "lead_name",
            "lead_number",
            "team_name",
            "call_type",
            "status",
            "description",
            "sid",
            "uuid",
            "agent",
        )
        print(
            json.dumps(
                [{**{k: getattr(r, k) for k in keys}, **wrapup_cli.record_fields(r)} for r in rows],
                indent=1,
            )
        )
        return EXIT_OK
    for r in rows:
        who = f"{r.lead_name} {r.lead_number}".strip()
        wrapped = f"  [{r.disposition}]" if r.disposition else ""
        agent = f"  [{r.agent}]" if r.agent else ""
        print(
            f"{r.created_at}  {r.status:<11} {who:<32} {r.team_name or r.list_value:<24} "
            f"{r.sid or '-':<16}  {r.description}{wrapped}{agent}"
        )
    if not rows:
        print("No calls yet.")
    return EXIT_OK


async def _sandbox(args: argparse.Namespace) -> int:
    from console.sandbox import CannotListen, serve_forever

    try:
        await serve_forever(args.host, args.port, args.time_scale)
    except CannotListen as exc:
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = "; another program is using that port: choose another with --port"
        print(f"sandbox: {exc.strerror}{hint}.", file=sys.stderr)
        return EXIT_LOCAL
    return EXIT_OK


def _saved_lead_name(store: Store, phone: str) -> str:
    """The name of the saved lead with this number, for the history ('' if none)."""
    from console.phone import read_digits

    digits, _why = read_digits(phone)
    lead = store.lead_with_number(digits) if digits else None
    return lead.name if lead is not None else ""


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (EXIT_LOCAL with one sentence for a local problem)."""
    # Everything printed (results, --json, errors, a bug's traceback) may quote a request or a
    # reply, and stdout and stderr are often captured to files: both are masked.
    mask_output()
    if credentials := env_credentials():
        SECRETS.register(credentials.secrets())
    args = build_parser().parse_args(argv)
    setup_logging()
    try:
        code = _run(args)
        sys.stdout.flush()  # a reader gone is met here, not in a traceback at exit
        return code
    except BrokenPipeError:
        # The reader went away (`| head`): no traceback. What was done is done (a call placed
        # is in the history); the rest of the output goes nowhere, as Python's docs advise
        # (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except LocalProblem as problem:
        # For a call, the exit code's promise in words too.
        text = problem.nothing_sent() if args.command == "call" else problem.sentence()
        print(SECRETS.mask(text), file=sys.stderr)
        if getattr(args, "json", False):
            payload = problem.as_json()
            payload["result_description"] = SECRETS.mask(text)
            print(json.dumps(payload))
        # 4, or 3 for a team server that cannot be reached (a network failure).
        return problem.exit_code


def _run(args: argparse.Namespace) -> int:
    if args.command == "call":
        # Team mode: the lists and the team's do-not-call numbers as the team has them now,
        # when it can be reached (offline: this desktop's copy, said once).
        team_cli.sync_now(say="call")
        try:
            code = asyncio.run(_call(args))
        except KeyboardInterrupt:
            print(
                "Cancelled here; if the request had been sent, the call may still go ahead.",
                file=sys.stderr,
            )
            return EXIT_UNKNOWN
        # Team mode: the call is in this desktop's history already; now it goes to the team.
        team_cli.sync_now(say="call")
        return code
    if wrapup_cli.handles(args):
        return wrapup_cli.run(args)
    if lists_cli.handles(args):
        return lists_cli.run(args)
    if team_cli.handles(args):
        return team_cli.run(args, Vault())
    if args.command == "history":
        return _history(args)
    if args.command == "sandbox":
        try:
            return asyncio.run(_sandbox(args))
        except KeyboardInterrupt:
            return EXIT_OK
    if args.command == "account":
        from console.account_cli import run_account

        return run_account(args, Vault())
    build_parser().print_help()
    return EXIT_OK
