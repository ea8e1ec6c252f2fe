"""The team tests' PostgreSQL finder: Debian's folder as well as PATH, and one line why not."""

from __future__ import annotations

import glob
import shutil

import pytest

from tests import pg


def test_binaries_are_found_in_debians_folder_without_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not installed:
        pytest.skip("no /usr/lib/postgresql/<v>/bin/initdb on this machine")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    found = pg.find_binary("initdb")
    assert found in installed


def test_missing_postgresql_is_one_line_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pg, "find_binary", lambda _name: None)
    why = pg.unavailable()
    assert why is not None and "\n" not in why and "initdb" in why
