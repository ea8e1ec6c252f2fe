"""The four charts of the Reports view, drawn with pyqtgraph in the palette's own colours.

Each chart is a plot, its title and a sentence saying the same in words (for a screen reader,
and for whoever would rather read); ``table()`` is its data for Export CSV.
"""

from __future__ import annotations

from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from console.calls.outcome import Status
from ui.common.colours import readable
from ui.common.words import status_text
from ui.reports.tables import (
    Figures,
    Table,
    days_summary,
    days_table,
    dispositions_summary,
    dispositions_table,
    rate,
    rate_grid,
    rates_summary,
    rates_table,
    stacked,
    team_text,
    waits_summary,
    waits_table,
)

# WCAG 2's minimum contrast for parts of graphics (success criterion 1.4.11).
GRAPHIC_CONTRAST = 3.0
# Okabe and Ito's colours, told apart with any colour vision; for the team's dispositions.
QUALITATIVE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
STATUS_ORDER = [str(s) for s in Status]
# A hue per result that tells each from the others (the history's colours group them by kind).
CHART_HUES = {
    Status.SUCCESS: "#2e7d32",
    Status.FAILED: "#c62828",
    Status.INVALID: "#8e24aa",
    Status.NETWORK: "#1565c0",
    Status.UNKNOWN: "#b8860b",
    Status.CANCELLED: "#6d6d6d",
    Status.INTERRUPTED: "#e65100",
    Status.PENDING: "#00838f",
}
MAX_TICKS = 8


def _colours() -> tuple[QColor, QColor]:
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)


def _series_colour(hue: str, ground: QColor) -> QColor:
    return readable(QColor(hue), ground, ratio=GRAPHIC_CONTRAST)


class CellTexts(pg.GraphicsObject):
    """Short texts centred on points of the plot, in one item drawn at once, upright and at
    the font's own size whatever the plot's scale (a pyqtgraph TextItem each costs ~5 ms)."""

    def __init__(self, texts: list[tuple[float, float, str, QColor]], align_left: bool = False):
        super().__init__()
        self._texts = texts
        self._left = align_left
        xs = [x for x, _, _, _ in texts] or [0.0]
        ys = [y for _, y, _, _ in texts] or [0.0]
        self._bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        self.setZValue(2)  # over the bars

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's
        return self._bounds

    def paint(self, painter: QPainter, *_args) -> None:
        transform = painter.transform()
        painter.resetTransform()
        flags = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignLeft if self._left else Qt.AlignmentFlag.AlignHCenter
        )
        for x, y, text, ink in self._texts:
            point = transform.map(QPointF(x, y))
            if self._left:  # after a bar's end: as long as the text needs
                box = QRectF(point.x() + 6, point.y() - 12, 1000, 24)
            else:  # centred in a heat map's cell
                box = QRectF(point.x() - 60, point.y() - 12, 120, 24)
            painter.setPen(ink)
            painter.drawText(box, int(flags), text)


