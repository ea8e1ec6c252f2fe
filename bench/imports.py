"""Importing a 100,000-row leads CSV against reading the same file with the standard library.

The floor is what any import pays (read the bytes, decode, split with `csv`); the figure adds
what the console does per row (the header's layout, each number read by console.phone, the
problems kept with their line). Measured in this process: no window, no store.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from bench.results import SMOKE, Figure, median

ROWS = 2_000 if SMOKE else 100_000
RUNS = 1 if SMOKE else 5


def _write(path: Path) -> Path:
    lines = ["name,phone,company,notes"]
    lines += [
        f"Lead {i},({200 + i // 10000}) {_exchange(i)}-{i % 10000:04d},Co {i % 97},"
        for i in range(ROWS)
    ]
    lines[500 % ROWS] = "Broken,555,,"  # one bad row: a problem is kept with its line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _exchange(i: int) -> int:
    exchange = 300 + i % 600
    return exchange + 1 if exchange % 100 == 11 else exchange  # N11 is refused


def _floor(path: Path) -> float:
    started = time.perf_counter()
    rows = sum(1 for _ in csv.reader(path.read_bytes().decode("utf-8").splitlines()))
    elapsed = time.perf_counter() - started
    assert rows == ROWS + 1
    return elapsed


def _import(path: Path) -> float:
    from console.csvio import import_leads

    started = time.perf_counter()
    report = import_leads(path)
    elapsed = time.perf_counter() - started
    # A fast import that read the wrong thing is no figure.
    assert len(report.leads) == ROWS - 1 and len(report.problems) == 1, report.problems[:3]
    return elapsed


def run(work: Path) -> list[Figure]:
    work.mkdir(parents=True, exist_ok=True)
    path = _write(work / "leads.csv")
    _import(path)  # warm: phonenumbers' metadata is loaded once per process, not per import
    floors, imports = [], []
    for _ in range(RUNS):  # interleaved, so the machine's other work falls on both alike
        floors.append(_floor(path))
        imports.append(_import(path))
    return [
        # No issue sets a target: the figure is informational (reading each number with
        # phonenumbers, pure Python, is most of it); it replaced a test's 5 s wall-clock limit.
        Figure(
            f"leads import, {ROWS:,} rows (s)",
            round(median(imports), 3),
            round(median(floors), 3),
            "s",
            "none (informational)",
            None,
            {
                "rows": ROWS,
                "runs": RUNS,
                "imports": [round(x, 3) for x in imports],
                "floors": [round(x, 3) for x in floors],
            },
        )
    ]
