"""Child processes for the benchmarks: environments, workers, a sandbox process, memory."""

from __future__ import annotations

import compileall
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ui.shell.app import BENCH_READY_ENV as READY_ENV  # ui.shell.app imports no Qt at the top

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
_CLEARED = ("FINDME_API_URL", "FINDME_KEY", "FINDME_ACCESS_KEY", "FINDME_SECRET_ACCESS_KEY")


def compile_sources() -> None:
    """Write the bytecode a normal install has, so no run pays for compiling the sources."""
    # With PYTHONDONTWRITEBYTECODE set (as in some CI images) every start-up would otherwise
    # compile the console's sources again.
    for folder in ("console", "ui", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    compileall.compile_file(ROOT / "main.py", quiet=1)


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a console process: a private data folder, Qt off screen."""
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED and k != READY_ENV}
    env.update(
        FINDME_HOME=str(home),
        QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
        # This checkout's sources first; what was on PYTHONPATH stays (the test suite's
        # network guard, when the bench runs under it).
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


def run_worker(module: str, args: list[str], env: dict[str, str], timeout: float) -> Any:
    """Run ``python -m bench.<module> args`` and return the JSON it prints last."""
    done = subprocess.run(
        [PYTHON, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"bench.{module} {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return json.loads(lines[-1])


def rss_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": found.get("VmRSS", 0.0), "peak_mb": found.get("VmHWM", 0.0)}


class SandboxProcess:
    """``python main.py sandbox`` (or the arrivals sandbox) in a process of its own."""

    def __init__(self, env: dict[str, str], time_scale: float, arrivals: bool = False) -> None:
        command = [PYTHON, str(ROOT / "main.py"), "sandbox", "--port", "0"]
        if arrivals:
            command = [PYTHON, "-m", "bench.arrivals"]
        command += ["--time-scale", str(time_scale)]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.url = ""
        self.arrivals: dict[str, float] = {}  # phone_to_call -> time.monotonic() of arrival
        self._listening = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._listening.wait(30):
            self.stop()
            raise RuntimeError("the sandbox process did not start")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            found = re.search(r"listening at (\S+)", line)
            if found:
                self.url = found.group(1)
                self._listening.set()
            elif line.startswith("arrived "):
                _, stamp, number = line.split()
                self.arrivals[number] = float(stamp)

    def wait_arrival(self, number: str, timeout: float = 10) -> float:
        deadline = time.monotonic() + timeout
        while number not in self.arrivals:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no request for {number} reached the sandbox")
            time.sleep(0.001)
        return self.arrivals[number]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def sandbox_process(
    env: dict[str, str], time_scale: float, arrivals: bool = False
) -> Iterator[SandboxProcess]:
    sandbox = SandboxProcess(env, time_scale, arrivals)
    try:
        yield sandbox
    finally:
        sandbox.stop()
