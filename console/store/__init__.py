"""The local SQLite store: teams, leads, presets and call history."""

from console.store.connection import MIGRATIONS, Store, StoreTooNew, backup_path
from console.store.models import (
    CALL_STATUSES,
    FINAL_STATUSES,
    CallRecord,
    Lead,
    Preset,
    TeamList,
    TeamMember,
)

__all__ = [
    "CALL_STATUSES",
    "FINAL_STATUSES",
    "MIGRATIONS",
    "CallRecord",
    "Lead",
    "Preset",
    "Store",
    "StoreTooNew",
    "TeamList",
    "TeamMember",
    "backup_path",
]
