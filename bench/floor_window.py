"""The start-up floor: a bare QApplication and an empty QMainWindow, shown, then idle."""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    """Show the window; write "shown T" to $FINDME_BENCH_READY_FILE as ui/app.py does."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1280, 800)  # the console's default size
    window.show()
    path = os.environ["FINDME_BENCH_READY_FILE"]

    def mark() -> None:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"shown {time.monotonic()!r}\n")

    QTimer.singleShot(0, mark)  # as in ui/app.py: once the queued show/expose/paint are done
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
