"""The call options, one tab per API group, generated from console.calls.params.PARAMS.

A tab's page is built the first time it is shown (or one of its fields is asked for): at
start only the page in view exists. Until then its fields keep what they would show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QToolButton,
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
from console.phone import MAX_LENGTH, check_phone, format_display
from ui.common.phone_field import PhoneField
from ui.common.widgets import note_label

GROUPS = (
    Group.ROUTING,
    Group.SCREENING,
    Group.HOLD_MUSIC,
    Group.RECORDING,
    Group.NO_ANSWER,
    Group.CALLER_IDS,
    Group.REPORT,
)
_ID_PATTERN = r"[1-9][0-9]{0,9}"


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


class _Page:
    """A tab of the form: its parameters, and its scroll area, filled when first shown."""

    # A plain class: a dataclass is made by compiling its methods (~1 ms at start).
    __slots__ = ("built", "params", "scroll")

    def __init__(self, params: list[Param], scroll: QScrollArea) -> None:
        self.params = params
        self.scroll = scroll
        self.built = False


def _not_set_text(param: Param) -> str:
    """What a field shows when not set: "not set", with the API's default when it has one."""
    if param.kind is Kind.INT:
        return _ui("not set") + (f" ({param.default})" if param.default is not None else "")
    if param.kind is Kind.CHOICE:
        default = param.choices.get(param.default) if param.default is not None else None
        return f"{_ui('not set')} ({_tr(default)})" if default else _ui("not set")
    return _ui("not set")


def _max_length(param: Param) -> int:
    return MAX_LENGTH if param.kind is Kind.PHONE else param.max_length or 10


def _fit(text: str, length: int) -> str:
    """``text`` cut as QLineEdit.setText cuts it: to ``length`` UTF-16 code units."""
    if len(text) <= length // 2:
        return text
    return text.encode("utf-16-le", "surrogatepass")[: 2 * length].decode(
        "utf-16-le", "surrogatepass"
    )


def _take_ids_only(edit: QLineEdit) -> None:
    """Let ``edit`` take only what an ID can be (digits, no leading zero)."""
    from PySide6.QtCore import QRegularExpression
    from PySide6.QtGui import QRegularExpressionValidator

    edit.setValidator(QRegularExpressionValidator(QRegularExpression(_ID_PATTERN), edit))


