"""Credentials in the keyring (an in-memory backend here), or in memory when none works."""

from __future__ import annotations

import logging
from pathlib import Path

import keyring.backends.fail
import keyring.backends.null
from keyring.errors import KeyringError, PasswordSetError

from console.credentials import ENTRY, SANDBOX_CREDENTIALS, SERVICE, Credentials, Vault
from tests.conftest import MemoryKeyring

PAIR = Credentials(access_key="AKID-1234", secret_access_key="s3cr3t-VALUE")
KEY = Credentials(key="pub-KEY-9876")


def files_containing(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_save_and_load_a_key_pair(memory_keyring: MemoryKeyring) -> None:
    vault = Vault(memory_keyring)
    assert not vault.in_memory and vault.warning is None
    assert vault.load() is None
    vault.save(PAIR)
    assert list(memory_keyring.entries) == [(SERVICE, ENTRY)]  # one service name, one entry
    loaded = Vault(memory_keyring).load()  # a new vault (a new run) reads it back
    assert loaded == PAIR
    assert loaded.mode == "keypair"


def test_replace_a_pair_with_a_key(memory_keyring: MemoryKeyring) -> None:
    vault = Vault(memory_keyring)
    vault.save(PAIR)
    vault.save(KEY)
    loaded = vault.load()
    assert loaded == KEY and loaded.mode == "key"
    assert loaded.access_key == "" and loaded.secret_access_key == ""
    assert len(memory_keyring.entries) == 1


def test_forget(memory_keyring: MemoryKeyring) -> None:
    vault = Vault(memory_keyring)
    vault.save(KEY)
    vault.forget()
    assert vault.load() is None
    assert memory_keyring.entries == {}
    vault.forget()  # forgetting twice is not an error


def test_location_names_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert Vault(memory_keyring).location.startswith("OS keyring")


def test_unreadable_entry_is_ignored(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, ENTRY, "not json")
    assert Vault(memory_keyring).load() is None


def test_no_keyring_keeps_credentials_in_memory_with_a_warning(
    tmp_path: Path, home: Path, caplog
) -> None:
    with caplog.at_level(logging.INFO, logger="console.credentials"):
        vault = Vault(keyring.backends.fail.Keyring())
    assert vault.in_memory
    assert "no OS keyring" in vault.warning and "this run only" in vault.warning
    assert "memory" in vault.location
    assert any("no OS keyring" in r.getMessage() for r in caplog.records)
    vault.save(PAIR)
    assert vault.load() == PAIR
    assert Vault(keyring.backends.fail.Keyring()).load() is None  # gone with the run
    vault.forget()
    assert vault.load() is None
    assert files_containing(tmp_path, PAIR.secret_access_key) == []
    assert list(home.iterdir()) == []


def test_null_keyring_counts_as_no_keyring() -> None:
    # The null backend accepts secrets and forgets them: it must not look like a keyring.
    vault = Vault(keyring.backends.null.Keyring())
    assert vault.in_memory
    vault.save(KEY)
    assert vault.load() == KEY


class RefusingKeyring(MemoryKeyring):
    """A keyring that exists but refuses to store (a locked collection, say)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("locked")


class UnreadableKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("cannot unlock")


def test_keyring_that_refuses_to_store_falls_back_to_memory(tmp_path: Path) -> None:
    vault = Vault(RefusingKeyring())
    assert not vault.in_memory
    vault.save(PAIR)
    assert vault.in_memory and "refused" in vault.warning
    assert vault.load() == PAIR
    assert files_containing(tmp_path, PAIR.secret_access_key) == []


def test_keyring_that_cannot_be_read_falls_back_to_memory() -> None:
    vault = Vault(UnreadableKeyring())
    assert vault.load() is None
    assert vault.in_memory and "could not be read" in vault.warning


def test_repr_never_shows_a_secret(memory_keyring: MemoryKeyring) -> None:
    for creds in (PAIR, KEY):
        for shown in (repr(creds), str(creds), f"{creds}", f"{creds!r}", repr([creds])):
            assert all(secret not in shown for secret in creds.secrets()), shown
            assert "redacted" in shown
    vault = Vault(memory_keyring)
    vault.save(PAIR)
    assert "s3cr3t" not in repr(vault) and "AKID" not in repr(vault)


def test_credentials_as_params_and_secrets() -> None:
    assert PAIR.as_params() == {"access_key": "AKID-1234", "secret_access_key": "s3cr3t-VALUE"}
    assert KEY.as_params() == {"key": "pub-KEY-9876"}
    assert set(PAIR.secrets()) == {"AKID-1234", "s3cr3t-VALUE"}
    assert Credentials().mode == "none" and Credentials().as_params() == {}
    assert SANDBOX_CREDENTIALS.mode == "key"
