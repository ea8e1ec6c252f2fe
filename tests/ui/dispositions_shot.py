"""Shows Edit → Dispositions… over the window, for docs/dispositions.png (not a test).

    SCREEN_SIZE=1024x768x24 FINDME_HOME=$(mktemp -d) bash /work/shared/tools/screenshot.sh \\
        docs/dispositions.png 8 .venv/bin/python tests/ui/dispositions_shot.py

Seeds a lead and a wrapped-up call, shows that call's wrap-up strip, opens the dialog and adds
"Sent brochure" through it (the strip shows it as 9). Stays open 30 s.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


async def main() -> None:
    from console.engine import start_engine
    from console.store import Lead
    from ui.shell.main_window import MainWindow

    engine = await start_engine(time_scale=0.05)
    store = engine.store
    lead = store.add_lead(Lead(None, "Jane Roe", "5552223334", "Acme Corp"))
    call = store.begin_call(
        lead_name=lead.name,
        lead_number=lead.number,
        team_name="Sales East",
        list_value="5551110003",
        call_type=1,
        request_redacted="",
    )
    store.finish_call(call, status="success", description="Connected", sid="")
    store.wrap_up(call, "Interested", "wants the price list")
    window = MainWindow(engine)
    window.showMaximized()
    window.leads_panel.refresh()
    window.history.model.refresh()
    await asyncio.sleep(1)
    window.wrap_ups.edit(store.get_call(call))
    dialog = window.show_dispositions()
    dialog.new()
    dialog.name.setText("Sent brochure")
    dialog.save()
    dialog.adjustSize()
    await asyncio.sleep(30)


if __name__ == "__main__":
    app = QApplication(sys.argv)
    from ui.common.words import install_translators

    install_translators(app)
    qasync.run(main())
