"""The Reports view for the team lead: four charts over a period, a team list and an agent,
each exported as a PNG picture or its data as CSV.

Imported when Reports is first opened (ui/shell/main_window.py), never at start: pyqtgraph,
and numpy under it, take longer to load than the whole window takes to show.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.settings import REPORTS_CHOICES, Settings
from console.store.base import ConsoleStore
from console.store.reports import ReportFilter
from ui.common.errors import show_error
from ui.common.file_dialogs import Folders, file_dialog
from ui.common.screen import fit_to_screen
from ui.common.settings_save import keep_settings
from ui.common.tasks import TaskRunner, off_thread
from ui.common.widgets import button
from ui.reports.charts import CHARTS, Chart
from ui.reports.tables import Figures, count_part, team_text

FOLDER_KIND = "reports"
COUNT_TASK = "count the reports"
DEFAULT_SIZE = QSize(980, 640)
# (words, days back from today; None: every call); the view opens on the second.
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last 12 months", 365),
    ("All calls", None),
)
DEFAULT_PERIOD = 1
# The entries of the REPORTS_CHOICES setting: the period by its days (None: every call), the
# team list and the agent by name (None: all).
PERIOD_DAYS, TEAM, AGENT = "period_days", "team", "agent"
TAB_NAMES = ("Calls per da&y", "&Answer rate", "&Wait for the first leg", "&Dispositions")


def period_filter(days: int | None, now: datetime | None = None, **chosen) -> ReportFilter:
    """The filter for the last ``days`` local days, today included (None: every call), in
    this computer's UTC offset now; ``chosen`` adds the team list and agent."""
    now = (now or datetime.now()).astimezone()
    offset = now.utcoffset() or timedelta(0)
    since = None
    if days is not None:
        start = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
        since = (start - offset).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    return ReportFilter(since=since, offset_minutes=int(offset.total_seconds() // 60), **chosen)


class ReportsWindow(QDialog):
    """Non-modal; ``counted`` is emitted each time the charts show new figures. With
    ``settings`` the period, team list and agent chosen are kept for the next time it opens
    (REPORTS_CHOICES), in this run and after a restart."""

    counted = Signal()

    def __init__(
        self,
        store: ConsoleStore,
        tasks: TaskRunner,
        folders: Folders | None = None,
        parent: QWidget | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.tasks = tasks
        self._folders = folders or Folders()
        self._settings = settings
        self._saved = settings.get(REPORTS_CHOICES) if settings is not None else {}
        self.figures: Figures | None = None
        self._period = ""
        self.count_seconds = 0.0
        self.setObjectName("reports")
        self.setWindowTitle(self.tr("Reports"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._build()
        # Closed while counting (it is deleted on close): the count must not go on to fill
        # combo boxes that are gone.
        self.finished.connect(self._stop_counting)
        fit_to_screen(self, DEFAULT_SIZE)
        self.refresh(choices=True)

    # Building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.period = self._combo(filters, self.tr("&Period:"), self.tr("Which calls to count"))
        for words, _days in PERIODS:
            self.period.addItem(self.tr(words))
        days = [days for _words, days in PERIODS]
        kept = self._saved.get(PERIOD_DAYS, -1)  # -1: none kept (None is "All calls")
        self.period.setCurrentIndex(days.index(kept) if kept in days else DEFAULT_PERIOD)
        self.team = self._combo(filters, self.tr("&Team list:"), self.tr("One team list's calls"))
        self.agent = self._combo(filters, self.tr("A&gent:"), self.tr("One agent's calls"))
        filters.addStretch(1)
        self.state = QLabel(self)
        self.state.setObjectName("state")
        filters.addWidget(self.state)
        layout.addLayout(filters)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Charts"))
        # A chart is built when its tab is first shown: each plot takes a while to make.
        self._charts: list[Chart | None] = [None] * len(CHARTS)
        for name in TAB_NAMES:
            page = QWidget(self.tabs)
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(page, self.tr(name))
        self.tabs.currentChanged.connect(self._tab_shown)
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.png_button = button(
            self,
            self.tr("Export chart as P&NG…"),
            self.tr("Export chart as PNG"),
            self.tr("Save the chart shown as a picture"),
        )
        self.csv_button = button(
            self,
            self.tr("Export data as &CSV…"),
            self.tr("Export data as CSV"),
            self.tr("Save the figures of the chart shown, for a spreadsheet"),
        )
        self.close_button = button(
            self, self.tr("Close"), self.tr("Close"), self.tr("Close the reports")
        )
        for widget in (self.png_button, self.csv_button, self.close_button):
            row.addWidget(widget)
        layout.addLayout(row)
        self.png_button.clicked.connect(self.ask_png)
        self.csv_button.clicked.connect(self.ask_csv)
        self.close_button.clicked.connect(self.close)
        for combo in (self.period, self.team, self.agent):
            combo.activated.connect(lambda _i: self._chosen())

    def _combo(self, row: QHBoxLayout, text: str, tip: str) -> QComboBox:
        label = QLabel(text, self)
        combo = QComboBox(self)
        combo.setToolTip(tip)
        combo.setAccessibleName(text.replace("&", "").rstrip(":"))
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label.setBuddy(combo)
        row.addWidget(label)
        row.addWidget(combo)
        row.addSpacing(8)
        return combo

    def _stop_counting(self) -> None:
        task = self.tasks.running(COUNT_TASK)
        if task is not None:
            task.cancel()

    def _chosen(self) -> None:
        self._remember()
        self.refresh()

    def _remember(self) -> None:
        """Keep the filters chosen for the next time the view opens (a convenience: a
        settings file that cannot be written is logged, and the view counts anyway)."""
        days = PERIODS[max(self.period.currentIndex(), 0)][1]
        chosen = {PERIOD_DAYS: days, TEAM: self.team.currentData(), AGENT: self.agent.currentData()}
        self._saved = chosen
        if self._settings is None:
            return
        keep_settings(self._settings, "the reports' filters", {REPORTS_CHOICES: chosen})

    # Counting
    def current_filter(self) -> ReportFilter:
        days = PERIODS[max(self.period.currentIndex(), 0)][1]
        return period_filter(days, team=self.team.currentData(), agent=self.agent.currentData())

    def refresh(self, choices: bool = False) -> None:
        """Count what the chart shown needs for the filter chosen (the latest choice wins)."""
        self.state.setText(self.tr("Counting…"))
        self.tasks.latest(COUNT_TASK, self._count(choices, max(self.tabs.currentIndex(), 0)))

    async def _count(self, choices: bool, index: int) -> None:
        started = time.perf_counter()
        if choices:
            teams = await off_thread(self.store.report_teams)
            agents = await off_thread(self.store.list_agents)
            teams_shown = [(team_text(t), t) for t in teams]
            self._fill(self.team, self.tr("All team lists"), teams_shown, self._saved.get(TEAM))
            agents_shown = [(a, a) for a in agents]
            self._fill(self.agent, self.tr("All agents"), agents_shown, self._saved.get(AGENT))
            self.agent.setEnabled(bool(agents))
            if not agents:
                self.agent.setToolTip(self.tr("The calls name their agent on a team server"))
        report = self.current_filter()
        figures = self.figures
        if figures is None or figures.report != report:
            figures = Figures(report)
        # Only the chart shown is counted; the others when their tab is first shown.
        part = CHARTS[index].part
        if getattr(figures, part) is None:
            found = await off_thread(count_part, self.store, report, part)
            figures = figures._replace(**{part: found})
        self.count_seconds = time.perf_counter() - started
        self.show_figures(figures)

    def _fill(
        self, combo: QComboBox, everything: str, items: list[tuple[str, str]], saved: object
    ) -> None:
        # The choice shown, else (when first filled) the one kept from last time; one that is
        # gone (a list without calls now) shows all.
        chosen = combo.currentData() if combo.count() else saved
        combo.clear()
        combo.addItem(everything, None)
        for text, value in items:
            combo.addItem(text, value)
        found = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(found, 0))

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        period = self.period.currentText()
        if figures.report.team is not None:
            period += f" · {team_text(figures.report.team)}"
        if figures.report.agent is not None:
            period += f" · {figures.report.agent}"
        self._period = period
        for index, chart in enumerate(self._charts):
            counted = getattr(figures, CHARTS[index].part) is not None
            if chart is not None and counted and not chart.shows(figures):
                chart.show_figures(figures, period)
            elif chart is None and index == self.tabs.currentIndex():
                self.chart(index)
        self.state.setText(self.tr("Counted in %.2f s") % self.count_seconds)
        self._offer_exports()
        self.counted.emit()

    def _offer_exports(self) -> None:
        """Exports only for a chart drawn from its figures (not while they are counted)."""
        chart = self._charts[max(self.tabs.currentIndex(), 0)]
        figures = self.figures
        # Drawn from the figures of the filter chosen, not from an earlier filter's.
        ready = chart is not None and figures is not None and chart.figures is not None
        ready = ready and getattr(figures, chart.part) is not None and chart.shows(figures)
        self.png_button.setEnabled(ready)
        self.csv_button.setEnabled(ready)

    def chart(self, index: int) -> Chart:
        """The chart of tab ``index``, built (and drawn, once there are figures) if need be."""
        chart = self._charts[index]
        if chart is None:
            page = self.tabs.widget(index)
            chart = self._charts[index] = CHARTS[index](page)
            page.layout().addWidget(chart)
            figures = self.figures
            if figures is not None and getattr(figures, chart.part) is not None:
                chart.show_figures(figures, self._period)
        return chart

    def _tab_shown(self, index: int) -> None:
        if index < 0:
            return
        chart = self.chart(index)
        self._offer_exports()
        figures = self.figures
        if figures is None or getattr(figures, chart.part) is None:
            self.refresh()  # counted when first shown
        elif figures.report != self.current_filter():
            self.refresh()  # the day turned since: counted anew

    def current_chart(self) -> Chart:
        return self.chart(self.tabs.currentIndex())

    # Exports
    def ask_png(self) -> QDialog:
        chart = self.current_chart()
        dialog = file_dialog(
            self,
            self._folders,
            FOLDER_KIND,
            self.tr("Export chart as PNG"),
            self.tr("PNG pictures (*.png)"),
            save_as=f"{chart.file_stem}.png",
            suffix="png",
        )
        dialog.fileSelected.connect(lambda path: self.export_png(chart, Path(path)))
        dialog.open()
        return dialog

    def export_png(self, chart: Chart, path: Path) -> bool:
        """The chart as it is drawn, to ``path``; a dialog says so when it cannot be written."""
        if chart.plot.grab().save(str(path), "PNG"):
            self.state.setText(self.tr("Saved {0}").format(path.name))
            return True
        show_error(
            self.tr("Chart not exported"),
            self.tr("{0} could not be written (check the folder exists and may be written).")
            .format(path),
            self,
        )  # fmt: skip
        return False

    def ask_csv(self) -> QDialog:
        chart = self.current_chart()
        dialog = file_dialog(
            self,
            self._folders,
            FOLDER_KIND,
            self.tr("Export data as CSV"),
            self.tr("CSV files (*.csv)"),
            save_as=f"{chart.file_stem}.csv",
            suffix="csv",
        )
        dialog.fileSelected.connect(
            lambda path: self.tasks.spawn(self.export_csv(chart, Path(path)), name="export CSV")
        )
        dialog.open()
        return dialog

    async def export_csv(self, chart: Chart, path: Path) -> int | None:
        """The chart's table to ``path``; returns the rows written, None when it could not."""
        from console.csvio import write_rows  # the CSV module loads when first used

        table = chart.table()
        try:
            count = await off_thread(write_rows, path, table.header, table.rows)
        except OSError as exc:
            show_error(self.tr("Data not exported"), exc, self, context=f"{path}:")
            return None
        self.state.setText(self.tr("Saved {0}").format(path.name))
        return count
