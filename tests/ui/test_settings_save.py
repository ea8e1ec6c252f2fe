"""A choice the window remembers, kept in a settings file that cannot be written: the work
goes on, the choice holds for this run, and one warning says what was not kept."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from console.settings import LAST_FOLDERS, LAST_TEAM, Settings
from ui.common.file_dialogs import Folders
from ui.common.settings_save import keep_settings


@pytest.fixture
def unwritable(tmp_path: Path) -> Settings:
    """Settings whose file has become a folder since start (the console never deletes one)."""
    settings = Settings(tmp_path / "settings.json")
    settings.path.mkdir()
    return settings


def test_a_setting_not_kept_holds_for_this_run_and_is_logged(unwritable, caplog) -> None:
    caplog.set_level(logging.WARNING)
    assert keep_settings(unwritable, "the team list in use", {LAST_TEAM: "Sales"}) is False
    assert unwritable.get(LAST_TEAM) == "Sales"
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and warned[0].startswith("could not keep the team list in use: ")
    assert "is a folder" in warned[0]


def test_a_setting_kept_is_in_the_file(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert keep_settings(settings, "the team list in use", {LAST_TEAM: "Sales"}) is True
    assert Settings(tmp_path / "settings.json").get(LAST_TEAM) == "Sales"


def test_a_last_folder_not_kept_does_not_stop_the_file_chosen(unwritable, tmp_path, caplog):
    # Folders caught only OSError, but Settings.save raises LocalProblem: choosing a file
    # ended in an error when the settings file could not be written.
    caplog.set_level(logging.WARNING)
    chosen = tmp_path / "in" / "leads.csv"
    chosen.parent.mkdir()
    folders = Folders(unwritable)
    folders.remember("leads", chosen)
    assert folders.start("leads") == chosen.parent
    assert unwritable.get(LAST_FOLDERS) == {"leads": str(chosen.parent)}
    assert any("the last folder for leads" in r.getMessage() for r in caplog.records)
