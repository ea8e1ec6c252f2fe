"""The window's CSV exports escape cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from window_kit import open_session

from console.csvio import unescape_cell
from console.store import CallRecord, TeamList, TeamMember

RISKY = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A9)"]


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_history_export_escapes_formula_cells(session, arun, tmp_path: Path) -> None:
    engine, window = session.start()
    records = [
        CallRecord(
            None,
            "2024-05-01T10:00:00.000Z",
            "2024-05-01T10:00:05.000Z",
            text,
            "5551112222",
            text,
            "5559998888",
            1,
            "failed",
            text,
            "",
            "",
            "",
            1,
        )  # fmt: skip
        for text in RISKY
    ]
    engine.store.add_calls_bulk(records)
    window.history.apply_filter()
    path = tmp_path / "history.csv"
    assert arun(window.history.export(path)) == len(RISKY)
    header, *rows = read_rows(path)
    column = {name: header.index(name) for name in ("lead_name", "team_name", "description")}
    cells = [row[i] for row in rows for i in column.values()]
    assert len(cells) == 3 * len(RISKY)
    assert all(cell.startswith("'") for cell in cells), cells
    assert sorted({unescape_cell(cell) for cell in cells}) == sorted(RISKY)


def test_team_export_escapes_formula_cells(session, tmp_path: Path) -> None:
    engine, window = session.start()
    members = [TeamMember(label, f"555111000{i + 2}") for i, label in enumerate(RISKY)]
    team = engine.store.save_team(TeamList(None, "=cmd|' /C calc'!A0", members))
    window.teams_panel.refresh(select=team.id)
    path = tmp_path / "team.csv"
    assert window.teams_panel.export_csv(path) == len(RISKY)
    header, *rows = read_rows(path)
    labels = [row[header.index("label")] for row in rows]
    assert all(label.startswith("'") for label in labels), labels
    assert [unescape_cell(label) for label in labels] == RISKY
    # What the console exports, it imports back as it was.
    imported = window.teams_panel.import_csv(path)
    assert imported is not None and [m.label for m in imported.members] == RISKY
