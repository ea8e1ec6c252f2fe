"""Starting the window: one QApplication, one qasync loop, the engine, then the main window."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import time
from typing import TYPE_CHECKING

from console import APP_ID, APP_NAME, __version__
from console.problems import EXIT_LOCAL

if TYPE_CHECKING:
    from console.problems import LocalProblem
    from ui.shell.links import FileOpenFilter
    from ui.shell.main_window import MainWindow
    from ui.shell.single_instance import SingleInstanceServer

log = logging.getLogger(__name__)

NO_DISPLAY = """\
FindMe Console needs a display to open its window, and none was found
(DISPLAY and WAYLAND_DISPLAY are unset). Either:
  - run it on a virtual display:   xvfb-run make run
  - or render off screen:          QT_QPA_PLATFORM=offscreen python main.py
The command line works without a display: python main.py --help"""
# Instrumentation for `make bench` (bench/startup.py): when set, the time.monotonic() at which
# the window was shown and the event loop went idle is written to this file as "shown T",
# then "started T" once the engine's deferred start (HTTP client, sandbox) is done.
BENCH_READY_ENV = "FINDME_BENCH_READY_FILE"


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
    # No cyclic garbage collection while starting: the start makes some 200,000 objects
    # (modules, classes, widgets) that live as long as the console, and every automatic
    # collection walked them all again (about 30 million instructions, 2% of the start).
    # Once the window is shown they are frozen (later collections skip them) and
    # collection resumes; see _main.
    gc.disable()
    # The engine first, before Qt: once PySide6 is loaded, its __feature__ import hook looks
    # at every module an import statement names, and the engine's own imports name some fifty.
    import console.engine  # noqa: F401
    from ui.common.pyside_setup import choose_enum_options
    from ui.shell import feature_hook

    choose_enum_options()  # before PySide6 is loaded: a sixth of the start's instructions
    # Loads PySide6, and has its hook read each module's source as bytes, not with inspect
    # (~25 ms less at start; PySide6's own is kept if its internals have changed).
    feature_hook.install()
    from ui.shell.links import find_link
    from ui.shell.single_instance import try_hand_off

    link = find_link(argv)
    # Before any window: a console already running takes the link (or, with none, comes to
    # the front), and this launch ends.
    if try_hand_off(link, timeout_ms=1500):
        return 0
    from PySide6.QtWidgets import QApplication

    from ui.common.errors import install_excepthook
    from ui.common.resources import icon
    from ui.common.words import install_translators

    # The native style and palette are left alone, so dark mode follows the system.
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("DialogTech")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(icon("findme"))
    install_translators(app)  # "1 call", not "1 call(s)"
    # Made after the application, so that a data folder that cannot be written is a dialog.
    problem = _setup_logging()
    if problem is not None:
        return _show_problem(problem)
    # The loop ends when the window says it has closed (after cancelling calls), not when
    # Qt sees the last window disappear.
    app.setQuitOnLastWindowClosed(False)
    install_excepthook()
    log.info("%s %s starting", APP_NAME, __version__)
    from ui.shell.links import install_file_open_filter
    from ui.shell.single_instance import SingleInstanceServer

    # The name is taken now; launches are accepted once the window is shown (see _main).
    server = SingleInstanceServer(parent=app)
    if not server.claim():
        log.warning(
            "single instance: not listening on %s; later links open consoles of their own",
            server.name,
        )
    opened = install_file_open_filter(app)

    from ui.common.pyside_setup import settle_after_import

    settle_after_import()
    import qasync

    try:
        # Python 3.11: qasync's recommended entry point
        problem = qasync.run(_main(started, link, server, opened))
    except KeyboardInterrupt:
        return 130
    if problem is None:
        return 0
    from ui.shell.startup import QuitOnProblem

    if isinstance(problem, QuitOnProblem):
        return EXIT_LOCAL
    # The loop has ended, so a modal box cannot stall any coroutine.
    return _show_problem(problem)


def _setup_logging() -> LocalProblem | None:
    """Log to stderr and the log file; the problem when the file cannot be made."""
    from console import paths
    from console.logs import setup_logging
    from console.problems import LocalProblem

    try:
        log_file = paths.log_dir() / "console.log"
    except LocalProblem as problem:
        setup_logging()
        log.error("could not start: %s", problem)
        return problem
    try:
        setup_logging(log_file)
    except LocalProblem as problem:
        log.error("could not start: %s", problem)
        return problem
    return None


def _show_problem(problem: BaseException | str) -> int:
    """A modal box saying why the console cannot start (no loop runs); the exit code."""
    from PySide6.QtWidgets import QMessageBox

    from console.problems import LocalProblem

    text = problem.sentence() if isinstance(problem, LocalProblem) else str(problem)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        APP_NAME,
        f"FindMe Console could not start. {text}",
        QMessageBox.StandardButton.Close,
    )
    box.setObjectName("could not start")
    box.exec()
    return EXIT_LOCAL if isinstance(problem, LocalProblem) else 1


async def _main(
    started: float, link: str, server: SingleInstanceServer, opened: FileOpenFilter | None
) -> Exception | None:
    """Start the engine, show the window, wait for it to close, close the engine.

    Returns why it could not start (shown once the loop has ended), or None.
    """
    from console.problems import LocalProblem
    from ui.common.tasks import install_asyncgen_hooks
    from ui.shell.startup import QuitOnProblem, open_engine

    install_asyncgen_hooks(asyncio.get_running_loop())
    try:
        # The HTTP client and the sandbox are started once the window is shown.
        engine = await open_engine()
    except QuitOnProblem as declined:
        server.close()
        return declined  # said already: only the exit code is left
    except (ValueError, OSError, LocalProblem) as exc:
        log.error("could not start: %s", exc)
        server.close()
        return exc
    try:
        from ui.shell.main_window import MainWindow  # the heavy widget imports, after the engine

        closed = asyncio.Event()
        window = MainWindow(engine)
        window.closed.connect(closed.set)
        window.show()
        gc.freeze()
        gc.enable()
        log.info("window shown %.2f s after start", time.perf_counter() - started)
        window.show_notices()
        connect_links(window, server, opened, link)
        from console.logs import rotate_log

        window.after_first_idle(rotate_log)  # its module loads pickle and socket
        # A failure shows as an error dialog, and again when a call is placed.
        started_engine = window.tasks.spawn(engine.ready(), name="start the engine")
        _mark_ready_for_bench(started_engine)
        await closed.wait()
    finally:
        server.close()
        await engine.close()
    log.info("closed")
    return None


def connect_links(
    window: MainWindow,
    server: SingleInstanceServer | None,
    opened: FileOpenFilter | None,
    link: str,
) -> None:
    """Later launches' links, macOS link events and this launch's own link all reach the window."""
    if server is not None:
        server.message_received.connect(window.open_link)
    if opened is not None:
        opened.deliver_to(window.open_link)
    if link:
        window.prefill_from_link(link)


def _mark_ready_for_bench(started: asyncio.Future) -> None:
    """For the benchmark: write when the window is idle, then when the engine has started."""
    path = os.environ.get(BENCH_READY_ENV)
    if not path:
        return
    from PySide6.QtCore import QTimer

    # A zero timer fires once the events already queued (show, expose, paint) are processed.
    QTimer.singleShot(0, lambda: _append_line(path, f"shown {time.monotonic()!r}"))
    started.add_done_callback(lambda _f: _append_line(path, f"started {time.monotonic()!r}"))


def _append_line(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
