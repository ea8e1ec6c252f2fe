"""The Reports view at scale: opened on 100,000 calls (every one in the period it opens on)
against opening it on an empty store, in the same run; and what pyqtgraph costs.

Run as ``python -m bench.reports worker`` on a FINDME_HOME the driver seeded (it prints JSON),
or ``python -m bench.reports import`` to time importing pyqtgraph alone.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.procs import child_env, run_worker
from bench.results import SMOKE, Figure, interleaved, limit_figure, median

ROWS = 1_000 if SMOKE else 100_000
RUNS = 1 if SMOKE else 5
OPEN_LIMIT_S = 0.5  # issue 13: the view opens on 100,000 calls in under 0.5 s


async def _open(window: Any) -> tuple[float, Any]:
    """Seconds from asking for Reports to its charts drawn for the figures, and the view."""
    from bench.qt_helpers import idle, until

    started = time.perf_counter()
    reports = window.show_reports()  # the menu entry's slot (imports it the first time)
    await until(lambda: reports.figures is not None, 60, "the reports counted")
    await idle()  # painted
    return time.perf_counter() - started, reports


async def _measure() -> dict[str, Any]:
    from bench.qt_helpers import idle
    from console.engine import start_engine
    from ui.shell.main_window import MainWindow

    engine = await start_engine(later=True)
    window = MainWindow(engine)
    window.show()
    await idle()
    loaded_at_start = sorted(
        {m.split(".")[0] for m in sys.modules} & {"pyqtgraph", "numpy"}
        | {m for m in sys.modules if m.startswith("ui.reports")}
    )
    first, reports = await _open(window)
    figures = reports.figures
    counted = sum(d.calls for d in figures.days)
    expected = engine.store.count_calls()
    if counted != expected:  # every seeded call is in the period the view opens on
        raise AssertionError(f"the view counted {counted} calls, the store has {expected}")
    count_s = reports.count_seconds
    reports.close()
    await idle()
    again, reports = await _open(window)
    result = {
        "open_s": first,
        "reopen_s": again,
        "count_s": count_s,
        "recount_s": reports.count_seconds,
        "calls": counted,
        "loaded_at_start": loaded_at_start,
    }
    await engine.close()
    return result


def worker() -> None:
    """Measure in this process and print the result as one JSON line."""
    from bench.qt_helpers import print_and_exit, run_on_qasync

    print_and_exit(run_on_qasync(_measure))


def import_worker() -> None:
    """Time importing pyqtgraph (and numpy under it) once Qt is up, as Reports does."""
    from bench.qt_helpers import print_and_exit, qt_app

    qt_app()
    started = time.perf_counter()
    import numpy  # noqa: F401

    numpy_s = time.perf_counter() - started
    import pyqtgraph  # noqa: F401

    print_and_exit({"import_s": time.perf_counter() - started, "numpy_s": numpy_s})


def run(work: Path) -> list[Figure]:
    """Seed an empty store and one of ROWS calls in the last 29 days, then measure each."""
    from bench.seed import seed_store, wrap_up_most

    homes = {}
    now = datetime.now(UTC)
    for rows in (0, ROWS):
        homes[rows] = work / f"home-{rows}"
        homes[rows].mkdir(parents=True, exist_ok=True)
        store = homes[rows] / "findme.db"
        seed_store(store, rows, start=now - timedelta(days=29), span=timedelta(days=29))
        wrap_up_most(store)

    def once(rows: int) -> Any:
        return run_worker("reports", ["worker"], child_env(homes[rows]), timeout=600)

    def imported() -> Any:
        return run_worker("reports", ["import"], child_env(homes[0]), timeout=120)

    empties, fulls, imports = interleaved(RUNS, lambda: once(0), lambda: once(ROWS), imported)
    return _figures(empties, fulls, imports)


def _figures(empties: list[Any], fulls: list[Any], imports: list[Any]) -> list[Figure]:
    def med(runs: list[Any], key: str) -> float:
        return round(median([r[key] for r in runs]), 3)

    return [
        limit_figure(
            f"reports: open the view, {ROWS:,} calls",
            med(fulls, "open_s"),
            med(empties, "open_s"),
            "s",
            OPEN_LIMIT_S,
            note="first open in the process: imports pyqtgraph and numpy, builds the view,"
            " counts in the store off the window's thread and draws; floor: an empty store",
            pyqtgraph_import_s=med(imports, "import_s"),
            numpy_import_s=med(imports, "numpy_s"),
            count_s=med(fulls, "count_s"),
            empty_count_s=med(empties, "count_s"),
            open_runs=[round(r["open_s"], 3) for r in fulls],
            empty_runs=[round(r["open_s"], 3) for r in empties],
            calls=fulls[-1]["calls"],
            loaded_at_start=fulls[-1]["loaded_at_start"],
        ),
        limit_figure(
            f"reports: open it again, {ROWS:,} calls",
            med(fulls, "reopen_s"),
            med(empties, "reopen_s"),
            "s",
            OPEN_LIMIT_S,
            note="closed and opened again: pyqtgraph is loaded, the view is built anew",
            count_s=med(fulls, "recount_s"),
            runs=[round(r["reopen_s"], 3) for r in fulls],
        ),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["worker"]:
        worker()
    elif sys.argv[1:] == ["import"]:
        import_worker()
