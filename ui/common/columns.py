"""A table's columns kept within its width: no column cut off, no sideways scroll bar.

Qt's header gives each interactive column the width it was set to and scrolls (or, with the
scroll bar off, cuts the last columns) once they add up to more than the table is wide: on a
1024 px screen the history scrolled sideways and the leads table lost its Calls column.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

from ui.common.saved_state import header_state, restore_header

_FIXED, _CONTENTS = QHeaderView.ResizeMode.Fixed, QHeaderView.ResizeMode.ResizeToContents


class ColumnFit(QObject):
    """Narrows a table's ``elastic`` columns (logical index: preferred width in px), in
    proportion and down to ``floor`` px each, so that every column fits the viewport with
    ``fill_min`` px left for the ``fill`` column (the one in Stretch mode, which takes the rest);
    the preferred widths come back as room returns. Their text is elided by the view (the
    models give the whole in a tooltip).

    A column the person resizes by hand is theirs: from then on the widths stand as they set
    them (``custom``, kept with the header's saved state: see ``state`` and ``restore``).

    ``shrink_empty``: columns sized to their contents that, while no row of the model has
    anything in them (leads never called: no result, no time), are only as wide as their
    header's words, without room for a sort mark they do not show; the room goes to the fill
    column and the elastic ones. Sized to their contents again once a row has a value. With
    them, an empty fill column (no lead has notes) keeps only its header's words' room instead
    of ``fill_min``: the names and companies, which have something to show, get the rest.
    """

    def __init__(
        self,
        table: QTableView,
        elastic: dict[int, int],
        fill: int,
        fill_min: int,
        floor: int,
        shrink_empty: tuple[int, ...] = (),
    ) -> None:
        super().__init__(table)
        self.table = table
        self.shrink_empty = shrink_empty
        self.preferred = dict(elastic)
        self.fill = fill
        self.fill_min = fill_min
        self.floor = floor
        self.custom = False
        self._fitting = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        table.horizontalHeader().sectionResized.connect(self._resized)
        # The table's resizes, not its viewport's: a Python filter on the viewport (a widget
        # Qt made) has PySide6 make a type for every widget class at start
        # (tests/ui/test_startup_weight.py). A vertical scroll bar coming or going resizes
        # the fill column, which is seen in _resized.
        table.installEventFilter(self)
        if shrink_empty:  # a value coming or going in them
            model = table.model()
            for signal in (model.modelReset, model.dataChanged, model.rowsInserted,
                           model.rowsRemoved, model.layoutChanged):  # fmt: skip
                signal.connect(self._timer.start)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self._timer.start()  # once the table has laid out its header and viewport
        return False

    def _resized(self, column: int, old: int, new: int) -> None:
        if self._fitting or old == 0 or new == 0:  # ours, or a column hidden or shown
            return
        if column in self.preferred:
            self.custom = True  # dragged by the person (or restored: see ``restore``)
        else:  # sized to its contents, or the fill column as the viewport's width changed
            self._timer.start()

    def fit(self) -> None:
        """Set the elastic columns' widths for the viewport's width now (unless custom); the
        ``shrink_empty`` columns' mode either way (a value coming is not the person's drag)."""
        self._shrink_empty()
        if self.custom:
            return
        table, header = self.table, self.table.horizontalHeader()
        shown = [c for c in range(header.count()) if not table.isColumnHidden(c)]
        elastic = [c for c in shown if c in self.preferred]
        others = sum(header.sectionSize(c) for c in shown if c not in elastic and c != self.fill)
        # The header is as wide as the viewport (asking for the viewport itself: see above).
        fill_min = self.fill_min
        if self.shrink_empty and not self._has_values(self.fill):
            fill_min = min(fill_min, self.header_width(self.fill))  # see the class
        room = header.width() - others - fill_min
        wanted = sum(self.preferred[c] for c in elastic)
        scale = min(1.0, max(room, 0) / wanted) if wanted else 1.0
        self._fitting = True
        try:
            for column in elastic:
                width = max(self.floor, int(self.preferred[column] * scale))
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def _has_values(self, column: int) -> bool:
        model = self.table.model()
        return any(model.index(row, column).data() for row in range(model.rowCount()))

    def _shrink_empty(self) -> None:
        """The ``shrink_empty`` columns: as wide as their header's words while empty."""
        header = self.table.horizontalHeader()
        for column in self.shrink_empty:
            empty = not self._has_values(column)
            mode = _FIXED if empty else _CONTENTS
            self._fitting = True
            try:
                if header.sectionResizeMode(column) != mode:
                    header.setSectionResizeMode(column, mode)
                if empty:
                    header.resizeSection(column, self.header_width(column))
            finally:
                self._fitting = False

    def header_width(self, column: int) -> int:
        """Px for ``column``'s header words and their margins (and the sort mark's room when
        the table is ordered by it): what an empty column needs. In ems, not the style's
        metrics: asking the style from Python costs the window's start its QStyle type
        (tests/ui/test_startup_weight.py)."""
        header = self.table.horizontalHeader()
        text = str(header.model().headerData(column, Qt.Orientation.Horizontal) or "")
        metrics = header.fontMetrics()
        em = metrics.horizontalAdvance("M")
        width = metrics.horizontalAdvance(text) + em  # the margins either side, the grid line
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
            width += 2 * em
        return max(width, header.minimumSectionSize())

    def state(self) -> dict[str, Any]:
        """The table's columns to keep for the next run: the header's saved state
        (saved_state.header_state) and whether the widths are the person's (``custom``)."""
        return {**header_state(self.table), "custom": self.custom}

    def restore(self, state: dict[str, Any]) -> None:
        """Put back what ``state`` gave; anything unreadable (or saved for other columns) is
        ignored. A layout the person set stands; one the console fitted is fitted again, for
        this window's width. A state saved before ColumnFit existed counts as the person's."""
        applied = restore_header(self.table, state)
        # The saved state holds the modes too: a shrink_empty column saved Fixed (empty then)
        # would stay Fixed, so it is content-sized again and fit() looks at it afresh.
        header = self.table.horizontalHeader()
        for column in self.shrink_empty:
            header.setSectionResizeMode(column, _CONTENTS)
        self.custom = applied and bool(state.get("custom", True))
        self.fit()
