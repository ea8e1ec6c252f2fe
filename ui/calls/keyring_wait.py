"""Waiting for the keyring beside Call: a "Stop waiting" button, shown only when it takes a
while (an unlock prompt may be open somewhere on the desktop)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from PySide6.QtWidgets import QPushButton, QWidget

T = TypeVar("T")
SHOW_AFTER_S = 0.3  # an unlocked keyring answers in milliseconds: no flicker for those


class KeyringWaitStopped(Exception):
    """The person stopped waiting for the keyring (Stop waiting beside Call)."""


class KeyringWait(QPushButton):
    """The Stop waiting button, and the wait it ends.

    ``waiting()`` is called once the wait has lasted SHOW_AFTER_S (the panel says so beside
    Call); the button is shown with it and hidden when the wait ends, however it ends.
    """

    def __init__(self, waiting: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("Stop waiting"))
        self.setAccessibleName(self.tr("Stop waiting for the keyring"))
        self.setToolTip(self.tr("Stop waiting for the keyring; nothing is sent"))
        self.clicked.connect(self.stop)
        self.hide()
        self._waiting = waiting
        self._task: asyncio.Task | None = None
        self._stopped = False

    async def wait_for(self, work: Awaitable[T]) -> T:
        """``work``'s result; KeyringWaitStopped when the person pressed Stop waiting.

        A cancellation from elsewhere (the window closing) is passed on as it is.
        """
        task = asyncio.ensure_future(work)
        self._task = task
        shown = asyncio.get_running_loop().call_later(SHOW_AFTER_S, self._show)
        try:
            return await task
        except asyncio.CancelledError:
            if task.cancelled() and not self._stopped:
                raise  # the window is closing: not the person's Stop
            raise KeyringWaitStopped from None
        finally:
            shown.cancel()
            self._task = None
            self._stopped = False
            self.hide()

    def _show(self) -> None:
        self._waiting()
        self.show()

    def stop(self) -> None:
        """End the wait (nothing is sent); the keyring's own thread is left to finish."""
        if self._task is not None:
            self._stopped = True
            self._task.cancel()
