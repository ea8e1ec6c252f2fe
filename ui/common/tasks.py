"""Running engine coroutines from the window: references kept, errors shown, all cancellable."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRunner:
    """Owns every background task of the window (a task nobody holds can vanish mid-flight)."""

    def __init__(self, on_error: Callable[[str, BaseException], None]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed", task.get_name(), exc_info=exc)
            self._on_error(task.get_name(), exc)

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def off_thread(func: Callable[..., T], *args: Any) -> T:
    """Run blocking work (keyring, big imports and exports) off the UI thread."""
    return await asyncio.to_thread(func, *args)


def install_asyncgen_hooks(loop: asyncio.BaseEventLoop) -> tuple:
    """Give ``loop`` asyncio's own async-generator hooks; returns the hooks it replaced.

    asyncio's loops install them in run_forever(); qasync's loop runs Qt's instead and does
    not, so an async generator left unfinished (a reply stream given up at the size cap) would
    be closed by the garbage collector, outside the loop, where its clean-up cannot run.
    With the hooks it is closed in a task on the loop, as under asyncio.run().
    """
    previous = sys.get_asyncgen_hooks()
    sys.set_asyncgen_hooks(
        firstiter=loop._asyncgen_firstiter_hook, finalizer=loop._asyncgen_finalizer_hook
    )
    return previous
