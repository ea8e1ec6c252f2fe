"""The history model over 100,000 stored calls: incremental fetching, filtering, one-row updates."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableView

from console.store import CallRecord, Store
from tests.conftest import until
from ui.common.tasks import TaskRunner
from ui.history.model import (
    CACHED_PAGES,
    CHUNK,
    RESULT_COLUMN,
    SID_COLUMN,
    HistoryModel,
    query_first_page,
)
from ui.history.view import HistoryView

ROWS = 100_000


def _records(count: int) -> list[CallRecord]:
    statuses = ("success", "failed", "network", "cancelled")
    return [
        CallRecord(
            None,
            f"2026-01-01T00:{i // 6000 % 60:02d}:{i // 100 % 60:02d}.000Z",
            None,
            f"Lead {i}",
            f"555{i:07d}",
            "Sales East",
            "5551110003",
            1,
            statuses[i % 4],
            "Call Connected",
            f"{i:016x}",
            "",
            "",
            1,
        )
        for i in range(count)
    ]


def _new_call(store: Store, lead_name: str = "New") -> int:
    """A call placed now: pending, newer than every seeded one."""
    return store.begin_call(
        lead_name=lead_name,
        lead_number="5552223334",
        team_name="T",
        list_value="5551110003",
        call_type=1,
        request_redacted="",
    )


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Store:
    store = Store.open(tmp_path_factory.mktemp("history") / "findme.db")
    store.add_calls_bulk(_records(ROWS))
    yield store
    store.close()


def test_pages_are_read_as_they_come_into_view(big_store, qtbot):
    started = time.perf_counter()
    model = HistoryModel(big_store)
    model.refresh()
    opened = time.perf_counter() - started
    # Counted: every call is a row for the view, but only the first page has been read.
    assert model.total == model.rowCount() == ROWS
    assert not model.canFetchMore()
    assert model.cached_rows() == CHUNK
    assert opened < 1.0, f"opening the history took {opened:.3f} s"
    # Newest first, and each row's sid is the one stored for it, on either side of a page.
    assert model.index(0, SID_COLUMN).data() == f"{ROWS - 1:016x}"
    assert model.index(CHUNK - 1, SID_COLUMN).data() == f"{ROWS - CHUNK:016x}"
    assert model.index(CHUNK, SID_COLUMN).data() == f"{ROWS - CHUNK - 1:016x}"
    middle = ROWS // 2 + 7
    assert model.index(middle, SID_COLUMN).data() == f"{ROWS - 1 - middle:016x}"
    assert model.index(ROWS - 1, SID_COLUMN).data() == f"{0:016x}"
    assert model.index(ROWS, SID_COLUMN).data() is None

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 400)
    view.show()
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    started = time.perf_counter()
    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()  # the view paints the rows now in sight
    to_the_end = time.perf_counter() - started
    assert view.currentIndex().row() == ROWS - 1
    assert model.record(ROWS - 1).lead_name == "Lead 0"
    assert to_the_end < 1.0, f"Ctrl+End took {to_the_end:.3f} s"
    # Reading every page keeps only the last CACHED_PAGES of them.
    for row in range(0, ROWS, CHUNK):
        assert model.record(row).sid == f"{ROWS - 1 - row:016x}"
    assert model.cached_rows() == CACHED_PAGES * CHUNK


def test_the_text_and_result_filters_work(big_store, arun, qtbot):
    tasks = TaskRunner(lambda name, exc: None)
    view = HistoryView(big_store, tasks)
    qtbot.addWidget(view)

    async def scenario():
        qtbot.keyClicks(view.filter_edit, "Lead 4242")
        # Debounced: the query runs once typing pauses, not on every key.
        await until(lambda: view.model.total < ROWS, what="the filter to apply")

    arun(scenario())
    names = {view.model.record(r).lead_name for r in range(view.model.rowCount())}
    assert "Lead 4242" in names
    assert all(n.startswith("Lead 4242") for n in names)
    assert view.model.total == 11  # 4242 and 42420..42429

    async def by_result():
        view.status_combo.setCurrentIndex(view.status_combo.findData("network"))
        await until(lambda: view.model.status == "network", what="the result filter")
        assert view.model.total == 3  # 4242, 42422 and 42426: network is i % 4 == 2
        assert {view.model.record(r).status for r in range(view.model.rowCount())} == {"network"}
        assert "3 calls" in view.count_label.text()
        view.filter_edit.clear()
        await view.apply_filter()
        assert view.model.total == ROWS // 4

    arun(by_result())


def test_a_finished_call_repaints_only_its_row(tmp_path, qtbot):
    store = Store.open(tmp_path / "findme.db")
    store.add_calls_bulk(_records(500))
    model = HistoryModel(store)
    model.refresh()
    resets, changed, inserted = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    call_id = _new_call(store)
    model.add_new()
    assert inserted == [(0, 0)]
    assert model.record(0).status == "pending"
    store.finish_call(call_id, status="success", description="Call Connected", sid="abc")
    model.update_call(call_id)
    assert changed == [(0, 0)]
    assert model.index(0, SID_COLUMN).data() == "abc"
    assert model.index(0, RESULT_COLUMN).data(Qt.ItemDataRole.DisplayRole) == "Success"
    assert resets == []
    assert model.total == 501
    store.close()


def test_each_final_result_has_its_icon_and_a_pending_call_none(tmp_path, qtbot):
    # The icons are named in the model and looked up in the style when first drawn.
    from PySide6.QtGui import QIcon

    from console.calls.outcome import Status

    store = Store.open(tmp_path / "findme.db")
    finals = [s for s in Status if s.is_final]
    records = _records(len(finals))
    store.add_calls_bulk([r._replace(status=str(s)) for r, s in zip(records, finals, strict=True)])
    _new_call(store)
    model = HistoryModel(store)
    model.refresh()
    icons = {
        model.record(row).status: model.index(row, RESULT_COLUMN).data(
            Qt.ItemDataRole.DecorationRole
        )
        for row in range(model.rowCount())
    }
    assert icons.pop("pending") is None
    assert set(icons) == {str(s) for s in finals}
    assert all(isinstance(i, QIcon) and not i.isNull() for i in icons.values())
    store.close()


def test_a_filter_shows_its_rows_before_they_are_counted(tmp_path, qtbot):
    store = Store.open(tmp_path / "findme.db")
    store.add_calls_bulk(_records(2 * CHUNK + 10))
    model = HistoryModel(store)
    rows, total = query_first_page(store, "Lead", None, count=False)
    assert total is None  # a full first chunk: the count is left for later
    model.show_page("Lead", None, rows, total)
    assert not model.counted and model.total == CHUNK and model.canFetchMore()
    assert model.record(0).raw_reply == ""  # the table's records leave the bodies out
    model.fetchMore()
    model.fetchMore()  # the last, short chunk: the end is known without a count
    assert model.counted and model.total == model.rowCount() == 2 * CHUNK + 10
    assert not model.canFetchMore()
    model.show_page("Lead", None, rows, None)
    model.set_total(store.count_calls("Lead"))
    assert model.counted and model.total == 2 * CHUNK + 10
    store.close()


def test_a_call_recorded_meanwhile_shifts_no_row_until_it_is_added(tmp_path, qtbot):
    store = Store.open(tmp_path / "findme.db")
    count = 3 * CHUNK + 5
    store.add_calls_bulk(_records(count))
    model = HistoryModel(store)
    model.refresh()
    before = [model.record(row).sid for row in (0, CHUNK, count - 1)]
    model._pages.clear()  # every page read again from here on
    call_id = _new_call(store)
    # Not added yet: the new call moves nothing, from either end.
    assert [model.record(row).sid for row in (0, CHUNK, count - 1)] == before
    assert model.rowCount() == count
    assert model.add_new() == 1
    assert model.rowCount() == model.total == count + 1
    assert model.record(0).id == call_id
    assert [model.record(row).sid for row in (1, CHUNK + 1, count)] == before
    model._pages.clear()
    assert model.record(count).lead_name == "Lead 0"  # read from the oldest end
    assert model.record(CHUNK + 1).sid == before[1]
    store.close()


def test_a_filter_counted_while_calls_arrive_counts_them_once(tmp_path, arun, qtbot):
    store = Store.open(tmp_path / "findme.db")
    store.add_calls_bulk(_records(2 * CHUNK + 10))
    view = HistoryView(store, TaskRunner(lambda name, exc: None))
    qtbot.addWidget(view)

    async def scenario():
        view.filter_edit.setText("Lead")
        await view.apply_filter()
        await until(lambda: view.model.counted, what="the count")

    arun(scenario())
    assert view.model.total == view.model.rowCount() == 2 * CHUNK + 10
    _new_call(store, "Lead new")
    view.model.add_new()
    assert view.model.total == view.model.rowCount() == 2 * CHUNK + 11
    assert view.model.record(2 * CHUNK + 10).lead_name == "Lead 0"
    store.close()


def test_row_of_finds_every_read_row_and_no_other(tmp_path, qtbot):
    store = Store.open(tmp_path / "findme.db")
    store.add_calls_bulk(_records(3 * CHUNK + 5))
    model = HistoryModel(store)
    model.refresh()
    for row in (0, 7, CHUNK - 1, CHUNK, 2 * CHUNK + 3, 3 * CHUNK + 4):
        call_id = model.record(row).id
        assert model.row_of(call_id) == row
    model._pages.clear()
    assert model.row_of(call_id) is None  # not read any more: nothing to repaint
    assert model.row_of(10**9) is None
    store.close()


def test_a_call_that_ends_leaves_the_pending_filter(tmp_path, qtbot):
    store = Store.open(tmp_path / "findme.db")
    store.add_calls_bulk(_records(3 * CHUNK))
    pending = [_new_call(store, f"Waiting {i}") for i in range(3)]
    model = HistoryModel(store)
    model.set_filter("", "pending")
    assert model.total == model.rowCount() == 3
    removed = []
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    store.finish_call(pending[1], status="success", description="Call Connected", sid="s1")
    model.update_call(pending[1])
    assert removed == [(1, 1)]
    assert model.total == model.rowCount() == 2
    assert [model.record(r).lead_name for r in range(2)] == ["Waiting 2", "Waiting 0"]
    # Without a result filter the row stays, and shows how the call ended.
    model.set_filter()
    store.finish_call(pending[0], status="failed", description="Busy", sid="s0")
    model.update_call(pending[0])
    assert model.total == model.rowCount() == 3 * CHUNK + 3
    assert model.record(2).status == "failed"
    store.close()


def test_cells_a_narrow_window_cuts_are_whole_in_their_tooltips(tmp_path, qtbot):
    # At 1024 px the disposition and sid columns narrow to fit ("…"); their tooltips said
    # nothing of the disposition and only "Ctrl+C copies the sid".
    from ui.history.model import COLUMNS

    store = Store.open(tmp_path / "findme.db")
    call_id = _new_call(store, "Ann")
    store.finish_call(
        call_id, status="success", description="Call Connected", sid="261130abcdef0002"
    )
    store.wrap_up(call_id, "Left voicemail", "after 5")
    model = HistoryModel(store)
    model.refresh()
    tip = Qt.ItemDataRole.ToolTipRole
    assert model.index(0, COLUMNS.index("disposition")).data(tip) == "Left voicemail"
    assert "261130abcdef0002" in model.index(0, SID_COLUMN).data(tip)
    store.close()
