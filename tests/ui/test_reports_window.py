"""The Reports view through the real window: opened from its menu entry, charts checked against
the calls seeded into the store, a filter changed, and each export written and read back."""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog
from window_kit import open_session

from console.store import CallRecord, Store
from tests.conftest import until
from ui.common.file_dialogs import Folders

TEAMS = ("Sales East", "Renewals")
STATUSES = ("success", "success", "failed", "network", "unknown")
DISPOSITIONS = ("Connected", "Left voicemail", "Interested")


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


OLD = 30  # calls 40 to 60 days ago: outside the 30 days the view opens on


def seeded_calls(count: int = 240) -> list[CallRecord]:
    """OLD calls long ago, then ``count`` over the last 20 days (the view's default period),
    oldest first, placed by two agents (as a team server's mirror has them)."""
    rng = random.Random(4)
    now = datetime.now(UTC)
    rows = []
    for i in range(OLD + count):
        if i < OLD:
            created = now - timedelta(days=60) + timedelta(days=20) * i / OLD
        else:
            created = now - timedelta(days=20) + timedelta(days=20) * (i - OLD) / count
        wait = timedelta(milliseconds=rng.randrange(3_000, 90_000))
        rows.append(
            CallRecord(
                None,
                _iso(created),
                _iso(created + wait),
                f"Lead {i}",
                f"555200{i:04d}",
                rng.choice(TEAMS),
                "5550001111",
                1,
                rng.choice(STATUSES),
                "",
                "",
                "",
                "",
                1,
                agent=("ann", "bob")[i % 2],
            )
        )
    return rows


def seed(store: Store) -> list[CallRecord]:
    rows = seeded_calls()
    store.add_calls_bulk(rows)
    stored = store.fetch_calls(limit=-1, bodies=False, oldest_first=True)
    wrapped = []
    for i, record in enumerate(stored):
        if record.status == "success" and i % 3:
            wrapped.append(store.wrap_up(record.id, DISPOSITIONS[i % len(DISPOSITIONS)]))
    return [{r.id: r for r in wrapped}.get(r.id, r) for r in stored]


def _local_day(iso: str, offset: int) -> str:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")) + timedelta(minutes=offset)
    return moment.date().isoformat()


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def choose(dialog: QFileDialog, path: Path) -> None:
    dialog.selectFile(str(path))
    dialog.accept()


def open_reports(window, arun):
    action = window.menu_actions.reports
    assert action.shortcut() == QKeySequence("Ctrl+Shift+R")
    assert action in window.menuBar().actions()[1].menu().actions()  # the Call menu
    action.trigger()
    reports = window._dialogs["reports"]
    arun(until(lambda: reports.figures is not None, what="the reports counted"))
    return reports


def test_opening_reports_says_the_charts_are_loading_meanwhile(session, arun, monkeypatch):
    # The first opening imports pyqtgraph and numpy (~2 s): the window says so at once, with a
    # busy cursor, instead of freezing without a word; both go once the view is there.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    import ui.reports.window as reports_window

    _engine, window = session.start()
    seen = []
    real = reports_window.ReportsWindow

    def watched(*args, **kwargs):
        cursor = QApplication.overrideCursor()
        seen.append((window.statusBar().currentMessage(), cursor and cursor.shape()))
        return real(*args, **kwargs)

    monkeypatch.setattr(reports_window, "ReportsWindow", watched)
    window.menu_actions.reports.trigger()
    assert seen == [("Loading charts…", Qt.CursorShape.WaitCursor)]
    assert window.statusBar().currentMessage() == ""
    assert QApplication.overrideCursor() is None
    reports = window._dialogs["reports"]
    arun(until(lambda: reports.figures is not None, what="the reports counted"))
    window.menu_actions.reports.trigger()  # open already: raised, not made again
    assert len(seen) == 1 and window._dialogs["reports"] is reports


