"""Keyring backends that misbehave like real ones, for PYTHON_KEYRING_BACKEND or in-process.

Each is viable only when PYTHON_KEYRING_BACKEND names it, so keyring's automatic choice
(which gathers every KeyringBackend subclass ever imported) never chains one in by accident.
"""

from __future__ import annotations

import json
import os
import time

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringLocked

# How long the Sleeping backend sleeps (seconds): a Secret Service waiting for an unlock.
SLEEP_ENV = "FINDME_TEST_KEYRING_SLEEP"


class _TestBackend(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        chosen = os.environ.get("PYTHON_KEYRING_BACKEND", "")
        if chosen != f"{cls.__module__}.{cls.__name__}":
            raise RuntimeError("a test backend, only used when named")
        return 1

    def get_password(self, service: str, username: str) -> str | None:
        raise NotImplementedError

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NotImplementedError

    def delete_password(self, service: str, username: str) -> None:
        raise NotImplementedError


class Sleeping(_TestBackend):
    """Never answers in time, as an unlock prompt nobody answers."""

    def _sleep(self) -> None:
        time.sleep(float(os.environ.get(SLEEP_ENV, "3600")))

    def get_password(self, service: str, username: str) -> str | None:
        self._sleep()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._sleep()

    def delete_password(self, service: str, username: str) -> None:
        self._sleep()


class NoReply(_TestBackend):
    """What keyring's SecretService backend lets through when D-Bus gives up waiting."""

    def _fail(self, *_args: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.NoReply: Did not receive a reply.")

    get_password = set_password = delete_password = _fail  # type: ignore[assignment]


class Broken(_TestBackend):
    """An OSError from below (a socket gone, a file the backend keeps)."""

    def _fail(self, *_args: str) -> None:
        raise OSError(5, "Input/output error")

    get_password = set_password = delete_password = _fail  # type: ignore[assignment]


class Locked(_TestBackend):
    """A locked collection whose unlock prompt was dismissed."""

    def _fail(self, *_args: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    get_password = set_password = delete_password = _fail  # type: ignore[assignment]


class ListEntry(_TestBackend):
    """The console's entry holds a JSON list, not an object (another program wrote it)."""

    def get_password(self, service: str, username: str) -> str | None:
        return json.dumps(["S3cret-in-a-list", "x"])
