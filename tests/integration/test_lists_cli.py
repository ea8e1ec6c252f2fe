"""The lists' command line, run as a subprocess against a private FINDME_HOME and real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from console import paths
from console.csvio import export_calls
from console.store import Lead, Store, TeamList, TeamMember

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "imports"

# Each sample file: the leads it gives (name, number, company), and the lines it skips.
EXPECTED = {
    "google_contacts.csv": (
        [("", "5557011010", "Front Desk"), ("Chloé Martin", "5557018899", ""),
         ("Jonas Schmidt", "5557014455", "Schmidt GmbH"),
         ("Priya Raman", "5557012234", "Raman Consulting")],
        [],
    ),
    "google_contacts_legacy_utf16.csv": (
        [("Kim Lee", "5557023344", "Tech Style Ltd"),
         ("Omar Haddad", "5557025566", "Haddad Imports")],
        [],
    ),
    "hubspot_contacts_export.csv": (
        [("Ada Loveday", "5556129900", "Engines & Co"),
         ("Alvin Turner", "5556127788", "Bletchley Ltd"),
         ("Barb Lisle", "5556121212", "Substitution Inc"),
         ("Gail Harper", "5556123344", "Compile Co")],
        [5],
    ),
    "salesforce_leads_report.csv": (
        [("Ana Núñez", "5552013344", "Acme Widgets"), ("Li Wei", "5556447788", "Umbrella Corp"),
         ("Raj Patel", "5553104455", "Globex"), ("Tom Becker", "5555332211", "Becker & Söhne")],
        [4],
    ),
    "sep_hint_leads.csv": ([("Jane Roe", "5551112226", "Acme")], []),
    "lookalike_dashes.csv": (
        [("Jane Roe", "5551112222", ""), ("John Doe", "5551112223", "")],
        [],
    ),
}  # fmt: skip


def _json(done) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _leads(run_cli) -> list[tuple[str, str, str]]:
    rows = _json(run_cli("leads", "list", "--json"))
    return [(r["name"], r["number"], r["company"]) for r in rows]


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_each_sample_imports_end_to_end(run_cli, sample: str) -> None:
    leads, skipped = EXPECTED[sample]
    summary = _json(run_cli("leads", "import", str(SAMPLES / sample), "--json"))
    assert summary["imported"] == len(leads)
    assert [row["line"] for row in summary["skipped"]] == skipped
    assert summary["columns"]["phone"]
    assert sorted((r["name"], r["number"], r["company"]) for r in summary["leads"]) == leads
    assert _leads(run_cli) == leads  # what the store holds, by name
    # The same file again adds nothing: every number is already a lead (exit 0 all the same).
    again = _json(run_cli("leads", "import", str(SAMPLES / sample), "--json"))
    assert again["imported"] == 0
    assert all("already the lead" in r["reason"] or r["line"] in skipped for r in again["skipped"])
    assert len(again["skipped"]) == len(leads) + len(skipped)


def test_the_text_summary_names_columns_and_skipped_lines(run_cli) -> None:
    done = run_cli("leads", "import", str(SAMPLES / "salesforce_leads_report.csv"))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Imported 4 leads from ")
    assert "number from Phone, Mobile" in out and "company from Company / Account" in out
    assert "Numbers of the 4 leads came from: Phone (3), Mobile (1)." in out
    assert "Ignored columns: Lead Owner, Title, Email" in out
    assert "Skipped 3 report footer lines and 2 blank lines." in out
    assert "  line 4: Phone '(555) 422-1000 x205' has an extension" in out


def test_bad_files_change_nothing_and_exit_2(run_cli, tmp_path: Path) -> None:
    done = run_cli("leads", "import", str(tmp_path / "missing.csv"))
    assert done.returncode == 2 and "cannot read" in done.stderr and "Traceback" not in done.stderr
    odd = tmp_path / "odd.csv"
    odd.write_text("Kunde,Rufnummer\nAnn,555-201-7777\n", encoding="utf-8")
    done = run_cli("leads", "import", str(odd))
    assert done.returncode == 2 and "no column holds phone numbers" in done.stderr
    # The failure is not reported as a success of nothing, nor twice.
    assert done.stdout.strip() == f"Nothing imported from {odd}."
    assert done.stderr.count("no column holds phone numbers") == 1
    assert _leads(run_cli) == []


def test_columns_chosen_in_the_window_are_used(run_cli, home: Path, tmp_path: Path) -> None:
    from console.csvlayout import Mapping, remember
    from console.settings import Settings

    remember(Settings(home / "settings.json"), ["Kunde", "Rufnummer"], Mapping((1,), 0))
    odd = tmp_path / "odd.csv"
    odd.write_text("Kunde,Rufnummer\nAnn,555-201-7777\n", encoding="utf-8")
    assert _json(run_cli("leads", "import", str(odd), "--json"))["imported"] == 1
    assert _leads(run_cli) == [("Ann", "5552017777", "")]


def test_nul_characters_are_removed_and_said(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"Name,Phone,Company\nA\x00nn,5552016666,Ac\x00me\n")
    summary = _json(run_cli("leads", "import", str(path), "--json"))
    assert summary["notes"] == ["line 2: removed NUL characters from the name",
                                "line 2: removed NUL characters from the company"]  # fmt: skip
    assert _leads(run_cli) == [("Ann", "5552016666", "Acme")]


def test_leads_list_search_and_export_round_trip(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("Name,Phone,Company\n=HYPERLINK(1),5552011111,Acme\nBob,5552012222,Ini\n")
    _json(run_cli("leads", "import", str(source), "--json"))
    found = _json(run_cli("leads", "list", "--search", "(555) 201-", "--json"))
    assert [r["name"] for r in found] == ["=HYPERLINK(1)", "Bob"]
    assert [r["name"] for r in _json(run_cli("leads", "list", "--search", "ini", "--json"))] == [
        "Bob"
    ]
    text = run_cli("leads", "list", "--search", "nobody")
    assert text.returncode == 0 and text.stdout == "No leads match.\n"
    out = tmp_path / "out.csv"
    done = run_cli("leads", "export", str(out))
    assert done.returncode == 0 and "Exported 2 leads" in done.stdout
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["name", "phone", "company", "notes"]
    assert rows[1][0] == "'=HYPERLINK(1)"  # a formula is escaped
    # The export reads back as the same leads, which are all known already.
    back = _json(run_cli("leads", "import", str(out), "--json"))
    assert back["imported"] == 0 and [r["line"] for r in back["skipped"]] == [2, 3]
    assert "'=HYPERLINK(1)'" in back["skipped"][0]["reason"]


def test_leads_list_says_which_leads_are_not_to_be_called_and_why(run_cli) -> None:
    # `leads list --json` left the mark out: a script reading it would call a "Do not call" lead.
    with Store.open(paths.store_path()) as store:
        ann = store.add_lead(Lead(None, "Ann", "5552011111"))
        store.add_lead(Lead(None, "Bob", "5552012222"))
        store.set_do_not_call(ann.id, "asked to be taken off the list")
    rows = {r["name"]: r for r in _json(run_cli("leads", "list", "--json"))}
    assert (rows["Ann"]["do_not_call"], rows["Ann"]["do_not_call_reason"]) == (
        True, "asked to be taken off the list",
    )  # fmt: skip
    assert (rows["Bob"]["do_not_call"], rows["Bob"]["do_not_call_reason"]) == (False, "")
    text = run_cli("leads", "list").stdout.splitlines()
    assert text[0].startswith("Ann") and "do not call: asked to be taken off the list" in text[0]
    assert "do not call" not in text[1]


def test_leads_list_gives_the_call_back_as_the_window_shows_it(run_cli) -> None:
    # `leads list --json` had no call-back: a script could not find the leads to call back.
    def called(store, number: str) -> int:
        call = store.begin_call(
            lead_name="", lead_number=number, team_name="Sales", list_value="5550001111",
            call_type=1, request_redacted="GET /x",
        )  # fmt: skip
        store.finish_call(call, status="success", description="ok")
        return call

    with Store.open(paths.store_path()) as store:
        for name, number in (("Ann", "5552011111"), ("Bob", "5552012222"), ("Cy", "5552013333")):
            store.add_lead(Lead(None, name, number))
        # The store takes a past time (a team's wrap-up synced late): due at once.
        store.wrap_up(called(store, "5552011111"), "Call back", "", "2020-01-02T09:30+00:00")
        store.wrap_up(called(store, "5552012222"), "Call back", "", "2099-01-02T09:30+00:00")
        called(store, "5552013333")
    rows = {r["name"]: r for r in _json(run_cli("leads", "list", "--json"))}
    assert (rows["Ann"]["callback_at"], rows["Ann"]["callback_due"]) == (
        "2020-01-02T09:30:00.000Z", True,
    )  # fmt: skip
    assert (rows["Bob"]["callback_at"], rows["Bob"]["callback_due"]) == (
        "2099-01-02T09:30:00.000Z", False,
    )  # fmt: skip
    assert (rows["Cy"]["callback_at"], rows["Cy"]["callback_due"]) == (None, False)
    text = {line.split()[0]: line for line in run_cli("leads", "list").stdout.splitlines()}
    assert text["Ann"].endswith("call back due")
    assert text["Bob"].endswith("call back at 2099-01-02T09:30:00.000Z")
    assert "call back" not in text["Cy"]


ROSTER = "First Name,Last Name,Mobile\nDee,Dunn,555-111-4444\nEd,Eng,555-111-5555\n"


def _team(run_cli, name: str) -> list[tuple[str, str, bool]]:
    team = _json(run_cli("teams", "show", name, "--json"))
    return [(m["label"], m["number"], m["enabled"]) for m in team["members"]]


def test_teams_import_new_add_and_replace(run_cli, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    made = _json(run_cli("teams", "import", str(roster), "--name", "Night", "--json"))
    assert made["created"] and made["imported"] == 2 and made["columns"]["name"] == [
        "First Name", "Last Name",
    ]  # fmt: skip
    assert _team(run_cli, "night") == [("Dee Dunn", "5551114444", True),
                                       ("Ed Eng", "5551115555", True)]  # fmt: skip
    taken = run_cli("teams", "import", str(roster), "--name", "NIGHT")
    assert taken.returncode == 2 and "already exists" in taken.stderr and "--add" in taken.stderr
    more = tmp_path / "more.csv"
    more.write_text("Label,Number,Enabled\nDesk,5551114444,yes\nSpare,5551116666,no\n")
    added = _json(run_cli("teams", "import", str(more), "--name", "Night", "--add", "--json"))
    assert added["imported"] == 1 and added["already_on_list"] == ["5551114444"]
    assert _team(run_cli, "Night")[-1] == ("Spare", "5551116666", False)
    done = run_cli("teams", "import", str(more), "--name", "Night", "--replace")
    assert done.returncode == 0 and "Replaced the members of 'Night' with 2" in done.stdout
    assert _team(run_cli, "Night") == [("Desk", "5551114444", True),
                                       ("Spare", "5551116666", False)]  # fmt: skip
    listed = _json(run_cli("teams", "list", "--json"))
    assert listed == [{"name": "Night", "members": 2, "enabled": 1, "list": "5551114444"}]
    text = run_cli("teams", "list")
    assert text.returncode == 0 and text.stdout.startswith("Night")


def test_a_bad_roster_never_empties_a_list(run_cli, tmp_path: Path) -> None:
    with Store.open(paths.store_path()) as store:
        store.save_team(TeamList(None, "Night", [TeamMember("Ann", "5551112222")]))
    bad = tmp_path / "bad.csv"
    bad.write_text("Label,Number\nAnn,12\n", encoding="utf-8")
    done = run_cli("teams", "import", str(bad), "--name", "Night", "--replace")
    assert done.returncode == 2 and "line 2: Number '12' is too short" in done.stdout
    assert _team(run_cli, "Night") == [("Ann", "5551112222", True)]


def test_teams_show_and_export(run_cli, tmp_path: Path) -> None:
    missing = run_cli("teams", "show", "Nope")
    assert missing.returncode == 2 and "no team list named 'Nope' (none saved)" in missing.stderr
    with Store.open(paths.store_path()) as store:
        store.save_team(TeamList(None, "Day", [TeamMember("=cmd", "5551112222", False)]))
    shown = run_cli("teams", "show", "day")
    assert shown.returncode == 0 and "(disabled)" in shown.stdout
    out = tmp_path / "day.csv"
    assert run_cli("teams", "export", "Day", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "label,number,enabled", "'=cmd,5551112222,no",
    ]  # fmt: skip


def test_history_export_is_the_windows_export(run_cli, tmp_path: Path) -> None:
    with Store.open(paths.store_path()) as store:
        call = store.begin_call(
            lead_name="=SUM(1)", lead_number="5551112222", team_name="@Sales",
            list_value="5559998888", call_type=1,
            request_redacted="https://x/?access_key=LEAKED&list=5559998888",
        )  # fmt: skip
        store.finish_call(call, status="failed", description="-busy", sid="abc")
        window = tmp_path / "window.csv"
        assert export_calls(store, window) == 1
    out = tmp_path / "cli.csv"
    done = run_cli("history", "export", str(out))
    assert done.returncode == 0 and done.stdout == f"Exported 1 call to {out}.\n"
    assert out.read_bytes() == window.read_bytes()
    text = out.read_text(encoding="utf-8-sig")
    assert "'=SUM(1)" in text and "'@Sales" in text and "LEAKED" not in text
    none = tmp_path / "none.csv"
    assert run_cli("history", "export", str(none), "--status", "success").returncode == 0
    assert len(none.read_text(encoding="utf-8-sig").splitlines()) == 1  # the header alone
    # `history` without an action still lists.
    assert run_cli("history", "--json").returncode == 0


def test_a_reader_that_goes_away_gets_no_traceback(run_cli, cli_env, tmp_path: Path) -> None:
    # `main.py leads list | head -1`: the pipe closes before the output is written.
    import subprocess
    import sys

    rows = "".join(f"Lead {i},555-201-{i:04d}\n" for i in range(300))
    leads = tmp_path / "leads.csv"
    leads.write_text("Name,Phone\n" + rows, encoding="utf-8")
    assert run_cli("leads", "import", str(leads)).returncode == 0
    main = Path(__file__).resolve().parents[2] / "main.py"
    child = subprocess.Popen(
        [sys.executable, str(main), "leads", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env,
    )
    child.stdout.close()  # the reader is gone before a line is written
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
