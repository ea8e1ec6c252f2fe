"""Shared pieces of the window tests: a real engine on the sandbox, seed data, answering boxes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from console.credentials import Vault
from console.engine import Engine, start_engine
from console.store import Lead, Store, TeamList, TeamMember

FAST = 0.005  # sandbox seconds x this: a 4-second answer takes 20 ms


def seed(store: Store, *, lead_number: str = "5552223334", team_numbers=("5551110003",)):
    """One lead and one team list; returns them as stored."""
    lead = store.add_lead(Lead(None, "Jane Roe", lead_number, "Acme Corp"))
    members = [TeamMember(f"Agent {i + 1}", n) for i, n in enumerate(team_numbers)]
    team = store.save_team(TeamList(None, "Sales East", members))
    return lead, team


def seed_window(engine, window, **kw):
    """``seed`` the window's store, and show the lead and the list in the window."""
    lead, team = seed(engine.store, **kw)
    window.leads_panel.refresh()
    window.call_panel.refresh_teams()
    return lead, team


class Session:
    """Starts engines and windows on the test's home folder, and closes them all at the end."""

    def __init__(self, arun, memory_keyring) -> None:
        self.arun = arun
        self.keyring = memory_keyring
        self.opened: list[tuple[Engine, QWidget]] = []

    def engine(self, time_scale: float = FAST) -> Engine:
        return self.arun(start_engine(vault=Vault(self.keyring), time_scale=time_scale))

    def window(self, engine: Engine):
        from ui.shell.main_window import MainWindow

        window = MainWindow(engine)
        window.show()
        self.opened.append((engine, window))
        return window

    def start(self, time_scale: float = FAST, seed_with: Callable[[Store], object] | None = None):
        engine = self.engine(time_scale)
        if seed_with is not None:
            seed_with(engine.store)
        return engine, self.window(engine)

    def close(self, engine: Engine, window) -> None:
        """Close like a person would (no calls pending), then stop the engine."""
        assert window.close()
        window.deleteLater()
        self.arun(engine.close())
        self.opened = [(e, w) for e, w in self.opened if w is not window]


def open_session(arun, memory_keyring) -> Iterator[Session]:
    """The body of each test file's ``session`` fixture (use with ``yield from``)."""
    made = Session(arun, memory_keyring)
    app = QApplication.instance()
    # As in ui.shell.app.run: the window ends the loop itself, after cancelling calls.
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    yield made
    app.setQuitOnLastWindowClosed(quit_on_close)
    for engine, window in made.opened:
        window._may_close = True
        window.close()
        window.deleteLater()
        arun(engine.close())
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()


def answer(box: QMessageBox, yes: bool) -> None:
    """Click the Yes-role (or No-role) button of a question opened by ui.common.errors.ask."""
    role = QMessageBox.ButtonRole.YesRole if yes else QMessageBox.ButtonRole.NoRole
    button = next(b for b in box.buttons() if box.buttonRole(b) == role)
    button.click()


def pick(window, lead: Lead, team: TeamList) -> None:
    """Choose the lead in the Leads tab and the list in the call panel."""
    window.leads_panel.select_lead(lead.id)
    assert window.call_panel.select_team(team.name)


# The call list's window tests (tests/ui/test_window_calllist*.py).
# The sandbox answers by the last digit: 2-9 answer (reached), 1 is busy (called, not reached).
CALL_LIST_LEADS = [
    ("Ann Archer", "5552220002"),
    ("Bob Baker", "5552220003"),
    ("Cy Cole", "5552220004"),
    ("Dee Dunn", "5552220011"),
    ("Eve Evans", "5552220005"),
]


def seed_call_list(store: Store) -> list[Lead]:
    """The five CALL_LIST_LEADS and one team list; the leads as stored."""
    leads = [store.add_lead(Lead(None, name, number)) for name, number in CALL_LIST_LEADS]
    store.save_team(TeamList(None, "Sales East", [TeamMember("Agent 1", "5551110003")]))
    return leads


def start_call_list(session: Session, seed_with=seed_call_list):
    """An engine and its window with ``seed_with``'s leads shown: (engine, window, leads)."""
    engine, window = session.start()
    leads = seed_with(engine.store)
    window.leads_panel.refresh()
    window.call_panel.refresh_teams()
    return engine, window, leads


def select_all_leads(window) -> None:
    """Pick every lead of the Leads tab's page (as Ctrl+A would)."""
    table = window.leads_panel.table
    model = table.selectionModel()
    for row in range(window.leads_panel.model.rowCount()):
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        model.select(window.leads_panel.model.index(row, 0), flags)


def strip_for(window, lead_name: str):
    """The wrap-up strip when it is up for a call to ``lead_name``, else None."""
    strip = window.wrap_ups.strip
    up = strip is not None and strip.isVisible() and strip.record is not None
    return strip if up and strip.record.lead_name == lead_name else None
