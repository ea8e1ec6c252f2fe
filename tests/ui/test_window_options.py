"""Call options from the PARAMS table, presets, and a restart that brings everything back."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QSpinBox
from window_kit import answer, open_session, pick, seed_window

from console.calls.params import BY_NAME, OPTION_NAMES
from console.calls.request import check_option
from console.settings import CALL_IN_USE
from tests.conftest import until
from ui.calls.options_form import OptionsForm
from ui.calls.presets import UNSAVED_MARK


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _choose(combo: QComboBox, value: int) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_the_form_is_built_from_the_params_table(qtbot):
    form = OptionsForm()
    qtbot.addWidget(form)
    assert set(form.fields) == set(OPTION_NAMES)
    assert isinstance(form.fields["timeout"].widget, QSpinBox)
    assert form.fields["timeout"].widget.maximum() == 60
    assert isinstance(form.fields["page"].widget, QLineEdit)
    assert form.fields["page"].widget.maxLength() == BY_NAME["page"].max_length
    type_combo = form.fields["type"].widget
    assert [type_combo.itemText(i) for i in (1, 2)] == [
        "Call the lead first",
        "Call the team first",
    ]
    for option in form.fields.values():
        assert option.widget.accessibleName()
        assert option.widget.toolTip()
    assert form.values() == {}  # everything "not set": the API's defaults apply


def test_an_id_field_takes_only_an_id_once_it_is_enabled(qtbot):
    from PySide6.QtCore import Qt

    form = OptionsForm()
    qtbot.addWidget(form)
    form.show()
    target = form.fields["nextactionitem"].widget
    assert not target.isEnabled()  # until a next action that needs a target is chosen
    _choose(form.fields["nextaction"].widget, 2)
    assert target.isEnabled()
    target.setFocus()
    qtbot.keyClicks(target, "a0b12x3")
    assert target.text() == "123"  # no letters, no leading zero
    qtbot.keyClick(target, Qt.Key.Key_Backspace)
    _choose(form.fields["nextaction"].widget, 1)
    _choose(form.fields["nextaction"].widget, 4)  # enabled again: the same one rule
    qtbot.keyClicks(target, "9z")
    assert target.text() == "129"


def test_fields_a_type_disables_say_why(qtbot):
    form = OptionsForm()
    qtbot.addWidget(form)
    fields = form.fields
    # Type 1 (the default): no-answer follow-ups are type=2 only.
    email = fields["no_answer_email"].widget
    assert not email.isEnabled()
    assert "only available when the team is called first" in email.toolTip()
    _choose(fields["type"].widget, 2)
    assert email.isEnabled()
    for name in ("use_screen", "screen_prompt", "nextaction", "nextactionitem"):
        assert not fields[name].widget.isEnabled(), name
        assert "only available when the lead is called first" in fields[name].widget.toolTip()
    qtbot.keyClicks(email, "agent@example.com")
    fields["timeout"].widget.setValue(20)
    assert form.values() == {"type": 2, "no_answer_email": "agent@example.com", "timeout": 20}
    # Back to type 1: the email is kept in the field but no longer sent.
    _choose(fields["type"].widget, 1)
    assert "no_answer_email" not in form.values()
    # whisper_phrase needs use_screen=0.
    whisper = fields["whisper_phrase"].widget
    assert not whisper.isEnabled()
    assert "use_screen=0" in whisper.toolTip()
    _choose(fields["use_screen"].widget, 0)
    assert whisper.isEnabled()
    # nextactionitem only with the next actions that take a target.
    _choose(fields["nextaction"].widget, 1)
    assert not fields["nextactionitem"].widget.isEnabled()
    _choose(fields["nextaction"].widget, 2)
    assert fields["nextactionitem"].widget.isEnabled()
    fields["nextactionitem"].widget.setText("42")
    values = form.values()
    assert values["nextaction"] == 2 and values["nextactionitem"] == 42
    # A value past the range cannot be typed into a spin box.
    spin = fields["loop_count"].widget
    spin.setValue(99)
    assert spin.value() == 5
    form.set_values({})
    assert form.values() == {}


def test_a_field_the_choice_disables_says_why_beside_it(qtbot):
    form = OptionsForm()
    qtbot.addWidget(form)
    fields = form.fields
    # "Whisper to the agent: Text", but the lead is screened (the default): the phrase is not
    # sent, and the row says so, not only the tooltip.
    _choose(fields["screen_method"].widget, 1)
    whisper = fields["whisper_phrase"]
    assert not whisper.widget.isEnabled()
    assert not whisper.note.isHidden() and whisper.note.isEnabled()
    assert "Ask the lead's name" in whisper.note.text()
    assert "use_screen=0" in whisper.widget.toolTip()  # the API's words, for who knows them
    _choose(fields["use_screen"].widget, 0)
    assert whisper.widget.isEnabled() and whisper.note.isHidden()
    # The team called first: screening is off the table; the phrase says why in those words.
    _choose(fields["type"].widget, 2)
    assert "lead is called first" in whisper.note.text()
    assert "lead is called first" in fields["screen_prompt"].note.text()
    # A whole group unavailable: one note on its page instead of the same words on each row.
    _choose(fields["type"].widget, 1)
    email = fields["no_answer_email"]
    email.note  # noqa: B018 - its page is built when first shown or asked for
    page_notes = [n for n, names in form._notes if "no_answer_email" in names]
    assert not page_notes[0].isHidden() and "team is called first" in page_notes[0].text()
    assert email.note.isHidden()


def test_hold_music_is_checked_as_it_is_typed(qtbot):
    form = OptionsForm()
    qtbot.addWidget(form)
    music = form.fields["holdmusic"]
    qtbot.keyClicks(music.widget, "music/song")
    problem = check_option("holdmusic", "music/song")
    assert problem and not music.note.isHidden()
    assert problem[1:] in music.note.text()  # the engine's own words, beside the field
    assert "holdmusic" not in music.note.text()
    music.widget.clear()
    qtbot.keyClicks(music.widget, "song.wav")
    assert music.note.isHidden() and form.values() == {"holdmusic": "song.wav"}


def test_type_2_options_reach_the_sandbox_and_its_outbox(session, arun, qtbot):
    engine, window = session.start()
    # Nobody on a list of numbers ending in 0 answers: the no-answer email is "sent".
    lead, team = seed_window(engine, window, team_numbers=("5551110000",))
    form = window.call_panel.form
    outbox = window.show_outbox()

    async def scenario():
        pick(window, lead, team)
        _choose(form.fields["type"].widget, 2)
        form.fields["timeout"].widget.setValue(10)
        qtbot.keyClicks(form.fields["no_answer_email"].widget, "lead@example.com")
        window.call_panel.call_button.click()
        await until(lambda: outbox.table.rowCount() == 1, what="the outbox entry")
        # The outbox entry can arrive before the reply does; wait for the call itself.
        return await until(
            lambda: (r := engine.store.fetch_calls()) and r[0].status != "pending" and r[0],
            what="the call to end",
        )

    record = arun(scenario())
    assert record.status == "failed" and record.description == "No Answer"
    assert "type=2" in record.request_redacted and "timeout=10" in record.request_redacted
    assert outbox.table.item(0, 2).text() == "lead@example.com"
    assert "LeadResponse unsuccessful" in outbox.body.toPlainText()


def test_restart_restores_history_presets_and_layout(session, arun, qtbot):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    panel = window.call_panel

    async def scenario():
        pick(window, lead, team)
        panel.form.fields["timeout"].widget.setValue(15)
        panel.presets.save("Quick ring")
        panel.call_button.click()
        return await until(
            lambda: (r := engine.store.fetch_calls()) and r[0].status != "pending" and r[0],
            what="the call to end",
        )

    record = arun(scenario())
    window.resize(window.minimumWidth(), 560)  # the offscreen screen is only 800x600
    window.outer_split.setSizes([300, 400])
    # The call's result line may still grow the window's minimum height (a layout request
    # posted when it was set): what is kept is the layout as it stands when the window closes.
    QApplication.processEvents()
    height, sizes = window.height(), window.outer_split.sizes()
    assert abs(height - 560) <= 40  # the resize took (give or take a line of text)
    session.close(engine, window)

    engine, window = session.start()
    panel = window.call_panel
    assert window.history.model.record(0).sid == record.sid
    assert window.history.model.total == 1
    assert panel.presets.current_name() == "Quick ring"
    assert panel.form.values() == {"timeout": 15}
    assert panel.current_team().name == "Sales East"
    assert window.height() == height
    assert window.outer_split.sizes() == sizes


def test_the_options_in_use_survive_a_restart(session, arun):
    engine, window = session.start()
    panel = window.call_panel
    panel.form.fields["timeout"].widget.setValue(15)  # edited, never saved as a preset
    _choose(panel.form.fields["type"].widget, 2)
    # Written soon after the last change, not only when the window closes (a crash).
    path = engine.settings.path
    arun(until(lambda: path.exists() and CALL_IN_USE in path.read_text(), what="options kept"))
    session.close(engine, window)

    engine, window = session.start()
    panel = window.call_panel
    assert panel.form.values() == {"timeout": 15, "type": 2}
    assert panel.presets.current_name() == ""
    assert panel.presets.combo.currentText().endswith(UNSAVED_MARK)  # still unsaved edits
    panel.form.set_values({})  # every option back to "not set": that is kept too
    session.close(engine, window)
    engine, window = session.start()
    assert window.call_panel.form.values() == {}


def test_options_that_cannot_be_written_are_logged_and_kept(session, arun, caplog):
    engine, window = session.start()
    path = engine.settings.path
    path.unlink(missing_ok=True)
    path.mkdir()  # the settings file cannot be replaced now
    window.call_panel.form.fields["timeout"].widget.setValue(15)
    arun(until(lambda: "could not keep the call options" in caplog.text, what="the warning"))
    assert window.call_panel.form.values() == {"timeout": 15}  # nothing lost on screen
    path.rmdir()
    session.close(engine, window)  # the window's own save writes them
    engine, window = session.start()
    assert window.call_panel.form.values() == {"timeout": 15}


def test_an_edited_preset_is_marked_and_switching_asks_first(session):
    engine, window = session.start()
    bar, form = window.call_panel.presets, window.call_panel.form
    form.fields["timeout"].widget.setValue(15)
    bar.save("Quick ring")
    assert bar.combo.currentText() == "Quick ring"
    form.fields["timeout"].widget.setValue(20)
    assert bar.combo.currentText() == "Quick ring" + UNSAVED_MARK
    assert bar.has_unsaved_edits()
    defaults = bar.combo.findData("")
    bar.combo.activated.emit(defaults)
    # Asked, and nothing dropped meanwhile: the combo still shows the edited preset.
    assert bar._question.isVisible()
    assert form.values() == {"timeout": 20} and bar.current_name() == "Quick ring"
    answer(bar._question, yes=False)
    assert form.values() == {"timeout": 20}
    assert bar.combo.currentText() == "Quick ring" + UNSAVED_MARK
    bar.combo.activated.emit(defaults)
    answer(bar._question, yes=True)
    assert form.values() == {} and bar.current_name() == ""
    assert not bar.combo.currentText().endswith(UNSAVED_MARK)
    # Unedited, a switch asks nothing; editing back to the preset's values clears the mark.
    bar.combo.activated.emit(bar.combo.findData("Quick ring"))
    assert form.values() == {"timeout": 15}
    form.fields["timeout"].widget.setValue(16)
    form.fields["timeout"].widget.setValue(15)
    assert bar.combo.currentText() == "Quick ring"
    # New defaults from Preferences keep edits made on the defaults.
    bar.load("")
    form.fields["record"].widget.setCurrentIndex(2)
    prefs = window.show_preferences()
    prefs.form.fields["timeout"].widget.setValue(45)
    prefs.save()
    assert form.values() == {"record": 1}
    assert bar.combo.currentText().endswith(UNSAVED_MARK)


def test_presets_rename_delete_and_defaults(session, arun):
    engine, window = session.start()
    bar, form = window.call_panel.presets, window.call_panel.form
    form.fields["record"].widget.setCurrentIndex(2)  # Yes
    bar.save("Recorded")
    bar.rename("Recorded calls")
    assert [p.name for p in engine.store.list_presets()] == ["Recorded calls"]
    assert engine.settings.get("ui.last_preset") == "Recorded calls"
    prefs = window.show_preferences()
    prefs.form.fields["timeout"].widget.setValue(45)
    prefs.save()
    assert engine.settings.get("call.defaults") == {"timeout": 45}
    bar.delete()
    assert engine.store.list_presets() == []
    assert bar.current_name() == ""
    assert form.values() == {"timeout": 45}  # the defaults from Preferences
    assert form.fields["record"].widget.currentData() is None
    assert bar.combo.accessibleName() and bar.save_button.toolTip()


def test_the_window_fits_beside_another_one(session):
    # Half of a 1920-pixel screen, with a CRM in the other half; a team of 20 agents.
    engine, window = session.start()
    numbers = tuple(f"555111{i:04d}" for i in range(20))
    seed_window(engine, window, team_numbers=numbers)
    window.left_tabs.setCurrentWidget(window.teams.page)
    assert window.minimumSizeHint().width() <= 900
    shown = window.call_panel.team_numbers
    assert shown.full_text().count("(555) 111-") == 20
    assert shown.toolTip() == shown.full_text()  # all of them, whatever the width
