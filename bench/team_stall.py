"""The UI loop's lag while the team server stalls: the window in team mode (its TeamSync
started by ui/shell/team_mode.py), the backends serving the team database SIGSTOPped for
STALL_S seconds (a hung server: the socket stays open, nothing answers), then SIGCONT.

Measured as bench/lag.py measures it (a 1 ms timer on the UI thread). During the stall the
desktop records a call every half second, off the UI thread as the call path does, so the sync
thread tries to send it and blocks on the stalled server, and the window's change watcher
re-reads the history. Run as ``python -m bench.team_stall worker ADMIN_URL`` (with
FINDME_TEAM_URL set: the desktop's team server).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bench.procs import child_env, run_worker
from bench.results import SMOKE, Figure, limit_figure
from bench.team_server import DATABASE, team_server

STALL_S = 1.0 if SMOKE else 10.0
AFTER_S = 0.5 if SMOKE else 2.0  # measured on after SIGCONT: the sync's catching up
P99_LIMIT_MS = 16.0
WORST_LIMIT_MS = 50.0
CALL_EVERY_S = 0.5


def _backends(admin_url: str) -> list[int]:
    """The pids of the server processes serving the team database's clients."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            (DATABASE,),
        ).fetchall()
    return [pid for (pid,) in rows]


def _record_call(store: Any, i: int) -> None:
    call_id = store.begin_call(
        lead_name=f"Stall {i}",
        lead_number=f"555{i:07d}",
        team_name="Night",
        list_value="5550001111",
        call_type=1,
        request_redacted="",
    )
    store.finish_call(call_id, status="success", description="Call Connected")


async def _measure(admin_url: str) -> dict[str, Any]:
    from bench.lag import LagProbe
    from bench.qt_helpers import idle, until
    from console.engine import start_engine
    from ui.common.tasks import off_thread
    from ui.shell.main_window import MainWindow

    engine = await start_engine()
    store = engine.store
    window = MainWindow(engine)
    window.show()
    await idle()
    await until(lambda: store.team_state().get("connected") == "1", 30, "the sync to connect")
    await asyncio.sleep(0.5)
    probe = LagProbe()
    probe.start()
    await asyncio.sleep(1.0 if not SMOKE else 0.3)
    idle_lag = probe.stop()

    pids = await off_thread(_backends, admin_url)
    probe.start()
    recorded = 0
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        stall_end = time.monotonic() + STALL_S
        while time.monotonic() < stall_end:
            await off_thread(_record_call, store, recorded)
            recorded += 1
            await asyncio.sleep(min(CALL_EVERY_S, max(0.0, stall_end - time.monotonic())))
        waiting = len(await off_thread(store.outbox_calls, 1000))
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    await asyncio.sleep(AFTER_S)
    stall_lag = probe.stop()
    await until(lambda: not store.outbox_calls(1000), 60, "the calls to be sent after the stall")
    state = store.team_state()
    window.close()
    await engine.close()
    return {
        "idle": idle_lag,
        "stall": stall_lag,
        "backends_stopped": len(pids),
        "calls_recorded_during_stall": recorded,
        "waiting_at_stall_end": waiting,
        "connected_after": state.get("connected"),
    }


def worker(admin_url: str) -> None:
    from bench.qt_helpers import print_and_exit, run_on_qasync

    print_and_exit(run_on_qasync(lambda: _measure(admin_url)))


def run(work: Path) -> list[Figure]:
    with team_server() as server:
        home = work / "home"
        home.mkdir(parents=True, exist_ok=True)
        env = child_env(
            home,
            FINDME_TEAM_URL=server.agent_url,
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        result = run_worker("team_stall", ["worker", server.admin_url], env, timeout=180)
    stall = result["stall"]
    detail = {
        "stall_s": STALL_S,
        "measured_s": stall["seconds"],
        "how": "window in team mode (TeamSync started by ui/shell/team_mode.py); every client "
        "backend of the team database SIGSTOPped, SIGCONT after; a call recorded every "
        f"{CALL_EVERY_S:g} s off the UI thread meanwhile",
        **{k: v for k, v in result.items() if k not in ("stall",)},
        "stall": stall,
    }
    return [
        limit_figure(
            f"team: UI lag p99, team server stalled {STALL_S:g} s",
            stall["p99_ms"],
            result["idle"]["p99_ms"],
            "ms",
            P99_LIMIT_MS,
            **detail,
        ),
        limit_figure(
            f"team: UI lag worst, team server stalled {STALL_S:g} s",
            stall["worst_ms"],
            result["idle"]["worst_ms"],
            "ms",
            WORST_LIMIT_MS,
        ),
    ]


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker(sys.argv[2])
