"""The options form builds a tab's page when it is first shown: the same values, order, words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget
from window_kit import open_session

from ui.calls.options_form import OptionsForm

# What a person, a preset, a settings file edited by hand or a past request may hand the form.
RAW_VALUES = [
    None, "", "   ", 0, 1, 2, 5, 9, 10, 15, 60, 61, 99, -1, "7", " 30 ", "abc", 1.5, "1.5",
    True, "5551234567", "(555) 123-4567", " +1 555 123 4567 ", "555-12", "12345678901234",
    "song.wav", "music/song", "http://example.com/x", "lead@example.com", "x" * 300,
    "é" * 20, "😀" * 20, "a😀" * 10,
]  # fmt: skip


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _shown(widget: QWidget) -> object:
    """What an editor shows."""
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return widget.text()


def test_a_field_not_built_yet_holds_what_its_editor_would(qtbot):
    built, later = OptionsForm(), OptionsForm()
    for form in (built, later):
        qtbot.addWidget(form)
    for option in built.fields.values():
        option.widget  # noqa: B018 - every page of this one is built now
    for name, option in built.fields.items():
        waiting = later.fields[name]
        for raw in RAW_VALUES:
            option.set_value(raw)
            waiting.set_value(raw)
            assert not waiting.built
            assert waiting.value() == option.value(), (name, raw)
            value = option.value()
            assert waiting.text_for(value) == option.text_for(value), (name, raw)
    # Once built, the editors show what they were given before they existed.
    for option in later.fields.values():
        option.set_value(None)
    values = {name: raw for name, raw in zip(built.fields, RAW_VALUES, strict=False)}
    built.set_values(values)
    later.set_values(values)
    assert later.values() == built.values()
    for name, option in built.fields.items():
        assert _shown(later.fields[name].widget) == _shown(option.widget), name
        assert later.fields[name].widget.isEnabled() == option.widget.isEnabled(), name
        assert later.fields[name].note.text() == option.note.text(), name


def test_only_the_page_in_view_is_built_at_start(session):
    engine, window = session.start()
    form = window.call_panel.form
    made = [w for w in form.findChildren(QWidget) if w.objectName().startswith("option_")]
    page = form.tabs.currentWidget().widget()
    assert made and all(page.isAncestorOf(w) for w in made)
    assert len(made) < len(form.fields)


def _visible_focus_chain(start: QWidget) -> list[QWidget]:
    order, widget = [], start
    for _ in range(1000):
        widget = widget.nextInFocusChain()
        if widget is start:
            break
        if widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            order.append(widget)
    return order


@pytest.mark.parametrize("tab", [3, 4])  # Recording, No-answer follow-up: built when chosen
def test_a_page_built_later_keeps_its_place_in_the_tab_order(session, tab):
    engine, window = session.start()
    panel = window.call_panel
    panel.form.set_values({"type": 2})  # the team first: the no-answer follow-ups apply
    panel.form.tabs.setCurrentIndex(tab)
    page = panel.form.tabs.currentWidget().widget()
    editors = [
        option.widget for option in panel.form.fields.values() if page.isAncestorOf(option.widget)
    ]
    assert editors and all(e.isEnabled() for e in editors)
    order = _visible_focus_chain(window.left_tabs.tabBar())
    expected = [
        panel.presets.combo,
        panel.form.tabs.tabBar(),
        *(e.focusProxy() or e for e in editors if e.isEnabled()),
        panel.call_button,
        window.history.filter_edit,
    ]
    positions = [order.index(w) for w in expected]
    assert positions == sorted(positions)
    # Nothing between the tab bar (with its scroll buttons) and the page's fields, nor
    # between the fields.
    bar = panel.form.tabs.tabBar()
    after_bar = [w for w in order[order.index(bar) + 1 :] if w.parent() is not bar]
    fields = [e.focusProxy() or e for e in editors if e.isEnabled()]
    assert after_bar[: len(fields)] == fields
