"""The SQLite store shared: calls left pending by a process that died, two processes and two
stores writing at once, threads, the write-ahead log's checkpoints, and the locks of a second
store in one process. Real files in a temporary folder, real child processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import Store
from tests.conftest import child_pythonpath
from tests.store_kit import begin as _call
from tests.store_kit import record as _record


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "findme.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": child_pythonpath()}


# Crash recovery


def test_pending_call_of_dead_process_becomes_interrupted(db_path: Path) -> None:
    dead = _dead_pid()
    with Store.open(db_path) as first:
        first.add_calls_bulk([_record(1, status="pending", owner_pid=dead)])
        done = _call(first)
        first.finish_call(done, status="success", description="ok")
    with Store.open(db_path) as second:
        assert second.recovered_calls == 1
        recovered = second.fetch_calls(status="interrupted")
        assert len(recovered) == 1
        assert recovered[0].description == "outcome unknown (interrupted)"
        assert recovered[0].finished_at is not None
        assert second.get_call(done).status == "success"
    with Store.open(db_path) as third:
        assert third.recovered_calls == 0


def test_pending_call_of_live_process_is_left_alone(db_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with Store.open(db_path) as window:
            window.add_calls_bulk([_record(1, status="pending", owner_pid=sleeper.pid)])
            own = _call(window)  # owned by this (live) process, still in flight
            with Store.open(db_path) as cli:
                assert cli.recovered_calls == 0
                assert cli.count_calls(status="pending") == 2
            window.finish_call(own, status="success", description="ok")
    finally:
        sleeper.kill()
        sleeper.wait()


# Concurrency

_CHILD_WRITER = """
import sys
from pathlib import Path
from console.store import Store

store = Store.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
for i in range(200):
    call_id = store.begin_call(lead_name=f"child {i}", lead_number="5550000000",
        team_name="T", list_value="5550000001", call_type=1, request_redacted="")
    store.finish_call(call_id, status="success", description="ok")
store.close()
"""


def test_two_processes_and_two_stores_write_at_once(db_path: Path) -> None:
    Store.open(db_path).close()  # create the schema before the race starts
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD_WRITER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_child_env(),
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        with Store.open(db_path) as one, Store.open(db_path) as two:
            child.stdin.write("go\n")
            child.stdin.flush()
            for i in range(200):
                writer = one if i % 2 else two
                call_id = _call(writer, f"parent {i}")
                writer.finish_call(call_id, status="success", description="ok")
            assert child.wait(timeout=60) == 0
            assert one.count_calls() == 400
            assert one.count_calls("child") == 200
            assert two.count_calls("parent") == 200
            assert one.count_calls(status="pending") == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_threads_share_one_store(store: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                call_id = _call(store, f"thread {n} call {i}")
                store.finish_call(call_id, status="success", description="ok")
                store.count_calls("thread")
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count_calls("thread") == 200


def _wal_frames(path: Path) -> tuple[int, int]:
    """(frames in the log, frames already copied into the database), asked from outside."""
    probe = sqlite3.connect(str(path), isolation_level=None)
    try:
        _busy, frames, copied = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return frames, copied
    finally:
        probe.close()


def test_deferred_checkpoints_leave_the_log_to_checkpoint_if_written(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.defer_checkpoints()
        assert store.checkpoint_if_written() is False  # nothing written yet
        for i in range(400):  # well past the 1,000 pages at which a commit would checkpoint
            number = f"555{i:07d}"
            call_id = _call(store, f"Lead {i}", number)
            store.finish_call(call_id, status="success", description="x" * 2000, sid=number)
        wal = db_path.with_name(db_path.name + "-wal")
        # No commit folded the log back: it holds every page written (~10,000 here), where
        # SQLite's own checkpoints keep it near 1,000.
        assert wal.stat().st_size > 5000 * 4096
        assert store.checkpoint_if_written() is True
        assert store.checkpoint_if_written() is False  # nothing new since
        frames, copied = _wal_frames(db_path)
        assert frames == copied  # everything in the log is in the database now
        assert store.count_calls() == 400
    # And from a fresh connection, nothing was lost.
    with Store.open(db_path) as again:
        assert again.count_calls() == 400


def test_a_second_store_in_one_process_keeps_the_first_ones_locks(db_path: Path) -> None:
    # Opening a second Store read the file's header with open()/close(), and closing any
    # descriptor of a file drops every POSIX lock the process holds on it, SQLite's too:
    # another process closing its connection then thought itself the last one and deleted
    # the write-ahead log under this one's (writes were lost now and then; see
    # test_two_processes_and_two_stores_write_at_once).
    with Store.open(db_path) as one:
        _call(one)
        wal = Path(f"{db_path}-wal")
        assert wal.exists()
        with Store.open(db_path) as two:
            reader = (
                "import sqlite3, sys\n"
                "c = sqlite3.connect(sys.argv[1])\n"
                "print(c.execute('SELECT count(*) FROM history').fetchone()[0])\n"
                "c.close()\n"
            )
            done = subprocess.run(
                [sys.executable, "-c", reader, str(db_path)],
                capture_output=True,
                text=True,
                env=_child_env(),
                check=True,
            )
            assert done.stdout.strip() == "1"
            assert wal.exists(), "another process deleted the log while this one had it open"
            _call(two)
        assert one.count_calls() == 2
    # Closed in turn, the header is read again at the next first open.
    with Store.open(db_path) as again:
        assert again.count_calls() == 2
