"""Shows the window with the wrap-up strip up, for docs/wrapup.png (not a test).

    FINDME_HOME=$(mktemp -d) bash /work/shared/tools/screenshot.sh docs/wrapup.png 8 \\
        .venv/bin/python tests/ui/wrapup_shot.py

Seeds a few leads, a team list and wrapped-up calls, places one call on the sandbox; when it
ends the strip comes up and "Call back" is picked with a note typed. Stays open 30 s.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

LEADS = [
    ("Jane Roe", "5552223334", "Acme Corp"),
    ("Omar Haddad", "5552223341", "Northwind"),
    ("Li Wei", "5552223352", "Contoso"),
    ("Ana Souza", "5552223363", "Fabrikam"),
]


async def main() -> None:
    from console.engine import start_engine
    from console.store import Lead, TeamList, TeamMember
    from ui.shell.main_window import MainWindow

    engine = await start_engine(time_scale=0.05)
    store = engine.store
    leads = [store.add_lead(Lead(None, *row)) for row in LEADS]
    team = store.save_team(TeamList(None, "Sales East", [TeamMember("Agent 1", "5551110003")]))
    for lead, disposition, notes in (
        (leads[1], "Left voicemail", "try after 4 pm"),
        (leads[2], "Interested", "wants the price list"),
        (leads[3], "Do not call", "asked to be removed"),
    ):
        call = store.begin_call(
            lead_name=lead.name,
            lead_number=lead.number,
            team_name=team.name,
            list_value=team.list_value,
            call_type=1,
            request_redacted="",
        )
        store.finish_call(call, status="success", description="Connected", sid="")
        store.wrap_up(call, disposition, notes)
    window = MainWindow(engine)
    window.show()
    window.leads_panel.refresh()
    window.call_panel.refresh_teams()
    window.history.model.refresh()
    window.leads_panel.select_lead(leads[0].id)
    window.call_panel.select_team(team.name)
    window.call_panel.call_button.setFocus()
    window.call_panel.call()
    for _ in range(200):
        await asyncio.sleep(0.05)
        strip = window.wrap_ups.strip
        if strip is not None and strip.isVisible():
            break
    strip.choose("Call back")
    strip.notes.setText("decision maker back Monday; send the quote first")
    await asyncio.sleep(30)


if __name__ == "__main__":
    app = QApplication(sys.argv)
    from ui.common.words import install_translators

    install_translators(app)  # "1 call", not "1 call(s)", as ui.shell.app does
    qasync.run(main())