def test_reports_show_the_store_figures_filter_and_export(session, arun, tmp_path) -> None:
    calls: list[CallRecord] = []
    engine, window = session.start(seed_with=lambda store: calls.extend(seed(store)))
    reports = open_reports(window, arun)
    report = reports.figures.report
    assert report.team is None and report.since is not None
    # Only the chart shown is counted at first; the others when their tab is shown.
    assert reports.figures.days is not None and reports.figures.rates is None

    # Calls per day by result, as the chart's table has them, against the seeded calls.
    chart = reports.current_chart()
    header, *rows = chart.table().header, *chart.table().rows
    recent = calls[OLD:]
    expected = Counter((_local_day(c.created_at, report.offset_minutes), c.status) for c in recent)
    shown = Counter()
    words = {"Success": "success", "Failed": "failed", "Network failure": "network",
             "Outcome unknown": "unknown"}  # fmt: skip
    for row in rows:
        for column, cell in zip(header[1:-1], row[1:-1], strict=True):
            if cell:
                shown[(row[0], words[column])] += cell
    assert shown == expected
    assert sum(row[-1] for row in rows) == len(recent)
    assert f"{len(recent):,} calls" in chart.summary.text()

    # Period: every call; agent: one of the two.
    assert reports.agent.isEnabled() and reports.agent.findData("bob") > 0
    for combo, value in ((reports.period, None), (reports.agent, "bob")):
        index = combo.count() - 1 if value is None else combo.findData(value)
        combo.setCurrentIndex(index)
        before = reports.figures
        combo.activated.emit(index)
        arun(until(lambda b=before: reports.figures is not b, what="counted again"))
    assert reports.period.currentText() == "All calls"
    bobs = [c for c in calls if c.agent == "bob"]
    assert sum(row[-1] for row in chart.table().rows) == len(bobs)
    assert sum(c.created_at < calls[OLD].created_at for c in bobs) == OLD // 2
    reports.agent.setCurrentIndex(0)
    reports.period.setCurrentIndex(1)  # back to the last 30 days, everyone's

    # One team list: the combo's choice counts again, and the answer-rate heat map's table
    # has only that list, with the seeded calls' numbers.
    reports.tabs.setCurrentIndex(1)
    reports.team.setCurrentIndex(reports.team.findData("Renewals"))
    before = reports.figures
    reports.team.activated.emit(reports.team.currentIndex())
    arun(until(lambda: reports.figures is not before, what="the reports counted again"))
    assert reports.figures.report.team == "Renewals"
    rates = reports.current_chart().table()
    renewals = [
        c for c in recent if c.team_name == "Renewals" and c.status in ("success", "failed")
    ]
    assert {row[0] for row in rates.rows} == {"Renewals"}
    assert sum(row[2] for row in rates.rows) == len(renewals)
    assert sum(row[3] for row in rates.rows) == sum(c.status == "success" for c in renewals)

    # Export CSV and PNG through their file dialogs; the folder is remembered for the next.
    out = tmp_path / "out"
    out.mkdir()
    choose(reports.ask_csv(), out / "rates.csv")
    # Said once the file is written and closed (the file exists from its first byte).
    arun(until(lambda: reports.state.text() == "Saved rates.csv", what="the CSV export"))
    written = read_csv(out / "rates.csv")
    assert written[0] == rates.header
    assert [[str(c) for c in row] for row in rates.rows] == written[1:]
    choose(reports.ask_png(), out / "heat.png")
    image = QImage(str(out / "heat.png"))
    assert not image.isNull() and image.width() > 200 and image.height() > 150
    assert Folders(engine.settings).start("reports") == out
    assert reports.ask_png().directory().absolutePath() == str(out)

    # Dispositions over time: the wrap-ups seeded, per day.
    reports.tabs.setCurrentIndex(3)
    reports.team.setCurrentIndex(0)
    before = reports.figures
    reports.team.activated.emit(0)
    arun(until(lambda: reports.figures is not before, what="all team lists again"))
    table = reports.current_chart().table()
    wrapped = Counter(c.disposition for c in recent if c.disposition)
    for name, count in wrapped.items():
        column = table.header.index(name)
        assert sum(row[column] for row in table.rows) == count


def test_an_export_that_cannot_be_written_says_so(session, arun, tmp_path) -> None:
    engine, window = session.start(seed_with=seed)
    reports = open_reports(window, arun)
    missing = tmp_path / "no such folder" / "chart.png"
    assert reports.export_png(reports.current_chart(), missing) is False
    assert not missing.exists()
    from PySide6.QtWidgets import QApplication

    from ui.common.errors import ErrorDialog

    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    assert shown and "could not be written" in shown[-1].message.text()
    for dialog in shown:
        dialog.close()
    # The CSV alike: a dialog naming the file, nothing written, the view still there.
    table = tmp_path / "no such folder" / "calls.csv"
    assert arun(reports.export_csv(reports.current_chart(), table)) is None
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    assert shown and str(table) in shown[-1].message.text()
    assert not table.exists() and reports.isVisible()
    for dialog in shown:
        dialog.close()


