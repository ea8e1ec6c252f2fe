"""Non-secret settings: declared once, versioned, written atomically, never holding a secret."""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path

import pytest

from console import DEFAULT_API_URL, paths
from console.account_cli import run_account
from console.cli import build_parser
from console.credentials import Vault
from console.problems import LocalProblem
from console.settings import BY_KEY, SETTINGS, VERSION, Settings
from tests.conftest import MemoryKeyring


@pytest.fixture
def path(home: Path) -> Path:
    return paths.settings_path()


def backups(path: Path, kind: str) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.{kind}-*"))


def test_declared_defaults(path: Path) -> None:
    settings = Settings(path)
    assert settings.notice is None
    assert not path.exists()  # reading never creates the file
    assert {s.key: settings.get(s.key) for s in SETTINGS} == {s.key: s.default for s in SETTINGS}
    assert settings.get("account.mode") == "sandbox"  # first run uses the sandbox
    assert settings.get("account.api_url") == DEFAULT_API_URL
    assert settings.get("sandbox.time_scale") == 1.0
    for setting in SETTINGS:
        assert isinstance(setting.default, setting.type) and setting.label


def test_save_and_read_back(path: Path) -> None:
    settings = Settings(path)
    settings.set("account.label", "Sales desk")
    settings.set("sandbox.time_scale", 2)  # an int is accepted as a float
    settings.set("call.defaults", {"timeout": "20"})
    settings.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == VERSION
    again = Settings(path)
    assert again.notice is None
    assert again.get("account.label") == "Sales desk"
    assert again.get("sandbox.time_scale") == 2.0
    assert again.get("call.defaults") == {"timeout": "20"}


def test_wrong_types_are_refused(path: Path) -> None:
    settings = Settings(path)
    with pytest.raises(TypeError):
        settings.set("ui.close_to_tray", "yes")
    with pytest.raises(TypeError):
        settings.set("account.label", True)
    with pytest.raises(KeyError):
        settings.set("no.such.setting", 1)


