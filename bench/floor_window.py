"""The start-up floor: a bare QApplication and an empty QMainWindow, shown, then idle.

With ``--qasync``, the reference for what the design itself costs before any of the console's
code: the same window run on a qasync loop (asyncio imported), with one label in it (so the
fonts are loaded) aligned by a Qt enum (so Qt's enum namespace is built).
"""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    """Show the window; write "shown T" to $FINDME_BENCH_READY_FILE as ui/shell/app.py does."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)  # the console's default size
    path = os.environ["FINDME_BENCH_READY_FILE"]

    def mark() -> None:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"shown {time.monotonic()!r}\n")

    if "--qasync" not in argv:
        window.show()
        QTimer.singleShot(
            0, mark
        )  # as in ui/shell/app.py: once the queued show/expose/paint are done
        return app.exec()

    import asyncio

    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    async def show() -> None:
        label = QLabel("FindMe Console", window)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        window.setCentralWidget(label)
        window.show()
        QTimer.singleShot(0, mark)
        await asyncio.Event().wait()  # until the benchmark stops the process

    qasync.run(show())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
