"""Every file dialog opens in the last folder used for its kind of file, across restarts too."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from window_kit import open_session, seed_window

from console.settings import Settings
from tests.conftest import until
from ui.leads.import_csv import IMPORT_TASK


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def choose(dialog: QFileDialog, path: Path) -> None:
    """Pick ``path`` as a person would: name it in the dialog and press Open or Save."""
    dialog.selectFile(str(path))
    dialog.accept()


def starts_in(dialog: QFileDialog | None) -> Path:
    assert dialog is not None
    folder = Path(dialog.directory().absolutePath())
    dialog.reject()
    return folder


def folder(base: Path, name: str) -> Path:
    made = base / name
    made.mkdir()
    return made


def test_file_dialogs_start_in_the_last_folder_of_their_kind(session, arun, tmp_path) -> None:
    engine, window = session.start()
    seed_window(engine, window)
    window.teams_panel.refresh()
    leads_dir, teams_dir, export_dir, history_dir, certs_dir = (
        folder(tmp_path, name) for name in ("leads", "teams", "exports", "history", "certs")
    )
    leads_csv = leads_dir / "leads.csv"
    leads_csv.write_text("name,phone\nZed Zane,5553334444\n", encoding="utf-8")
    team_csv = teams_dir / "team.csv"
    team_csv.write_text("label,number\nAnn,5551112222\n", encoding="utf-8")
    (certs_dir / "ca.pem").write_text("not a certificate\n", encoding="utf-8")

    choose(window.leads_panel._choose_import(), leads_csv)
    arun(until(lambda: window.leads_panel.tasks.running(IMPORT_TASK) is None, what="import"))
    assert engine.store.search_leads("Zed")  # the file chosen was imported, as before
    choose(window.teams_panel._choose_import(), team_csv)
    assert starts_in(window.teams_panel._choose_import()) == teams_dir
    # Import and export of team lists are one kind: the export's folder is the next start.
    choose(window.teams_panel._choose_export(), export_dir / "sales.csv")
    assert (export_dir / "sales.csv").exists()
    choose(window.history.ask_export(), history_dir / "calls.csv")
    arun(until(lambda: (history_dir / "calls.csv").exists(), what="history export"))
    account = window.show_account()
    choose(account.choose_certificate(), certs_dir / "ca.pem")

    expected = {"leads": leads_dir, "teams": export_dir, "history": history_dir}
    assert _starts(window) == expected
    assert starts_in(window.show_account().choose_certificate()) == certs_dir
    # Kept in the settings file, so a restart opens them there too.
    saved = Settings(engine.settings.path).get("ui.last_folders")
    assert {Path(p) for p in saved.values()} == {*expected.values(), certs_dir}
    assert window.close()
    again = session.window(engine)
    again.teams_panel.refresh()
    assert _starts(again) == expected


def _starts(window) -> dict[str, Path]:
    return {
        "leads": starts_in(window.leads_panel._choose_import()),
        "teams": starts_in(window.teams_panel._choose_export()),
        "history": starts_in(window.history.ask_export()),
    }


def test_a_folder_that_is_gone_opens_at_home(session, tmp_path) -> None:
    engine, window = session.start()
    seed_window(engine, window)
    window.teams_panel.refresh()
    gone = folder(tmp_path, "gone")
    choose(window.teams_panel._choose_export(), gone / "sales.csv")
    (gone / "sales.csv").unlink()
    gone.rmdir()
    assert starts_in(window.teams_panel._choose_import()) == Path.home()
