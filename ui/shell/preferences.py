"""Preferences: the settings the table marks with a section, one control each, saved together.

The controls are built from console.settings.SETTINGS: a bool is a check box, a whole or
decimal number a spin box, a text a line edit; a setting whose type has no generic control
(the default call options, a dict) has an editor of its own in ``EDITORS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.problems import LocalProblem
from console.settings import CALL_DEFAULTS, PREFERENCES, Setting, Settings, validate
from ui.calls.options_form import OptionsForm
from ui.common.mnemonics import claimed, with_mnemonic
from ui.common.widgets import save_cancel_buttons

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    # Labels, help and sections live in the engine's table; translated in the "settings" context.
    return QCoreApplication.translate("settings", text)


@dataclass
class Control:
    """One setting's control: ``widget`` edits it, ``label`` (None when the widget carries its
    own text) names it in the section's form, ``value()`` reads what it shows."""

    setting: Setting
    widget: QWidget
    label: QLabel | None
    value: Callable[[], Any]
    stretch: bool = False  # takes the height left over (the options form)


def _named(widget: QWidget, setting: Setting) -> QWidget:
    widget.setAccessibleName(_tr(setting.label))
    widget.setToolTip(_tr(setting.help or setting.label))
    return widget


def _row_label(setting: Setting, widget: QWidget, taken: set[str]) -> QLabel:
    label = QLabel(with_mnemonic(_tr(setting.label), taken) + ":", widget.parentWidget())
    label.setBuddy(widget)
    return label


def _check_box(setting: Setting, value: Any, parent: QWidget, taken: set[str]) -> Control:
    box = _named(QCheckBox(with_mnemonic(_tr(setting.label), taken), parent), setting)
    box.setChecked(value)
    return Control(setting, box, None, box.isChecked)


def _whole_number(setting: Setting, value: Any, parent: QWidget, taken: set[str]) -> Control:
    spin = _named(QSpinBox(parent), setting)
    spin.setRange(-(2**31), 2**31 - 1)  # the table's check says what is allowed, on Save
    spin.setValue(value)
    return Control(setting, spin, _row_label(setting, spin, taken), spin.value)


def _number(setting: Setting, value: Any, parent: QWidget, taken: set[str]) -> Control:
    spin = _named(QDoubleSpinBox(parent), setting)
    spin.setDecimals(3)
    spin.setRange(-1e9, 1e9)  # the table's check says what is allowed, on Save
    spin.setValue(value)
    return Control(setting, spin, _row_label(setting, spin, taken), spin.value)


def _text(setting: Setting, value: Any, parent: QWidget, taken: set[str]) -> Control:
    edit = _named(QLineEdit(value, parent), setting)
    return Control(setting, edit, _row_label(setting, edit, taken), edit.text)


def _call_defaults(setting: Setting, value: Any, parent: QWidget, taken: set[str]) -> Control:
    form = OptionsForm(parent)
    form.set_values(value)
    taken |= claimed(form)  # its own letters, on every tab
    heading = QLabel(_tr(setting.label), parent)
    heading.setToolTip(_tr(setting.help))
    return Control(setting, form, heading, form.values, stretch=True)


# A control for each type of setting, and editors of their own for the settings whose type
# has none (by key).
BY_TYPE = {bool: _check_box, int: _whole_number, float: _number, str: _text}
EDITORS = {CALL_DEFAULTS: _call_defaults}


class PreferencesDialog(QDialog):
    """Non-modal; ``saved`` is emitted after the settings file is written.

    ``controls`` holds each preference's control by key; ``preferences`` (the table's by
    default) says which settings to offer.
    """

    saved = Signal()

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        preferences: Iterable[Setting] = PREFERENCES,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Preferences"))
        self.resize(760, 560)
        self.buttons = save_cancel_buttons(
            self, self.tr("Save the preferences"), self.tr("Close without saving")
        )
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Preferences problem"))
        self.controls: dict[str, Control] = {}
        layout = QVBoxLayout(self)
        taken = claimed(self.buttons)
        # The editors of their own first: their letters are fixed, the others' are chosen.
        ordered = sorted(preferences, key=lambda s: s.key not in EDITORS)
        sections: dict[str, list[Control]] = {}
        for setting in ordered:
            control = self._control(setting, taken)
            if control is not None:
                self.controls[setting.key] = control
                sections.setdefault(setting.section, [])
        for setting in preferences:  # shown in the table's order
            if setting.key in self.controls:
                sections[setting.section].append(self.controls[setting.key])
        for section, controls in sections.items():
            layout.addWidget(self._section(section, controls), int(self._stretches(controls)))
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.problem.setVisible(False)

    @staticmethod
    def _stretches(controls: list[Control]) -> bool:
        return any(c.stretch for c in controls)

    def _control(self, setting: Setting, taken: set[str]) -> Control | None:
        make = EDITORS.get(setting.key) or BY_TYPE.get(setting.type)
        if make is None:
            # The test of the table fails on this; the dialog still opens without it.
            log.warning("preferences: no control for %s (%s)", setting.key, setting.type)
            return None
        return make(setting, self.settings.get(setting.key), self, taken)

    def _section(self, title: str, controls: list[Control]) -> QGroupBox:
        box = QGroupBox(_tr(title), self)
        form = QFormLayout(box)
        for control in controls:
            control.widget.setParent(box)
            if control.label is None:
                form.addRow(control.widget)
            elif control.stretch:
                control.label.setParent(box)
                form.addRow(control.label)
                form.addRow(control.widget)
            else:
                control.label.setParent(box)
                form.addRow(control.label, control.widget)
        return box

    @property
    def form(self) -> OptionsForm:
        """The default call options' form."""
        return self.controls[CALL_DEFAULTS].widget  # type: ignore[return-value]

    def values(self) -> dict[str, Any]:
        """What the controls show, by setting key."""
        return {key: control.value() for key, control in self.controls.items()}

    def save(self) -> bool:
        """Write every preference, all or none; False (and why, in the dialog) when one is
        refused or the settings file cannot be written."""
        values = self.values()
        for key, value in values.items():
            try:
                validate(key, value)
            except (TypeError, ValueError) as exc:
                # The rule in the table's words, under the label the person sees.
                rule = str(exc).removeprefix(f"{key} ")
                return self._refused(f"{_tr(self.controls[key].setting.label)}: {rule}")
        try:
            self.settings.update(values)
        except LocalProblem as exc:
            return self._refused(exc.sentence())
        self.problem.setVisible(False)
        self.saved.emit()
        self.accept()
        return True

    def _refused(self, why: str) -> bool:
        self.problem.setText("⚠ " + self.tr("Not saved. {0}").format(why))
        self.problem.setVisible(True)
        return False
