"""The call options, one tab per API group, generated from console.calls.params.PARAMS."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.calls.params import (
    BY_NAME,
    NEXTACTION_NEEDS_ITEM,
    OPTION_NAMES,
    PARAMS,
    Group,
    Kind,
    Param,
    unavailable_reason,
    unavailable_words,
)
from console.calls.request import Problem, check_option
from console.phone import check_phone, format_display
from ui.common.phone_field import PhoneField

GROUPS = (
    Group.ROUTING,
    Group.SCREENING,
    Group.HOLD_MUSIC,
    Group.RECORDING,
    Group.NO_ANSWER,
    Group.CALLER_IDS,
    Group.REPORT,
)
_ID_PATTERN = QRegularExpression(r"[1-9][0-9]{0,9}")


def _tr(text: str) -> str:
    # Labels and help live in the engine's table; they are translated in the "params" context.
    return QCoreApplication.translate("params", text)


def _ui(text: str) -> str:
    return QCoreApplication.translate("OptionsForm", text)


def problem_words(problem: Problem) -> str:
    """A request's problem under the form's label for its field ("Hold music file: must be a
    file name such as song.wav, without folders"); ``str(problem)`` names the API's field."""
    param = BY_NAME.get(problem.field)
    return f"{_tr(param.label)}: {problem.message}" if param else str(problem)


def _as_int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class OptionField:
    """One parameter's editor, with a "not set" state that sends nothing, and a note beside
    it that says why it is disabled or what is wrong with what was typed."""

    def __init__(self, param: Param, parent: QWidget) -> None:
        self.param = param
        self.label = QLabel(_tr(param.label) + ":", parent)
        self.widget = self._make(param, parent)
        self.label.setBuddy(self.widget)
        self.help = _tr(param.help)
        # Shown where the field is, not only in its tooltip (a keyboard user never sees that).
        self.note = QLabel(parent)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("font-style: italic")
        self.note.setAccessibleName(_ui("{0}: note").format(_tr(param.label)))
        self.note.setVisible(False)
        self.cell = QWidget(parent)
        row = QHBoxLayout(self.cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.widget, 3)
        row.addWidget(self.note, 2)
        self.reason: str | None = None
        self.problem: str | None = None
        self.quiet = False  # the group's note already says why
        if isinstance(self.widget, QLineEdit):
            self.widget.textChanged.connect(lambda _t: self._recheck())
        self.set_reason(None)

    def _make(self, param: Param, parent: QWidget) -> QWidget:
        name = _tr(param.label)
        if param.kind is Kind.INT:
            spin = QSpinBox(parent)
            # One step below the minimum is "not set", the usual Qt idiom for an empty spin box.
            spin.setRange(param.minimum - 1, param.maximum)
            default = f" ({param.default})" if param.default is not None else ""
            spin.setSpecialValueText(_ui("not set") + default)
            spin.setValue(spin.minimum())
            widget: QWidget = spin
        elif param.kind is Kind.CHOICE:
            combo = QComboBox(parent)
            default = param.choices.get(param.default) if param.default is not None else None
            not_set = _ui("not set")
            combo.addItem(f"{not_set} ({_tr(default)})" if default else not_set, None)
            for value, text in param.choices.items():
                combo.addItem(_tr(text), value)
            widget = combo
        elif param.kind is Kind.PHONE:
            widget = PhoneField(name, parent)
            widget.edit.setPlaceholderText(_ui("not set"))
        else:
            edit = QLineEdit(parent)
            edit.setMaxLength(param.max_length or 10)
            edit.setPlaceholderText(_ui("not set"))
            edit.setClearButtonEnabled(True)
            if param.kind is Kind.ID:
                edit.setValidator(QRegularExpressionValidator(_ID_PATTERN, edit))
            widget = edit
        widget.setAccessibleName(name)
        widget.setObjectName(f"option_{param.name}")
        return widget

    def set_reason(self, reason: str | None, api: str | None = None) -> None:
        """Enable the field, or disable it saying why (``reason`` in the form's words, ``api``
        the same in the API's, for the tooltip)."""
        self.reason = reason
        enabled = reason is None
        self.widget.setEnabled(enabled)
        self.label.setEnabled(enabled)
        name = f"({self.param.name})"
        tip = f"{self.help} {name}" if enabled else f"{reason}.\n{self.help}\nAPI: {api or name}."
        for target in (self.widget, self.label, *self._inner()):
            target.setToolTip(tip)
        self.widget.setAccessibleDescription(tip)
        self.show_note()

    def _recheck(self) -> None:
        """Check what is typed with the engine's rule for this parameter (the one Call uses)."""
        value = self.value()
        self.problem = check_option(self.param.name, value) if value is not None else None
        self.show_note()

    def show_note(self) -> None:
        if self.reason:
            text = "" if self.quiet else self.reason
        elif self.problem:
            text = "⚠ " + self.problem[:1].upper() + self.problem[1:]
        else:
            text = ""
        self.note.setText(text)
        self.note.setToolTip(text)
        self.note.setVisible(bool(text))

    def _inner(self) -> list[QWidget]:
        return [self.widget.edit] if isinstance(self.widget, PhoneField) else []

    def value(self) -> object | None:
        """The value to send, or None when not set."""
        w = self.widget
        if isinstance(w, QSpinBox):
            return None if w.value() == w.minimum() else w.value()
        if isinstance(w, QComboBox):
            return w.currentData()
        text = w.text().strip()
        if not text:
            return None
        if self.param.kind is Kind.ID:
            return _as_int(text)
        if isinstance(w, PhoneField):
            return w.digits() or text  # the raw text lets validation name the problem
        return text

    def normalized(self, value: object | None) -> object | None:
        """``value`` (from a preset or a past request) as ``value()`` would give it once shown."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.param.kind in (Kind.INT, Kind.CHOICE, Kind.ID):
            return _as_int(value)
        if self.param.kind is Kind.PHONE:
            return check_phone(str(value)).digits or str(value).strip()
        return str(value).strip()

    def text_for(self, value: object | None) -> str:
        """``value`` as the field shows it: the choice's words, "not set (30)", the text."""
        w = self.widget
        if isinstance(w, QSpinBox):
            return w.specialValueText() if value is None else str(value)
        if isinstance(w, QComboBox):
            index = w.findData(value) if value is not None else 0
            return w.itemText(max(index, 0))
        if value is None:
            return _ui("not set")
        return format_display(str(value)) if self.param.kind is Kind.PHONE else str(value)

    def set_value(self, value: object | None) -> None:
        w = self.widget
        if isinstance(w, QSpinBox):
            number = _as_int(value) if value is not None else None
            w.setValue(w.minimum() if number is None else number)
        elif isinstance(w, QComboBox):
            index = w.findData(_as_int(value)) if value is not None else 0
            w.setCurrentIndex(max(index, 0))
        else:
            w.setText("" if value is None else str(value))


class OptionsForm(QWidget):
    """Every tunable option of a call, grouped like the API page, with "not set" states.

    ``changed`` is emitted when a person changes a field, and once when ``set_values`` fills
    the form.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, OptionField] = {}
        self._filling = False  # set_values is filling every field: availability waits
        self._notes: list[tuple[QLabel, list[str]]] = []
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Call option groups"))
        self.tabs.setToolTip(self.tr("Call options, grouped as on the API page"))
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        by_group: dict[Group, list[Param]] = {}
        for param in PARAMS:
            if param.name in OPTION_NAMES:
                by_group.setdefault(param.group, []).append(param)
        for group in GROUPS:
            self._add_group(group, by_group.get(group, []))
        for name in ("type", "use_screen", "nextaction"):
            self._connect_changed(self.fields[name].widget, self._update_availability)
        for option in self.fields.values():
            self._connect_changed(option.widget, self._field_changed)
        self._update_availability()

    def _add_group(self, group: Group, params: list[Param]) -> None:
        page = QWidget()
        form = QFormLayout(page)
        # When the whole group is unavailable, say so on the page, not only in tooltips.
        note = QLabel(page)
        note.setWordWrap(True)
        note.setVisible(False)
        note.setStyleSheet("font-style: italic")
        form.addRow(note)
        self._notes.append((note, [p.name for p in params]))
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for param in params:
            option = OptionField(param, page)
            self.fields[param.name] = option
            form.addRow(option.label, option.cell)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the fields
        scroll.setWidget(page)
        self.tabs.addTab(scroll, _tr(group.value))

    @staticmethod
    def _connect_changed(widget: QWidget, slot) -> None:
        if isinstance(widget, QSpinBox):
            widget.valueChanged.connect(lambda _v: slot())
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i: slot())
        elif isinstance(widget, PhoneField):
            widget.changed.connect(slot)
        else:
            widget.textChanged.connect(lambda _t: slot())

    def _field_changed(self) -> None:
        if not self._filling:
            self.changed.emit()

    def call_type(self) -> int:
        """The type the call will have: the chosen one, else the API's default."""
        chosen = self.fields["type"].value()
        return int(chosen) if chosen is not None else int(BY_NAME["type"].default)

    def use_screen(self) -> int | None:
        """use_screen as it will be sent (None when not sent)."""
        option = self.fields["use_screen"]
        return None if option.reason else option.value()

    def _update_availability(self) -> None:
        if self._filling:
            return
        call_type, use_screen = self.call_type(), None
        # use_screen's own availability decides what whisper_phrase sees, so settle it first.
        ordered = sorted(self.fields.values(), key=lambda o: o.param.name != "use_screen")
        for option in ordered:
            param = option.param
            if param.name == "use_screen":
                option.set_reason(
                    unavailable_words(param, call_type, None),
                    unavailable_reason(param, call_type, None),
                )
                use_screen = self.use_screen()
                continue
            reason = unavailable_words(param, call_type, use_screen)
            api = unavailable_reason(param, call_type, use_screen)
            if reason is None and param.name == "nextactionitem":
                nextaction = self.fields["nextaction"].value()
                if nextaction not in NEXTACTION_NEEDS_ITEM:
                    reason = self.tr(
                        "Used only when nobody accepts and the next action is voicemail, a "
                        "virtual receptionist, another FindMe or SurVo/IVR"
                    )
                    api = "nextactionitem is only used with nextaction 2, 4, 5 or 6"
            option.set_reason(reason, api)
        for note, names in self._notes:
            reasons = {self.fields[n].reason for n in names}
            whole_group = None not in reasons and len(reasons) == 1
            if whole_group:
                (reason,) = reasons
                note.setText(_ui("These options are {0}.").format(reason[:1].lower() + reason[1:]))
            note.setVisible(whole_group)
            for name in names:  # one note for the group, not the same words on every row
                self.fields[name].quiet = whole_group
                self.fields[name].show_note()

    def values(self) -> dict[str, object]:
        """The options to send: only fields that are set and available, by API name."""
        out: dict[str, object] = {}
        for name, option in self.fields.items():
            if option.reason:
                continue
            value = option.value()
            if value is not None:
                out[name] = value
        return out

    def changes(self, values: Mapping[str, object]) -> list[tuple[str, str, str]]:
        """What ``set_values(values)`` would change in the options in use: (label, shown
        now, shown after), in the form's order."""
        now = self.values()
        out = []
        for name, option in self.fields.items():
            before, after = now.get(name), option.normalized(values.get(name))
            if before != after:
                label = _tr(option.param.label)
                out.append((label, option.text_for(before), option.text_for(after)))
        return out

    def set_values(self, values: Mapping[str, object]) -> None:
        """Show ``values``; every field not in it goes back to "not set"."""
        # Availability once, at the end, not at each of type, use_screen and nextaction:
        # filling a field does not depend on whether it is enabled.
        self._filling = True
        try:
            for name, option in self.fields.items():
                option.set_value(values.get(name))
        finally:
            self._filling = False
        self._update_availability()
        self.changed.emit()
