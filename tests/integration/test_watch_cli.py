"""`teams watch --json` without a team server: another process's edit to this desktop's store
shows as one JSON line within a second (console.store.watch, the window's own watcher)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import ROOT

ROSTER = "First Name,Last Name,Mobile\nDee,Dunn,555-111-4444\nEd,Eng,555-111-5555\n"


def test_watch_in_sqlite_mode_sees_another_process_import_within_a_second(
    cli_env: dict[str, str], run_cli, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    cli_env.pop("FINDME_TEAM_URL", None)
    watcher = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "teams", "watch", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    lines: queue.Queue[dict] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(json.loads(line)) for line in watcher.stdout], daemon=True
    ).start()
    try:
        assert lines.get(timeout=30) == {"event": "resync"}
        made = run_cli("teams", "import", str(roster), "--name", "Night")
        done_at = time.monotonic()
        assert made.returncode == 0, made.stderr
        seen = {lines.get(timeout=1.0)["table"]}
        assert time.monotonic() - done_at < 1.0
        try:
            while len(seen) < 2:
                seen.add(lines.get(timeout=1.0)["table"])
        except queue.Empty:
            pass
        assert seen == {"teams", "team_members"}
        # Leads are not team lists: `teams watch` does not report them.
        leads = tmp_path / "leads.csv"
        leads.write_text("Name,Phone\nJane Roe,555-222-3334\n", encoding="utf-8")
        assert run_cli("leads", "import", str(leads)).returncode == 0
        time.sleep(0.6)
        assert lines.empty()
    finally:
        watcher.terminate()
        watcher.wait(10)
    assert "Traceback" not in watcher.stderr.read()