class OptionField:
    """One parameter's editor, with a "not set" state that sends nothing, and a note beside
    it that says why it is disabled or what is wrong with what was typed.

    The widgets (``label``, ``widget``, ``note``, ``cell``) are made with the field's page;
    asking for one builds the page. Until then ``value``, ``set_value`` and ``text_for`` work
    on what the editor would hold (the spin box's number, the choice, the text).
    """

    def __init__(self, param: Param, build_page: Callable[[], None]) -> None:
        self.param = param
        self.help = _tr(param.help)
        self._build_page = build_page
        self._widgets: tuple[QLabel, QWidget, QLabel, QWidget] | None = None
        # What the editor holds until it exists: the spin box's number (one below the minimum
        # is "not set"), the choice's value (None: "not set") or the text.
        self._content: object = self._empty()
        self.reason: str | None = None
        self._api: str | None = None
        self.problem: str | None = None
        self.quiet = False  # the group's note already says why

    def _empty(self) -> object:
        if self.param.kind is Kind.INT:
            return self.param.minimum - 1
        return None if self.param.kind is Kind.CHOICE else ""

    @property
    def built(self) -> bool:
        return self._widgets is not None

    def _parts(self) -> tuple[QLabel, QWidget, QLabel, QWidget]:
        if self._widgets is None:
            self._build_page()
        assert self._widgets is not None, "the page builds its fields"
        return self._widgets

    @property
    def label(self) -> QLabel:
        return self._parts()[0]

    @property
    def widget(self) -> QWidget:
        return self._parts()[1]

    @property
    def note(self) -> QLabel:
        return self._parts()[2]

    @property
    def cell(self) -> QWidget:
        """The editor with its note under it: the form row's field."""
        return self._parts()[3]

    def build(self, parent: QWidget) -> None:
        """Make the widgets on ``parent`` (the page), showing what the field holds."""
        param = self.param
        label = QLabel(_tr(param.label) + ":", parent)
        widget = self._make(param, parent)
        label.setBuddy(widget)
        # Shown where the field is, not only in its tooltip (a keyboard user never sees that).
        note = note_label(parent)
        note.setAccessibleName(_ui("{0}: note").format(_tr(param.label)))
        cell = QWidget(parent)
        # The note under the editor, the field's whole width: beside it, in a share of a
        # narrow pane (1024 px screen), the wrapped words were taller than the row Qt gave
        # them and their last line was cut.
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(note)
        self._widgets = (label, widget, note, cell)
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(lambda _t: self._recheck())
        content, self._content = self._content, None
        self.set_reason(self.reason, self._api)
        self.set_value(content)

    def _make(self, param: Param, parent: QWidget) -> QWidget:
        name = _tr(param.label)
        if param.kind is Kind.INT:
            spin = QSpinBox(parent)
            # One step below the minimum is "not set", the usual Qt idiom for an empty spin box.
            spin.setRange(param.minimum - 1, param.maximum)
            spin.setSpecialValueText(_not_set_text(param))
            spin.setValue(spin.minimum())
            widget: QWidget = spin
        elif param.kind is Kind.CHOICE:
            combo = QComboBox(parent)
            combo.addItem(_not_set_text(param), None)
            for value, text in param.choices.items():
                combo.addItem(_tr(text), value)
            widget = combo
        elif param.kind is Kind.PHONE:
            widget = PhoneField(name, parent)
            widget.edit.setPlaceholderText(_ui("not set"))
        else:
            edit = QLineEdit(parent)
            edit.setMaxLength(_max_length(param))
            edit.setPlaceholderText(_ui("not set"))
            edit.setClearButtonEnabled(True)
            # An ID field's validator comes when the field is first enabled (_take_ids_only):
            # the one on the page shown at start (nextactionitem) starts disabled, and the
            # validator's classes cost ~1 ms to load.
            widget = edit
        widget.setAccessibleName(name)
        widget.setObjectName(f"option_{param.name}")
        return widget

    def set_reason(self, reason: str | None, api: str | None = None) -> None:
        """Enable the field, or disable it saying why (``reason`` in the form's words, ``api``
        the same in the API's, for the tooltip)."""
        self.reason, self._api = reason, api
        if self._widgets is None:
            return
        label, widget, _note, _cell = self._widgets
        enabled = reason is None
        if enabled and self.param.kind is Kind.ID and widget.validator() is None:
            _take_ids_only(widget)
        widget.setEnabled(enabled)
        label.setEnabled(enabled)
        name = f"({self.param.name})"
        tip = f"{self.help} {name}" if enabled else f"{reason}.\n{self.help}\nAPI: {api or name}."
        for target in (widget, label, *self._inner()):
            target.setToolTip(tip)
        widget.setAccessibleDescription(tip)
        self.show_note()

    def _recheck(self) -> None:
        """Check what is typed with the engine's rule for this parameter (the one Call uses)."""
        value = self.value()
        self.problem = check_option(self.param.name, value) if value is not None else None
        self.show_note()

    def show_note(self) -> None:
        if self._widgets is None:
            return  # shown when the page is built
        if self.reason:
            text = "" if self.quiet else self.reason
        elif self.problem:
            text = "⚠ " + self.problem[:1].upper() + self.problem[1:]
        else:
            text = ""
        note = self._widgets[2]
        note.setText(text)
        note.setToolTip(text)
        note.setVisible(bool(text))

    def _inner(self) -> list[QWidget]:
        widget = self._widgets[1] if self._widgets is not None else None
        return [widget.edit] if isinstance(widget, PhoneField) else []

    def value(self) -> object | None:
        """The value to send, or None when not set."""
        if self._widgets is None:
            return self._value_of(self._content)
        w = self._widgets[1]
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

    def _value_of(self, content: object) -> object | None:
        """``value()`` of an editor holding ``content`` (the same rules, without the editor)."""
        kind = self.param.kind
        if kind is Kind.INT:
            return None if content == self.param.minimum - 1 else content
        if kind is Kind.CHOICE:
            return content
        raw = str(content)
        text = raw.strip()
        if not text:
            return None
        if kind is Kind.ID:
            return _as_int(text)
        if kind is Kind.PHONE:
            return check_phone(raw).digits or text
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
        kind = self.param.kind
        if kind is Kind.CHOICE:
            text = self.param.choices.get(value) if value is not None else None
            return _tr(text) if text is not None else _not_set_text(self.param)
        if value is None:
            return _not_set_text(self.param)
        return format_display(str(value)) if kind is Kind.PHONE else str(value)

    def set_value(self, value: object | None) -> None:
        content = self._content_for(value)
        if self._widgets is None:
            self._content = content
            return
        w = self._widgets[1]
        if isinstance(w, QSpinBox):
            w.setValue(content)
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(w.findData(content), 0) if content is not None else 0)
        else:
            w.setText(content)

    def _content_for(self, value: object | None) -> object:
        """What the editor holds after ``set_value(value)``: the spin box's number (clamped to
        its range: a number past 2**31 once raised OverflowError), the choice found (else
        "not set"), the text cut to its length."""
        param = self.param
        if param.kind is Kind.INT:
            number = _as_int(value) if value is not None else None
            if number is None:
                return param.minimum - 1
            return min(max(number, param.minimum - 1), param.maximum)
        if param.kind is Kind.CHOICE:
            number = _as_int(value) if value is not None else None
            return number if number in param.choices else None
        return _fit("" if value is None else str(value), _max_length(param))


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
        self._notes: list[tuple[QLabel, list[str]]] = []  # the built pages' group notes
        self._pages: list[_Page] = []
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
        self._update_availability()
        # Pages are built as they come into view (at start, only the one shown).
        self.tabs.currentChanged.connect(self._build_page)

    def _add_group(self, group: Group, params: list[Param]) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the fields
        index = len(self._pages)
        self._pages.append(_Page(params, scroll))
        for param in params:
            self.fields[param.name] = OptionField(param, lambda: self._build_page(index))
        self.tabs.addTab(scroll, _tr(group.value))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._build_page(self.tabs.currentIndex())  # before it is painted
        super().showEvent(event)

    def _build_page(self, index: int) -> None:
        """Make the fields of the ``index``th tab, once."""
        if not 0 <= index < len(self._pages) or self._pages[index].built:
            return
        spec = self._pages[index]
        spec.built = True
        page = QWidget()
        form = QFormLayout(page)
        # When the whole group is unavailable, say so on the page, not only in tooltips.
        note = note_label(page)
        form.addRow(note)
        names = [p.name for p in spec.params]
        self._notes.append((note, names))
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        options = [self.fields[name] for name in names]
        for option in options:
            option.build(page)
            form.addRow(option.label, option.cell)
        spec.scroll.setWidget(page)
        self._keep_tab_order([option.widget for option in options])
        # As the whole form did when built at once: availability first, then "changed".
        for option in options:
            if option.param.name in ("type", "use_screen", "nextaction"):
                self._connect_changed(option.widget, self._update_availability)
        for option in options:
            self._connect_changed(option.widget, self._field_changed)
        self._update_availability()

    def _keep_tab_order(self, editors: list[QWidget]) -> None:
        """Tab goes from the tab bar (and its scroll buttons) through ``editors`` in order.

        Widgets made after the form joined a window come last in its focus chain, after the
        Call button and the history; a page built later is moved back to its place.
        """
        bar = self.tabs.tabBar()
        previous: QWidget = ([bar, *bar.findChildren(QToolButton)])[-1]
        for editor in editors:
            # A compound editor that takes no focus itself (the phone field) is placed by the
            # widget it hands focus to; Qt ignores a widget with no focus policy here.
            proxy = editor.focusProxy()
            if editor.focusPolicy() == Qt.FocusPolicy.NoFocus and proxy is not None:
                editor = proxy
            QWidget.setTabOrder(previous, editor)
            previous = editor

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
        # A page not built yet works it out when it is: its group note is made then.

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
