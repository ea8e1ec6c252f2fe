"""The UI event loop's lag: how late a 1 ms timer fires while the loop does other work."""

from __future__ import annotations

import gc
import time
from typing import Any

from bench.results import percentile

INTERVAL_S = 0.001


class LagProbe:
    """A precise 1 ms QTimer on the UI thread; each tick's lateness is the loop's lag."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)
        self._ticks: list[float] = []

        self._gc: list[tuple[float, int, float]] = []  # (start, generation, seconds)
        self._gc_began = 0.0

    def _tick(self) -> None:
        self._ticks.append(time.perf_counter())

    def last_tick(self) -> float:
        return self._ticks[-1] if self._ticks else time.perf_counter()

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            now = time.perf_counter()
            self._gc.append((self._gc_began, info["generation"], now - self._gc_began))

    def start(self) -> None:
        self._ticks = [time.perf_counter()]
        self._gc = []
        gc.callbacks.append(self._on_gc)
        self._timer.start()

    def stop(self) -> dict[str, Any]:
        """Stop and summarise: lag in ms per tick (the gap beyond the 1 ms interval)."""
        self._timer.stop()
        gc.callbacks.remove(self._on_gc)
        result = summary(self._ticks)
        slow = sorted(self._gc, key=lambda g: -g[2])[:5]
        result["gc"] = {
            "collections": len(self._gc),
            "seconds": round(sum(g[2] for g in self._gc), 3),
            "longest": [
                (round(g[0] - self._ticks[0], 3), g[1], round(g[2] * 1000, 1)) for g in slow
            ],
        }
        return result


def summary(ticks: list[float]) -> dict[str, Any]:
    """Worst, 99th percentile and mean lag, in ms, from tick times in seconds."""
    lags = [max(0.0, (b - a - INTERVAL_S) * 1000) for a, b in zip(ticks, ticks[1:], strict=False)]
    if not lags:
        return {"ticks": 0, "p99_ms": 0.0, "worst_ms": 0.0, "mean_ms": 0.0, "seconds": 0.0}
    return {
        "ticks": len(lags),
        "p99_ms": round(percentile(lags, 99), 2),
        "worst_ms": round(max(lags), 2),
        "mean_ms": round(sum(lags) / len(lags), 3),
        "over_16ms": sum(1 for lag in lags if lag > 16),
        "seconds": round(ticks[-1] - ticks[0], 2),
        # How many late ticks (> 16 ms) fell in each second of the measurement.
        "late_per_second": _per_second(ticks, lags),
        # The five worst, as (seconds into the measurement, lag in ms), to find their cause.
        "worst_at": sorted(
            ((round(ticks[i] - ticks[0], 3), round(lag, 1)) for i, lag in enumerate(lags)),
            key=lambda pair: -pair[1],
        )[:5],
    }


def _per_second(ticks: list[float], lags: list[float]) -> list[int]:
    seconds = [0] * (int(ticks[-1] - ticks[0]) + 1)
    for i, lag in enumerate(lags):
        if lag > 16:
            seconds[int(ticks[i] - ticks[0])] += 1
    return seconds
