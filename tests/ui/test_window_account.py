"""Account dialog, call details, error reporting and start-up without a display."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from window_kit import answer, open_session, pick, seed_window

from console.calls.params import BY_NAME
from console.credentials import ENTRY, SERVICE
from console.settings import ACCOUNT_MODE
from tests.conftest import until
from ui.common.errors import ErrorDialog, excepthook
from ui.shell import app as app_module


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def test_the_account_dialog_stores_a_key_and_leaves_the_sandbox(
    session, arun, qtbot, memory_keyring
):
    engine, window = session.start()
    assert window.banner.isVisible()
    assert "Sandbox" in window.account_label.full_text()
    dialog = window.show_account()
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.secret_edit.echoMode() == QLineEdit.EchoMode.Password
    assert "OS keyring" in dialog.where.text()

    async def scenario():
        dialog.account_radio.click()
        dialog.key_radio.click()
        qtbot.keyClicks(dialog.key_edit, "pk-secret-123")
        qtbot.keyClicks(dialog.label_edit, "Acme sales")
        dialog.buttons.accepted.emit()
        await until(lambda: not engine.uses_sandbox, what="the account to apply")
        await until(lambda: "account" not in window._dialogs, what="the dialog to close")

    arun(scenario())
    stored = json.loads(memory_keyring.entries[(SERVICE, ENTRY)])
    assert stored == {"key": "pk-secret-123"}
    assert engine.settings.get("account.mode") == "dialogtech"
    assert engine.settings.get("account.auth") == "key"
    assert engine.api_url == "https://secure.dialogtech.com/ibp_api.php"
    assert not window.banner.isVisible()
    assert not window.menu_actions.outbox.isEnabled()
    assert "Acme sales" in window.account_label.full_text()
    assert "OS keyring" in window.account_label.full_text()
    assert "pk-secret-123" not in (engine.store.path.parent / "settings.json").read_text()


def test_the_account_dialog_refuses_a_plain_http_url_and_a_half_key_pair(session, arun, qtbot):
    engine, window = session.start()
    dialog = window.show_account()

    async def scenario():
        dialog.account_radio.click()
        dialog.keypair_radio.click()
        qtbot.keyClicks(dialog.access_key_edit, "ak")
        dialog.buttons.accepted.emit()
        await until(lambda: "both" in dialog.problem.text(), what="the key pair problem")
        dialog.url_edit.setText("http://example.com/api")
        assert "https" in dialog.url_check.text()
        qtbot.keyClicks(dialog.secret_edit, "sk")
        dialog.buttons.accepted.emit()
        await until(lambda: "https" in dialog.problem.text(), what="the URL problem")

    arun(scenario())
    assert engine.uses_sandbox
    assert window.banner.isVisible()


def test_an_account_the_settings_file_cannot_take_is_not_used_for_the_run(
    session, arun, qtbot, qapp, memory_keyring
):
    engine, window = session.start()
    # The atomic write's temporary file cannot be made: a folder is in its place.
    (engine.settings.path.parent / "settings.json.tmp").mkdir()
    dialog = window.show_account()

    async def scenario():
        dialog.account_radio.click()
        dialog.key_radio.click()
        qtbot.keyClicks(dialog.key_edit, "pk-secret-9")
        dialog.buttons.accepted.emit()
        return await until(
            lambda: [w for w in qapp.topLevelWidgets() if isinstance(w, ErrorDialog)
                     and w.isVisible() and "settings file" in w.message.text()],
            what="the error",
        )  # fmt: skip

    shown = arun(scenario())
    for error in shown:
        error.close()
    # The window goes on with the account that is saved: the sandbox, nothing half-set.
    assert engine.settings.get(ACCOUNT_MODE) == "sandbox" and engine.uses_sandbox
    assert window.banner.isVisible() and "account" in window._dialogs


def test_the_account_dialog_forgets_the_stored_credentials_after_asking(
    session, arun, memory_keyring
):
    engine, window = session.start()
    memory_keyring.set_password(SERVICE, ENTRY, json.dumps({"key": "pk-stored-1"}))
    dialog = window.show_account()
    answer(dialog.forget(), yes=False)  # Keep
    assert (SERVICE, ENTRY) in memory_keyring.entries
    dialog.forget_button.click()
    (box,) = [b for b in dialog.findChildren(QMessageBox, "question") if b.isVisible()]
    assert "OS keyring" in box.text()
    answer(box, yes=True)

    async def scenario():
        await until(lambda: "deleted" in dialog.problem.text(), what="the credentials deleted")

    arun(scenario())
    assert memory_keyring.entries == {}
    assert "OS keyring" in dialog.problem.text() and dialog.isVisible()
    assert engine.settings.get(ACCOUNT_MODE) == "sandbox"  # the settings stay as they were


def test_details_show_the_request_redacted_and_copy_as_curl(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        await until(lambda: (r := window.history.model.record(0)) and r.status == "success")

    arun(scenario())
    window.history.select_call(window.history.model.record(0).id)
    dialog = window.history.show_details(window.history.current_row())
    request = dialog.request.toPlainText()
    assert re.search(r"^\s*key\s+= \*\*\*$", request, re.MULTILINE)
    assert "phone_to_call = 5552223334" in request
    assert "<sid>" in dialog.reply.toPlainText()
    command = dialog.copy_curl()
    assert command.startswith("curl -G ")
    assert "key=***" in command and "key=sandbox" not in command
    assert QApplication.clipboard().text() == command
    dialog.close()


def test_loading_a_past_call_shows_which_options_change(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    panel = window.call_panel

    async def scenario():
        pick(window, lead, team)
        panel.form.fields["timeout"].widget.setValue(25)
        panel.call_button.click()
        await until(lambda: (r := window.history.model.record(0)) and r.status == "success")

    arun(scenario())
    window.history.select_call(window.history.model.record(0).id)
    # The same options in use: nothing would be replaced, so nothing is asked.
    panel.set_lead(None)
    window.history.load_button.click()
    assert panel.lead().number == "5552223334" and panel.form.values() == {"timeout": 25}
    # Other options in use: the question lists the change, and they are not replaced silently.
    panel.form.fields["timeout"].widget.setValue(40)
    panel.form.fields["record"].widget.setCurrentIndex(2)  # Yes
    panel.set_lead(None)
    window.history.load_button.click()
    box = panel._load_question
    assert box.isVisible() and panel.form.values() == {"timeout": 40, "record": 1}
    ring, record = BY_NAME["timeout"].label, BY_NAME["record"].label
    assert f"{ring}: 40 → 25" in box.informativeText()
    assert f"{record}: Yes → not set (No)" in box.informativeText()
    keep = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole)
    keep.click()  # the lead and list, with the agent's own options
    assert panel.lead().number == "5552223334"
    assert panel.current_team().name == "Sales East"
    assert panel.form.values() == {"timeout": 40, "record": 1}
    window.history.load_button.click()
    answer(panel._load_question, yes=True)
    assert panel.form.values() == {"timeout": 25}
    assert f"{ring}: 40 → 25" in panel.feedback.text()  # beside Call, what changed


def test_an_uncaught_exception_shows_a_dialog_and_is_logged(qapp, caplog):
    try:
        raise RuntimeError("slot exploded")
    except RuntimeError as exc:
        excepthook(type(exc), exc, exc.__traceback__)
    dialogs = [w for w in qapp.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]
    assert dialogs and "slot exploded" in dialogs[-1].message.text()
    assert "Traceback" in dialogs[-1].details.toPlainText()
    assert any("slot exploded" in r.getMessage() for r in caplog.records)
    for dialog in dialogs:
        dialog.close()


def test_no_display_is_explained_instead_of_crashing(monkeypatch, capsys):
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app_module.run([]) == 1
    err = capsys.readouterr().err
    assert "xvfb-run make run" in err and "QT_QPA_PLATFORM=offscreen" in err


def test_every_control_has_a_name_and_a_tooltip(session):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QHeaderView,
        QSpinBox,
        QTabBar,
        QWidget,
    )

    engine, window = session.start()
    mine = [
        window.leads_panel,
        window.teams_panel,
        window.call_panel,
        window.history,
        window.show_account(),
        window.show_preferences(),
    ]
    controls = (QAbstractButton, QComboBox, QLineEdit, QSpinBox, QAbstractItemView)
    missing = []
    for root in mine:
        for widget in root.findChildren(QWidget):
            # Parts Qt makes inside its own widgets (a spin box's line edit, a tab bar's
            # scroll arrows, a line edit's clear button) are not controls of their own.
            # So are a table's headers and a combo box's pop-up list (a window of its own).
            if (
                not isinstance(widget, controls)
                or isinstance(widget, QHeaderView)
                or widget.window() is not root.window()
                or isinstance(widget.parent(), (QComboBox, QSpinBox, QTabBar, QLineEdit))
                or widget.objectName().startswith("qt_")
            ):
                continue
            if not widget.accessibleName() or not widget.toolTip():
                missing.append(f"{type(widget).__name__} {widget.objectName()}")
    assert missing == [], "\n".join(missing)
