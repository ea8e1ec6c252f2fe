"""A desktop's team sync on its own, as the window runs it: `python tests/team_desktop.py
STORE URL [BACKOFF_MAX]` syncs the SQLite file STORE with the team server URL until its stdin
closes (or says anything), then stops the thread and exits. Prints "ready" once started."""

from __future__ import annotations

import sys
from pathlib import Path

from console.team import TeamSync


def main() -> int:
    store, url = Path(sys.argv[1]), sys.argv[2]
    backoff_max = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    sync = TeamSync(store, url, backoff=(0.1, backoff_max))
    sync.start()
    print("ready", flush=True)
    sys.stdin.readline()
    stopped = sync.stop(timeout=5)
    print("stopped" if stopped else "still running", flush=True)
    return 0 if stopped else 1


if __name__ == "__main__":
    raise SystemExit(main())
