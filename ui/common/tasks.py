"""Running engine coroutines from the window: references kept, errors shown, all cancellable."""

from __future__ import annotations

import asyncio
import contextvars
import functools
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
        self._named: dict[str, asyncio.Task[Any]] = {}
        self._on_error = on_error

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def running(self, name: str) -> asyncio.Task[Any] | None:
        """The task started under ``name`` by ``single_flight`` or ``latest``, while it runs."""
        task = self._named.get(name)
        return task if task is not None and not task.done() else None

    def single_flight(
        self, name: str, start: Callable[[], Coroutine[Any, Any, Any]]
    ) -> asyncio.Task[Any]:
        """One at a time: the task already running under ``name``, else ``start()`` spawned.

        ``start`` is called only when nothing runs, so no coroutine is made and dropped.
        The task is registered before this returns, so a second request made in the same
        turn of the loop (a double click) gets the first task.
        """
        task = self.running(name)
        if task is None:
            task = self._named[name] = self.spawn(start(), name=name)
        return task

    def latest(self, name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Latest wins: cancel the task running under ``name`` and spawn ``coro`` instead."""
        previous = self.running(name)
        if previous is not None:
            previous.cancel()
        task = self._named[name] = self.spawn(coro, name=name)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        name = task.get_name()
        if self._named.get(name) is task:
            del self._named[name]
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed", task.get_name(), exc_info=exc)
            self._on_error(task.get_name(), exc)

    def cancel_now(self) -> None:
        """Cancel every task without waiting: each ends at its next await (a widget going
        away, whose tasks must not touch it after)."""
        for task in list(self._tasks):
            task.cancel()

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def off_thread(func: Callable[..., T], *args: Any) -> T:
    """Run blocking work (keyring, big imports and exports) off the UI thread.

    As asyncio.to_thread, but on the loop the task belongs to, not the *running* one: qasync
    runs a task's steps from Qt's event processing, and when Qt processes events outside
    the loop's run (a test between two runs, a window closing), asyncio sees no running
    loop and to_thread raised "no running event loop".
    """
    loop = asyncio.get_event_loop()
    call = functools.partial(contextvars.copy_context().run, func, *args)
    return await loop.run_in_executor(None, call)


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
