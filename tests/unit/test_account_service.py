"""The account service without Qt: each operation against a real settings file and a real
keyring backend (the in-memory one of conftest, keyring's own fail backend, and the misbehaving
ones of tests/keyrings.py), as the Account dialog and `account set` both use it."""

from __future__ import annotations

import ast
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from console import DEFAULT_API_URL, paths
from console.account import (
    DIALOGTECH,
    KEY,
    KEYPAIR,
    SANDBOX,
    AccountDetails,
    AccountInputError,
    AccountService,
    OnlyInMemory,
    describe_certificate,
)
from console.calls.tls import certificate_fingerprint
from console.credentials import ENTRY, SERVICE, Credentials, KeyringProblem, Vault
from console.problems import LocalProblem
from console.settings import Settings
from tests.conftest import ROOT, MemoryKeyring
from tests.faults import self_signed_cert

PUB = "PUB-key-0042"
AK, SK = "AK-acct-77", "SK-secret-77/+="
STAGING = "https://staging.example.com/ibp_api.php"


def run(coro) -> Any:
    return asyncio.run(coro)


def settings_file() -> Path:
    return paths.settings_path()


def written() -> dict[str, Any]:
    return json.loads(settings_file().read_text(encoding="utf-8"))["values"]


def service(backend=None) -> AccountService:
    return AccountService(Settings(settings_file()), Vault(backend or MemoryKeyring()))


def stored(keyring: MemoryKeyring) -> dict[str, str] | None:
    entry = keyring.entries.get((SERVICE, ENTRY))
    return None if entry is None else json.loads(entry)


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    made = self_signed_cert(tmp_path)
    if made is None:
        pytest.skip("neither the cryptography package nor openssl can make a certificate")
    return made[0]


# -- the operations -----------------------------------------------------------------------------


def test_use_sandbox_switches_and_keeps_the_rest(home: Path) -> None:
    settings_file().write_text(
        json.dumps(
            {"version": 1, "values": {"account.mode": "dialogtech", "sandbox.time_scale": 0.5}}
        )
    )
    keyring = MemoryKeyring()
    account = service(keyring)
    run(account.use_account(KEY, Credentials(key=PUB)))
    run(account.use_sandbox(AccountDetails(label="  Demo desk ")))
    assert account.state().sandbox and account.state().label == "Demo desk"
    assert written()["account.mode"] == SANDBOX and written()["account.label"] == "Demo desk"
    assert written()["sandbox.time_scale"] == 0.5  # other settings kept
    assert stored(keyring) == {"key": PUB}  # the credentials stay for the way back


def test_use_account_stores_a_public_key_and_normalises_the_url(home: Path) -> None:
    keyring = MemoryKeyring()
    account = service(keyring)
    details = AccountDetails(label=" Acme ", api_url=f"  {STAGING}\n")
    checked = run(account.use_account(KEY, Credentials(key=f" {PUB} "), details))
    assert checked.api_url == STAGING and checked.label == "Acme"
    assert stored(keyring) == {"key": PUB}
    values = written()
    assert values["account.mode"] == DIALOGTECH and values["account.auth"] == KEY
    assert values["account.api_url"] == STAGING and values["account.label"] == "Acme"
    assert PUB not in settings_file().read_text()
    # Read back by a new run, as the window and `account` would.
    assert service(keyring).state().api_url == STAGING


def test_use_account_stores_a_key_pair_and_drops_other_fields(home: Path) -> None:
    keyring = MemoryKeyring()
    account = service(keyring)
    given = Credentials(access_key=AK, secret_access_key=SK, key="left over from the form")
    run(account.use_account(KEYPAIR, given))
    assert stored(keyring) == {"access_key": AK, "secret_access_key": SK}
    assert written()["account.auth"] == KEYPAIR
    text = settings_file().read_text()
    assert AK not in text and SK not in text
    assert account.state().api_url == DEFAULT_API_URL  # not given: not changed


