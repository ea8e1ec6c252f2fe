"""Crash safety: processes killed with SIGKILL mid-call and mid-write, and the window and the
command line writing the one store at once. Real subprocesses, a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console import paths
from console.store import Store, owners
from console.store.history import INTERRUPTED_DESCRIPTION
from tests.conftest import ROOT
from tests.faults import closed_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

KEY = "crash-test-key"
MAIN = str(ROOT / "main.py")


def spawn(cli_env: dict[str, str], *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, MAIN, *args],
        env={**cli_env, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, then reap it: a zombie's pid would still look alive to the store."""
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    process.stdout.close()
    process.stderr.close()


def wait_for(condition, timeout: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what or condition}"
        time.sleep(0.02)


def peek(sql: str, default=None):
    """Read the store with plain SQLite, without Store.open's recovery of orphaned calls."""
    path = paths.store_path()
    if not path.exists():
        return default
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return default  # not created yet


@pytest.fixture
def standalone_sandbox(cli_env: dict[str, str]):
    """`python main.py sandbox` in real time: a number ending in 9 answers after 9 s."""
    port = closed_port()
    process = spawn(cli_env, "sandbox", "--port", str(port), "--time-scale", "1")
    first = process.stdout.readline()
    assert "listening at" in first, first + process.stderr.read()
    yield f"http://127.0.0.1:{port}/ibp_api.php"
    process.terminate()
    process.wait(10)
    process.stdout.close()
    process.stderr.close()


def test_calls_pending_when_the_process_is_killed_read_interrupted(
    home: Path, cli_env: dict[str, str], standalone_sandbox: str, run_cli
) -> None:
    leads = ["5551112229", "5551113339", "5551114449"]
    calls = [
        spawn(
            cli_env,
            "call",
            "--list",
            "5559998889",
            "--phone-to-call",
            lead,
            "--lead-name",
            f"Lead {i}",
            FINDME_KEY=KEY,
            FINDME_API_URL=standalone_sandbox,
        )  # fmt: skip
        for i, lead in enumerate(leads)
    ]
    try:
        wait_for(
            lambda: peek("SELECT count(*) FROM history WHERE status = 'pending'") == [(3,)],
            what="three pending rows",
        )
        assert all(process.poll() is None for process in calls)  # the sandbox holds them 9 s
    finally:
        for process in calls:
            kill(process)

    # The next start: the command line reads the history, and the store marks the orphans.
    shown = run_cli("history", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert sorted(r["lead_number"] for r in rows) == sorted(leads)  # no row lost
    assert {r["status"] for r in rows} == {"interrupted"}
    assert {r["description"] for r in rows} == {INTERRUPTED_DESCRIPTION}
    assert all(r["finished_at"] for r in rows)
    with Store.open(paths.store_path()) as store:
        assert store.recovered_calls == 0  # already recovered, once
        assert store.count_calls(status="interrupted") == 3


WRITER = r"""
import sys
from console import paths
from console.store import Lead, Store

store = Store.open(paths.store_path())
n = 0
while True:
    n += 1
    if n % 2:
        store.add_leads([Lead(None, f"Lead {n}-{i}", f"55{n:05d}{i:03d}") for i in range(25)])
        print("leads", n, flush=True)
    else:
        call_id = store.begin_call(
            lead_name=f"Lead {n}", lead_number=f"55{n:08d}", team_name="Sales",
            list_value="5559998888", call_type=1, request_redacted="https://x/?key=***",
        )
        print("call", call_id, flush=True)
"""


def test_killed_while_writing_the_store_opens_clean_with_every_commit(
    home: Path, cli_env: dict[str, str]
) -> None:
    committed_calls: list[int] = []
    committed_batches = 0
    for round_ in range(2):  # killed twice, each time at a different point
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER],
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []
        try:
            while len(lines) < 1500 + 700 * round_:
                line = writer.stdout.readline()
                assert line, writer.stderr.read()
                lines.append(line)
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(10)
        # Everything it printed had been committed before it was killed.
        for line in lines + writer.stdout.read().splitlines():
            kind, value = line.split()
            if kind == "call":
                committed_calls.append(int(value))
            else:
                committed_batches += 1
        writer.stdout.close()
        writer.stderr.close()
        wal = Path(f"{paths.store_path()}-wal")
        assert wal.exists() and wal.stat().st_size > 0  # killed with writes in the log

        with sqlite3.connect(paths.store_path()) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with Store.open(paths.store_path()) as store:
            assert store.count_leads() >= committed_batches * 25
            ids = {r.id for r in store.fetch_calls(limit=10**6)}
            assert set(committed_calls) <= ids
            assert store.count_calls(status="pending") == 0
            assert store.count_calls(status="interrupted") == len(ids)
    assert len(committed_calls) > 1000


