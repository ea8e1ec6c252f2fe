"""Where the console keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

from console import APP_ID

HOME_ENV = "FINDME_HOME"


def data_dir() -> Path:
    """The folder holding the store, settings and logs: $FINDME_HOME, else the platform's."""
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs  # imported late: only needed when no override is set

        path = Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_path() -> Path:
    return data_dir() / "findme.db"


def settings_path() -> Path:
    return data_dir() / "settings.json"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
