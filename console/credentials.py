"""Credentials: kept in the OS keyring, or in memory for this run when no keyring works.

They are never written to a file by the console. The settings file holds only the
non-secret account settings (mode, label, API URL).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from console import APP_NAME
from console.masking import SECRETS

if TYPE_CHECKING:  # keyring is imported on first use: finding the OS backend takes a while
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = APP_NAME
ENTRY = "account"


@dataclass(frozen=True)
class Credentials:
    """An access key pair, or a public key. ``repr`` never shows a value."""

    access_key: str = ""
    secret_access_key: str = ""
    key: str = ""

    @property
    def mode(self) -> str:
        if self.key:
            return "key"
        return "keypair" if self.access_key or self.secret_access_key else "none"

    def as_params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def secrets(self) -> list[str]:
        """Every value that must never reach a file, a log or a message (none for the
        sandbox's, which guard nothing and would turn every mention of the sandbox into ***)."""
        if self == SANDBOX_CREDENTIALS:
            return []
        return [v for v in (self.secret_access_key, self.key, self.access_key) if v]

    def __repr__(self) -> str:
        return f"Credentials(mode={self.mode!r}, values=<redacted>)"

    __str__ = __repr__


# The sandbox needs credentials like the real service, but these guard nothing.
SANDBOX_CREDENTIALS = Credentials(key="sandbox")


def _usable(backend: KeyringBackend) -> bool:
    # keyring's fail backend and an empty chainer mean "nothing here"; the null backend
    # would silently forget what it is given.
    name = type(backend).__module__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    if name.startswith("keyring.backends.chainer"):
        return bool(getattr(backend, "backends", []))
    return backend.priority > 0


class Vault:
    """Where the account's credentials live; says so, and why, when it is only memory."""

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE) -> None:
        # None: the OS keyring, looked up on first use, so a run that never needs the
        # keyring (the sandbox, credentials from the environment) never pays for the lookup.
        self._backend: KeyringBackend | None = None
        self._service = service
        self._memory: Credentials | None = None
        self._warning: str | None = None
        if backend is not None:
            self._adopt(backend)

    @property
    def backend(self) -> KeyringBackend:
        """The keyring backend in use (the OS one is looked up on first use)."""
        if self._backend is None:
            import keyring

            self._adopt(keyring.get_keyring())
        assert self._backend is not None
        return self._backend

    def _adopt(self, backend: KeyringBackend) -> None:
        self._backend = backend
        if not _usable(backend):
            # Only INFO: whoever needs the credentials shows ``warning`` (a sandbox run
            # never does, and its command line output should not carry this).
            self._use_memory(
                "no OS keyring is available on this computer "
                f"({type(backend).__module__}), so credentials are kept in memory "
                "for this run only and must be entered again next time",
                level=logging.INFO,
            )

    @property
    def warning(self) -> str | None:
        """Why credentials are kept in memory only, or None when the keyring works."""
        self.backend  # noqa: B018 - looking the backend up may set the warning
        return self._warning

    @property
    def in_memory(self) -> bool:
        return self.warning is not None

    @property
    def location(self) -> str:
        """A sentence naming where secrets go, for the status bar and `account`."""
        if self.in_memory:
            return "memory, for this run only"
        backend = self.backend
        return f"OS keyring ({getattr(backend, 'name', type(backend).__name__)})"

    def _use_memory(self, reason: str, level: int = logging.WARNING) -> None:
        self._warning = reason
        log.log(level, "credentials: %s", reason)

    def save(self, credentials: Credentials) -> None:
        """Store ``credentials``, replacing any stored before."""
        from keyring.errors import KeyringError

        SECRETS.register(credentials.secrets())
        if not self.in_memory:
            try:
                self.backend.set_password(self._service, ENTRY, json.dumps(credentials.as_params()))
                return
            except KeyringError as exc:
                self._use_memory(f"the OS keyring refused to store them ({type(exc).__name__})")
        self._memory = credentials

    def load(self) -> Credentials | None:
        """The stored credentials, or None."""
        if self.in_memory:
            return self._memory
        from keyring.errors import KeyringError

        try:
            stored = self.backend.get_password(self._service, ENTRY)
        except KeyringError as exc:
            self._use_memory(f"the OS keyring could not be read ({type(exc).__name__})")
            return self._memory
        if not stored:
            return None
        try:
            data = json.loads(stored)
            credentials = Credentials(**{k: str(v) for k, v in data.items() if k in _FIELDS})
        except (ValueError, TypeError):
            log.warning("credentials: the keyring entry is not readable; ignoring it")
            return None
        SECRETS.register(credentials.secrets())
        return credentials

    def forget(self) -> None:
        """Delete the stored credentials, wherever they are."""
        self._memory = None
        if self.in_memory:
            return
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self.backend.delete_password(self._service, ENTRY)
        except PasswordDeleteError:
            pass  # nothing was stored
        except KeyringError as exc:
            log.warning("credentials: the keyring could not delete them (%s)", type(exc).__name__)


_FIELDS = {f.name for f in fields(Credentials)}
