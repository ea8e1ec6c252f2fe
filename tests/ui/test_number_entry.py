"""One reader of numbers, through the window's ways in: the typed field, a paste, a link."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from console.store import Store
from ui.common.phone_field import PhoneField
from ui.leads.panel import LeadsPanel
from ui.shell.links import read_number

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

# Each form once as a person would paste it, and the digits it names.
ACCEPTED = [
    ("555\u2011111\u20112222", "5551112222"),  # non-breaking hyphens from a web page
    ("555\u2013111\u20132222", "5551112222"),  # en dashes
    ("\u200e(555) 111-2222", "5551112222"),  # Windows' left-to-right mark
    ("555\u00a0111\u00a02222", "5551112222"),  # non-breaking spaces
    ("tel:555\u00a0111\u00a02222", "5551112222"),  # ... also inside a link
    ("tel:863-1234;phone-context=+1-914-555", "9148631234"),  # RFC 3966's example
    ("tel:+1-555-111-2222", "5551112222"),
]
REFUSED = [
    ("tel:+15551112224;777777777#", "post-dial"),
    ("5551112222,1234", "post-dial"),
    ("tel:5551112222;postd=12", "post-dial"),
    ("(911) 555-1234", "N11"),
    ("(212) 011-1234", "exchange"),
    ("5.55222E+09", "scientific notation"),
]


@pytest.fixture(autouse=True)
def _collect_earlier_garbage() -> None:
    gc.collect()  # see test_leads_panel: no Qt object may be freed on a worker thread


@pytest.fixture
def panel(qtbot, tmp_path: Path) -> Iterator[LeadsPanel]:
    with Store.open(tmp_path / "findme.db") as store:
        widget = LeadsPanel(store)
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
        yield widget


@pytest.mark.parametrize(("text", "digits"), ACCEPTED)
def test_typed_pasted_and_linked_forms_are_read_alike(qtbot, panel, text, digits) -> None:
    field = PhoneField("Number")
    qtbot.addWidget(field)
    field.setText(text)
    assert field.digits() == digits and field.problem() is None
    assert read_number(text) == digits  # a link or text handed to the window
    QGuiApplication.clipboard().setText(text)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert panel.number_field.digits() == digits


@pytest.mark.parametrize(("text", "words"), REFUSED)
def test_refusals_give_the_same_reason_everywhere(qtbot, panel, text, words) -> None:
    field = PhoneField("Number")
    qtbot.addWidget(field)
    field.setText(text)
    assert field.digits() is None and words in field.problem()
    with pytest.raises(ValueError, match=words):
        read_number(text)
    assert panel.prefill_number(text) is None
    assert words in panel.add_note.text()
    assert field.problem() in panel.add_note.text()  # the very same sentence


def test_a_long_link_is_read_whole_in_the_field(qtbot) -> None:
    field = PhoneField("Number")
    qtbot.addWidget(field)
    link = "tel:+1-555-111-2222;foo=bar;x-crm-id=0123456789;phone-context=example.com"
    assert len(link) > 40  # the field used to cut at 40 characters, and so read another text
    field.setText(link)
    assert field.digits() == "5551112222"
