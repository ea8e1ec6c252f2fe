"""Shared pieces of the window tests: a real engine on the sandbox, seed data, answering boxes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

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
