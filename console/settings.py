"""Non-secret settings, declared once, in a versioned JSON file written atomically."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import shutil
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from console import DEFAULT_API_URL  # not console.calls.client: it imports httpx
from console.calls.params import SECRET_NAMES
from console.problems import LocalProblem, file_problem, os_reason

log = logging.getLogger(__name__)

VERSION = 1
TIME_SCALE_MAX = 100.0  # simulated seconds x 100: a 9-second answer already takes 15 minutes


def _one_of(*allowed: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in allowed else "must be " + " or ".join(allowed)

    return check


def _time_scale(value: float) -> str | None:
    if math.isfinite(value) and 0 <= value <= TIME_SCALE_MAX:
        return None
    return f"must be a finite number from 0 to {TIME_SCALE_MAX:g}"


def _options(value: dict) -> str | None:
    # What the options form gives and takes: an API name to text or a number, never nested.
    if all(isinstance(v, str | int | float) for v in value.values()):
        return None
    return "must map option names to text or numbers"


def _choices(value: dict) -> str | None:
    # The Reports view's filters: a period in days (null: every call), a team list, an agent.
    if all(isinstance(v, str | int) or v is None for v in value.values()):
        return None
    return "must map names to text, whole numbers or null"


def _no_password(value: str) -> str | None:
    # Passwords go to the keyring; a URL carrying one is refused rather than written here.
    from urllib.parse import urlsplit

    try:
        inline = urlsplit(value).password if "://" in value else None
    except ValueError:
        inline = None
    if inline or re.search(r"(^|[\s?&])password\s*=", value):
        return "must not contain a password (it goes to the keyring)"
    return None


class Setting(NamedTuple):
    """One setting: its key in the file, type, default, a label for people, and its rule.

    ``check(value)`` returns why a value of the right type is refused, or None.
    ``section`` names the group of the Preferences dialog that offers it to people ("" for
    none: the console keeps it itself, or another dialog edits it); ``help`` says more than
    the label, for a tooltip.
    """

    key: str
    type: type
    default: Any
    label: str
    check: Callable[[Any], str | None] | None = None
    section: str = ""
    help: str = ""


# The keys, for code that reads or writes a setting: a misspelt constant fails at import,
# a misspelt string would read the default without a word.
ACCOUNT_MODE = "account.mode"
ACCOUNT_AUTH = "account.auth"
ACCOUNT_LABEL = "account.label"
ACCOUNT_API_URL = "account.api_url"
ACCOUNT_TRUSTED_CA = "account.trusted_ca"
SANDBOX_TIME_SCALE = "sandbox.time_scale"
CALL_DEFAULTS = "call.defaults"
CALL_IN_USE = "call.in_use"
LAST_PRESET = "ui.last_preset"
LAST_TEAM = "ui.last_team"
CONFIRM_REPEAT_CALL = "ui.confirm_repeat_call"
CLOSE_TO_TRAY = "ui.close_to_tray"
WINDOW_STATE = "ui.window_state"
PAGE_SIZES = "ui.page_sizes"
STYLE_FACTS = "ui.style_facts"
LAST_FOLDERS = "ui.last_folders"
IMPORT_MAPPINGS = "import.mappings"
TEAM_URL = "team.url"
TEAM_AGENT = "team.agent"
CALL_LIST_AUTO_ADVANCE = "ui.call_list_auto_advance"
REPORTS_CHOICES = "ui.reports_choices"

# The sections of the Preferences dialog (shown in the order the table first names them).
CALLS = "Calls"
WINDOW = "Window"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        ACCOUNT_MODE, str, "sandbox", "Account: sandbox or dialogtech",
        _one_of("sandbox", "dialogtech"),
    ),
    Setting(ACCOUNT_AUTH, str, "key", "Credentials: key or keypair", _one_of("key", "keypair")),
    Setting(ACCOUNT_LABEL, str, "", "Account label"),
    Setting(ACCOUNT_API_URL, str, DEFAULT_API_URL, "API URL"),
    # A certificate file the person chose to trust besides the usual authorities (a staging
    # server's own certificate): a path, never the secret of anything.
    Setting(ACCOUNT_TRUSTED_CA, str, "", "Trusted certificate file"),
    Setting(
        SANDBOX_TIME_SCALE, float, 1.0, "Sandbox time scale (1 = real time)", _time_scale
    ),
    Setting(
        CALL_DEFAULTS, dict, {}, 'Default call options (the "Defaults" preset)', _options,
        section=CALLS, help="The options a call starts with when no preset is chosen",
    ),
    # What the call panel's form shows, by API name, so a restart brings back unsaved edits
    # too; absent (not {}) until the form was first used.
    Setting(CALL_IN_USE, dict, {}, "Call options in use", _options),
    Setting(LAST_PRESET, str, "", "Last preset used"),
    Setting(LAST_TEAM, str, "", "Last team list used"),
    Setting(
        CONFIRM_REPEAT_CALL, bool, True,
        "Ask before calling a lead and list that already have a call pending",
        section=CALLS,
        help="A second Call on the same lead and list asks first while one is pending",
    ),
    Setting(
        CLOSE_TO_TRAY, bool, False, "Close to the tray (keeps calls running)", section=WINDOW,
        help="Closing the window keeps the console running in the system tray",
    ),
    Setting(WINDOW_STATE, str, "", "Window layout"),
    # A tab page built when first shown holds its panel's minimum size until then, so the
    # window's own minimum does not change: measured when last built, with what it depends on.
    Setting(PAGE_SIZES, dict, {}, "Minimum sizes of tab pages built when first shown"),
    # What the window asks of the style before it is shown (ui/shell/style_facts.py).
    Setting(STYLE_FACTS, dict, {}, "The style's name and title bar height at the last start"),
    # Folders only (never a file's content): where each kind of file dialog opens next time.
    Setting(LAST_FOLDERS, dict, {}, "Last folder used for each kind of file"),
    # Columns a person picked for a CSV file the console did not recognise, by header_key.
    Setting(IMPORT_MAPPINGS, dict, {}, "Column choices remembered per file header"),
    # The team server (`team connect`): its URL without the password (that is in the
    # keyring), and the agent name this desktop's calls carry ("" = the server's user name).
    Setting(TEAM_URL, str, "", "Team server URL", _no_password),
    Setting(TEAM_AGENT, str, "", "Agent name on the team server"),
    # The call list's checkbox (ui/calllist): call the next lead by itself after a countdown.
    Setting(CALL_LIST_AUTO_ADVANCE, bool, False, "Call list: call the next lead by itself"),
    # What the Reports view last counted (ui/reports/window.py names the entries).
    Setting(REPORTS_CHOICES, dict, {}, "Reports: period, team list and agent", _choices),
)  # fmt: skip
BY_KEY = {s.key: s for s in SETTINGS}
# What the Preferences dialog offers, in the table's order.
PREFERENCES: tuple[Setting, ...] = tuple(s for s in SETTINGS if s.section)
_UNSET = object()  # in what ``assign`` replaced: the setting had no value of its own


def _coerce(setting: Setting, value: Any) -> Any:
    """``value`` as the setting's type; TypeError or ValueError (naming the setting) if not."""
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
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
    problem = setting.check(value) if setting.check else None
    if problem:
        # A refused team URL may hold the very password it is refused for: never quoted.
        found = "not shown" if setting.key == TEAM_URL else f"found {value!r}"
        raise ValueError(f"{setting.key} {problem} ({found})")
    return value


