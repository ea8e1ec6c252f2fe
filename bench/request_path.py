"""The request path: Call pressed to the request at the sandbox, and the command line's `call`.

Each is compared with a minimal httpx script doing the same GET to the same sandbox, which
runs in a process of its own (``bench.arrivals``) and notes when each request reaches it.
Run as ``python -m bench.request_path window URL N`` or ``... floor URL...`` (workers).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.procs import PYTHON, ROOT, child_env, run_worker, sandbox_process
from bench.results import SMOKE, Figure, interleaved, median, ratio_figure

PRESSES = 2 if SMOKE else 15
CLI_RUNS = 1 if SMOKE else 10
TARGET = 1.5
TEAM = "5551110003"
KEY = "bench-key"
# The floor: the least a Python client can do to send this GET (the import is the cost).
FLOOR_CLI = "import sys, httpx; httpx.get(sys.argv[1], timeout=30)"


def lead_number(i: int) -> str:
    return f"5553{i:05d}2"


def request_url(api_url: str, number: str) -> str:
    """The exact URL the console sends for a call to ``number`` on TEAM with KEY."""
    from console.calls.request import encode_query, validate

    checked = validate({"list": TEAM, "phone_to_call": number, "key": KEY})
    assert checked.ok, checked.problems
    return f"{api_url}?{encode_query(checked.params)}"


async def _press_calls(url: str, presses: int) -> dict[str, Any]:
    from bench.qt_helpers import idle, next_emit
    from console.credentials import Credentials
    from console.engine import start_engine
    from console.store import Lead, TeamList, TeamMember
    from ui.shell.main_window import MainWindow

    engine = await start_engine(api_url=url)
    engine.vault.save(Credentials(key=KEY))
    store = engine.store
    leads = [store.add_lead(Lead(None, f"Lead {i}", lead_number(i))) for i in range(presses)]
    team = store.save_team(TeamList(None, "Bench team", [TeamMember("A", TEAM)]))
    window = MainWindow(engine)
    window.show()
    window.leads_panel.refresh()
    window.call_panel.refresh_teams()
    assert window.call_panel.select_team(team.name)
    await idle()
    await asyncio.sleep(0.5)
    panel = window.call_panel
    pressed: dict[str, float] = {}
    for lead in leads:
        assert window.leads_panel.select_lead(lead.id)
        await idle()
        finished = next_emit(panel.call_finished)
        pressed[lead.number] = time.monotonic()
        panel.call_button.click()
        await asyncio.wait_for(finished, 30)
    await engine.close()
    return {"pressed": pressed}


async def _floor_gets(urls: list[str]) -> dict[str, Any]:
    import httpx

    sent: dict[str, float] = {}
    async with httpx.AsyncClient() as client:
        for url in urls:
            number = url.split("phone_to_call=")[1].split("&")[0]
            sent[number] = time.monotonic()
            await client.get(url)
    return {"pressed": sent}


def _timed_process(argv: list[str], env: dict[str, str]) -> float:
    began = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    seconds = time.monotonic() - began
    if done.returncode != 0:
        raise RuntimeError(f"{argv[1:4]} failed ({done.returncode}): {done.stderr[-1500:]}")
    return seconds


def run(work: Path) -> list[Figure]:
    """The window against the floor client, then `main.py call` against `python -c`."""
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = child_env(home, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    with sandbox_process(env, time_scale=0.0, arrivals=True) as sandbox:
        window = run_worker("request_path", ["window", sandbox.url, str(PRESSES)], env, 300)
        urls = [request_url(sandbox.url, lead_number(100 + i)) for i in range(PRESSES)]
        floor = run_worker("request_path", ["floor", *urls], env, 120)
        urls = [request_url(sandbox.url, lead_number(200 + i)) for i in range(PRESSES)]
        on_qasync = run_worker("request_path", ["qasync-floor", *urls], env, 120)
        press = _latencies(window["pressed"], sandbox)
        gets = _latencies(floor["pressed"], sandbox)
        qasync_gets = _latencies(on_qasync["pressed"], sandbox)
        # As a script would run it: the key in the environment, the OS keyring left as it is.
        cli_env = {**child_env(home), "FINDME_KEY": KEY}
        numbers = iter(range(1000, 2000))

        def cli_once() -> float:
            number = lead_number(next(numbers))
            argv = [PYTHON, str(ROOT / "main.py"), "call", "--list", TEAM]
            argv += ["--phone-to-call", number, "--api-url", sandbox.url]
            return _timed_process(argv, cli_env)

        def floor_once() -> float:
            url = request_url(sandbox.url, lead_number(next(numbers)))
            return _timed_process([PYTHON, "-c", FLOOR_CLI, url], cli_env)

        cli_once(), floor_once()  # not counted: the store is created, the file cache filled
        clis, floors = interleaved(CLI_RUNS, cli_once, floor_once)
    return [
        ratio_figure(
            "Call pressed to request at the sandbox",
            round(1000 * median(press[1:] or press), 2),
            round(1000 * median(gets[1:] or gets), 2),
            "ms",
            TARGET,
            presses=PRESSES,
            first_press_ms=round(1000 * press[0], 2),
            first_floor_get_ms=round(1000 * gets[0], 2),
            press_ms=[round(1000 * x, 2) for x in press],
            floor_ms=[round(1000 * x, 2) for x in gets],
            note="median of the presses after the first (the first opens the connection)",
        ),
        Figure(
            "reference: the floor's GET on a qasync loop (no window)",
            round(1000 * median(qasync_gets[1:] or qasync_gets), 2),
            round(1000 * median(gets[1:] or gets), 2),
            "ms",
            "(reference)",
            None,
            {
                "note": "what sharing one loop with Qt costs any client, before the console's "
                "own work: the same httpx GETs, in a QApplication on qasync",
                "floor_ms": [round(1000 * x, 2) for x in qasync_gets],
            },
        ),
        ratio_figure(
            "`main.py call` end to end",
            round(median(clis), 3),
            round(median(floors), 3),
            "s",
            TARGET,
            runs=CLI_RUNS,
            cli_s=[round(x, 3) for x in clis],
            floor_s=[round(x, 3) for x in floors],
            floor_command=f"python -c {FLOOR_CLI!r} URL",
        ),
    ]


def _latencies(sent: dict[str, float], sandbox: Any) -> list[float]:
    """Seconds from sending to arriving, in the order sent."""
    ordered = sorted(sent.items(), key=lambda item: item[1])
    return [sandbox.wait_arrival(number) - stamp for number, stamp in ordered]


def main(argv: list[str]) -> None:
    from bench.qt_helpers import print_and_exit, run_on_qasync

    if argv[0] == "window":
        print_and_exit(run_on_qasync(lambda: _press_calls(argv[1], int(argv[2]))))
    elif argv[0] == "floor":
        print_and_exit(asyncio.run(_floor_gets(argv[1:])))
    elif argv[0] == "qasync-floor":
        print_and_exit(run_on_qasync(lambda: _floor_gets(argv[1:])))
    else:
        raise SystemExit(f"unknown worker {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
    os._exit(0)
