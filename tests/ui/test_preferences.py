"""Preferences built from the settings table: each setting it marks with a section has a
control, and editing a control then Save writes the setting to the real settings file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QDoubleSpinBox, QLineEdit

from console import paths
from console.settings import (
    ACCOUNT_LABEL,
    BY_KEY,
    CALL_DEFAULTS,
    CLOSE_TO_TRAY,
    CONFIRM_REPEAT_CALL,
    LAST_FOLDERS,
    PREFERENCES,
    SANDBOX_TIME_SCALE,
    SETTINGS,
    Settings,
)
from ui.calls.options_form import OptionsForm
from ui.shell.preferences import PreferencesDialog


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings(paths.settings_path())


def open_dialog(qtbot, settings: Settings, **kw) -> PreferencesDialog:
    dialog = PreferencesDialog(settings, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def written() -> dict:
    return json.loads(paths.settings_path().read_text(encoding="utf-8"))["values"]


def without_control(dialog: PreferencesDialog, preferences) -> list[str]:
    """The preferences the dialog shows no usable, named control for."""
    missing = []
    for setting in preferences:
        control = dialog.controls.get(setting.key)
        if (
            control is None
            or not control.widget.isVisibleTo(dialog)
            or not control.widget.isEnabled()
            or not (control.widget.accessibleName() or control.label is not None)
        ):
            missing.append(setting.key)
    return missing


def test_every_preference_of_the_table_has_a_control(qtbot, settings) -> None:
    assert {s.key for s in PREFERENCES} >= {CALL_DEFAULTS, CONFIRM_REPEAT_CALL, CLOSE_TO_TRAY}
    assert all(s.section for s in PREFERENCES)
    assert [s for s in SETTINGS if s.section] == list(PREFERENCES)
    dialog = open_dialog(qtbot, settings)
    assert without_control(dialog, PREFERENCES) == []
    assert set(dialog.controls) == {s.key for s in PREFERENCES}  # nothing else on offer
    for setting in PREFERENCES:
        if setting.type is bool:
            assert isinstance(dialog.controls[setting.key].widget, QCheckBox)
    assert isinstance(dialog.controls[CALL_DEFAULTS].widget, OptionsForm)  # the options form
    assert dialog.form is dialog.controls[CALL_DEFAULTS].widget


def test_a_preference_no_control_can_show_is_caught(qtbot, settings) -> None:
    # The check above must be able to fail: a dict with no editor of its own has no control.
    odd = BY_KEY[LAST_FOLDERS]._replace(section="Files")
    dialog = open_dialog(qtbot, settings, preferences=(*PREFERENCES, odd))
    assert without_control(dialog, (*PREFERENCES, odd)) == [LAST_FOLDERS]


def test_editing_each_control_and_save_writes_the_settings(qtbot, settings) -> None:
    settings.set(SANDBOX_TIME_SCALE, 0.5)
    settings.save()
    dialog = open_dialog(qtbot, settings)
    boxes = {key: dialog.controls[key].widget for key in (CONFIRM_REPEAT_CALL, CLOSE_TO_TRAY)}
    assert boxes[CONFIRM_REPEAT_CALL].isChecked() and not boxes[CLOSE_TO_TRAY].isChecked()
    for box in boxes.values():
        box.click()
    dialog.form.fields["timeout"].widget.setValue(45)
    with qtbot.waitSignal(dialog.saved):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert not dialog.isVisible()
    values = written()
    assert values[CONFIRM_REPEAT_CALL] is False and values[CLOSE_TO_TRAY] is True
    assert values[CALL_DEFAULTS] == {"timeout": 45}
    assert values[SANDBOX_TIME_SCALE] == 0.5  # what the dialog does not offer is kept
    again = open_dialog(qtbot, Settings(paths.settings_path()))  # the next run shows them
    assert again.values() == {
        CALL_DEFAULTS: {"timeout": 45},
        CONFIRM_REPEAT_CALL: False,
        CLOSE_TO_TRAY: True,
    }


def test_number_and_text_settings_get_their_controls_and_the_rule_is_kept(qtbot, settings) -> None:
    offered = (
        BY_KEY[SANDBOX_TIME_SCALE]._replace(section="Sandbox"),
        BY_KEY[ACCOUNT_LABEL]._replace(section="Account"),
    )
    dialog = open_dialog(qtbot, settings, preferences=offered)
    scale, label = (dialog.controls[s.key].widget for s in offered)
    assert isinstance(scale, QDoubleSpinBox) and isinstance(label, QLineEdit)
    assert dialog.controls[SANDBOX_TIME_SCALE].label.buddy() is scale
    scale.setValue(0.25)
    qtbot.keyClicks(label, "Front desk")
    assert dialog.save()
    assert written()[SANDBOX_TIME_SCALE] == 0.25 and written()[ACCOUNT_LABEL] == "Front desk"
    # Out of the table's range: refused under the label the person sees, nothing written.
    dialog = open_dialog(qtbot, settings, preferences=offered)
    dialog.controls[SANDBOX_TIME_SCALE].widget.setValue(250)
    dialog.controls[ACCOUNT_LABEL].widget.setText("Changed")
    assert not dialog.save()
    text = dialog.problem.text()
    assert "Sandbox time scale (1 = real time): must be a finite number from 0 to 100" in text
    assert dialog.isVisible() and dialog.problem.isVisible()
    assert written()[SANDBOX_TIME_SCALE] == 0.25 and settings.get(ACCOUNT_LABEL) == "Front desk"


def test_a_settings_file_that_cannot_be_written_keeps_the_dialog_open(qtbot, settings) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.controls[CLOSE_TO_TRAY].widget.click()
    # The atomic write's temporary file cannot be made: a folder is in its place.
    (paths.settings_path().parent / "settings.json.tmp").mkdir()
    assert not dialog.save()
    assert "settings file" in dialog.problem.text() and dialog.isVisible()
    assert settings.get(CLOSE_TO_TRAY) is False  # the window does not run on what is unsaved
