"""Keeping a choice the window remembers (a layout, a filter, the last team) in the settings
file, where a file that cannot be written costs only the memory of it, not the work."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from console.problems import LocalProblem

log = logging.getLogger(__name__)


class Settable(Protocol):  # the part of console.settings.Settings used here
    def set(self, key: str, value: Any) -> None: ...
    def save(self) -> None: ...


def keep_settings(settings: Settable, what: str, values: Mapping[str, Any] | None = None) -> bool:
    """Set ``values`` (setting key → value) and save the settings file; False,
    with a warning in the log naming ``what`` ("the reports' filters"), when the file cannot
    be written (LocalProblem: a full disk, a read-only folder): the values hold for this run.
    No values: only save what was set before. TypeError or ValueError for a value the
    setting refuses (a mistake in the caller)."""
    for key, value in (values or {}).items():
        settings.set(key, value)
    try:
        settings.save()
    except LocalProblem as exc:
        log.warning("could not keep %s: %s", what, exc)
        return False
    return True
