"""Run by test_window_columns.py in a process of its own, on an offscreen screen of a chosen
size (QT_QPA_PLATFORM=offscreen:configfile=...): opens the console's window on a fresh home
with leads, calls and wrap-ups (a call-back, whose result is the widest), and prints what it
measured as JSON on the last line: where each column of the leads table ends against its
viewport, the history's sideways scroll range, and each note of the call options form
against the height its words need.

Usage: python columns_probe.py
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LEADS = (
    ("Ada Loveday", "5556129900", "Engines & Co"),
    ("Alvin Turner", "5556127788", "Bletchley Ltd"),
    ("Barb Lisle", "5556121212", "Substitution Ciphers Inc"),
)
# Options that disable fields with notes of one to three lines (the lead or the team first).
OPTION_SETS = ({"type": 1}, {"type": 2}, {"type": 1, "screen_method": 0, "use_screen": 1})


def seed(store) -> None:
    from console.store import Lead, TeamList, TeamMember

    team = store.save_team(TeamList(None, "Sales East", [TeamMember("Ann", "5559998888")]))
    for name, number, company in LEADS:
        store.add_lead(Lead(None, name, number, company, "prefers mornings"))
        call = store.begin_call(
            lead_name=name,
            lead_number=number,
            team_name=team.name,
            list_value=team.list_value,
            call_type=1,
            request_redacted="",
        )
        store.finish_call(call, status="failed", description="No Answer", sid="261130abcdef0001")
    store.wrap_up(call, "Call back", "wants a demo, after 5pm", "2030-01-01T10:00")


async def probe() -> dict:
    from console.engine import start_engine
    from ui.shell.main_window import MainWindow

    engine = await start_engine(time_scale=1.0)
    seed(engine.store)
    window = MainWindow(engine)
    window.show()
    await asyncio.sleep(0.5)  # shown, fitted to the screen, the leads and history read
    leads = window.leads_panel.table
    header = leads.horizontalHeader()
    out: dict = {
        "leads_viewport": leads.viewport().width(),
        "leads_columns": [
            [header.sectionViewportPosition(c), header.sectionSize(c)]
            for c in range(header.count())
            if not leads.isColumnHidden(c)
        ],
        "leads_rows": leads.model().rowCount(),
        "leads_em": leads.fontMetrics().horizontalAdvance("M"),
        "history_scroll": window.history.table.horizontalScrollBar().maximum(),
        "notes": [],
    }
    form = window.call_panel.form
    for values in OPTION_SETS:
        form.set_values(values)
        for page in range(form.tabs.count()):
            form.tabs.setCurrentIndex(page)
            await asyncio.sleep(0.05)
            for name, field in form.fields.items():
                if field.built and field.note.isVisible():
                    note = field.note
                    needed = note.heightForWidth(note.width())
                    out["notes"].append([name, note.text(), note.height(), needed])
    window._may_close = True
    await window.tasks.cancel_all()
    window.close()
    await engine.close()
    return out


def main() -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    print(json.dumps(qasync.run(probe())))


if __name__ == "__main__":
    main()
