"""A task's step that Qt runs outside the loop's run still gets its work done off the thread."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QApplication

from ui.common.tasks import off_thread


def test_off_thread_works_when_qt_runs_the_step_outside_the_loop(loop) -> None:
    # qasync runs a task's steps from Qt's event processing. Between two runs of the loop (a
    # test's qtbot wait, a window's close), asyncio sees no running loop there, and
    # asyncio.to_thread raised "no running event loop": the team sync never started.
    seen: list[str] = []

    async def work() -> str:
        return await off_thread(lambda: threading.current_thread().name)

    task = loop.create_task(work())
    deadline = time.monotonic() + 10
    while not task.done() and time.monotonic() < deadline:
        QApplication.processEvents()  # Qt's processing, not loop.run_until_complete
        time.sleep(0.005)
    assert task.done(), "the task never ended"
    seen.append(task.result())  # raises the task's error, if any
    assert seen and seen[0] != threading.current_thread().name
