"""The agent's window in team mode, for bench/team.py: it reports each time its change watcher
(ui/shell/live.py) fires, with the numbers the Call panel's team list "Night" then shows.

Run as ``python -m bench.team_window`` with FINDME_HOME and FINDME_TEAM_URL set; prints
"ready" once the window shows the team's first copy of "Night", then one line
``seen SECONDS NUMBER|NUMBER...`` per change (SECONDS: time.perf_counter(), the system-wide
monotonic clock on Linux, comparable between processes), until its stdin closes.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Any

FIRST = "5550000000"  # the list's first number, before any edit


async def _window() -> dict[str, Any]:
    from bench.qt_helpers import idle, until
    from console.engine import start_engine
    from ui.shell.main_window import MainWindow

    engine = await start_engine()
    window = MainWindow(engine)
    window.show()
    await idle()
    combo = window.call_panel.team_combo

    def night() -> list[str]:
        for i in range(combo.count()):
            team = combo.itemData(i)
            if team.name == "Night":
                return [m.number for m in team.members]
        return []

    await until(lambda: night() == [FIRST], 30, "the team's list in the window")

    def seen(_tables: frozenset[str]) -> None:
        # Connected after the window's own handler (follow_store): Qt calls them in order,
        # so the Call panel has re-read the lists when this runs.
        print(f"seen {time.perf_counter()!r} {'|'.join(night())}", flush=True)

    window.store_watcher.changed.connect(seen)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    done = asyncio.Event()

    def wait_stdin() -> None:
        sys.stdin.readline()
        loop.call_soon_threadsafe(done.set)

    threading.Thread(target=wait_stdin, daemon=True).start()
    await done.wait()
    window.close()
    await engine.close()
    return {"stopped": True}


if __name__ == "__main__":
    from bench.qt_helpers import print_and_exit, run_on_qasync

    print_and_exit(run_on_qasync(_window))
