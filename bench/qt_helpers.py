"""Small helpers for the benchmark workers that drive the real window on a qasync loop."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any


def print_and_exit(result: dict[str, Any]) -> None:
    """Print the worker's JSON line and leave at once (Qt's teardown measures nothing)."""
    print(json.dumps(result), flush=True)
    sys.stderr.flush()
    os._exit(0)


def qt_app() -> Any:
    """The QApplication, off screen unless told otherwise, quitting only when told."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.common.pyside_setup import choose_enum_options, settle_after_import

    choose_enum_options()  # PySide6 as the console runs it (no effect once it is loaded)
    from PySide6.QtWidgets import QApplication

    settle_after_import()

    app = QApplication.instance() or QApplication(["findme-bench"])
    app.setQuitOnLastWindowClosed(False)  # as in ui.shell.app.run
    return app


def run_on_qasync(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run ``main()`` on a qasync loop, as the console itself does, and return its result."""
    qt_app()
    import qasync

    from ui.common.tasks import install_asyncgen_hooks

    async def hooked() -> Any:
        install_asyncgen_hooks(asyncio.get_running_loop())  # as ui.shell.app._main does
        return await main()

    return qasync.run(hooked())


def idle() -> asyncio.Future[None]:
    """Resolves once Qt has handled the events already queued (show, expose, paint)."""
    from PySide6.QtCore import QTimer

    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    QTimer.singleShot(0, lambda: future.done() or future.set_result(None))
    return future


def next_emit(signal: Any) -> asyncio.Future[None]:
    """Resolves at the next emission of a Qt ``signal``."""
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def fire(*_args: object) -> None:
        if not future.done():
            future.set_result(None)
        signal.disconnect(fire)

    signal.connect(fire)
    return future


async def until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Wait, letting the loop and Qt run, until ``condition()`` is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := condition()):
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
    return value
