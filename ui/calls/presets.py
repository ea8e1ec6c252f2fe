"""Named presets of call options: load, save, rename, delete; the last used comes back, with
the options in use (edited or not), and a preset with unsaved edits says so."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from console.settings import CALL_DEFAULTS, CALL_IN_USE, LAST_PRESET, Settings
from console.store import Store
from ui.calls.options_form import OptionsForm
from ui.common.errors import ask, show_error
from ui.common.widgets import fit_title

# The options in use are written this long after the last change (and when the window closes
# with the rest of the settings): not at every key typed.
KEEP_DELAY_MS = 1000
UNSAVED_MARK = " *"


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
        self._question: QWidget | None = None
        # What the form showed right after its preset was loaded: edits are measured from it.
        self._loaded: dict[str, object] = {}
        self._keep_timer = QTimer(self)
        self._keep_timer.setSingleShot(True)
        self._keep_timer.setInterval(KEEP_DELAY_MS)
        self._keep_timer.timeout.connect(self._save_settings)
        self._loaded_name = ""
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
        self.form.changed.connect(self._form_changed)
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
        self.combo.addItem(self._defaults_text(), "")
        for preset in self.store.list_presets():
            self.combo.addItem(preset.name, preset.name)
        index = self.combo.findData(keep)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self._update_buttons()
        self._show_mark()

    def _defaults_text(self) -> str:
        return self.tr("Defaults (from Preferences)")

    def _update_buttons(self) -> None:
        named = bool(self.current_name())
        self.rename_button.setEnabled(named)
        self.delete_button.setEnabled(named)

    def has_unsaved_edits(self) -> bool:
        """Whether the form differs from the preset (or defaults) it was loaded from."""
        return self.form.values() != self._loaded

    def _show_mark(self) -> None:
        """ "Name *" on the preset shown while the form holds edits it does not have."""
        index = self.combo.currentIndex()
        if index < 0:
            return
        name = self.current_name()
        text = name or self._defaults_text()
        edited = self.has_unsaved_edits()
        self.combo.setItemText(index, text + UNSAVED_MARK if edited else text)
        if edited:
            tip = self.tr("The options shown differ from {0}; Save… keeps them").format(text)
        else:
            tip = self.tr("Load a saved set of call options")
        self.combo.setToolTip(tip)
        self.combo.setAccessibleDescription(self.tr("unsaved changes") if edited else "")

    def _form_changed(self) -> None:
        self._show_mark()
        # Kept in memory at once (the window saves the settings when it closes) and written
        # soon, so a crash loses a second of edits at most.
        self.settings.set(CALL_IN_USE, self.form.values())
        self._keep_timer.start()

    def _save_settings(self) -> None:
        from ui.common.settings_save import keep_settings

        keep_settings(self.settings, "the call options")

    def restore(self) -> None:
        """At start: the last preset used (else the defaults from Preferences), then the
        options that were in use, edits included."""
        # Read first: loading the preset replaces the options in use.
        kept = self.settings.get(CALL_IN_USE) if self.settings.is_set(CALL_IN_USE) else None
        last = self.settings.get(LAST_PRESET)
        if last and self.store.get_preset(last) is not None:
            self.load(last)
        else:
            self.load("")
        if kept is not None:
            self.form.set_values(kept)
        self._keep_timer.stop()  # nothing new to write

    def _on_activated(self, index: int) -> None:
        wanted = self.combo.itemData(index) or ""
        loaded = self.combo.findData(self._loaded_name)
        if not self.has_unsaved_edits():
            self.load(wanted)
            return
        # The combo keeps showing what the form holds until the person decides.
        self.combo.setCurrentIndex(max(loaded, 0))
        shown = self._loaded_name or self._defaults_text()
        target = wanted or self._defaults_text()
        self._question = ask(
            self,
            self.tr("Unsaved changes"),
            self.tr("The options shown have changes that are not saved in {0}.").format(shown),
            lambda: self.load(wanted),
            yes=self.tr("&Drop them and load {0}").format(target),
            no=self.tr("&Keep editing"),
            informative=self.tr("Save… keeps them as a preset."),
        )

    def load(self, name: str) -> None:
        """Show preset ``name`` (or the defaults for "") in the form and remember it."""
        preset = self.store.get_preset(name) if name else None
        if name and preset is None:
            show_error(
                self.tr("Preset not found"), self.tr("There is no preset named {0}.").format(name)
            )
            name = ""
        self._loaded_name = preset.name if preset else ""
        self._loaded = {}  # no mark while the form fills
        self.form.set_values(preset.options if preset else self.settings.get(CALL_DEFAULTS))
        self._loaded = self.form.values()
        self.reload(select=self._loaded_name)
        self._remember(self._loaded_name)

    def defaults_changed(self) -> None:
        """Preferences saved new defaults: shown at once if the defaults are in use and not
        edited; edits are kept, and measured from the new defaults."""
        if self.current_name():
            return
        kept = self.form.values() if self.has_unsaved_edits() else None
        self.load("")
        if kept is not None:
            self.form.set_values(kept)

    def _remember(self, name: str) -> None:
        if self.settings.get(LAST_PRESET) != name:
            from ui.common.settings_save import keep_settings

            keep_settings(self.settings, "the preset in use", {LAST_PRESET: name})

    def save(self, name: str) -> None:
        """Save the form's options under ``name`` (replacing a preset of that name)."""
        preset = self.store.save_preset(name, self.form.values())
        self._loaded_name, self._loaded = preset.name, self.form.values()
        self.reload(select=preset.name)
        self._remember(preset.name)

    def rename(self, new_name: str) -> None:
        old = self.current_name()
        if not old:
            return
        self.store.rename_preset(old, new_name)
        self._loaded_name = new_name.strip()
        self.reload(select=self._loaded_name)
        self._remember(self.current_name())

    def delete(self) -> None:
        name = self.current_name()
        if name:
            self.store.delete_preset(name)
            self.load("")  # the combo shows "Defaults", so the form does too

    # The ask_* methods open non-modal dialogs (never exec() under qasync) and act on accept.
    def _ask_text(self, title: str, label: str, text: str, then) -> None:
        from PySide6.QtWidgets import QInputDialog  # not needed to show the window

        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.textValueSelected.connect(lambda value: self._guard(then, value))
        self._dialog = dialog
        fit_title(dialog)
        dialog.open()

    def _guard(self, action, *args) -> None:
        try:
            action(*args)
        except (ValueError, KeyError) as exc:
            show_error(self.tr("Preset not changed"), exc, self, details=" ")

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