def _day_ticks(days: list[str]) -> list[tuple[float, str]]:
    """Up to MAX_TICKS days named on the axis: "Nov 4", with the year when it changes."""
    step = max(1, -(-len(days) // MAX_TICKS))
    ticks, year = [], None
    for i in range(0, len(days), step):
        day = date.fromisoformat(days[i])
        text = f"{day:%b} {day.day}"
        if year is not None and day.year != year or len(days) > 366 and year is None:
            text += f" {day.year}"
        year = day.year
        ticks.append((i, text))
    return ticks


class Chart(QWidget):
    """A titled plot and a sentence; subclasses draw ``figures`` in ``_draw``."""

    title = ""
    file_stem = "report"
    part = "days"  # the part of Figures it draws

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ground, self._ink = _colours()
        self.plot = pg.GraphicsLayoutWidget(self)
        self.plot.setBackground(self._ground)
        self.plot.setObjectName("chart")
        self.plot.setMinimumSize(320, 200)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # The legend beside the plot, never over its bars.
        self.item = item = self.plot.addPlot(row=0, col=0)
        self.legend = pg.LegendItem(labelTextColor=self._ink)
        self.plot.addItem(self.legend, row=0, col=1)
        # Its own size at the top: stretched to the plot's height, its rows drift apart.
        self.legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.plot.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        # A report is read, not explored: no dragging, wheel zoom or context menu to get lost in.
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(self._ink)
            axis.setTextPen(self._ink)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("summary")
        # Reachable with Tab and readable by a screen reader: the chart in words.
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.summary)
        self.figures: Figures | None = None
        self.setAccessibleName(self.title)

    def shows(self, figures: Figures) -> bool:
        """Whether it is drawn from these figures' part already."""
        return self.figures is not None and getattr(self.figures, self.part) is getattr(
            figures, self.part
        )

    def show_figures(self, figures: Figures, period: str) -> None:
        """Draw the part of ``figures`` this chart shows (counted: not None)."""
        self.figures = figures
        item = self.item
        item.clear()
        self.legend.clear()
        item.setTitle(f"{self.title} · {period}", color=self._ink)
        self._draw(item, figures)
        text = self._summary(figures)
        self.summary.setText(text)
        self.plot.setAccessibleDescription(text)

    def _stack(self, item: pg.PlotItem, days, names, series, colour, label) -> None:
        xs = list(range(len(days)))
        bottom = [0] * len(days)
        for name in names:
            heights = series[name]
            if not any(heights):
                continue
            bars = pg.BarGraphItem(
                x=xs, height=heights, y0=list(bottom), width=0.8, brush=colour(name), pen=None
            )
            item.addItem(bars)
            self.legend.addItem(bars, label(name))
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        item.getAxis("bottom").setTicks([_day_ticks(days)])
        item.getAxis("left").setTicks(None)
        item.setLabel("left", "calls", color=self._ink.name())
        if days:
            item.setXRange(-0.6, len(days) - 0.4, padding=0)
            item.setYRange(0, max(bottom) * 1.15 or 1, padding=0)

    def _draw(self, item: pg.PlotItem, figures: Figures) -> None:
        raise NotImplementedError

    def _summary(self, figures: Figures) -> str:
        raise NotImplementedError

    def table(self) -> Table:
        raise NotImplementedError


class CallsPerDay(Chart):
    title = "Calls per day by result"
    file_stem = "calls-per-day"

    def _draw(self, item: pg.PlotItem, figures: Figures) -> None:
        items = [(d.day, d.status, d.calls) for d in figures.days]
        days, names, series = stacked(items, STATUS_ORDER)
        self._stack(
            item,
            days,
            names,
            series,
            lambda s: _series_colour(CHART_HUES.get(s, "#6d6d6d"), self._ground),
            status_text,
        )

    def _summary(self, figures: Figures) -> str:
        return days_summary(figures, status_text)

    def table(self) -> Table:
        assert self.figures is not None
        return days_table(self.figures, status_text, STATUS_ORDER)


class DispositionsPerDay(Chart):
    title = "Dispositions over time"
    file_stem = "dispositions"
    part = "dispositions"

    def _draw(self, item: pg.PlotItem, figures: Figures) -> None:
        items = [(d.day, d.disposition, d.calls) for d in figures.dispositions]
        days, names, series = stacked(items)
        hues = {name: QUALITATIVE[i % len(QUALITATIVE)] for i, name in enumerate(names)}
        self._stack(item, days, names, series, lambda n: _series_colour(hues[n], self._ground), str)

    def _summary(self, figures: Figures) -> str:
        return dispositions_summary(figures)

    def table(self) -> Table:
        assert self.figures is not None
        return dispositions_table(self.figures)


class AnswerRates(Chart):
    """A heat map: a row per team list, a column per hour, the cell's colour its answer rate."""

    title = "Answer rate by team list and hour"
    file_stem = "answer-rate"
    part = "rates"

    def _draw(self, item: pg.PlotItem, figures: Figures) -> None:
        teams, grid = rate_grid(figures.rates)
        colours = pg.colormap.get("viridis")
        xs, ys, brushes, texts = [], [], [], []
        for row, hours in enumerate(grid):
            for hour, (replied, answered) in enumerate(hours):
                share = rate(replied, answered)
                if share is None:
                    continue
                colour = colours.map(share, mode="qcolor")
                xs.append(hour + 0.5)
                ys.append(row)
                brushes.append(colour)
                # Black or white, whichever reads on the cell.
                ink = QColor("black") if colour.lightnessF() > 0.5 else QColor("white")
                texts.append((hour + 0.5, row + 0.5, f"{round(100 * share)}", ink))
        if xs:
            item.addItem(
                pg.BarGraphItem(x=xs, y0=ys, height=1, width=0.96, brushes=brushes, pen=None)
            )
            item.addItem(CellTexts(texts))
        labels = []
        for row, (team, hours) in enumerate(zip(teams, grid, strict=True)):
            replied = sum(h[0] for h in hours)
            answered = sum(h[1] for h in hours)
            labels.append((row + 0.5, f"{team_text(team)} {round(100 * answered / replied)}%"))
        item.getAxis("left").setTicks([labels])
        item.getAxis("bottom").setTicks([[(h + 0.5, f"{h:02d}") for h in range(0, 24, 2)]])
        item.setLabel("bottom", "hour the call was sent (% answered)", color=self._ink.name())
        item.setLabel("left", "")
        item.setXRange(0, 24, padding=0.01)
        item.setYRange(0, max(len(teams), 1), padding=0.02)

    def _summary(self, figures: Figures) -> str:
        return rates_summary(figures)

    def table(self) -> Table:
        assert self.figures is not None
        return rates_table(self.figures)


class FirstLegWaits(Chart):
    """A bar per team list: the mean time from sending to the first leg answering."""

    title = "Time to the first leg's answer, by team list"
    file_stem = "first-leg-wait"
    part = "waits"

    def _draw(self, item: pg.PlotItem, figures: Figures) -> None:
        waits = figures.waits
        colour = _series_colour(QUALITATIVE[0], self._ground)
        if waits:
            item.addItem(
                pg.BarGraphItem(
                    x0=0,
                    y=list(range(len(waits))),
                    height=0.6,
                    width=[w.mean_s for w in waits],
                    brush=colour,
                    pen=None,
                )  # fmt: skip
            )
        longest = max((w.mean_s for w in waits), default=1) or 1
        texts = [
            (
                w.mean_s,
                row,
                f"{w.mean_s:.0f} s (longest {w.longest_s:.0f} s, {w.calls:,} answered)",
                self._ink,
            )
            for row, w in enumerate(waits)
        ]
        if texts:
            item.addItem(CellTexts(texts, align_left=True))
        item.getAxis("left").setTicks([[(i, team_text(w.team)) for i, w in enumerate(waits)]])
        item.getAxis("bottom").setTicks(None)
        item.setLabel("bottom", "seconds a lead waited (mean)", color=self._ink.name())
        item.setLabel("left", "")
        item.setXRange(0, longest * 1.9, padding=0)
        item.setYRange(-0.6, max(len(waits), 1) - 0.4, padding=0)

    def _summary(self, figures: Figures) -> str:
        return waits_summary(figures)

    def table(self) -> Table:
        assert self.figures is not None
        return waits_table(self.figures)


CHARTS: tuple[type[Chart], ...] = (CallsPerDay, AnswerRates, FirstLegWaits, DispositionsPerDay)
