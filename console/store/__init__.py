"""The local SQLite store: teams, leads, presets and call history."""

from console.store.connection import MIGRATIONS, Store, backup_path
from console.store.damage import DamagedStore, StoreTooNew, UnusableStore, set_aside
from console.store.models import (
    CALL_STATUSES,
    FINAL_STATUSES,
    LEAD_ORDERS,
    CallRecord,
    Lead,
    LeadCalls,
    Preset,
    TeamList,
    TeamMember,
)

__all__ = [
    "CALL_STATUSES",
    "FINAL_STATUSES",
    "MIGRATIONS",
    "CallRecord",
    "DamagedStore",
    "LEAD_ORDERS",
    "Lead",
    "LeadCalls",
    "Preset",
    "Store",
    "StoreTooNew",
    "TeamList",
    "TeamMember",
    "UnusableStore",
    "backup_path",
    "set_aside",
]
