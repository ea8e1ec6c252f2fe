"""Start-up: process start to the main window shown and idle, against the design on its own
(a label in the bare window, on a qasync loop), itself against a bare PySide6 window."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from bench.procs import PYTHON, READY_ENV, ROOT, child_env
from bench.results import SMOKE, Figure, interleaved, median

RUNS = 1 if SMOKE else 15
TARGET = 1.5  # times the reference (issue 10), not the bare window


def launch(argv: list[str], env: dict[str, str], wait_started: bool) -> dict[str, float]:
    """Start a process, wait for its ready file; seconds from start to "shown" (and "started")."""
    with tempfile.TemporaryDirectory() as folder:
        ready = Path(folder) / "ready"
        began = time.monotonic()
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**env, READY_ENV: str(ready)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            marks = _wait_marks(ready, proc, ("shown", "started") if wait_started else ("shown",))
        finally:
            proc.kill()
            proc.wait()
    return {name: stamp - began for name, stamp in marks.items()}


def _wait_marks(path: Path, proc: subprocess.Popen, names: tuple[str, ...]) -> dict[str, float]:
    deadline = time.monotonic() + 60
    while True:
        marks = {}
        if path.exists():
            for line in path.read_text().splitlines():
                name, _, stamp = line.partition(" ")
                marks[name] = float(stamp)
        if all(n in marks for n in names):
            return marks
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited ({proc.returncode}) before it was ready")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{proc.args} was not ready within 60 s")
        time.sleep(0.002)


def run(work: Path) -> list[Figure]:
    """Median of RUNS interleaved launches of the floor window and of the console."""
    home = work / "startup-home"
    home.mkdir(parents=True, exist_ok=True)
    env = child_env(home)
    floor_argv = [PYTHON, str(ROOT / "bench" / "floor_window.py")]
    design_argv = [*floor_argv, "--qasync"]
    app_argv = [PYTHON, str(ROOT / "main.py")]
    # A first launch of each, not counted: it creates the store and fills the file cache.
    launch(floor_argv, env, False)
    launch(design_argv, env, False)
    launch(app_argv, env, True)
    app_marks: list[dict[str, float]] = []

    def floor_once() -> float:
        return launch(floor_argv, env, False)["shown"]

    def design_once() -> float:
        return launch(design_argv, env, False)["shown"]

    def app_once() -> float:
        app_marks.append(launch(app_argv, env, True))
        return app_marks[-1]["shown"]

    floors, designs, apps = interleaved(RUNS, floor_once, design_once, app_once)
    floor, design, value = median(floors), median(designs), median(apps)
    started = median([m["started"] for m in app_marks])
    # Launches run in turn (floor, reference, console), so each console launch has a
    # reference launched just before it, under much the same load from the rest of the machine.
    paired = sorted(app / ref for app, ref in zip(apps, designs, strict=True))
    return [
        Figure(
            "start-up: window shown and idle",
            round(value, 3),
            round(design, 3),
            "s",
            f"<= {TARGET:g}x reference",
            value <= TARGET * design,
            {
                "note": "the floor is the reference row (the design on its own: a label in "
                "the floor window on a qasync loop); bare_window_s is the physical floor",
                "runs": RUNS,
                "app_runs": [round(x, 3) for x in apps],
                "reference_runs": [round(x, 3) for x in designs],
                "paired_ratio_median": round(median(paired), 2),
                "paired_ratio_range": [round(paired[0], 2), round(paired[-1], 2)],
                "bare_window_s": round(floor, 3),
                "ratio_to_bare_window": round(value / floor, 2) if floor else None,
                "engine_started_s": round(started, 3),
                "engine_note": "engine_started_s: the deferred HTTP client and sandbox are up "
                "(after shown)",
            },
        ),
        Figure(
            "reference: the floor window on a qasync loop, with a label",
            round(design, 3),
            round(floor, 3),
            "s",
            "(reference)",
            None,
            {
                "note": "what the design costs before any of the console's code: asyncio and "
                "qasync imported, Qt's enum namespace built, fonts loaded for one label; its "
                "floor is the bare window",
                "runs": [round(x, 3) for x in designs],
                "floor_runs": [round(x, 3) for x in floors],
            },
        ),
    ]
