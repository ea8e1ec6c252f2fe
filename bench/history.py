"""History at scale: open, filter, scroll to the end and memory, 100,000 calls against none.

Run as ``python -m bench.history worker`` on a FINDME_HOME the driver seeded; it prints JSON.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from bench.procs import child_env, rss_mb, run_worker
from bench.results import SMOKE, Figure, interleaved, limit_figure, median, ratio_figure

ROWS = 1_000 if SMOKE else 100_000
RUNS = 1 if SMOKE else 5
REPEATS = 1 if SMOKE else 3  # each filter, within a run
# What an agent types: a surname, a name with a number, a typed phone fragment, a sid fragment,
# a word in most rows, and nothing that matches.
TERMS = ("Garcia", "smith 12", "(212) 55", "a3f9", "Connected", "zzz")
OPEN_TARGET = 1.3
FILTER_LIMIT_MS = 100.0
MEMORY_LIMIT_MB = 100.0


async def _measure() -> dict[str, Any]:
    from bench.qt_helpers import idle, next_emit, until
    from console.engine import start_engine
    from ui.shell.main_window import MainWindow

    began = time.perf_counter()
    engine = await start_engine(later=True)
    window = MainWindow(engine)
    window.show()
    await idle()
    opened = time.perf_counter() - began
    history, model = window.history, window.history.model
    shown = {"rows": model.rowCount(), "total": model.total, **rss_mb()}
    filters: dict[str, list[float]] = {}
    counted: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    for term in TERMS:
        for _ in range(REPEATS):
            history.filter_edit.setText(term)  # starts the typing pause...
            started = time.perf_counter()
            done = next_emit(history.filtered)
            history.apply_filter()  # ...which this skips: the pause is not work
            await done
            filters.setdefault(term, []).append(time.perf_counter() - started)
            await until(lambda: model.counted, 30, "the filter's count")
            counted.setdefault(term, []).append(time.perf_counter() - started)
            found[term] = model.total
            await idle()
        _check_filter(engine.store, term, model)
    history.filter_edit.setText("")
    done = next_emit(history.filtered)
    history.apply_filter()
    await done
    scroll = await _scroll_to_end(window)
    result = {
        "open_s": opened,
        "shown": shown,
        "filter_s": filters,
        "counted_s": counted,
        "found": found,
        "scroll": scroll,
        "memory_end": rss_mb(),
    }
    await engine.close()
    return result


def _check_filter(store: Any, term: str, model: Any) -> None:
    """The model has a row for exactly each call the store finds, the newest first."""
    expected = store.count_calls(term)
    if model.total != expected or model.rowCount() != expected:
        raise AssertionError(f"filter {term!r}: the model shows {model.total}, not {expected}")
    newest = store.fetch_calls(term, None, 0, 1, bodies=False)
    if expected and model.record(0).id != newest[0].id:
        raise AssertionError(f"filter {term!r}: the top row is not the newest call")


async def _scroll_to_end(window: Any) -> dict[str, Any]:
    """Press Ctrl+End in the table until the last call is fetched and shown."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from bench.qt_helpers import idle

    table, model = window.history.table, window.history.model
    table.setFocus()
    presses = 0
    started = time.perf_counter()
    oldest = window.engine.store.fetch_calls(oldest_first=True, limit=1, bodies=False)
    while True:
        QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        presses += 1
        await idle()
        row = table.currentIndex().row()
        if not model.canFetchMore() and row == model.rowCount() - 1:
            shown = model.record(row)
            if oldest and (shown is None or shown.id != oldest[0].id):
                raise AssertionError("Ctrl+End reached a row that is not the oldest call")
            break
        if presses > model.total // 50 + 10:
            raise AssertionError("Ctrl+End did not reach the last call")
    seconds = time.perf_counter() - started
    return {"s": seconds, "presses": presses, "rows": model.rowCount(), "total": model.total}


def worker() -> None:
    """Measure in this process and print the result as one JSON line."""
    from bench.qt_helpers import print_and_exit, run_on_qasync

    print_and_exit(run_on_qasync(_measure))


def run(work: Path) -> list[Figure]:
    """Seed an empty store and a full one, then measure each in fresh processes."""
    from bench.seed import seed_store

    homes = {}
    for rows in (0, ROWS):
        homes[rows] = work / f"home-{rows}"
        homes[rows].mkdir(parents=True, exist_ok=True)
        seed_store(homes[rows] / "findme.db", rows)

    def once(rows: int) -> Any:
        return run_worker("history", ["worker"], child_env(homes[rows]), timeout=600)

    empties, fulls = interleaved(RUNS, lambda: once(0), lambda: once(ROWS))
    return _figures(empties, fulls)


def _figures(empties: list[dict[str, Any]], fulls: list[dict[str, Any]]) -> list[Figure]:
    def worst_ms(runs: list[dict[str, Any]], key: str) -> tuple[float, dict[str, float]]:
        per_term = {t: 1000 * median([x for r in runs for x in r[key][t]]) for t in TERMS}
        return max(per_term.values()), {t: round(v, 1) for t, v in per_term.items()}

    full_filter, full_terms = worst_ms(fulls, "filter_s")
    empty_filter, _ = worst_ms(empties, "filter_s")
    _, counted_terms = worst_ms(fulls, "counted_s")
    full_mem = median([r["memory_end"]["rss_mb"] for r in fulls])
    empty_mem = median([r["memory_end"]["rss_mb"] for r in empties])
    scroll = median([r["scroll"]["s"] for r in fulls])
    return [
        ratio_figure(
            f"history: open the window, {ROWS:,} calls",
            round(median([r["open_s"] for r in fulls]), 3),
            round(median([r["open_s"] for r in empties]), 3),
            "s",
            OPEN_TARGET,
            rows_shown=fulls[-1]["shown"]["rows"],
            total=fulls[-1]["shown"]["total"],
            open_runs=[round(r["open_s"], 3) for r in fulls],
            empty_runs=[round(r["open_s"], 3) for r in empties],
        ),
        limit_figure(
            "history: apply a text filter (worst term)",
            round(full_filter, 1),
            round(empty_filter, 1),
            "ms",
            FILTER_LIMIT_MS,
            per_term_ms=full_terms,
            per_term_counted_ms=counted_terms,
            found=fulls[-1]["found"],
            note="from apply_filter() to the model showing the rows; typing pause not included;"
            " counted: until the count label is exact",
        ),
        Figure(
            "history: Ctrl+End to the last call",
            round(scroll, 2),
            round(median([r["scroll"]["s"] for r in empties]), 3),
            "s",
            "(no target)",
            None,
            {"presses": fulls[-1]["scroll"]["presses"], "rows": fulls[-1]["scroll"]["rows"]},
        ),
        Figure(
            "history: resident memory after scrolling all",
            full_mem,
            empty_mem,
            "MB",
            f"< floor + {MEMORY_LIMIT_MB:g} MB",
            full_mem < empty_mem + MEMORY_LIMIT_MB,
            {
                "after_open_mb": median([r["shown"]["rss_mb"] for r in fulls]),
                "empty_after_open_mb": median([r["shown"]["rss_mb"] for r in empties]),
                "peak_mb": median([r["memory_end"]["peak_mb"] for r in fulls]),
            },
        ),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["worker"]:
        worker()