def test_the_window_and_the_command_line_writing_at_once_lose_nothing(
    home: Path, cli_env: dict[str, str], arun, memory_keyring, qapp
) -> None:
    from tests.conftest import until
    from tests.ui.window_kit import open_session, pick, seed

    sessions = open_session(arun, memory_keyring)
    session = next(sessions)
    try:
        engine, window = session.start()
        lead, team = seed(engine.store)
        window.leads_panel.refresh()
        window.call_panel.refresh_teams()
        cli_leads = [f"555111{n:04d}" for n in range(4)]  # 0: never answers, 1: busy, ...
        clis = [
            spawn(
                cli_env,
                "call",
                "--list",
                "5559998882",
                "--phone-to-call",
                number,
                FINDME_KEY=KEY,
                FINDME_API_URL=engine.sandbox.url,
            )  # fmt: skip
            for number in cli_leads
        ]

        async def place_while_they_run() -> int:
            placed = 0
            pick(window, lead, team)
            while placed < 5 or any(p.poll() is None for p in clis):
                await until(window.call_panel.call_button.isEnabled)
                window.call_panel.call_button.click()
                placed += 1
                await until(
                    lambda n=placed: _window_calls_done(engine, lead.number) == n,
                    what="the window's call to end",
                )
            return placed

        placed = arun(place_while_they_run(), timeout=60)
        outputs = [p.communicate(timeout=30) for p in clis]
        assert [p.returncode for p in clis] == [1, 1, 0, 0], outputs  # failed, failed, success
    finally:
        next(sessions, None)

    with Store.open(paths.store_path()) as store:
        rows = store.fetch_calls(limit=10_000)
    window_rows = [r for r in rows if r.lead_number == lead.number]
    cli_rows = [r for r in rows if r.lead_number in cli_leads]
    assert len(rows) == placed + len(cli_leads)
    assert len(window_rows) == placed
    assert sorted(r.lead_number for r in cli_rows) == cli_leads
    assert all(r.status in ("success", "failed") and r.finished_at for r in rows)
    assert {r.owner_pid for r in cli_rows}.isdisjoint({os.getpid()})


def _window_calls_done(engine, number: str) -> int:
    """How many of the window's calls have ended (none may still be pending)."""
    rows = engine.store.fetch_calls(text=number, limit=10_000)
    return -1 if any(r.status == "pending" for r in rows) else len(rows)