def test_save_replaces_the_file_atomically(path: Path) -> None:
    settings = Settings(path)
    settings.set("account.label", "first")
    settings.save()
    before = os.stat(path).st_ino
    keep = path.with_name("old-view")
    os.link(path, keep)  # a reader holding the old file
    settings.set("account.label", "second")
    settings.save()
    assert os.stat(path).st_ino != before  # a new file renamed over the old one
    assert json.loads(keep.read_text())["values"]["account.label"] == "first"
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_crash_while_writing_leaves_the_previous_file_intact(path: Path) -> None:
    settings = Settings(path)
    settings.set("account.label", "kept")
    settings.save()
    original = path.read_bytes()
    # json.dump fails part-way through (set() would refuse the value: put it in directly)
    settings.values["call.defaults"] = {"page": object()}
    with pytest.raises(TypeError):
        settings.save()
    assert path.read_bytes() == original
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no .tmp left


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00", b'{"version": 1, "values": [1]}'],
)
def test_corrupt_file_gives_defaults_a_notice_and_a_backup(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    settings = Settings(path)
    assert settings.get("account.mode") == "sandbox"
    assert settings.notice and "could not be read" in settings.notice
    kept = backups(path, "corrupt")
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert kept[0].name in settings.notice
    # Moved aside, not copied: the next start finds no broken file and makes no second backup.
    assert not path.exists()
    assert Settings(path).notice is None
    assert backups(path, "corrupt") == kept
    settings.save()  # the next save writes a good file; the backup stays
    assert Settings(path).notice is None
    assert kept[0].exists()


def test_a_file_nested_too_deep_is_moved_aside_not_a_traceback(path: Path) -> None:
    content = b"[" * 200_000 + b"]" * 200_000
    path.write_bytes(content)
    settings = Settings(path)
    assert settings.notice and "nested too deep" in settings.notice
    assert [p.read_bytes() for p in backups(path, "corrupt")] == [content]
    assert settings.get("sandbox.time_scale") == 1.0


def test_a_settings_file_that_is_a_folder_is_a_local_problem_and_left_alone(path: Path) -> None:
    path.mkdir()
    (path / "keep.txt").write_text("mine")
    with pytest.raises(LocalProblem) as info:
        Settings(path)
    sentence = info.value.sentence()
    assert f"The settings file {path} is a folder" in sentence and "out of the way" in sentence
    assert info.value.kind == "settings" and info.value.where == str(path)
    assert (path / "keep.txt").read_text() == "mine"
    assert backups(path, "corrupt") == []


def test_a_settings_file_made_read_only_is_a_local_problem_and_left_as_it_is(path: Path) -> None:
    # chmod a-w on the settings file: each save replaced it (and its mode) without a word.
    Settings(path).save()
    before = path.read_bytes()
    path.chmod(0o444)
    settings = Settings(path)
    with pytest.raises(LocalProblem) as info:
        settings.update({"ui.last_team": "Sales East"})
    assert f"The settings file {path} is read-only" in info.value.sentence()
    assert info.value.kind == "settings" and info.value.where == str(path)
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o444
    assert settings.get("ui.last_team") != "Sales East"  # update: all or none
    path.chmod(0o644)
    settings.update({"ui.last_team": "Sales East"})  # writable again: kept
    assert Settings(path).get("ui.last_team") == "Sales East"


@pytest.mark.parametrize("found", ["NaN", "Infinity", "-Infinity", "-1", "1e400", "100.5", '"2"'])
def test_a_time_scale_out_of_range_is_named_and_the_default_used(path: Path, found: str) -> None:
    path.write_text(f'{{"version": 1, "values": {{"sandbox.time_scale": {found}, '
                    f'"account.label": "kept"}}}}')  # fmt: skip
    settings = Settings(path)
    assert settings.get("sandbox.time_scale") == 1.0
    assert settings.get("account.label") == "kept"
    assert settings.notice and "sandbox.time_scale must be" in settings.notice
    assert "api-url" not in settings.notice and "default (1.0) is in use" in settings.notice


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("sandbox.time_scale", math.nan, "must be a finite number from 0 to 100"),
        ("sandbox.time_scale", math.inf, "must be a finite number from 0 to 100"),
        ("sandbox.time_scale", -0.5, "must be a finite number from 0 to 100"),
        ("sandbox.time_scale", 1000, "must be a finite number from 0 to 100"),
        ("account.mode", "production", "must be sandbox or dialogtech"),
        ("account.auth", "password", "must be key or keypair"),
        ("call.defaults", {"timeout": [20]}, "must map option names to text or numbers"),
    ],
)
def test_every_setting_is_checked_against_its_rule(path: Path, key, value, words) -> None:
    settings = Settings(path)
    with pytest.raises(ValueError, match=f"^{key} {words}"):
        settings.set(key, value)
    assert settings.get(key) == BY_KEY[key].default
    path.write_text(json.dumps({"version": 1, "values": {key: value}}))
    again = Settings(path)
    assert again.get(key) == BY_KEY[key].default and f"{key} {words}" in again.notice
    settings.set("sandbox.time_scale", 0)  # the edges are allowed
    settings.set("sandbox.time_scale", 100)


def test_the_sandbox_command_refuses_a_time_scale_out_of_range(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["sandbox", "--time-scale", "nan"])
    assert info.value.code == 2
    assert "--time-scale: must be a finite number from 0 to 100" in capsys.readouterr().err


def test_newer_version_gives_a_notice_and_a_backup_and_keeps_known_values(path: Path) -> None:
    content = json.dumps(
        {"version": VERSION + 1, "values": {"account.label": "Team B", "future.thing": 3}}
    )
    path.write_text(content, encoding="utf-8")
    settings = Settings(path)
    assert settings.notice and "newer" in settings.notice
    kept = backups(path, f"v{VERSION + 1}")
    assert len(kept) == 1 and kept[0].read_text() == content
    assert settings.get("account.label") == "Team B"
    # Started again (before anything was saved): the same file is not backed up again.
    assert "newer" in Settings(path).notice
    assert backups(path, f"v{VERSION + 1}") == kept


