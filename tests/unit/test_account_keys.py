"""`account set`: the access key from stdin or FINDME_ACCESS_KEY, so it never needs to be on
the command line (which every user of the computer sees in the process list); the flag still
works. Real parser, real settings file, an in-memory keyring backend."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from console.account_cli import run_account
from console.cli import build_parser
from console.credentials import Credentials, Vault
from tests.conftest import MemoryKeyring

AK = "AK/Acct+1=2&3%4 x"
SK = "S3cret/Test+Key=ZZ9&x%y"


def account_set(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str, vault: Vault) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return run_account(build_parser().parse_args(["account", "set", *argv]), vault)


@pytest.mark.parametrize(
    ("argv", "stdin", "env"),
    [
        (["--access-key-stdin", "--secret-stdin"], f"{AK}\n{SK}\n", None),
        (["--secret-stdin"], f"{SK}\n", AK),
        (["--access-key", AK, "--secret-stdin"], f"{SK}\n", None),  # seen in the process list
    ],
    ids=["stdin", "FINDME_ACCESS_KEY", "--access-key"],
)
def test_the_access_key_pair_is_stored(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
    argv: list[str],
    stdin: str,
    env: str | None,
) -> None:
    if env is not None:
        monkeypatch.setenv("FINDME_ACCESS_KEY", env)
    vault = Vault(MemoryKeyring())
    assert account_set(monkeypatch, argv, stdin, vault) == 0, capsys.readouterr().err
    assert vault.load() == Credentials(access_key=AK, secret_access_key=SK)
    values = json.loads((home / "settings.json").read_text())["values"]
    assert values["account.mode"] == "dialogtech" and values["account.auth"] == "keypair"
    assert AK not in (home / "settings.json").read_text()


@pytest.mark.parametrize(
    ("argv", "stdin", "words"),
    [
        (["--access-key-stdin"], f"{AK}\n{SK}\n", "--access-key-stdin needs --secret-stdin"),
        (["--secret-stdin"], f"{SK}\n", "FINDME_ACCESS_KEY"),  # no access key from anywhere
        (["--access-key-stdin", "--secret-stdin"], f"\n{SK}\n", "the access key is empty"),
        (["--access-key-stdin", "--secret-stdin"], f"{AK}\n", "the secret read from stdin"),
    ],
)
def test_incomplete_input_is_refused_and_nothing_is_stored(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys, argv: list[str], stdin: str, words: str
) -> None:
    keyring = MemoryKeyring()
    assert account_set(monkeypatch, argv, stdin, Vault(keyring)) == 2
    assert words in capsys.readouterr().err
    assert keyring.entries == {} and not (home / "settings.json").exists()


def test_the_help_says_the_flag_is_visible_in_the_process_list(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["account", "set", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--access-key-stdin" in text and "the process list shows it" in text


def test_the_api_url_and_label_are_stored_as_the_window_stores_them(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # Pasted with blanks around it, as a provisioning script's variable often is.
    url = "https://staging.example.com/ibp_api.php"
    argv = ["--key-stdin", "--api-url", f" {url}\n", "--label", "  Staging  "]
    assert account_set(monkeypatch, argv, "PUB-1\n", Vault(MemoryKeyring())) == 0, (
        capsys.readouterr().err
    )
    values = json.loads((home / "settings.json").read_text())["values"]
    assert values["account.api_url"] == url and values["account.label"] == "Staging"
