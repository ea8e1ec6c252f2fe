"""Preferences: default call options and a few behaviours, saved to the settings file."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QVBoxLayout,
    QWidget,
)

from console.settings import Settings
from ui.calls.options_form import OptionsForm


class PreferencesDialog(QDialog):
    """Non-modal; ``saved`` is emitted after the settings file is written."""

    saved = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Preferences"))
        self.resize(760, 560)
        defaults = QGroupBox(self.tr('Default call options (the "Defaults" preset)'), self)
        self.form = OptionsForm(defaults)
        self.form.set_values(settings.get("call.defaults"))
        box = QVBoxLayout(defaults)
        box.addWidget(self.form)
        self.confirm_repeat = QCheckBox(
            self.tr("&Ask before calling a lead and list that already have a call pending"), self
        )
        self.confirm_repeat.setAccessibleName(self.tr("Confirm repeat calls"))
        self.confirm_repeat.setToolTip(
            self.tr("A second Call on the same lead and list asks first while one is pending")
        )
        self.confirm_repeat.setChecked(settings.get("ui.confirm_repeat_call"))
        self.close_to_tray = QCheckBox(self.tr("Close to the &tray (keeps calls running)"), self)
        self.close_to_tray.setAccessibleName(self.tr("Close to the tray"))
        self.close_to_tray.setToolTip(
            self.tr("Closing the window keeps the console running in the system tray")
        )
        self.close_to_tray.setChecked(settings.get("ui.close_to_tray"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        for which, tip in (
            (QDialogButtonBox.StandardButton.Save, self.tr("Save the preferences")),
            (QDialogButtonBox.StandardButton.Cancel, self.tr("Close without saving")),
        ):
            button = buttons.button(which)
            button.setAccessibleName(button.text().replace("&", ""))
            button.setToolTip(tip)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(defaults, 1)
        layout.addWidget(self.confirm_repeat)
        layout.addWidget(self.close_to_tray)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.settings.set("call.defaults", self.form.values())
        self.settings.set("ui.confirm_repeat_call", self.confirm_repeat.isChecked())
        self.settings.set("ui.close_to_tray", self.close_to_tray.isChecked())
        self.settings.save()
        self.saved.emit()
        self.accept()
