"""Wrap-up from the command line (subprocess, real store, the embedded sandbox over loopback):
`history wrap-up`, `history --json`, the export, and `call` refusing a do-not-call lead."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from console import paths
from console.store import Lead, Store

LIST = "5559998888"
LEAD = "5551112222"


@pytest.fixture(autouse=True)
def fast_sandbox(home: Path) -> None:
    settings = {"version": 1, "values": {"sandbox.time_scale": 0.01}}
    (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def _call(run_cli: Any, *extra: str) -> Any:
    return run_cli(
        "call", "--list", LIST, "--phone-to-call", LEAD, "--lead-name", "Ann", "--json", *extra
    )


def _history(run_cli: Any) -> list[dict[str, Any]]:
    done = run_cli("history", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_wrap_up_by_id_and_by_sid_shows_in_history_json_and_the_export(
    run_cli: Any, home: Path, tmp_path: Path
) -> None:
    placed = _call(run_cli)
    assert placed.returncode == 0, placed.stderr
    sid = json.loads(placed.stdout)["sid"]
    call_id = _history(run_cli)[0]["id"]
    assert _history(run_cli)[0]["disposition"] == ""

    done = run_cli("history", "wrap-up", str(call_id), "--disposition", "left voicemail")
    assert done.returncode == 0, done.stderr
    assert "Left voicemail" in done.stdout
    done = run_cli(
        "history", "wrap-up", sid, "--disposition", "Interested", "--notes", "wants a demo"
    )
    assert done.returncode == 0, done.stderr
    row = _history(run_cli)[0]
    assert (row["disposition"], row["notes"]) == ("Interested", "wants a demo")
    assert row["wrapped_at"].endswith("Z")
    filtered = run_cli("history", "--json", "--disposition", "interested")
    assert len(json.loads(filtered.stdout)) == 1
    assert json.loads(run_cli("history", "--json", "--disposition", "No answer").stdout) == []

    out = tmp_path / "calls.csv"
    exported = run_cli("history", "export", str(out))
    assert exported.returncode == 0, exported.stderr
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert (rows[0]["disposition"], rows[0]["notes"]) == ("Interested", "wants a demo")


def test_bad_wrap_ups_say_why_exit_2_and_change_nothing(run_cli: Any) -> None:
    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    unknown = run_cli("history", "wrap-up", call_id, "--disposition", "Sold")
    assert unknown.returncode == 2
    assert "no disposition named 'Sold'" in unknown.stderr
    assert "Connected, Left voicemail, No answer" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    missing = run_cli("history", "wrap-up", "nosuchsid", "--disposition", "Connected")
    assert missing.returncode == 2 and "no call with the history id or sid" in missing.stderr
    bad_time = run_cli(
        "history", "wrap-up", call_id, "--disposition", "Call back", "--callback", "soon"
    )
    assert bad_time.returncode == 2 and "not a date and time" in bad_time.stderr
    assert _history(run_cli)[0]["disposition"] == ""
    later = run_cli(
        "history",
        "wrap-up",
        call_id,
        "--disposition",
        "Call back",
        "--callback",
        "2030-01-02T09:30+00:00",
        "--json",
    )
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["callback_at"] == "2030-01-02T09:30:00.000Z"


def test_a_call_back_in_the_past_exits_2_naming_the_option_and_the_rule(run_cli: Any) -> None:
    # It was saved silently: a call-back "due" the moment it was set.
    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    past = run_cli(
        "history",
        "wrap-up",
        call_id,
        "--disposition",
        "Call back",
        "--callback",
        "2020-01-02T09:30",
    )
    assert past.returncode == 2
    said = past.stderr.strip()
    assert said.startswith("history wrap-up: --callback 2020-01-02T09:30 is in the past")
    assert "later than now" in said and len(said.splitlines()) == 1
    assert _history(run_cli)[0]["disposition"] == ""
    # A call-back the call already has, come due since, is kept when the notes change.
    with Store.open(paths.store_path()) as store:
        store.wrap_up(int(call_id), "Call back", "", "2020-01-02T09:30+00:00")
    kept = run_cli("history", "wrap-up", call_id, "--disposition", "Call back", "--notes", "late")
    assert kept.returncode == 0, kept.stderr
    again = run_cli(
        "history", "wrap-up", call_id, "--disposition", "Call back",
        "--callback", "2020-01-02T09:30+00:00", "--notes", "later",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert _history(run_cli)[0]["callback_at"] == "2020-01-02T09:30:00.000Z"


def test_a_call_back_without_callback_exits_2_naming_the_option(run_cli: Any) -> None:
    # It was saved with no time, so it never came due; the window's strip always asks one.
    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    done = run_cli("history", "wrap-up", call_id, "--disposition", "Call back", "--notes", "x")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "history wrap-up: 'Call back' needs a time to call back: add --callback, e.g. "
        "--callback 2026-12-01T14:30 (later than now)"
    )
    row = _history(run_cli)[0]
    assert (row["disposition"], row["notes"], row["callback_at"]) == ("", "", None)


def test_call_refuses_a_do_not_call_lead_unless_overridden(run_cli: Any, home: Path) -> None:
    with Store.open(paths.store_path()) as store:
        store.add_lead(Lead(None, "Ann", LEAD))
    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    marked = run_cli(
        "history", "wrap-up", call_id, "--disposition", "Do not call", "--notes", "asked us"
    )
    assert marked.returncode == 0, marked.stderr
    assert "is marked" in marked.stdout

    refused = _call(run_cli)
    assert refused.returncode == 2, refused.stderr
    payload = json.loads(refused.stdout)
    assert payload["result"] == "do_not_call"
    assert "asked us" in payload["do_not_call_reason"]
    assert "nothing was sent" in refused.stderr
    # It read "Ann is marked “Do not call” (Do not call (wrap-up of the call on …): asked us)".
    day = _history(run_cli)[0]["created_at"][:10]
    assert refused.stderr.splitlines()[0] == (
        f"do not call: Ann is marked \u201cDo not call\u201d: asked us (wrap-up of the call on "
        f"{day}); nothing was sent, and only an explicit override calls anyway."
    )
    assert len(_history(run_cli)) == 1  # no row: nothing was sent

    overridden = _call(run_cli, "--override-do-not-call")
    assert overridden.returncode == 0, overridden.stderr
    assert len(_history(run_cli)) == 2


def test_the_engine_refuses_a_do_not_call_number_on_every_path(tmp_path: Path) -> None:
    """CallService, the one path of the window, the command line and a call list: the number
    as it will be sent is looked up, so a formatted number is caught too."""
    import asyncio

    from console.calls import CallPlan, CallService, DoNotCall
    from console.calls.client import FindMeClient, make_http_client
    from console.credentials import Credentials
    from console.sandbox import Sandbox

    async def main() -> tuple[str, int, str]:
        store = Store.open(tmp_path / "data" / "findme.db")
        lead = store.add_lead(Lead(None, "Ann", LEAD))
        store.set_do_not_call(lead.id, "on the registry")
        async with make_http_client() as http:
            sandbox = Sandbox(time_scale=0.001, http=http)
            url = await sandbox.start(host="127.0.0.1", port=0)
            try:
                service = CallService(store, FindMeClient(http, url))
                plan = CallPlan("(555) 111-2222", LIST, lead_name="Ann")
                said = ""
                try:
                    await service.place(plan, Credentials(key="k"))
                except DoNotCall as refused:
                    said = str(refused)
                sent_before = len(sandbox.received)
                placed = await service.place(plan.overriding(), Credentials(key="k"))
                return said, sent_before, placed.result.result
            finally:
                await sandbox.stop()
                store.close()

    said, sent_before, result = asyncio.run(main())
    assert "Ann is marked" in said and "on the registry" in said and "nothing was sent" in said
    assert sent_before == 0
    assert result == "success"


def test_the_dispositions_list_is_edited_from_the_command_line(run_cli: Any) -> None:
    # --position counts as the listing does, from 1: place 3 shifts "No answer" and the rest.
    added = run_cli("dispositions", "add", "Sent brochure", "--position", "3")
    assert added.returncode == 0, added.stderr
    listed = json.loads(run_cli("dispositions", "list", "--json").stdout)
    names = [d["name"] for d in listed]
    assert names[:4] == ["Connected", "Left voicemail", "Sent brochure", "No answer"]
    assert len({d["position"] for d in listed}) == len(listed)  # no two share a place
    assert "3. Sent brochure" in run_cli("dispositions", "list").stdout.splitlines()
    taken = run_cli("dispositions", "add", "Remove me", "--kind", "do_not_call")
    assert taken.returncode == 2
    assert "'Do not call' already means do not call" in taken.stderr
    renamed = run_cli("dispositions", "rename", "sent brochure", "Brochure sent")
    assert renamed.returncode == 0, renamed.stderr
    unknown = run_cli("dispositions", "remove", "Sold")
    assert unknown.returncode == 2 and "known: Connected" in unknown.stderr
    assert run_cli("dispositions", "remove", "Brochure sent").returncode == 0
    listed = json.loads(run_cli("dispositions", "list", "--json").stdout)
    assert "Brochure sent" not in [d["name"] for d in listed]
    # The engine's rules, the same the window's dialog shows: nothing changed, exit 2.
    long = run_cli("dispositions", "add", "x" * 41)
    assert long.returncode == 2
    assert "dispositions: a disposition's name is limited to 40 characters (41 given)" in (
        long.stderr
    )
    onto = run_cli("dispositions", "rename", "Connected", "no answer")
    assert onto.returncode == 2
    assert "a disposition named 'no answer' already exists" in onto.stderr
    assert json.loads(run_cli("dispositions", "list", "--json").stdout) == listed


@pytest.mark.parametrize("place", ["0", "-1", "99"])
def test_a_position_outside_the_list_is_refused_and_nothing_changes(
    run_cli: Any, place: str
) -> None:
    before = json.loads(run_cli("dispositions", "list", "--json").stdout)
    refused = run_cli("dispositions", "add", "Sent brochure", "--position", place)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"dispositions: --position {place} is not a place in the list: "
        f"give 1 to {len(before) + 1} (1 is first, as `dispositions list` numbers them)"
    )
    assert json.loads(run_cli("dispositions", "list", "--json").stdout) == before


def test_an_add_at_a_place_that_fails_midway_leaves_the_list_as_it_was(
    run_cli: Any, home: Path
) -> None:
    # The add saved the new one, then moved the others one write at a time: the store
    # failing at one of those moves (a trigger failing at run time, as a full disk would)
    # left the new one in and two dispositions on one place. Now it is one transaction.
    import sqlite3

    before = json.loads(run_cli("dispositions", "list", "--json").stdout)
    other = sqlite3.connect(paths.store_path())
    other.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE OF position ON dispositions"
        " WHEN OLD.name = 'Wrong number' BEGIN SELECT json('refused'); END"
    )
    other.commit()
    other.close()
    refused = run_cli("dispositions", "add", "Sent brochure", "--position", "2")
    assert refused.returncode == 4, refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    after = json.loads(run_cli("dispositions", "list", "--json").stdout)
    assert after == before
    assert len({d["position"] for d in after}) == len(after)


def test_a_locked_store_is_one_sentence_and_exit_4(run_cli: Any, home: Path) -> None:
    import sqlite3

    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    other = sqlite3.connect(paths.store_path(), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the store past the 5 s wait
    try:
        done = run_cli("history", "wrap-up", call_id, "--disposition", "Connected")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert _history(run_cli)[0]["disposition"] == ""


def test_changing_the_disposition_alone_keeps_the_notes_and_the_call_back_time(
    run_cli: Any,
) -> None:
    # Found by trying it: --notes defaulted to "", so a script that only corrected the
    # disposition wiped the agent's notes (and a call-back's time) without a word.
    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    done = run_cli(
        "history", "wrap-up", call_id, "--disposition", "Call back", "--notes", "after 5, kids",
        "--callback", "2030-01-02T17:30+00:00",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = run_cli("history", "wrap-up", call_id, "--disposition", "call back")
    assert done.returncode == 0, done.stderr
    row = _history(run_cli)[0]
    assert (row["notes"], row["callback_at"]) == ("after 5, kids", "2030-01-02T17:30:00.000Z")
    done = run_cli("history", "wrap-up", call_id, "--disposition", "Interested")
    assert done.returncode == 0, done.stderr
    row = _history(run_cli)[0]
    assert (row["disposition"], row["notes"], row["callback_at"]) == (
        "Interested", "after 5, kids", None,
    )  # fmt: skip
    # Said on purpose, the notes are cleared.
    assert (
        run_cli("history", "wrap-up", call_id, "--disposition", "", "--notes", "x").returncode == 0
    )
    assert (
        run_cli(
            "history", "wrap-up", call_id, "--disposition", "No answer", "--notes", ""
        ).returncode
        == 0
    )
    assert _history(run_cli)[0]["notes"] == ""


def test_do_not_call_on_a_number_that_is_no_lead_is_said_on_stderr(run_cli: Any) -> None:
    # The call is to a number that is no saved lead: nothing can be marked, so nothing
    # will stop the next call; the script is told so (exit 0: the wrap-up was saved).
    assert _call(run_cli).returncode == 0
    call_id = str(_history(run_cli)[0]["id"])
    done = run_cli("history", "wrap-up", call_id, "--disposition", "Do not call")
    assert done.returncode == 0, done.stderr
    assert "not a saved lead" in done.stderr and "nothing stops" in done.stderr
    assert _history(run_cli)[0]["disposition"] == "Do not call"


def test_a_lead_without_a_name_is_its_formatted_number_in_the_sentences(run_cli: Any) -> None:
    # Found by a newcomer: `history wrap-up` and `call` printed the raw digits ("Call 6
    # (5551112222)") where the list views show "(555) 111-2222".
    with Store.open(paths.store_path()) as store:
        store.add_lead(Lead(None, "", LEAD))
    placed = run_cli("call", "--list", LIST, "--phone-to-call", LEAD)
    assert placed.returncode == 0, placed.stderr
    call_id = _history(run_cli)[0]["id"]
    marked = run_cli("history", "wrap-up", str(call_id), "--disposition", "Do not call")
    assert marked.returncode == 0, marked.stderr
    assert marked.stdout.splitlines() == [
        f"Call {call_id} ((555) 111-2222): Do not call.",
        "(555) 111-2222 is marked \u201cDo not call\u201d.",
    ]
    refused = run_cli("call", "--list", LIST, "--phone-to-call", LEAD)
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "do not call: (555) 111-2222 is marked \u201cDo not call\u201d"
    )
    assert LEAD not in refused.stderr
