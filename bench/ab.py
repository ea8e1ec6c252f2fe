"""Two checkouts' start-up head to head: ``python -m bench.ab OLD NEW [--runs N]``.

Launches the console of each checkout in turn (OLD, NEW, OLD, NEW, ...) on a data folder of
its own, to the moment `make bench` measures (the window shown and idle), and prints each
median and the median of NEW/OLD per pair. Launching in turn is what makes the comparison
hold on a machine whose speed moves from one minute to the next (a virtual machine's does by
half): both sides of a pair see much the same machine. Not part of `make bench`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.procs import PYTHON, child_env
from bench.startup import launch


def _compile(root: Path) -> None:
    # As an installed copy has it (and bench.procs.compile_sources does for this checkout).
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(root / "console"), str(root / "ui")], check=True
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("old", type=Path, help="a checkout (its main.py is launched)")
    parser.add_argument("new", type=Path, help="another checkout")
    parser.add_argument("--runs", type=int, default=15, help="pairs of launches (15)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs: give 1 or more pairs")
    roots = [args.old.resolve(), args.new.resolve()]
    with tempfile.TemporaryDirectory() as folder:
        envs = []
        for index, root in enumerate(roots):
            _compile(root)
            env = child_env(Path(folder) / str(index))
            env["PYTHONPATH"] = str(root)
            envs.append(env)
        runs: list[list[float]] = [[], []]
        for _ in range(args.runs + 1):  # the first pair makes the stores: not counted
            for side, root in enumerate(roots):
                shown = launch([PYTHON, str(root / "main.py")], envs[side], True)["shown"]
                runs[side].append(shown)
        old, new = runs[0][1:], runs[1][1:]
    pairs = [b / a for a, b in zip(old, new, strict=True)]
    print(f"old {roots[0]}: median {statistics.median(old):.3f} s")
    print(f"new {roots[1]}: median {statistics.median(new):.3f} s")
    spread = ""
    if len(pairs) > 1:  # quartiles need two pairs at least
        quartiles = ", ".join(f"{q:.2f}" for q in statistics.quantiles(pairs, n=4))
        spread = f" (quartiles {quartiles})"
    print(f"new/old per pair: median {statistics.median(pairs):.3f}{spread}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
