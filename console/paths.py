"""Where the console keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

from console import APP_ID
from console.problems import MOVE_HOME, LocalProblem, os_hint, os_reason

HOME_ENV = "FINDME_HOME"


def _folder(path: Path, what: str) -> Path:
    """``path`` as an existing folder; LocalProblem naming it when it cannot be one."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if path.exists() and not path.is_dir():
            raise LocalProblem(
                f"{what} {path} is a file, not a folder",
                where=path,
                hint=f"move that file out of the way, {MOVE_HOME}",
                kind="data folder",
            ) from exc
        raise LocalProblem(
            f"{what} {path} cannot be created ({os_reason(exc)})",
            where=path,
            hint=os_hint(exc, path.parent),
            kind="data folder",
        ) from exc
    return path


def data_dir() -> Path:
    """The folder holding the store, settings and logs: $FINDME_HOME, else the platform's.

    Raises LocalProblem when it is a file or cannot be created.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs  # imported late: only needed when no override is set

        path = Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    return _folder(path, "the data folder")


def store_path() -> Path:
    return data_dir() / "findme.db"


def settings_path() -> Path:
    return data_dir() / "settings.json"


def log_dir() -> Path:
    """The window's log folder; raises LocalProblem when it cannot be made."""
    return _folder(data_dir() / "logs", "the log folder")
