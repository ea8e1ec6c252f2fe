"""The window speaks the agent's words: a control named Call places a call; the options, the
sandbox rules and the outbox say "the team is called first", not type=2 (the API's names stay
in tooltips for those who know them)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QSpinBox
from window_kit import open_session, pick, seed_window

from console.calls.params import PARAMS
from console.store import Lead, TeamList
from tests.conftest import until
from ui.calls.options_form import OptionsForm


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


# The API's names that are not also plain English words, and name=value pairs (type=2).
_API_NAMES = sorted(
    p.name for p in PARAMS if "_" in p.name or p.name in {"holdmusic", "holdrepeat", "nextaction"}
)
API_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, _API_NAMES)) + r")\b|\b\w+=\d")


def api_words(texts) -> list[str]:
    return [t for t in texts if API_WORDS.search(t)]


def test_the_check_finds_api_words():
    assert api_words(["the team is called first (type=2)", "loop_count", "Lead's number"]) == [
        "the team is called first (type=2)",
        "loop_count",
    ]


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def test_a_control_named_call_places_a_call(session):
    engine, window = session.start()
    call_list = window.call_list.panel()  # built now if its tab was not shown yet
    named_call = [
        control
        for control in [*window.findChildren(QAbstractButton), *window.findChildren(QAction)]
        if re.match(r"Call\b", _plain(control.text()))
        and not (isinstance(control, QAction) and control.menu())  # the Call menu's title
    ]
    # The history's loader only fills the call panel: it is not named Call. The clipboard's
    # Call places a call, once the agent has confirmed what it will dial. The call list's
    # Call places a call to the lead up next.
    assert set(named_call) == {
        window.call_panel.call_button,
        call_list.call_button,
        window.dialing.clipboard_action,
    }
    assert len(named_call) == 3


def _form_texts(form: OptionsForm) -> list[str]:
    for option in form.fields.values():
        option.widget  # noqa: B018 - every page built (each is built when first shown)
    texts = [form.tabs.tabText(i) for i in range(form.tabs.count())]
    for label in form.findChildren(QLabel):
        if not label.isHidden():
            texts.append(label.text())
    for option in form.fields.values():
        widget = option.widget
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QSpinBox):
            texts.append(widget.specialValueText())
    return texts


def _choose(combo: QComboBox, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_the_options_form_shows_no_api_names(qtbot):
    form = OptionsForm()
    qtbot.addWidget(form)
    for call_type in (None, 1, 2):
        for use_screen in (None, 0, 1):
            _choose(form.fields["type"].widget, call_type)
            _choose(form.fields["use_screen"].widget, use_screen)
            for nextaction in (None, 1, 2):
                _choose(form.fields["nextaction"].widget, nextaction)
                assert api_words(_form_texts(form)) == [], (call_type, use_screen, nextaction)
    # The API's name is still one hover away, on every field.
    for name, option in form.fields.items():
        assert name in option.widget.toolTip()


def test_the_sandbox_rules_and_outbox_speak_plainly(session):
    engine, window = session.start()
    rules = window.show_rules()
    assert api_words(rules.view.toPlainText().splitlines()) == []
    assert "loop_count" in rules.view.toolTip() and "type=2" in rules.view.toolTip()
    outbox = window.show_outbox()
    assert outbox.note.text() and api_words([outbox.note.text()]) == []
    assert "type=2" in outbox.note.toolTip()


def test_counts_agree_with_their_number(qapp):
    from PySide6.QtCore import QCoreApplication

    def tr(text: str, n: int) -> str:
        return QCoreApplication.translate("Test", text, None, n)

    assert [tr("%n call(s)", n) for n in (0, 1, 2)] == ["0 calls", "1 call", "2 calls"]
    assert tr("Rings {0} of %n number(s)", 1) == "Rings {0} of 1 number"
    assert QCoreApplication.translate("Test", "no count here") == "no count here"


def _string_literals(folder: str) -> list[tuple[str, str]]:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / folder
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((path.name, node.value))
    return found


def test_every_plural_text_carries_its_count():
    # "(s)" is only read right when Qt knows the number: "%n call(s)" with n given to tr().
    # The engine has no Qt, so it words its counts itself ("1 call was", "2 calls were").
    loose = [
        (name, text)
        for name, text in _string_literals("ui") + _string_literals("console")
        if "(s)" in text and "%n" not in text and "%Ln" not in text and text != "(s)"
    ]
    assert loose == []


def test_the_window_counts_in_words(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    window.teams_panel.refresh()
    assert window.leads_panel.count_label.text() == "1 lead"
    assert window.teams_panel.preview_note.text() == "Rings 1 of 1 number, in this order."
    assert window.call_panel.team_combo.currentText() == "Sales East (1 number)"

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        await until(lambda: (r := window.history.model.record(0)) and r.status != "pending")
        await until(lambda: window.history.count_label.text() == "1 call", what="1 call")

    arun(scenario())


def test_no_message_outlives_what_it_was_about(session, arun):
    engine, window = session.start()
    panel, teams = window.call_panel, window.teams_panel
    # An empty list is empty, not "every number is disabled", in both places.
    engine.store.save_team(TeamList(None, "Empty", []))
    teams.refresh()
    panel.refresh_teams()
    assert panel.select_team("Empty")
    assert "disabled" not in panel.team_numbers.full_text()
    assert "no numbers" in panel.team_numbers.full_text()
    assert "empty" in teams.preview_note.text() and "enabled" not in teams.preview_note.text()
    # "Choose a lead first" goes once a lead is picked.
    panel.set_lead(None)

    async def press_call():
        panel.call_button.click()
        await until(lambda: "Choose" in panel.feedback.text(), what="the missing lead")

    arun(press_call())
    panel.set_lead(engine.store.add_lead(Lead(None, "Jane Roe", "5552223334")))
    assert "Choose" not in panel.feedback.text()
    # A duplicate warning goes with the duplicate.
    teams.number_field.setText("(555) 111-0003")
    teams.add_member()
    teams.number_field.setText("(555) 111-0003")
    teams.add_member()
    assert "also on row 1" in teams.add_note.text()
    teams.table.selectRow(1)
    teams.remove_member()
    assert "also on row" not in teams.add_note.text()