def test_values_of_the_wrong_type_in_the_file_are_ignored(path: Path) -> None:
    path.write_text(
        json.dumps({"version": 1, "values": {"ui.close_to_tray": "yes", "account.label": "ok"}})
    )
    settings = Settings(path)
    assert settings.get("ui.close_to_tray") is False
    assert settings.get("account.label") == "ok"


def test_secrets_never_reach_the_settings_file_through_call_defaults(path: Path) -> None:
    settings = Settings(path)
    settings.set("call.defaults", {"timeout": "20", "key": "PUB-SECRET", "access_key": "AK-1"})
    settings.save()
    text = path.read_text()
    assert "PUB-SECRET" not in text and "AK-1" not in text
    assert Settings(path).get("call.defaults") == {"timeout": "20"}


@pytest.mark.parametrize(
    ("argv", "stdin", "secret"),
    [
        (["account", "set", "--key-stdin", "--label", "Main"], "PUBKEY-123456\n", "PUBKEY-123456"),
        (
            ["account", "set", "--access-key", "AKID-777", "--secret-stdin"],
            "SECRET-999888\n",
            "SECRET-999888",
        ),
    ],
)
def test_settings_file_holds_no_secret_after_an_account_is_stored(
    path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str, secret: str
) -> None:
    keyring = MemoryKeyring()
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert run_account(build_parser().parse_args(argv), Vault(keyring)) == 0
    assert any(secret in v for v in keyring.entries.values())  # it went to the keyring
    text = path.read_text(encoding="utf-8")
    assert secret not in text
    assert "AKID-777" not in text  # the access key is a credential too
    settings = Settings(path)
    assert settings.get("account.mode") == "dialogtech"
    assert settings.get("account.auth") in ("key", "keypair")
    for file in path.parent.rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file


def test_every_key_constant_is_declared_in_the_table() -> None:
    import re

    import console.settings as module

    constants = {
        value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and re.fullmatch(r"[a-z]+\.[a-z_]+", value)
    }
    assert constants == {s.key for s in SETTINGS}


def test_options_in_use_are_told_apart_from_never_set(path: Path) -> None:
    from console.settings import CALL_IN_USE

    settings = Settings(path)
    assert not settings.is_set(CALL_IN_USE) and settings.get(CALL_IN_USE) == {}
    settings.set(CALL_IN_USE, {})  # every option "not set" is a choice, not an absence
    settings.save()
    assert Settings(path).is_set(CALL_IN_USE)
    settings.set(CALL_IN_USE, {"timeout": 20, "secret_access_key": "SAK-1"})
    settings.save()
    assert "SAK-1" not in path.read_text()
    assert Settings(path).get(CALL_IN_USE) == {"timeout": 20}
    with pytest.raises(KeyError):
        settings.is_set("call.in_us")


def _key_literals(root: Path) -> list[str]:
    """Where code in ``root`` names a setting by a string: a declared key, or a string shaped
    like one given to a settings call (a misspelt key, which would read the default)."""
    import ast
    import re

    shaped = re.compile(r"[a-z]+\.[a-z_]+")
    calls = {"get", "set", "is_set", "validate"}
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "settings.py" and path.parent.name == "console":
            continue  # where the keys are declared
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = None
            if isinstance(node, ast.Constant) and node.value in BY_KEY:
                literal = node.value
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if (
                    name in calls
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and shaped.fullmatch(first.value)
                ):
                    literal = first.value
            if literal is not None:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno} {literal!r}")
    return sorted(set(found))  # a key given to a call is seen twice


@pytest.mark.parametrize("folder", ["console", "ui"])
def test_code_names_each_setting_by_its_constant(folder: str) -> None:
    # A misspelt constant fails at import; a misspelt string reads the default without a word.
    root = Path(__file__).resolve().parents[2] / folder
    assert _key_literals(root) == []
