"""Figures: the shared shape of a result, the printed table, results.json and the machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SMOKE = os.environ.get("BENCH_SMOKE") == "1"
RESULTS = Path(__file__).resolve().parent / "results.json"


class NotRun(Exception):
    """A benchmark that cannot run on this machine (what it needs is missing): one line why."""


@dataclass
class Figure:
    """One measured figure, its floor from the same run, and its target."""

    name: str
    value: float
    floor: float
    unit: str
    target: str  # as a person reads it: "<= 1.5x floor", "< 16 ms", "< floor + 100 MB"
    passed: bool | None  # None: informational, no target
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return round(self.value / self.floor, 2) if self.floor else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        passed = data.pop("passed")
        detail = data.pop("detail")
        return {**data, "ratio": self.ratio, "pass": passed, "detail": detail}


def ratio_figure(
    name: str, value: float, floor: float, unit: str, most: float, **detail: Any
) -> Figure:
    """A figure whose target is at most ``most`` times its floor."""
    passed = bool(floor) and value <= most * floor
    return Figure(name, value, floor, unit, f"<= {most:g}x floor", passed, detail)


def limit_figure(
    name: str, value: float, floor: float, unit: str, below: float, **detail: Any
) -> Figure:
    """A figure whose target is an absolute limit (value < ``below``)."""
    return Figure(name, value, floor, unit, f"< {below:g} {unit}", value < below, detail)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def interleaved(runs: int, *measures: Callable[[], float]) -> list[list[float]]:
    """Run each measure ``runs`` times, alternating, so load changes hit them all alike."""
    results: list[list[float]] = [[] for _ in measures]
    for _ in range(runs):
        for samples, measure in zip(results, measures, strict=True):
            samples.append(measure())
    return results


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gb": _ram_gb(),
        "os": _os_name(),
        "python": platform.python_version(),
    }
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        info["qt"] = qVersion()
        info["pyside6"] = PySide6.__version__
    except ImportError:  # pragma: no cover - the project depends on it
        pass
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    except OSError:
        pass
    return platform.platform()


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table (also readable in a terminal)."""
    rows = [("figure", "value", "floor", "ratio", "target", "pass")]
    for f in figures:
        verdict = "-" if f.passed is None else ("yes" if f.passed else "NO")
        rows.append(
            (
                f.name,
                f"{_cell(f.value)} {f.unit}",
                f"{_cell(f.floor)} {f.unit}",
                _cell(f.ratio),
                f.target,
                verdict,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write(figures: Sequence[Figure], path: Path, extra: dict[str, Any] | None = None) -> None:
    """Write results.json: the machine, then one entry per figure."""
    payload = {
        "machine": machine(),
        "smoke": SMOKE,
        "argv": sys.argv,
        **(extra or {}),
        "figures": [f.as_json() for f in figures],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