def test_every_control_of_reports_has_its_own_key(session, arun) -> None:
    from test_mnemonics import repeated

    engine, window = session.start(seed_with=seed)
    reports = open_reports(window, arun)
    for tab in range(reports.tabs.count()):
        reports.tabs.setCurrentIndex(tab)
        assert repeated(reports) == {}, reports.tabs.tabText(tab)
        # Counted when first shown; the chart in words can be reached from the keyboard.
        summary = reports.current_chart().summary
        arun(until(summary.text, what=f"tab {tab} counted"))
        assert summary.focusPolicy() != summary.focusPolicy().NoFocus
        assert reports.csv_button.isEnabled() and reports.png_button.isEnabled()


def test_charts_are_readable_on_a_dark_palette(qapp, qtbot) -> None:
    """The plot takes the palette's own colours, and every result's bars keep 3:1 against
    its background (WCAG 2's contrast for graphics), whatever the desktop's theme."""
    import pyqtgraph as pg
    from PySide6.QtGui import QColor, QPalette

    from console.store.reports import DayCount, ReportFilter
    from ui.common.colours import contrast
    from ui.reports.charts import CHART_HUES, CallsPerDay
    from ui.reports.tables import Figures

    dark = QPalette(qapp.palette())
    for role, colour in (
        (QPalette.ColorRole.Base, "#121212"),
        (QPalette.ColorRole.Text, "#eeeeee"),
    ):
        dark.setColor(role, QColor(colour))
    kept = qapp.palette()
    qapp.setPalette(dark)
    try:
        chart = CallsPerDay()
        qtbot.addWidget(chart)
        days = [DayCount("2025-06-02", str(status), 3) for status in CHART_HUES]
        chart.show_figures(Figures(ReportFilter(), days=days), "test")
    finally:
        qapp.setPalette(kept)
    ground = chart.plot.backgroundBrush().color()
    assert ground == QColor("#121212")
    bars = [i for i in chart.item.items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == len(CHART_HUES)
    for bar in bars:
        assert contrast(pg.mkBrush(bar.opts["brush"]).color(), ground) >= 3.0
    assert chart.item.getAxis("left").textPen().color() == QColor("#eeeeee")


def test_no_export_of_a_chart_drawn_for_an_earlier_filter(session, arun) -> None:
    engine, window = session.start(seed_with=seed)
    reports = open_reports(window, arun)
    reports.tabs.setCurrentIndex(1)  # the heat map, counted for every team list
    arun(until(lambda: reports.figures.rates is not None, what="the answer rates"))
    reports.tabs.setCurrentIndex(0)
    reports.team.setCurrentIndex(reports.team.findData("Renewals"))
    before = reports.figures
    reports.team.activated.emit(reports.team.currentIndex())
    arun(until(lambda: reports.figures is not before, what="counted for Renewals"))
    reports.tabs.setCurrentIndex(1)  # still drawn for every team list, until counted again
    assert not reports.csv_button.isEnabled() and not reports.png_button.isEnabled()
    arun(until(reports.csv_button.isEnabled, what="the heat map for Renewals"))
    assert {row[0] for row in reports.current_chart().table().rows} == {"Renewals"}


def test_the_period_team_list_and_agent_are_kept_across_a_restart(session, arun) -> None:
    # Each opening started again on the last 30 days, every list and every agent.
    from console.settings import REPORTS_CHOICES

    engine, window = session.start(seed_with=seed)
    reports = open_reports(window, arun)
    choices = ((reports.period, 2), (reports.team, reports.team.findData("Renewals")))
    for combo, index in (*choices, (reports.agent, reports.agent.findData("bob"))):
        assert index > 0
        combo.setCurrentIndex(index)
        before = reports.figures
        combo.activated.emit(index)
        arun(until(lambda b=before: reports.figures is not b, what="counted again"))
    assert engine.settings.get(REPORTS_CHOICES) == {
        "period_days": 90, "team": "Renewals", "agent": "bob",
    }  # fmt: skip
    reports.close()
    session.close(engine, window)

    engine, window = session.start()
    reports = open_reports(window, arun)
    assert reports.period.currentText() == "Last 90 days"
    assert (reports.team.currentData(), reports.agent.currentData()) == ("Renewals", "bob")
    report = reports.figures.report
    assert (report.team, report.agent) == ("Renewals", "bob")
    # "All calls" is a choice kept too (None), not the default coming back.
    reports.period.setCurrentIndex(reports.period.count() - 1)
    reports.period.activated.emit(reports.period.count() - 1)
    assert engine.settings.get(REPORTS_CHOICES)["period_days"] is None
    # Closed before that count ran: it is dropped (it went on to fill the deleted combo
    # boxes, "Background task failed").
    reports.close()
    session.close(engine, window)
    engine, window = session.start()
    assert open_reports(window, arun).period.currentText() == "All calls"
