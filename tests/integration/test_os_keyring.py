"""The real OS keyring (GNOME Keyring over the Secret Service API in CI), through our Vault."""

from __future__ import annotations

import os
import uuid

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringError

from console.credentials import Credentials, Vault, _usable

REQUIRED = os.environ.get("FINDME_REQUIRE_OS_KEYRING") == "1"


def _secret_service():
    # Named explicitly: test modules define backends of their own, which keyring's automatic
    # choice would otherwise chain in.
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        return backend if _usable(backend) else None
    except Exception:  # keyring signals "not available here" by raising from priority
        return None


@pytest.fixture
def os_vault():
    backend = _secret_service()
    if backend is None:
        if REQUIRED:
            pytest.fail("CI asked for the OS keyring but the Secret Service is not available")
        pytest.skip("no Secret Service here; CI runs this under gnome-keyring-daemon")
    # A service name of its own, so a developer's real account entry is never touched.
    service = f"FindMe Console test {uuid.uuid4()}"
    vault = Vault(backend, service=service)
    yield vault, backend, service
    vault.forget()


def test_store_read_replace_delete_in_the_os_keyring(os_vault):
    vault, backend, service = os_vault
    assert not vault.in_memory
    assert "OS keyring" in vault.location
    assert vault.load() is None

    vault.save(Credentials(access_key="AK-os-test", secret_access_key="SK-os-secret"))
    loaded = vault.load()
    assert loaded == Credentials(access_key="AK-os-test", secret_access_key="SK-os-secret")
    # The entry is really in the OS keyring, readable by another client of it.
    assert "SK-os-secret" in backend.get_password(service, "account")

    vault.save(Credentials(key="PUB-replaced"))
    assert Vault(backend, service=service).load() == Credentials(key="PUB-replaced")

    vault.forget()
    assert vault.load() is None
    assert backend.get_password(service, "account") is None


def test_no_backend_keeps_credentials_in_memory_and_says_why():
    vault = Vault(backend=fail.Keyring())
    assert vault.in_memory
    assert "memory" in vault.location and "no OS keyring" in vault.warning
    vault.save(Credentials(key="PUB-memory"))
    assert vault.load() == Credentials(key="PUB-memory")
    assert Vault(backend=fail.Keyring()).load() is None  # gone with the run
    vault.forget()
    assert vault.load() is None


class _LockedKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service, username):
        raise KeyringError("locked")

    def set_password(self, service, username, password):
        raise KeyringError("locked")

    def delete_password(self, service, username):
        raise KeyringError("locked")


def test_a_keyring_that_refuses_falls_back_to_memory_for_the_run():
    vault = Vault(backend=_LockedKeyring())
    assert not vault.in_memory
    vault.save(Credentials(key="PUB-locked"))
    assert vault.in_memory and "refused" in vault.warning
    assert vault.load() == Credentials(key="PUB-locked")