def test_use_account_keeps_the_stored_credentials_of_the_same_kind(home: Path) -> None:
    keyring = MemoryKeyring()
    account = service(keyring)
    with pytest.raises(AccountInputError, match="none is stored yet") as nothing:
        run(account.use_account(KEY, None))
    assert nothing.value.field == "credentials" and not settings_file().exists()
    run(account.use_account(KEY, Credentials(key=PUB)))
    # A key pair is asked for, a public key is stored: refused, nothing changed.
    with pytest.raises(AccountInputError, match="no key pair is stored yet"):
        run(account.use_account(KEYPAIR, None, AccountDetails(label="x")))
    assert written()["account.auth"] == KEY and "account.label" not in written()
    run(account.use_account(KEY, None, AccountDetails(label="Kept key")))
    assert stored(keyring) == {"key": PUB} and written()["account.label"] == "Kept key"


@pytest.mark.parametrize(
    ("auth", "credentials", "details", "field", "words"),
    [
        (KEYPAIR, Credentials(access_key=AK), {}, "secret_access_key", "needs both"),
        (KEYPAIR, Credentials(secret_access_key=SK), {}, "access_key", "access key is empty"),
        (KEYPAIR, Credentials(key=PUB), {}, "access_key", "are empty"),
        (KEY, Credentials(key="  \t"), {}, "key", "the public key is empty"),
        (KEY, Credentials(access_key=AK, secret_access_key=SK), {}, "key", "public key"),
        ("token", Credentials(key=PUB), {}, "auth", "must be key or keypair"),
        (KEY, Credentials(key=PUB), {"api_url": "http://example.com/api"}, "api_url", "https"),
        (KEY, Credentials(key=PUB), {"api_url": "ftp://example.com/"}, "api_url", "API URL"),
        (KEY, Credentials(key=PUB), {"api_url": ""}, "api_url", "API URL must be"),
        (KEY, Credentials(key=PUB), {"trusted_ca": "notes.txt"}, "trusted_ca", "no PEM"),
        (KEY, Credentials(key=PUB), {"trusted_ca": "missing.pem"}, "trusted_ca", "cannot be"),
    ],
)
def test_refused_input_names_the_field_and_changes_nothing(
    home: Path, tmp_path: Path, monkeypatch, auth, credentials, details, field, words
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not a certificate\n")
    keyring = MemoryKeyring()
    account = service(keyring)
    before = account.state()
    with pytest.raises(AccountInputError) as refused:
        run(account.use_account(auth, credentials, AccountDetails(**details)))
    assert refused.value.field == field and words in str(refused.value)
    sentence = refused.value.sentence()
    assert sentence[0].isupper() and sentence.endswith(".") and sentence.count(". ") == 0
    assert PUB not in sentence and AK not in sentence and SK not in sentence
    assert keyring.entries == {} and not settings_file().exists()
    assert account.state() == before


def test_the_api_url_may_be_plain_http_on_this_computer_only(home: Path) -> None:
    account = service()
    for url in ("http://127.0.0.1:8089/ibp_api.php", "http://localhost/x", "http://[::1]/x"):
        assert run(account.save_details(AccountDetails(api_url=url))).api_url == url
    with pytest.raises(AccountInputError, match="only on this computer"):
        run(account.save_details(AccountDetails(api_url="http://staging.example.com/ibp_api.php")))
    assert written()["account.api_url"] == "http://[::1]/x"


def test_trusting_a_certificate_stores_its_full_path_and_can_be_taken_back(
    home: Path, certificate: Path, monkeypatch
) -> None:
    monkeypatch.chdir(certificate.parent)
    account = service()
    checked = run(account.save_details(AccountDetails(trusted_ca=certificate.name)))
    assert checked.trusted_ca == str(certificate.resolve())
    assert written()["account.trusted_ca"] == str(certificate.resolve())
    shown = describe_certificate(account.state().trusted_ca)
    assert shown is not None and shown.problem is None
    assert shown.fingerprint == certificate_fingerprint(str(certificate))
    run(account.save_details(AccountDetails(trusted_ca="")))
    assert written()["account.trusted_ca"] == ""
    assert describe_certificate(account.state().trusted_ca) is None


def test_a_trusted_certificate_gone_since_is_described_not_raised(
    home: Path, certificate: Path
) -> None:
    account = service()
    run(account.save_details(AccountDetails(trusted_ca=str(certificate))))
    certificate.unlink()
    shown = describe_certificate(account.state().trusted_ca)
    assert shown is not None and shown.fingerprint is None and "No such file" in shown.problem
    # Saving the account as the dialog does (the trust as it was) is not stopped by it...
    run(account.use_sandbox(AccountDetails(label="Desk", trusted_ca=str(certificate))))
    assert written()["account.label"] == "Desk"
    assert written()["account.trusted_ca"] == str(certificate)
    # ...but the file is not trusted anew.
    other = certificate.with_name("other.pem")
    with pytest.raises(AccountInputError, match="cannot be used"):
        run(account.save_details(AccountDetails(trusted_ca=str(other))))


def test_forget_deletes_the_stored_credentials_and_nothing_else(home: Path) -> None:
    keyring = MemoryKeyring()
    account = service(keyring)
    run(account.use_account(KEYPAIR, Credentials(access_key=AK, secret_access_key=SK)))
    run(account.forget())
    assert keyring.entries == {}
    assert written()["account.mode"] == DIALOGTECH  # the settings are the person's to change
    run(account.forget())  # nothing stored: nothing to say
    with pytest.raises(AccountInputError, match="no key pair is stored yet"):
        run(account.use_account(KEYPAIR, None))


# -- no keyring, a keyring that fails, a file that cannot be written ---------------------------


def test_without_a_keyring_a_command_stores_nothing_and_the_window_keeps_them_for_the_run(
    home: Path,
) -> None:
    command = service(fail.Keyring())
    with pytest.raises(OnlyInMemory) as refused:
        run(command.use_account(KEY, Credentials(key=PUB), memory_ok=False))
    assert "no OS keyring" in refused.value.sentence() and PUB not in refused.value.sentence()
    assert not settings_file().exists() and command.state().sandbox
    window = service(fail.Keyring())
    run(window.use_account(KEY, Credentials(key=PUB)))
    assert window.vault.in_memory and window.vault.load() == Credentials(key=PUB)
    assert written()["account.mode"] == DIALOGTECH
    assert PUB.encode() not in b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", ["Locked", "Broken", "Sleeping"])
def test_a_keyring_that_fails_is_one_sentence_and_changes_no_setting(
    home: Path, monkeypatch, name: str
) -> None:
    import tests.keyrings as keyrings

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"tests.keyrings.{name}")
    monkeypatch.setenv("FINDME_KEYRING_TIMEOUT", "0.3")
    account = service(getattr(keyrings, name)())
    for credentials in (Credentials(key=PUB), None):  # storing, and reading the stored ones
        with pytest.raises(KeyringProblem) as failed:
            run(account.use_account(KEY, credentials, AccountDetails(label="x")))
        assert failed.value.kind == "keyring" and "OS keyring" in failed.value.sentence()
        assert "stored yet" not in failed.value.sentence()  # never "none stored"
    with pytest.raises(KeyringProblem):
        run(account.forget())
    assert not settings_file().exists() and account.state().sandbox


