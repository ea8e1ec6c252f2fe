"""A tiny run of every benchmark (`BENCH_SMOKE=1`), so they keep working; no timing is judged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import child_pythonpath

ROOT = Path(__file__).resolve().parents[2]
TEAM_ROWS = {"team": 3, "team_stall": 2}  # the figures each team benchmark writes
FIELDS = {"name", "value", "floor", "ratio", "target", "unit", "pass", "detail"}


@pytest.mark.timeout(240)
def test_every_benchmark_runs_and_writes_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINDME_")}
    env.update(BENCH_SMOKE="1", QT_QPA_PLATFORM="offscreen", PYTHONPATH=child_pythonpath())
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=230,
    )
    assert out.exists(), done.stderr[-3000:]
    results = json.loads(out.read_text())
    # The team rows need PostgreSQL: without it they are "not run" (one line), not an error,
    # unless FINDME_REQUIRE_POSTGRES=1 (CI).
    not_run = {k for k, v in results["errors"].items() if v.startswith("not run: ")}
    assert not_run <= TEAM_ROWS.keys(), results["errors"]
    assert all("\n" not in results["errors"][k] for k in not_run), results["errors"]
    if os.environ.get("FINDME_REQUIRE_POSTGRES") == "1":
        assert not not_run, results["errors"]
    assert results["errors"].keys() == not_run, results["errors"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert results["smoke"] is True
    assert {"nproc", "cpu", "ram_gb", "os", "python", "qt"} <= results["machine"].keys()
    figures = results["figures"]
    names = [f["name"] for f in figures]
    expected = 15 + sum(count for name, count in TEAM_ROWS.items() if name not in not_run)
    assert len(names) == len(set(names)) == expected, names
    for figure in figures:
        assert figure.keys() >= FIELDS, figure
        assert isinstance(figure["value"], int | float) and figure["value"] >= 0, figure
        assert isinstance(figure["floor"], int | float), figure
        assert figure["pass"] in (True, False, None), figure
    rows = next(f for f in figures if f["name"].startswith("history rows final and correct"))
    assert rows["value"] == rows["floor"] == 5  # every smoke call ended right
    if "team" not in not_run:  # every smoke desktop's call on the team server once
        team = next(f for f in figures if f["name"].endswith("rows lost + duplicated"))
        assert team["value"] == 0 and team["pass"] is True, team
        assert team["detail"]["rows_on_server"] == team["detail"]["calls_made"] > 0, team
    if "team_stall" not in not_run:  # the stall reached the sync: backends stopped
        stall = next(f for f in figures if f["name"].startswith("team: UI lag p99"))
        assert stall["detail"]["backends_stopped"] >= 1, stall
    # The table is printed too, one line per figure.
    assert all(name in done.stdout for name in names)


@pytest.mark.timeout(120)
def test_the_head_to_head_start_up_tool_compares_two_checkouts():
    # This checkout against itself, one counted pair: it runs and says both medians and a ratio.
    done = subprocess.run(
        [sys.executable, "-m", "bench.ab", str(ROOT), str(ROOT), "--runs", "1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": child_pythonpath()},
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    old, new, pairs = done.stdout.splitlines()
    assert old.startswith("old ") and new.startswith("new ") and " s" in old
    ratio = float(pairs.split("median ")[1].split()[0])
    assert 0.2 < ratio < 5