def validate(key: str, value: Any) -> Any:
    """``value`` as setting ``key`` holds it; TypeError or ValueError (naming it) if refused."""
    return _coerce(BY_KEY[key], value)


class Settings:
    """Read once at start; ``notice`` says what happened if the file could not be used as is.

    Raises LocalProblem when the file cannot be read (a folder, no permission) or a broken
    file cannot be moved aside.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, Any] = {}
        self.notice: str | None = None
        self._refused: list[str] = []  # keys whose stored value could not be used
        self._set_aside: Path | None = None  # where a broken file went, this start
        self._load()

    def _stamped(self, suffix: str) -> Path:
        return self.path.with_name(f"{self.path.name}.{suffix}-{time.strftime('%Y%m%d%H%M%S')}")

    def _move_aside(self, why: str) -> Path:
        """Rename the broken file (never copy it: the next start finds no file, not the same)."""
        backup = self._stamped("corrupt")
        try:
            os.replace(self.path, backup)
        except OSError as exc:
            raise LocalProblem(
                f"the settings file {self.path} cannot be read ({why}) and cannot be moved "
                f"aside ({os_reason(exc)})",
                where=self.path,
                hint="move it out of the way yourself; the console then starts with defaults",
                kind="settings",
            ) from exc
        return backup

    def _keep_newer(self, version: object, content: bytes) -> Path:
        """A copy of a newer console's file, made once however often this version starts."""
        for earlier in sorted(self.path.parent.glob(f"{self.path.name}.v{version}-*")):
            try:
                if earlier.read_bytes() == content:
                    return earlier
            except OSError:
                continue
        backup = self._stamped(f"v{version}")
        try:
            shutil.copy2(self.path, backup)
        except OSError as exc:
            raise file_problem(exc, backup, what="the settings backup", kind="settings") from exc
        return backup

    def _load(self) -> None:
        try:
            content = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise file_problem(exc, self.path, what="the settings file", kind="settings") from exc
        try:
            data = json.loads(content.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("values", {}), dict):
                raise ValueError("not a settings object")
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            why = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
            backup = self._move_aside(why)
            self._set_aside = backup
            self.notice = (
                f"The settings file could not be read ({why}); defaults are in use and "
                f"the old file was moved to {backup.name}."
            )
            log.warning(self.notice)
            return
        notices = []
        version = data.get("version", VERSION)
        if not isinstance(version, int) or version > VERSION:
            backup = self._keep_newer(version, content)
            notices.append(
                f"The settings file was written by a newer FindMe Console (version {version}); "
                f"settings this version knows were kept, and the file was backed up as "
                f"{backup.name}."
            )
        for key, value in data.get("values", {}).items():
            setting = BY_KEY.get(key)
            if setting is None:
                continue
            try:
                self.values[key] = _coerce(setting, value)
            except (TypeError, ValueError) as exc:
                self._refused.append(key)
                notices.append(
                    f"In the settings file, {exc}; the default ({setting.default!r}) is in use."
                )
        if notices:
            self.notice = " ".join(notices)
            log.warning(self.notice)

    def account_unknown(self) -> str | None:
        """Why the account cannot be known from this file, or None.

        A broken file set aside (now, or at an earlier start with no settings written since)
        or a refused account value would otherwise leave the default, the sandbox, in place
        of a real account: a script would place sandbox calls and read "success".
        """
        refused = [key for key in self._refused if key.startswith("account.")]
        if refused:
            return (
                f"the settings file {self.path} holds a value for {refused[0]} that cannot be used"
            )
        aside = self._set_aside
        if aside is None and not self.path.exists():
            earlier = sorted(self.path.parent.glob(f"{self.path.name}.corrupt-*"))
            aside = earlier[-1] if earlier else None
        if aside is not None:
            return (
                f"the settings file could not be read and was set aside as {aside.name}, so the "
                "account it named is not known"
            )
        return None

    def is_set(self, key: str) -> bool:
        """Whether ``key`` has a value of its own (else ``get`` gives the default)."""
        BY_KEY[key]  # noqa: B018 -- an unknown key is a KeyError, as for get and set
        return key in self.values

    def get(self, key: str) -> Any:
        setting = BY_KEY[key]
        value = self.values.get(key, setting.default)
        return dict(value) if isinstance(value, dict) else value

    def set(self, key: str, value: Any) -> None:
        """Set ``key``; TypeError or ValueError (naming the setting) for a value it refuses."""
        self.values[key] = validate(key, value)

    def assign(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Set several settings, all or none; returns what ``restore`` needs to undo it.

        TypeError or ValueError (naming the setting) for the first value refused: nothing set.
        """
        checked = {key: validate(key, value) for key, value in values.items()}
        previous = {key: self.values.get(key, _UNSET) for key in checked}
        self.values.update(checked)
        return previous

    def restore(self, previous: Mapping[str, Any]) -> None:
        """Put back the values ``assign`` replaced (a setting that had none has none again)."""
        for key, value in previous.items():
            if value is _UNSET:
                self.values.pop(key, None)
            else:
                self.values[key] = value

    def update(self, values: Mapping[str, Any]) -> None:
        """Set several settings and save them, all or none (blocking: it writes the file).

        TypeError or ValueError for a value refused, LocalProblem when the file cannot be
        written; either way the settings are left as they were.
        """
        previous = self.assign(values)
        try:
            self.save()
        except BaseException:
            self.restore(previous)
            raise

    def _refuse_read_only(self) -> None:
        # The write below replaces the file (atomically), which a folder's permissions allow
        # even over a read-only file: a file someone made read-only was overwritten, its
        # mode lost, without a word. The mode bits, not os.access: root may write anything.
        try:
            mode = self.path.stat().st_mode
        except OSError:  # none yet, or unreadable: the write itself says what is wrong
            return
        if stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise LocalProblem(
                f"the settings file {self.path} is read-only",
                where=self.path,
                hint=f"make it writable (chmod u+w {self.path}) for the console to keep changes",
                kind="settings",
            )

    def save(self) -> None:
        """Write atomically, so a crash mid-write leaves the previous file intact.

        Raises LocalProblem when the file cannot be written (disk full, read-only folder),
        or was made read-only (no write permission for anyone: chmod a-w).
        """
        self._refuse_read_only()
        tmp = self.path.with_name(self.path.name + ".tmp")
        payload = {"version": VERSION, "values": self.values}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(payload, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException as exc:
            with contextlib.suppress(OSError):  # a read-only folder cannot even unlink
                tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise file_problem(
                    exc, self.path, what="the settings file", kind="settings"
                ) from exc
            raise