def _pid_namespaces() -> str:
    """Why a process cannot be started in a PID namespace of its own here ("" when it can)."""
    if shutil.which("unshare") is None:
        return "no unshare command"
    try:
        done = subprocess.run([*UNSHARE, "true"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare failed: {exc}"
    return "" if done.returncode == 0 else f"unshare refused: {done.stderr.strip()}"


UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL"]
NO_PID_NAMESPACES = _pid_namespaces()


@pytest.mark.skipif(bool(NO_PID_NAMESPACES), reason=NO_PID_NAMESPACES or "-")
def test_a_call_killed_in_its_own_pid_namespace_is_recovered_from_another(
    home: Path, cli_env: dict[str, str], standalone_sandbox: str
) -> None:
    # Each command runs as pid 1 of a namespace of its own, as in a container: the killed
    # call's pid is the very pid of the command that looks at it afterwards.
    call = subprocess.Popen(
        [*UNSHARE, sys.executable, MAIN, "call", "--list", "5559998889",
         "--phone-to-call", "5551112229"],
        env={**cli_env, "FINDME_KEY": KEY, "FINDME_API_URL": standalone_sandbox},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        [(pid, token)] = wait_for(
            lambda: peek("SELECT owner_pid, owner_token FROM history WHERE status = 'pending'"),
            what="the pending row",
        )
        assert pid == 1
    finally:
        kill(call)  # unshare, whose death kills the call (--kill-child)
    folder = paths.data_dir() / owners.OWNERS_DIR
    wait_for(lambda: not owners.owner_alive(folder, token), what="the call to die")

    shown = subprocess.run(
        [*UNSHARE, sys.executable, MAIN, "history", "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    [row] = json.loads(shown.stdout)
    assert (row["status"], row["description"]) == ("interrupted", INTERRUPTED_DESCRIPTION)


# An answer the history cannot take (issue 9.3): another program holds the store's write lock
# past the busy timeout (5 s) while the sandbox answers (3 s after the request, at time scale 1).
SID = re.compile(r"[0-9a-f]{16}")


def _hold_write_lock() -> sqlite3.Connection:
    holder = sqlite3.connect(paths.store_path(), isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _call_while_the_store_is_locked(cli_env: dict[str, str], url: str, *args: str):
    call = spawn(
        cli_env,
        "call",
        "--list",
        "5559998889",
        "--phone-to-call",
        "5551112223",
        *args,
        FINDME_KEY=KEY,
        FINDME_API_URL=url,
    )  # fmt: skip
    try:
        wait_for(
            lambda: peek("SELECT count(*) FROM history WHERE status = 'pending'") == [(1,)],
            what="the pending row",
        )
        holder = _hold_write_lock()
        try:
            out, err = call.communicate(timeout=60)
        finally:
            holder.close()
    finally:
        if call.poll() is None:
            kill(call)
    assert peek("SELECT status FROM history") == [("pending",)]  # the history never had it
    return call.returncode, out, err


def test_an_answer_the_history_cannot_take_is_printed_kept_and_merged_at_the_next_start(
    home: Path, cli_env: dict[str, str], standalone_sandbox: str, run_cli
) -> None:
    code, out, err = _call_while_the_store_is_locked(cli_env, standalone_sandbox, "--json")

    assert code == 0, err  # success: the call was placed, so no script may think a retry safe
    answer = json.loads(out)
    assert (answer["result"], answer["result_description"]) == ("success", "Call Connected")
    assert SID.fullmatch(answer["sid"])
    assert answer["history_written"] is False
    kept = Path(answer["kept_in"])
    assert kept.parent == home / "journal"
    assert "Traceback" not in err
    assert "history could not be written (database is locked)" in err
    assert str(kept) in err
    entry = json.loads(kept.read_text("utf-8"))["call"]
    assert (entry["status"], entry["sid"]) == ("success", answer["sid"])
    assert KEY not in kept.read_text("utf-8")  # the request kept is the redacted one

    # The next start (here the history command) merges it: not "interrupted".
    shown = run_cli("history", "--json")
    assert shown.returncode == 0, shown.stderr
    [row] = json.loads(shown.stdout)
    assert (row["status"], row["sid"], row["description"]) == (
        "success",
        answer["sid"],
        "Call Connected",
    )
    assert row["finished_at"]
    assert not kept.exists()
    assert json.loads(run_cli("history", "--json").stdout) == [row]  # merged once


def test_when_the_journal_cannot_be_written_either_the_output_is_the_record(
    home: Path, cli_env: dict[str, str], standalone_sandbox: str, run_cli
) -> None:
    (home / "journal").write_text("a file where the journal folder goes")
    code, out, err = _call_while_the_store_is_locked(cli_env, standalone_sandbox)

    assert code == 0, err
    result, _, rest = out.strip().partition(": ")
    assert result == "success"
    assert SID.search(rest)
    assert "Traceback" not in err
    assert "history could not be written (database is locked), nor the journal" in err
    assert "this message is the only record of the result" in err
    # Nothing kept it: the next start can only say the outcome is unknown.
    [row] = json.loads(run_cli("history", "--json").stdout)
    assert row["status"] == "interrupted"