def test_a_settings_file_that_cannot_be_written_leaves_the_settings_as_they_were(
    home: Path,
) -> None:
    keyring = MemoryKeyring()
    account = service(keyring)
    run(account.use_sandbox(AccountDetails(label="Before")))
    before = account.state()
    # The atomic write's temporary file cannot be made: a folder is in its place.
    (settings_file().parent / "settings.json.tmp").mkdir()
    with pytest.raises(LocalProblem, match="settings file") as failed:
        run(account.use_account(KEY, Credentials(key=PUB), AccountDetails(label="After")))
    assert failed.value.kind == "settings"
    assert account.state() == before  # the window does not run on what was not saved
    assert written()["account.label"] == "Before"


# -- one implementation ---------------------------------------------------------------------


@pytest.mark.parametrize("module", ["ui/account/dialog.py", "console/account_cli.py"])
def test_the_dialog_and_the_command_change_the_account_only_through_the_service(
    module: str,
) -> None:
    # What each once did on its own: write settings, store secrets, check URLs and certificates.
    writes = {"set", "assign", "update", "save", "save_async", "forget"}
    checks = {"check_api_url", "tls_verify", "certificate_fingerprint"}
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        if name in checks or (name in writes and receiver.endswith(("settings", "vault"))):
            found.append(ast.unparse(node))
    assert found == []
