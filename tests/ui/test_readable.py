"""What the window shows stays readable: results told apart by more than the words, links
at 4.5:1 on the sandbox banner whatever the theme, disabled members greyed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from console.calls.outcome import Status
from console.store import Store, TeamMember
from ui.common.colours import TEXT_CONTRAST, contrast, readable
from ui.history.model import COLUMNS, HistoryModel
from ui.shell.parts import SandboxBanner
from ui.teams.model import LABEL, MembersModel

R = QPalette.ColorRole


def dark_palette() -> QPalette:
    """A dark theme whose tooltips stay yellow (Fusion's and Windows' habit): light links."""
    palette = QPalette(QApplication.palette())
    for role, colour in (
        (R.Window, "#202124"), (R.WindowText, "#e8eaed"), (R.Base, "#1e1e1e"),
        (R.AlternateBase, "#2a2a2a"), (R.Text, "#e8eaed"), (R.Link, "#8ab4f8"),
        (R.LinkVisited, "#c58af9"), (R.ToolTipBase, "#ffffdc"), (R.ToolTipText, "#000000"),
    ):  # fmt: skip
        palette.setColor(role, QColor(colour))
    return palette


@pytest.fixture(params=["light", "dark"])
def theme(request, qapp):
    before = QApplication.palette()
    if request.param == "dark":
        QApplication.setPalette(dark_palette())
    yield QApplication.palette()
    QApplication.setPalette(before)


def test_contrast_is_wcags():
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    fixed = readable(QColor("#8ab4f8"), QColor("#ffffdc"))
    assert contrast(fixed, QColor("#ffffdc")) >= TEXT_CONTRAST
    assert fixed.blue() > fixed.red()  # still a blue


def test_the_sandbox_banners_links_are_readable(qtbot, theme):
    banner = SandboxBanner()
    qtbot.addWidget(banner)
    ground = banner.palette().color(R.Window)
    assert ground == theme.color(R.ToolTipBase)
    for role in (R.Link, R.LinkVisited):
        assert contrast(banner.palette().color(role), ground) >= TEXT_CONTRAST
    for button in banner.links.values():  # drawn in ButtonText on the banner's ground
        assert contrast(button.palette().color(R.ButtonText), ground) >= TEXT_CONTRAST


def test_the_sandbox_banners_links_are_buttons_that_say_where_they_go(qtbot):
    banner = SandboxBanner()
    qtbot.addWidget(banner)
    assert list(banner.links) == ["outbox", "rules", "account"]
    for target, button in banner.links.items():
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus  # reached from the keyboard
        with qtbot.waitSignal(banner.link, timeout=1000) as said:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert said.args == [target]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space])
def test_a_banner_link_with_the_focus_is_pressed_by_enter_or_space(qtbot, key):
    banner = SandboxBanner()
    qtbot.addWidget(banner)
    button = banner.links["rules"]
    with qtbot.waitSignal(banner.link, timeout=1000) as said:
        qtbot.keyClick(button, key)
    assert said.args == ["rules"]


def test_the_banner_link_with_the_focus_shows_it(qtbot):
    # A flat button's style draws no focus: a keyboard user could not tell where Tab went.
    window = QWidget()
    qtbot.addWidget(window)
    before = QLineEdit(window)
    banner = SandboxBanner(window)
    layout = QVBoxLayout(window)
    layout.addWidget(before)
    layout.addWidget(banner)
    window.show()
    qtbot.waitExposed(window)
    button = banner.links["outbox"]
    unfocused = button.grab().toImage()
    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Tab)  # as a person reaches it
    qtbot.waitUntil(button.hasFocus, timeout=2000)
    assert button.grab().toImage() != unfocused


def test_failed_and_successful_calls_look_different(tmp_path, theme):
    with Store.open(tmp_path / "store.db") as store:
        for status in (Status.SUCCESS, Status.FAILED):
            call_id = store.begin_call(
                lead_name="Jane", lead_number="5552223334", team_name="East",
                list_value="5551110003", call_type=1, request_redacted="",
            )  # fmt: skip
            store.finish_call(call_id, status=status, description=str(status))
        model = HistoryModel(store)
        model.refresh()
        result = COLUMNS.index("result")
        rows = {model.record(r).status: r for r in range(model.rowCount())}
        looks = {}
        for status, row in rows.items():
            index = model.index(row, result)
            colour = index.data(Qt.ItemDataRole.ForegroundRole)
            icon = index.data(Qt.ItemDataRole.DecorationRole)
            assert colour is not None and icon is not None and not icon.isNull()
            for ground in (theme.color(R.Base), theme.color(R.AlternateBase)):
                assert contrast(colour, ground) >= TEXT_CONTRAST, (status, colour.name())
            looks[status] = (colour.rgba(), icon.cacheKey())
            # Only the result is marked; the other columns keep the table's colours.
            assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is None
        success, failed = looks[Status.SUCCESS], looks[Status.FAILED]
        assert success[0] != failed[0] and success[1] != failed[1]


def test_disabled_team_members_are_greyed(qapp):
    model = MembersModel()
    model.set_members(
        [TeamMember("On", "5551110003", True), TeamMember("Off", "5551110004", False)]
    )
    on = model.index(0, LABEL).data(Qt.ItemDataRole.ForegroundRole)
    off = model.index(1, LABEL).data(Qt.ItemDataRole.ForegroundRole)
    assert on is None
    disabled = QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, R.Text)
    assert off == disabled != QGuiApplication.palette().color(R.Text)
