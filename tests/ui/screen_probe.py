"""Run by test_window_layout.py in a process of its own, on an offscreen screen of a chosen
size (QT_QPA_PLATFORM=offscreen:configfile=...): opens the console's window on a fresh home,
places real calls on the sandbox with a 90-character lead name, and prints what it measured
as JSON on the last line of its output.

Usage: python screen_probe.py [--saved-geometry X,Y,W,H]
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

LONG_NAME = (
    "Maximiliana Alexandrovna Featherstonehaugh-Cholmondeley, Head of Procurement, Northwind"
)
assert len(LONG_NAME) == 87


def _rect(rect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _saved_state(geometry: str) -> str:
    """The window state a console saves, with the window at ``geometry`` (a larger screen)."""
    from PySide6.QtWidgets import QMainWindow

    from ui.common.saved_state import to_text

    x, y, w, h = (int(v) for v in geometry.split(","))
    big = QMainWindow()
    big.setGeometry(x, y, w, h)
    return json.dumps({"geometry": to_text(big.saveGeometry())})


async def probe(saved_geometry: str) -> dict:
    from PySide6.QtWidgets import QApplication

    from console.engine import start_engine
    from console.store import Lead, TeamList, TeamMember
    from tests.conftest import until

    # Real seconds: a lead number ending in 0 never answers, so each call stays in flight.
    engine = await start_engine(time_scale=1.0)
    store = engine.store
    leads = [
        store.add_lead(Lead(None, f"{LONG_NAME} {i:02d}", f"55522233{i}0", "Northwind Traders"))
        for i in range(4)
    ]
    store.save_team(TeamList(None, "Sales East", [TeamMember("Ann", "5551110003")]))
    if saved_geometry:
        engine.settings.set("ui.window_state", _saved_state(saved_geometry))
    from ui.shell.main_window import MainWindow

    window = MainWindow(engine)
    window.show()
    await asyncio.sleep(0.3)  # shown, and fitted again once the frame is known
    panel = window.call_panel
    button = panel.call_button

    def where() -> list[int]:
        return list(button.mapToGlobal(button.rect().topLeft()).toTuple())

    out: dict = {
        "available": _rect(window.screen().availableGeometry()),
        "frame": _rect(window.frameGeometry()),
        "name_length": len(leads[0].name),
        "positions": [],
        "feedback": [],
    }
    for count, lead in enumerate(leads, start=1):
        window.leads_panel.select_lead(lead.id)
        await asyncio.sleep(0.05)
        out["positions"].append(where())
        button.click()
        await until(lambda n=count: panel.in_flight_count() == n, what=f"{count} in flight")
        await asyncio.sleep(0.2)  # the list's title and the history follow in batches
        out["positions"].append(where())
        out["feedback"].append(panel.feedback.text())
    out["frame_after"] = _rect(window.frameGeometry())
    out["minimum_width"] = window.minimumSizeHint().width()
    out["minimum_height"] = window.minimumSizeHint().height()
    # And when they end (cancelled here: these leads never answer).
    await window.tasks.cancel_all()
    await until(lambda: panel.in_flight_count() == 0, what="the calls to end")
    await asyncio.sleep(0.2)
    out["positions"].append(where())
    # As narrow as the layout lets it be, with calls in flight again.
    for lead in leads[:2]:
        window.leads_panel.select_lead(lead.id)
        button.click()
    await until(lambda: panel.in_flight_count() == 2, what="two calls in flight again")
    window.resize(1, 1)
    await asyncio.sleep(0.2)
    out["narrowest"] = [window.width(), window.height()]
    window._may_close = True
    await window.tasks.cancel_all()
    window.close()
    await engine.close()
    QApplication.processEvents()
    return out


def main() -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    args = sys.argv[1:]
    saved = args[args.index("--saved-geometry") + 1] if "--saved-geometry" in args else ""
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    result = qasync.run(probe(saved))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
