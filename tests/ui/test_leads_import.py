"""Importing files people already have through the leads panel: summary, column step."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

from console.csvlayout import remembered
from console.settings import Settings
from console.store import Store
from tests.conftest import until
from ui.leads.panel import LeadsPanel

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
    assert "Skipped 3 report footer lines" in dialog.details.text()
    text = dialog.problems.toPlainText()
    assert "line 4: Phone '(555) 422-1000 x205' has an extension" in text
    assert "Grand Totals" not in text
    dialog.close()


def test_notes_on_kept_rows_are_shown(qtbot, arun, panel, store) -> None:
    arun(panel.import_csv(SAMPLES / "google_contacts.csv"))
    text = panel.summary_dialog.problems.toPlainText()
    assert "Kept, with a note:" in text and "holds 2 numbers" in text
    panel.summary_dialog.close()


GERMAN = "Kunde,Rufnummer,Firma,Bemerkung\nAnn Archer,555-201-7777,Acme,mornings\n"


def _settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.json")


@pytest.fixture
def panel_with_settings(qtbot, store: Store, tmp_path: Path) -> LeadsPanel:
    widget = LeadsPanel(store, settings=_settings(tmp_path))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_unrecognised_columns_are_asked_once_and_remembered(qtbot, arun, panel_with_settings,
                                                           store, tmp_path) -> None:  # fmt: skip
    panel = panel_with_settings
    path = tmp_path / "kunden.csv"
    path.write_text(GERMAN, encoding="utf-8")

    async def import_choosing_columns():
        task = panel.import_csv(path)
        await until(lambda: panel.mapping_dialog is not None and panel.mapping_dialog.isVisible())
        dialog = panel.mapping_dialog
        # A preview of the first rows, and the phone column guessed from its values.
        assert dialog.table.item(0, 1).text() == "555-201-7777"
        assert dialog.combos["phone"].currentData() == 1
        dialog.choose("name", 0)
        dialog.choose("company", 2)
        dialog.choose("notes", 3)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return await task

    result = arun(import_choosing_columns())
    assert result.added == 1
    [lead] = store.search_leads("")
    assert (lead.name, lead.number, lead.company, lead.notes) == (
        "Ann Archer", "5552017777", "Acme", "mornings",
    )  # fmt: skip
    # Saved to the settings file: a new window (new Settings) reads the same choice.
    assert remembered(_settings(tmp_path), ["Kunde", "Rufnummer", "Firma", "Bemerkung"])
    again = tmp_path / "kunden2.csv"
    again.write_text("KUNDE, Rufnummer ,Firma,Bemerkung\nBob,555-201-8888,Initech,\n", "utf-8")
    result = arun(panel.import_csv(again))
    assert result.added == 1 and panel.mapping_dialog is None
    assert {lead.name for lead in store.search_leads("")} == {"Ann Archer", "Bob"}


def test_cancelling_the_column_step_imports_nothing(qtbot, arun, panel, store, tmp_path) -> None:
    path = tmp_path / "kunden.csv"
    path.write_text(GERMAN, encoding="utf-8")

    async def cancel():
        task = panel.import_csv(path)
        await until(lambda: panel.mapping_dialog is not None and panel.mapping_dialog.isVisible())
        ok = panel.mapping_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        panel.mapping_dialog.choose("phone", -1)
        assert not ok.isEnabled()  # no phone column, no import
        panel.mapping_dialog.reject()
        return await task

    assert arun(cancel()) is None
    assert store.count_leads() == 0 and panel.import_button.isEnabled()


def test_a_file_gone_since_it_was_picked_is_one_sentence_without_traceback(
    qtbot, arun, panel, store, tmp_path, caplog
) -> None:
    # Found by hand: the dialog showed the OSError with its Python traceback under it.
    gone = tmp_path / "today.csv"  # picked, then moved away before the import read it
    with caplog.at_level(logging.WARNING):
        assert arun(panel.import_csv(gone)) is None
    dialog = panel.error_dialog
    assert dialog.windowTitle() == "Leads not imported" and dialog.isVisible()
    said = (
        "today.csv could not be read: it is no longer there (moved, renamed or deleted since"
        " it was picked?); no lead was added."
    )
    assert dialog.message.text() == said
    assert dialog.details.isHidden() and dialog.details.toPlainText() == ""
    logged = [r for r in caplog.records if said in r.getMessage()]
    assert [r.levelno for r in logged] == [logging.WARNING]
    assert not any(r.exc_info for r in caplog.records)
    assert store.count_leads() == 0 and panel.import_button.isEnabled()
    dialog.close()


def test_a_column_choice_not_kept_is_one_warning_and_the_import_goes_on(
    qtbot, arun, store, tmp_path, caplog
) -> None:
    # The settings file cannot be written (it has become a folder): the column step's choice
    # was logged with a traceback; now one sentence, as every setting the window keeps, the
    # leads imported and the choice holding for this run.
    settings = _settings(tmp_path)
    settings.path.mkdir()
    panel = LeadsPanel(store, settings=settings)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    path = tmp_path / "kunden.csv"
    path.write_text(GERMAN, encoding="utf-8")

    async def import_choosing_columns():
        task = panel.import_csv(path)
        await until(lambda: panel.mapping_dialog is not None and panel.mapping_dialog.isVisible())
        panel.mapping_dialog.choose("name", 0)
        panel.mapping_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return await task

    with caplog.at_level(logging.WARNING):
        assert arun(import_choosing_columns()).added == 1
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(": ")[0] for r in warned] == [
        "could not keep the column choice for kunden.csv"
    ]
    assert "is a folder" in warned[0].getMessage() and warned[0].exc_info is None
    assert remembered(settings, ["Kunde", "Rufnummer", "Firma", "Bemerkung"]) is not None
    assert [lead.name for lead in store.search_leads("")] == ["Ann Archer"]
