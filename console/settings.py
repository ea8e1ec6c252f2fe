"""Non-secret settings, declared once, in a versioned JSON file written atomically."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console import DEFAULT_API_URL  # not console.client: it imports httpx
from console.params import SECRET_NAMES

log = logging.getLogger(__name__)

VERSION = 1


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str


SETTINGS: tuple[Setting, ...] = (
    Setting("account.mode", str, "sandbox", "Account: sandbox or dialogtech"),
    Setting("account.auth", str, "key", "Credentials: key or keypair"),
    Setting("account.label", str, "", "Account label"),
    Setting("account.api_url", str, DEFAULT_API_URL, "API URL"),
    # A certificate file the person chose to trust besides the usual authorities (a staging
    # server's own certificate): a path, never the secret of anything.
    Setting("account.trusted_ca", str, "", "Trusted certificate file"),
    Setting("sandbox.time_scale", float, 1.0, "Sandbox time scale (1 = real time)"),
    Setting("call.defaults", dict, {}, "Default call options"),
    Setting("ui.last_preset", str, "", "Last preset used"),
    Setting("ui.last_team", str, "", "Last team list used"),
    Setting("ui.confirm_repeat_call", bool, True, "Ask before calling a lead already pending"),
    Setting("ui.close_to_tray", bool, False, "Close to the tray"),
    Setting("ui.window_state", str, "", "Window layout"),
    # Columns a person picked for a CSV file the console did not recognise, by header_key.
    Setting("import.mappings", dict, {}, "Column choices remembered per file header"),
)
BY_KEY = {s.key: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, setting.type) or (
        setting.type is not bool and isinstance(value, bool)
    ):
        raise TypeError(f"{setting.key} must be {setting.type.__name__}")
    if isinstance(value, dict):
        secrets = SECRET_NAMES & value.keys()
        if secrets:
            # Credentials belong in the keyring; a form's defaults must never carry them here.
            log.warning("settings: %s never go to the settings file", ", ".join(sorted(secrets)))
            value = {k: v for k, v in value.items() if k not in SECRET_NAMES}
    return value


class Settings:
    """Read once at start; ``notice`` says what happened if the file could not be used as is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, Any] = {}
        self.notice: str | None = None
        self._load()

    def _backup(self, suffix: str) -> Path:
        backup = self.path.with_name(f"{self.path.name}.{suffix}-{time.strftime('%Y%m%d%H%M%S')}")
        shutil.copy2(self.path, backup)
        return backup

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("values", {}), dict):
                raise ValueError("not a settings object")
        except (OSError, ValueError) as exc:
            backup = self._backup("corrupt")
            self.notice = (
                f"The settings file could not be read ({exc}); defaults are in use and "
                f"the old file was kept as {backup.name}."
            )
            log.warning(self.notice)
            return
        version = data.get("version", VERSION)
        if not isinstance(version, int) or version > VERSION:
            backup = self._backup(f"v{version}")
            self.notice = (
                f"The settings file was written by a newer FindMe Console (version {version}); "
                f"settings this version knows were kept, and the file was backed up as "
                f"{backup.name}."
            )
            log.warning(self.notice)
        for key, value in data.get("values", {}).items():
            setting = BY_KEY.get(key)
            if setting is None:
                continue
            try:
                self.values[key] = _coerce(setting, value)
            except TypeError as exc:
                log.warning("settings: ignoring %s (%s)", key, exc)

    def get(self, key: str) -> Any:
        setting = BY_KEY[key]
        value = self.values.get(key, setting.default)
        return dict(value) if isinstance(value, dict) else value

    def set(self, key: str, value: Any) -> None:
        self.values[key] = _coerce(BY_KEY[key], value)

    def save(self) -> None:
        """Write atomically, so a crash mid-write leaves the previous file intact."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        payload = {"version": VERSION, "values": self.values}
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(payload, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
