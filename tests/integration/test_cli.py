"""The command line, run as a subprocess against a private FINDME_HOME."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from console import paths
from console.calls.params import BY_NAME, OPTION_NAMES
from console.cli import build_parser
from console.sandbox import Sandbox
from console.store import CallRecord, Lead, Store, TeamList, TeamMember
from tests.conftest import ROOT
from tests.faults import closed_port

SID = re.compile(r"[0-9]{6}[0-9a-f]{10}")
LIST = "5559998888,5559997777"
LEAD = "5551112222"


@pytest.fixture(autouse=True)
def fast_sandbox(home: Path) -> None:
    """The embedded sandbox of every subprocess runs a hundred times faster than real time."""
    settings = {"version": 1, "values": {"sandbox.time_scale": 0.01}}
    (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


class LiveSandbox:
    """A sandbox on its own thread and loop, so the test can read what a subprocess sent."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sandbox = Sandbox(time_scale=0.001)
        self.url = ""

    def __enter__(self) -> LiveSandbox:
        self.thread.start()
        self.url = self._run(self.sandbox.start(host="127.0.0.1", port=0))
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(self.sandbox.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    @property
    def received(self) -> list[dict[str, str]]:
        return list(self.sandbox.received)


@pytest.fixture
def live() -> Iterator[LiveSandbox]:
    with LiveSandbox() as sandbox:
        yield sandbox


Run = Callable[..., subprocess.CompletedProcess]


def call(run_cli: Run, *args: str, env: dict[str, str] | None = None, **kw: Any):
    return run_cli("call", "--list", LIST, "--phone-to-call", LEAD, *args, env=env, **kw)


def history(run_cli: Run, limit: int = 20) -> list[dict[str, Any]]:
    done = run_cli("history", "--json", "--limit", str(limit))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def stored_calls() -> list[CallRecord]:
    with Store.open(paths.store_path()) as store:
        return store.fetch_calls()


def all_files_text(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


# -- call -------------------------------------------------------------------------------------


def test_call_through_the_embedded_sandbox_prints_the_sid(run_cli: Run) -> None:
    done = call(run_cli, "--api-url", "sandbox")
    assert done.returncode == 0, done.stderr
    match = re.fullmatch(r"success: Call Connected \(sid (\w+)\)\n", done.stdout)
    assert match and SID.fullmatch(match.group(1))
    assert "warning:" not in done.stderr  # the sandbox invites the fictional 555 numbers
    assert "keyring" not in done.stderr  # the sandbox needs no keyring: nothing to say
    rows = history(run_cli)
    assert [(r["status"], r["sid"]) for r in rows] == [("success", match.group(1))]


def test_call_json_prints_one_object(run_cli: Run) -> None:
    done = call(run_cli, "--api-url", "sandbox", "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) == {"result", "result_description", "sid"}
    assert answer["result"] == "success" and answer["result_description"] == "Call Connected"
    assert SID.fullmatch(answer["sid"])


def test_failed_call_exits_1(run_cli: Run) -> None:
    done = run_cli(
        "call", "--list", "5559998888|5559997777", "--phone-to-call", "5551112220",
        "--type", "1", "--timeout", "10", "--api-url", "sandbox", "--json",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    answer = json.loads(done.stdout)
    assert (answer["result"], answer["result_description"]) == ("failed", "No Answer")
    assert SID.fullmatch(answer["sid"])


def test_invalid_call_exits_2_listing_every_problem_and_sends_nothing(
    run_cli: Run, live: LiveSandbox
) -> None:
    done = run_cli(
        "call", "--list", "555-1234,5559998888,5559998888", "--phone-to-call", "555-CALL-NOW",
        "--timeout", "5", "--loop-count", "9", "--no-answer-email", "agent@example.com",
        "--api-url", live.url,
        env={"FINDME_KEY": "k-123"},
    )  # fmt: skip
    assert done.returncode == 2
    problems = [line for line in done.stderr.splitlines() if line.startswith("invalid: ")]
    fields = [line.split()[1] for line in problems]
    assert fields.count("list") == 2
    assert {"phone_to_call", "timeout", "loop_count", "no_answer_email"} <= set(fields)
    assert "timeout must be 10 to 60 seconds" in done.stderr
    assert "nothing was sent" in done.stderr
    assert done.stdout == ""
    assert live.received == []
    assert stored_calls() == []


def test_refused_connection_exits_3(run_cli: Run) -> None:
    url = f"http://127.0.0.1:{closed_port()}/ibp_api.php"
    done = call(run_cli, "--api-url", url, "--json", env={"FINDME_KEY": "k-123"})
    assert done.returncode == 3, done.stderr
    answer = json.loads(done.stdout)
    assert answer["result"] == "network" and answer["sid"] == ""
    assert "nothing was sent" in answer["result_description"]
    assert [r.status for r in stored_calls()] == ["network"]


def test_plain_http_to_another_computer_is_refused(run_cli: Run) -> None:
    done = call(run_cli, "--api-url", "http://example.com/ibp_api.php", env={"FINDME_KEY": "k"})
    assert done.returncode == 2
    assert "https" in done.stderr


def test_team_by_name(run_cli: Run, live: LiveSandbox, home: Path) -> None:
    members = [
        TeamMember("Ann", "(555) 999-8888"),
        TeamMember("Bob", "5559997777", enabled=False),
        TeamMember("Cy", "555.999.6666"),
    ]
    with Store.open(paths.store_path()) as store:
        store.save_team(TeamList(None, "Sales", members))
    done = run_cli(
        "call", "--team", "sales", "--phone-to-call", LEAD, "--api-url", live.url,
        env={"FINDME_KEY": "k-123"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert live.received[0]["list"] == "5559998888|5559996666"
    assert stored_calls()[0].team_name == "Sales"
    missing = run_cli("call", "--team", "Support", "--phone-to-call", LEAD, "--api-url", live.url)
    assert missing.returncode == 2 and "Support" in missing.stderr and "Sales" in missing.stderr


TYPE1 = {
    "type": "1",
    "timeout": "15",
    "loop_count": "2",
    "randomize": "1",
    "usr_findme_type": "2",
    "nextaction": "2",
    "nextactionitem": "4411",
    "use_screen": "0",
    "screen_prompt": "Please say your name & company",
    "screen_method": "1",
    "whisper_phrase": "New web lead",
    "no_intro": "0",
    "dtmf_only": "1",
    "holdmusic": "song.wav",
    "holdrepeat": "2",
    "usr_audio_prompt_set_id": "77",
    "record": "1",
    "first_callerid": "5559998877",
    "second_callerid": "5558887766",
    "page": "Lead & Co/pricing?x=1 2",
    "ref": "crm-42",
}
TYPE2 = {
    "type": "2",
    "no_answer_email": "agent@example.com",
    "no_answer_sms": "5554443333",
    "no_answer_url": "http://127.0.0.1:9/noanswer",
    "no_answer_phone": "5558688950",
}


def test_the_two_samples_cover_every_option() -> None:
    assert set(TYPE1) | set(TYPE2) == set(OPTION_NAMES)


@pytest.mark.parametrize("options", [TYPE1, TYPE2], ids=["type1", "type2"])
def test_every_api_option_is_a_hyphenated_flag(
    run_cli: Run, live: LiveSandbox, options: dict[str, str]
) -> None:
    flags = [
        arg for name, value in options.items() for arg in ("--" + name.replace("_", "-"), value)
    ]
    # --list takes "," (type 1 run) or "|" (type 2 run) between numbers, typed as people do.
    numbers = LIST if options is TYPE1 else "5559998888|555-999-7777"
    done = run_cli(
        "call", "--list", numbers, "--phone-to-call", "(555) 111-2222", *flags,
        "--api-url", live.url, env={"FINDME_KEY": "k-123"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (received,) = live.received
    assert {name: received.get(name) for name in options} == options
    assert received["list"] == "5559998888|5559997777"
    assert received["phone_to_call"] == "5551112222"


def test_call_help_lists_every_option() -> None:
    from console.cli import build_parser

    parser = build_parser()
    call_parser = parser._subparsers._group_actions[0].choices["call"]  # type: ignore[union-attr]
    text = call_parser.format_help()
    for name in OPTION_NAMES:
        assert "--" + name.replace("_", "-") in text, name
        assert BY_NAME[name].help.split()[0] in text


def test_history_lists_the_calls_placed(run_cli: Run, live: LiveSandbox) -> None:
    leads = ["5551112223", "5551112224"]
    sids = []
    for lead in leads:
        done = run_cli(
            "call", "--list", LIST, "--phone-to-call", lead, "--lead-name", f"Lead {lead[-1]}",
            "--api-url", live.url, "--json", env={"FINDME_KEY": "k-123"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        sids.append(json.loads(done.stdout)["sid"])
    rows = history(run_cli, limit=1)
    assert [(r["lead_number"], r["sid"]) for r in rows] == [(leads[-1], sids[-1])]  # newest
    assert rows[0]["lead_name"] == "Lead 4" and rows[0]["status"] == "success"
    text = run_cli("history", "--limit", "5")
    assert text.returncode == 0
    assert text.stdout.index(sids[1]) < text.stdout.index(sids[0])  # newest first
    assert "Lead 3 5551112223" in text.stdout


# -- credentials from the environment ---------------------------------------------------------


def test_findme_key_is_used_and_a_rejected_key_exits_1(run_cli: Run) -> None:
    done = call(run_cli, "--api-url", "sandbox", "--json", env={"FINDME_KEY": "invalid"})
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["result_description"] == "Authentication failed"


def test_access_key_pair_and_api_url_from_the_environment(
    run_cli: Run, live: LiveSandbox, home: Path
) -> None:
    secret = "SECRET-pair-value-99"
    env = {
        "FINDME_ACCESS_KEY": "AK-env-1",
        "FINDME_SECRET_ACCESS_KEY": secret,
        "FINDME_API_URL": live.url,
    }
    done = call(run_cli, env=env)
    assert done.returncode == 0, done.stderr
    assert live.received[0]["access_key"] == "AK-env-1"
    assert live.received[0]["secret_access_key"] == secret
    assert secret not in done.stdout + done.stderr
    assert secret.encode() not in all_files_text(home)
    assert "secret_access_key=***" in stored_calls()[0].request_redacted


# -- help without Qt --------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["call", "--help"]])
def test_help_answers_without_loading_qt(cli_env: dict[str, str], args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=30,
    )
    assert done.returncode == 0
    assert "findme-console" in done.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert imported, "importtime printed nothing"
    assert not [name for name in imported if name.startswith(("PySide6", "qasync", "ui"))]


@pytest.mark.parametrize("args", [["histroy"], ["lead", "--help"], ["5551112222"]])
def test_a_word_that_is_no_command_lists_the_commands_and_exits_2(run_cli: Run, args) -> None:
    # Without this, the word opened the window, which (offscreen, in a script) never ended.
    done = run_cli(*args, timeout=20)
    assert done.returncode == 2, done.stderr
    assert f"invalid choice: {args[0]!r}" in done.stderr
    commands = next(
        action.choices
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    assert commands and all(repr(name) in done.stderr for name in commands)
    assert done.stdout == ""


# -- account ----------------------------------------------------------------------------------


def test_account_set_key_without_a_keyring_is_not_stored(run_cli: Run, home: Path) -> None:
    secret = "PUBKEY-secret-0042"
    done = run_cli("account", "set", "--key-stdin", "--label", "Main", stdin=secret + "\n")
    assert done.returncode == 3
    assert "not stored" in done.stderr
    assert secret not in done.stdout + done.stderr
    assert secret.encode() not in all_files_text(home)
    shown = run_cli("account")  # nothing half-configured; says where secrets would go
    assert shown.returncode == 0, shown.stderr
    assert "mode: sandbox" in shown.stdout and "memory" in shown.stdout


def test_account_set_sandbox(run_cli: Run, home: Path) -> None:
    done = run_cli("account", "set", "--sandbox", "--label", "Demo")
    assert done.returncode == 0, done.stderr
    values = json.loads((home / "settings.json").read_text())["values"]
    assert values["account.mode"] == "sandbox" and values["account.label"] == "Demo"
    assert values["sandbox.time_scale"] == 0.01  # other settings kept


@pytest.mark.parametrize(
    ("args", "stdin", "words"),
    [
        (["--access-key", "AK-1"], None, "--secret-stdin"),
        (["--access-key", "AK-1", "--secret-stdin"], "\n", "empty"),
        (["--key-stdin", "--api-url", "http://example.com/ibp_api.php"], "k\n", "https"),
        ([], None, "say what to set"),
    ],
)
def test_account_set_refuses_incomplete_input(
    run_cli: Run, home: Path, args: list[str], stdin: str | None, words: str
) -> None:
    before = all_files_text(home)
    done = run_cli("account", "set", *args, stdin=stdin)
    assert done.returncode == 2
    assert words in done.stderr
    assert all_files_text(home) == before


def test_account_set_access_key_without_a_keyring_is_not_stored(run_cli: Run, home: Path) -> None:
    secret = "SECRET-access-0077"
    done = run_cli("account", "set", "--access-key", "AK-77", "--secret-stdin", stdin=secret)
    assert done.returncode == 3 and "not stored" in done.stderr
    assert secret.encode() not in all_files_text(home)
    assert b"AK-77" not in all_files_text(home)


def test_account_forget(run_cli: Run) -> None:
    done = run_cli("account", "forget")
    assert done.returncode == 0 and "deleted" in done.stdout


def test_a_call_to_a_saved_leads_number_carries_its_name(run_cli: Run) -> None:
    # Scripts call by number; the history then named nobody for a lead the desktop knows.
    with Store.open(paths.store_path()) as store:
        # Leads whose company quotes the number, named before her: found by the number itself,
        # not by a search of the text that kept the first 50 by name.
        store.add_leads([Lead(None, f"Aaron {i}", f"555000{i:04d}", LEAD) for i in range(60)])
        store.add_lead(Lead(None, "Ada Loveday", LEAD, "Engines & Co"))
    formatted = f"({LEAD[:3]}) {LEAD[3:6]}-{LEAD[6:]}"
    done = run_cli("call", "--list", LIST, "--phone-to-call", formatted, "--api-url", "sandbox")
    assert done.returncode == 0, done.stderr
    named = call(run_cli, "--api-url", "sandbox", "--lead-name", "Someone Else")
    assert named.returncode == 0, named.stderr
    assert [r["lead_name"] for r in history(run_cli)] == ["Someone Else", "Ada Loveday"]
