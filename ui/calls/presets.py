"""Named presets of call options: load, save, rename, delete; the last used comes back."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QWidget,
)

from console.settings import Settings
from console.store import Store
from ui.calls.options_form import OptionsForm
from ui.common.errors import ask, show_error

log = logging.getLogger(__name__)


class PresetsBar(QWidget):
    """A combo of presets plus Save, Rename and Delete; the first entry is the defaults."""

    def __init__(
        self, store: Store, settings: Settings, form: OptionsForm, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.form = form
        self._dialog: QWidget | None = None
        # The label is laid out by whoever places the bar (a form row in the call panel).
        self.label = label = QLabel(self.tr("&Preset:"), self)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(self.tr("Preset"))
        self.combo.setToolTip(self.tr("Load a saved set of call options"))
        self.combo.setMinimumContentsLength(10)
        label.setBuddy(self.combo)
        self.save_button = self._button(self.tr("Save…"), self.tr("Save the options as a preset"))
        self.rename_button = self._button(self.tr("Rename…"), self.tr("Rename this preset"))
        self.delete_button = self._button(self.tr("Delete"), self.tr("Delete this preset"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        for button in (self.save_button, self.rename_button, self.delete_button):
            layout.addWidget(button)
        self.combo.activated.connect(self._on_activated)
        self.save_button.clicked.connect(self.ask_save)
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button.clicked.connect(self.ask_delete)
        self.reload()

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(tip)
        return button

    def current_name(self) -> str:
        """The selected preset's name; "" for the defaults."""
        return self.combo.currentData() or ""

    def reload(self, select: str | None = None) -> None:
        """Re-read the presets, keeping (or moving to) a selection."""
        keep = self.current_name() if select is None else select
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("Defaults (from Preferences)"), "")
        for preset in self.store.list_presets():
            self.combo.addItem(preset.name, preset.name)
        index = self.combo.findData(keep)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        named = bool(self.current_name())
        self.rename_button.setEnabled(named)
        self.delete_button.setEnabled(named)

    def restore(self) -> None:
        """At start: load the last preset used, else the defaults from Preferences."""
        last = self.settings.get("ui.last_preset")
        if last and self.store.get_preset(last) is not None:
            self.load(last)
        else:
            self.load("")

    def _on_activated(self, _index: int) -> None:
        self.load(self.current_name())

    def load(self, name: str) -> None:
        """Show preset ``name`` (or the defaults for "") in the form and remember it."""
        preset = self.store.get_preset(name) if name else None
        if name and preset is None:
            show_error(self.tr("Preset"), self.tr("There is no preset named {0}.").format(name))
            name = ""
        self.form.set_values(preset.options if preset else self.settings.get("call.defaults"))
        self.reload(select=preset.name if preset else "")
        self._remember(preset.name if preset else "")

    def _remember(self, name: str) -> None:
        if self.settings.get("ui.last_preset") != name:
            self.settings.set("ui.last_preset", name)
            self.settings.save()

    def save(self, name: str) -> None:
        """Save the form's options under ``name`` (replacing a preset of that name)."""
        preset = self.store.save_preset(name, self.form.values())
        self.reload(select=preset.name)
        self._remember(preset.name)

    def rename(self, new_name: str) -> None:
        old = self.current_name()
        if not old:
            return
        self.store.rename_preset(old, new_name)
        self.reload(select=new_name.strip())
        self._remember(self.current_name())

    def delete(self) -> None:
        name = self.current_name()
        if name:
            self.store.delete_preset(name)
            self.load("")  # the combo shows "Defaults", so the form does too

    # The ask_* methods open non-modal dialogs (never exec() under qasync) and act on accept.
    def _ask_text(self, title: str, label: str, text: str, then) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.textValueSelected.connect(lambda value: self._guard(then, value))
        self._dialog = dialog
        dialog.open()

    def _guard(self, action, *args) -> None:
        try:
            action(*args)
        except (ValueError, KeyError) as exc:
            show_error(self.tr("Preset"), exc, self, details=" ")

    def ask_save(self) -> None:
        self._ask_text(
            self.tr("Save preset"), self.tr("Preset name:"), self.current_name(), self.save
        )

    def ask_rename(self) -> None:
        if self.current_name():
            self._ask_text(
                self.tr("Rename preset"), self.tr("New name:"), self.current_name(), self.rename
            )

    def ask_delete(self) -> None:
        name = self.current_name()
        if not name:
            return
        self._dialog = ask(
            self,
            self.tr("Delete preset"),
            self.tr("Delete the preset {0}?").format(name),
            lambda: self._guard(self.delete),
            yes=self.tr("&Delete"),
            no=self.tr("&Keep"),
        )
