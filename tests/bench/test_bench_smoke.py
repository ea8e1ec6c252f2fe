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
FIELDS = {"name", "value", "floor", "ratio", "target", "unit", "pass", "detail"}


@pytest.mark.timeout(180)
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
        timeout=170,
    )
    assert out.exists(), done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["errors"] == {}, results["errors"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert results["smoke"] is True
    assert {"nproc", "cpu", "ram_gb", "os", "python", "qt"} <= results["machine"].keys()
    figures = results["figures"]
    names = [f["name"] for f in figures]
    assert len(names) == len(set(names)) == 15, names
    for figure in figures:
        assert figure.keys() >= FIELDS, figure
        assert isinstance(figure["value"], int | float) and figure["value"] >= 0, figure
        assert isinstance(figure["floor"], int | float), figure
        assert figure["pass"] in (True, False, None), figure
    rows = next(f for f in figures if f["name"].startswith("history rows final and correct"))
    assert rows["value"] == rows["floor"] == 5  # every smoke call ended right
    # The table is printed too, one line per figure.
    assert all(name in done.stdout for name in names)
