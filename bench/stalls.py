"""A diagnostic: while the UI loop is late, sample its Python stack from another thread."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable

STALLS_ENV = "BENCH_STALLS"  # set it to print where the UI thread was during each stall


class StallSampler:
    """Samples the UI thread's stack every ``every`` s while ``last_tick()`` is older than
    ``after`` s; ``report()`` gives the most frequent innermost frames of our own code."""

    def __init__(self, last_tick: Callable[[], float], after: float = 0.012) -> None:
        self._last_tick = last_tick
        self._after = after
        self._ui = threading.main_thread().ident
        self._samples: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            if time.perf_counter() - self._last_tick() < self._after:
                continue
            frame = sys._current_frames().get(self._ui)
            if frame is not None:
                stack = traceback.extract_stack(frame)
                ours = [f for f in stack if "/work/" in f.filename or "site-packages" in f.filename]
                where = " < ".join(
                    f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}"
                    for f in reversed(ours[-4:])
                )
                self._samples[where or "(in Qt, no Python frame)"] += 1

    def report(self, top: int = 12) -> list[tuple[str, int]]:
        self._stop.set()
        return self._samples.most_common(top)
