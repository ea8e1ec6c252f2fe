"""`python -m bench [--only NAME ...] [--out PATH]`: run the benchmarks, print the table."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.procs import compile_sources
from bench.results import RESULTS, SMOKE, Figure, NotRun, table, write

BENCHMARKS = (
    "startup",
    "responsiveness",
    "history",
    "reports",
    "request_path",
    "imports",
    "team",
    "team_stall",
)


def main(argv: list[str] | None = None) -> int:
    """Run each benchmark in turn; 1 if one could not run (a missed target is not an error)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results.json goes")
    args = parser.parse_args(argv)
    compile_sources()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    not_run: dict[str, str] = {}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="findme-bench-") as folder:
        for name in args.only:
            began = time.monotonic()
            print(f"== {name}{' (smoke)' if SMOKE else ''}", file=sys.stderr, flush=True)
            try:
                module = importlib.import_module(f"bench.{name}")
                figures.extend(module.run(Path(folder) / name))
            except NotRun as why:  # not an error: this machine lacks what it needs
                not_run[name] = f"not run: {why}"
                print(not_run[name], file=sys.stderr)
            except Exception:
                errors[name] = traceback.format_exc()
                print(errors[name], file=sys.stderr)
            timings[name] = round(time.monotonic() - began, 1)
    print(table(figures))
    # Other work on the machine (a test suite, a build) shows in these: 1.0 is one busy core.
    load = {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]}
    extra = {"errors": {**not_run, **errors}, "seconds": timings, "load_avg": load}
    write(figures, args.out, extra)
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
