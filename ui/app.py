"""Starting the window: one QApplication, one qasync loop, the engine, then the main window."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time

from console import APP_ID, APP_NAME, __version__

log = logging.getLogger(__name__)

NO_DISPLAY = """\
FindMe Console needs a display to open its window, and none was found
(DISPLAY and WAYLAND_DISPLAY are unset). Either:
  - run it on a virtual display:   xvfb-run make run
  - or render off screen:          QT_QPA_PLATFORM=offscreen python main.py
The command line works without a display: python main.py --help"""


def has_display() -> bool:
    """Whether Qt can open a window here (Linux needs X11 or Wayland unless told otherwise)."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(argv: list[str]) -> int:
    """Open the window and run until it closes; 1 when it cannot start."""
    started = time.perf_counter()
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    from console import paths
    from console.logs import setup_logging
    from ui.errors import install_excepthook
    from ui.resources import icon

    setup_logging(paths.log_dir() / "console.log")
    # The native style and palette are left alone, so dark mode follows the system.
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("DialogTech")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(icon("findme"))
    # The loop ends when the window says it has closed (after cancelling calls), not when
    # Qt sees the last window disappear.
    app.setQuitOnLastWindowClosed(False)
    install_excepthook()
    log.info("%s %s starting", APP_NAME, __version__)

    import qasync

    try:
        problem = qasync.run(_main(started))  # Python 3.11: qasync's recommended entry point
    except KeyboardInterrupt:
        return 130
    if problem:
        from PySide6.QtWidgets import QMessageBox

        # The loop has ended, so a modal box cannot stall any coroutine.
        QMessageBox.critical(None, APP_NAME, problem)
        return 1
    return 0


async def _main(started: float) -> str | None:
    """Start the engine, show the window, wait for it to close, close the engine."""
    from console.engine import start_engine
    from console.store import StoreTooNew

    try:
        engine = await start_engine()
    except (ValueError, StoreTooNew, OSError) as exc:
        log.error("could not start: %s", exc)
        return f"FindMe Console could not start: {exc}"
    try:
        from ui.main_window import MainWindow  # the heavy widget imports, after the engine

        closed = asyncio.Event()
        window = MainWindow(engine)
        window.closed.connect(closed.set)
        window.show()
        log.info("window shown %.2f s after start", time.perf_counter() - started)
        window.show_notices()
        await closed.wait()
    finally:
        await engine.close()
    log.info("closed")
    return None
