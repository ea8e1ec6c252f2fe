"""Credentials in the keyring (an in-memory backend here), or in memory when none works."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.errors import KeyringError, PasswordSetError

from console.credentials import (
    ENTRY,
    SANDBOX_CREDENTIALS,
    SERVICE,
    Credentials,
    KeyringProblem,
    KeyringTimeout,
    Vault,
)
from tests import keyrings
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


@pytest.mark.parametrize(
    ("stored", "shape"),
    [
        ("not json S3cret", "not JSON"),
        ('["S3cret", "x"]', "a JSON list"),
        ('"S3cret"', "a JSON str"),
        ("[" * 200_000 + "]" * 200_000, "not JSON"),  # nested too deep for the parser
    ],
)
def test_an_entry_that_is_not_a_credentials_object_is_a_local_problem(
    memory_keyring: MemoryKeyring, stored: str, shape: str
) -> None:
    # Not "no credentials stored", and never the entry's content (it may be the secret).
    memory_keyring.set_password(SERVICE, ENTRY, stored)
    with pytest.raises(KeyringProblem) as info:
        Vault(memory_keyring).load()
    sentence = info.value.sentence()
    assert f"{shape}, not a credentials object" in sentence and "store the credentials" in sentence
    assert "S3cret" not in sentence and info.value.kind == "keyring"


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


def test_credentials_give_their_values_only_by_name() -> None:
    # Not a tuple: encoding, formatting or unpacking them must not spill the values.
    import json

    with pytest.raises(TypeError):
        json.dumps({"credentials": PAIR})
    with pytest.raises(TypeError):
        list(PAIR)
    with pytest.raises(TypeError):
        "%s/%s/%s" % PAIR  # noqa: UP031 - a tuple filled this with the values
    with pytest.raises(AttributeError):
        PAIR.key = "changed"  # type: ignore[misc]
    assert Credentials(PAIR.access_key, PAIR.secret_access_key) == PAIR
    assert (PAIR.access_key, PAIR.secret_access_key, "") != PAIR
    assert len({PAIR, Credentials(PAIR.access_key, PAIR.secret_access_key), KEY}) == 2


def test_credentials_as_params_and_secrets() -> None:
    assert PAIR.as_params() == {"access_key": "AKID-1234", "secret_access_key": "s3cr3t-VALUE"}
    assert KEY.as_params() == {"key": "pub-KEY-9876"}
    assert set(PAIR.secrets()) == {"AKID-1234", "s3cr3t-VALUE"}
    assert Credentials().mode == "none" and Credentials().as_params() == {}
    assert SANDBOX_CREDENTIALS.mode == "key"


# A keyring that misbehaves: bounded, one sentence, never "none stored"

TIMEOUT = 0.3  # FINDME_KEYRING_TIMEOUT for these tests


@pytest.fixture
def misbehaving(monkeypatch: pytest.MonkeyPatch):
    """A Vault on one of tests.keyrings' backends, with a short keyring timeout."""
    monkeypatch.setenv("FINDME_KEYRING_TIMEOUT", str(TIMEOUT))

    def make(name: str) -> Vault:
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"tests.keyrings.{name}")
        return Vault(getattr(keyrings, name)())

    return make


def _keyring_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "keyring"]


def test_a_keyring_that_never_answers_is_given_up_on_in_time(misbehaving) -> None:
    vault = misbehaving("Sleeping")
    for what, attempt in (
        ("read", vault.load),
        ("store", lambda: vault.save(KEY)),
        ("delete", vault.forget),
    ):
        started = time.monotonic()
        with pytest.raises(KeyringTimeout) as info:
            attempt()
        assert time.monotonic() - started < TIMEOUT + 1.0
        sentence = info.value.sentence()
        assert f"did not answer within {TIMEOUT:g} s when asked to {what}" in sentence
        assert "unlock" in sentence and "none stored" not in sentence
    assert not vault.in_memory  # a keyring that is only slow is still the place for secrets
    # Left waiting, and never holding up the interpreter's exit.
    assert _keyring_threads() and all(t.daemon for t in _keyring_threads())


def test_a_read_still_waiting_is_shared_not_asked_again(misbehaving) -> None:
    vault = misbehaving("Sleeping")
    before = len(_keyring_threads())
    for _ in range(3):
        with pytest.raises(KeyringTimeout):
            vault.load()
    assert len(_keyring_threads()) == before + 1  # one unlock prompt, not three


def test_waiting_on_the_keyring_from_a_loop_is_bounded_and_cancellable(misbehaving) -> None:
    vault = misbehaving("Sleeping")

    async def scenario() -> float:
        started = time.monotonic()
        with pytest.raises(KeyringTimeout):
            await vault.load_async()
        waited = time.monotonic() - started
        # Cancelling the wait (the window's Cancel) ends it at once.
        task = asyncio.ensure_future(vault.load_async())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(KeyringTimeout):
            await vault.save_async(KEY)
        return waited

    assert asyncio.run(scenario()) < TIMEOUT + 1.0


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        ("NoReply", "failed when asked to read the credentials (RuntimeError: org.freedesktop"),
        ("Broken", "failed when asked to read the credentials (OSError: [Errno 5]"),
        ("Locked", "is locked, so the credentials could not be read; unlock it"),
    ],
)
def test_a_keyring_that_fails_is_one_sentence_not_memory(misbehaving, backend, words) -> None:
    vault = misbehaving(backend)
    with pytest.raises(KeyringProblem) as info:
        vault.load()
    assert words in info.value.sentence()
    assert info.value.where.startswith("the OS keyring")
    with pytest.raises(KeyringProblem):
        vault.save(KEY)
    assert not vault.in_memory  # not "kept in memory": the person can mend the keyring


@pytest.mark.parametrize("text", ["abc", "0", "-1", "nan", "inf"])
def test_a_keyring_timeout_that_is_no_positive_number_is_said_and_the_default_used(
    monkeypatch, caplog, text
):
    from console import credentials

    monkeypatch.setenv(credentials.TIMEOUT_ENV, text)
    credentials._warn_timeout_once.cache_clear()
    assert credentials.keyring_timeout() == credentials.DEFAULT_TIMEOUT
    assert f"{credentials.TIMEOUT_ENV}={text!r} is not a positive number" in caplog.text
    monkeypatch.setenv(credentials.TIMEOUT_ENV, "2.5")
    assert credentials.keyring_timeout() == 2.5
