"""Importing files people already have through the leads panel: summary, column step."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPlainTextEdit

from console.store import Store
from ui.leads_panel import LeadsPanel

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "imports"

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


@pytest.fixture(autouse=True)
def _collect_earlier_garbage() -> None:
    gc.collect()  # see test_leads_panel: no Qt object may be freed on a worker thread


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "findme.db") as opened:
        yield opened


@pytest.fixture
def panel(qtbot, store: Store) -> LeadsPanel:
    widget = LeadsPanel(store)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_salesforce_report_imports_with_a_wrapped_summary(qtbot, arun, panel, store) -> None:
    result = arun(panel.import_csv(SAMPLES / "salesforce_leads_report.csv"))
    assert result.added == 4
    names = {(lead.name, lead.company) for lead in store.search_leads("")}
    assert ("Ana Núñez", "Acme Widgets") in names and ("Raj Patel", "Globex") in names
    dialog = panel.summary_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.message.wordWrap() and dialog.details.wordWrap()
    assert dialog.problems.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert "Company / Account" in dialog.details.text()
    assert "Skipped 3 report footer line(s)" in dialog.details.text()
    text = dialog.problems.toPlainText()
    assert "line 4: Phone '(555) 422-1000 x205' has an extension" in text
    assert "Grand Totals" not in text
    dialog.close()


def test_notes_on_kept_rows_are_shown(qtbot, arun, panel, store) -> None:
    arun(panel.import_csv(SAMPLES / "google_contacts.csv"))
    text = panel.summary_dialog.problems.toPlainText()
    assert "Kept, with a note:" in text and "holds 2 numbers" in text
    panel.summary_dialog.close()
