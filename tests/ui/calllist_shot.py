"""Shows the window with a call list mid-way, for docs/calllist.png (not a test).

    FINDME_HOME=$(mktemp -d) bash /work/shared/tools/screenshot.sh docs/calllist.png 12 \\
        .venv/bin/python tests/ui/calllist_shot.py

Seeds eight leads (one marked "Do not call", one with earlier calls), builds a call list of
them, calls the first (wrapped up "Interested"), skips the second, passes over the "Do not
call" one, calls the fourth (wrapped up "Left voicemail"): the fifth is up. Stays open 30 s.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

LEADS = [
    ("Jane Roe", "5552223334", "Acme Corp", "Met at the trade fair; wants a demo."),
    ("Omar Haddad", "5552223345", "Northwind", ""),
    ("Li Wei", "5552223352", "Contoso", ""),
    ("Ana Souza", "5552223363", "Fabrikam", "Renewal due in March."),
    ("Marta Kowalska", "5552223376", "Tailspin Toys",
     "Asked for the price list in October; prefers calls after 2 pm. Her assistant is Tom."),
    ("Kwame Mensah", "5552223387", "Wingtip", ""),
    ("Sofia Rossi", "5552223398", "Litware", ""),
    ("Diego Torres", "5552223409", "Proseware", ""),
]  # fmt: skip


async def until(condition, seconds: float = 20.0):
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


async def main() -> None:
    from console.engine import start_engine
    from console.store import Lead, TeamList, TeamMember
    from ui.shell.main_window import MainWindow

    engine = await start_engine(time_scale=0.05)
    store = engine.store
    leads = [store.add_lead(Lead(None, *row)) for row in LEADS]
    team = store.save_team(TeamList(None, "Sales East", [TeamMember("Agent 1", "5551110003")]))
    store.set_do_not_call(leads[2].id, "asked to be removed")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    for status, disposition, notes, callback_at in (
        ("failed", "No answer", "", None),
        ("success", "Call back", "send the quote first", tomorrow),  # a call-back needs a time
    ):
        call = store.begin_call(
            lead_name=leads[4].name, lead_number=leads[4].number, team_name=team.name,
            list_value=team.list_value, call_type=1, request_redacted="",
        )  # fmt: skip
        store.finish_call(call, status=status, description="", sid="")
        store.wrap_up(call, disposition, notes, callback_at)
        with store._tx() as conn:  # yesterday's calls: they do not make her "reached today"
            conn.execute(
                "UPDATE history SET created_at = datetime(created_at, '-1 day') || 'Z'"
                " WHERE id = ?",
                (call,),
            )
    window = MainWindow(engine)
    window.show()
    window.leads_panel.refresh()
    window.call_panel.refresh_teams()
    window.call_panel.select_team(team.name)
    window.history.model.refresh()
    tab = window.call_list
    tab.list.from_lead_ids([lead.id for lead in leads], "8 selected leads")
    page = tab.show()
    page.refresh()

    def strip_up():
        strip = window.wrap_ups.strip
        return strip if strip is not None and strip.isVisible() and strip.record else None

    for disposition in ("Interested", None, "Left voicemail"):
        if disposition is None:
            page.skip_button.click()
            continue
        tab.call_current()
        await until(strip_up)
        await asyncio.sleep(0.5)  # the history's row first, as a person would be slower
        strip = strip_up()
        strip.choose(disposition)
        strip.save()
        await asyncio.sleep(0.2)
    page.refresh()
    page.focus_call()
    await asyncio.sleep(30)


if __name__ == "__main__":
    app = QApplication(sys.argv)
    from ui.common.words import install_translators

    install_translators(app)  # "1 call", not "1 call(s)", as ui.shell.app does
    qasync.run(main())
