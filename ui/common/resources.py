"""Where the bundled assets (icons) are, from a source checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


@cache  # resolving the path asks the file system for each folder on the way, per icon
def resources_dir() -> Path:
    """The resources/ folder: beside the package in source, in sys._MEIPASS when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def asset_path(name: str) -> Path:
    """The path of an asset such as ``icons/findme.svg``."""
    return resources_dir() / name


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons by bare name (``"call"``); an empty icon if it is missing."""
    path = asset_path(f"icons/{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
