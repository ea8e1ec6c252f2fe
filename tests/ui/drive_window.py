"""Runs the real window (main.py, no arguments) in its own process and acts as a person would.

    python tests/ui/drive_window.py show|call

Every message box that appears is printed ("box <objectName>: <text> | <informative text>")
and answered: the "unusable store" question with the button named in $FINDME_TEST_ANSWER
(default Quit), any other box with its escape button. Once the main window is shown:
  show  prints "window shown", then closes it half a second later;
  call  presses Call on the first lead and team list, prints the line beside Call
        ("feedback: ...", "stop waiting: shown|hidden") after $FINDME_TEST_WAIT seconds
        (default 1), then closes the window and prints "closing".
The process's exit code is main.py's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402


def say(line: str) -> None:
    print(line, flush=True)


class Person:
    def __init__(self, script: str) -> None:
        self.script = script
        self.window = None
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.look)
        self.timer.start()

    def look(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                self.answer(widget)
        if self.window is None:
            from ui.shell.main_window import MainWindow

            shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            if shown and shown[0].isVisible():
                self.window = shown[0]
                say("window shown")
                if self.script == "call":
                    self.call()
                else:
                    QTimer.singleShot(500, self.close)

    def answer(self, box: QMessageBox) -> None:
        if box.property("answered"):  # wrappers change, the Qt object's property stays
            return
        box.setProperty("answered", True)
        say(f"box {box.objectName()}: {box.text()} | {box.informativeText()}")
        wanted = os.environ.get("FINDME_TEST_ANSWER", "Quit")
        button = box.escapeButton() or box.defaultButton() or box.buttons()[0]
        if box.objectName() == "unusable store":
            button = next(b for b in box.buttons() if b.text().replace("&", "") == wanted)
        button.click()

    def call(self) -> None:
        window = self.window
        leads = window.engine.store.search_leads("")
        window.leads_panel.select_lead(leads[0].id)
        window.call_panel.call_button.click()
        wait = float(os.environ.get("FINDME_TEST_WAIT", "1"))
        QTimer.singleShot(int(wait * 1000), self.report_and_close)

    def report_and_close(self) -> None:
        panel = self.window.call_panel
        say(f"feedback: {panel.feedback.text()}")
        say(f"stop waiting: {'shown' if panel.keyring_cancel.isVisible() else 'hidden'}")
        self.close()

    def close(self) -> None:
        say("closing")
        self.window.close()


if __name__ == "__main__":
    app = QApplication([sys.argv[0]])
    person = Person(sys.argv[1])
    from main import main

    sys.exit(main([]))
