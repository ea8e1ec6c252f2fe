"""Numbers given to the command line are read by the engine's one reader, links included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def fast_sandbox(home: Path) -> None:
    settings = {"version": 1, "values": {"sandbox.time_scale": 0.01}}
    (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def _call(run_cli, number: str):
    return run_cli(
        "call", "--list", "5559998888", "--phone-to-call", number, "--api-url", "sandbox",
        "--json",
    )  # fmt: skip


@pytest.mark.parametrize(
    "number",
    ["tel:+1-555-111-2222", "555\u2011111\u20112222", "\u200e555 111 2222", "callto:5551112222"],
)
def test_links_and_unicode_forms_are_called(run_cli, number: str) -> None:
    done = _call(run_cli, number)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == "success"
    history = json.loads(run_cli("history", "--json").stdout)
    assert history[0]["lead_number"] == "5551112222"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("tel:+15551112224;777777777#", "post-dial"),
        ("(911) 555-1234", "N11"),
        ("(212) 011-1234", "exchange"),
        ("5.55222E+09", "scientific notation"),
    ],
)
def test_refused_numbers_say_why_and_send_nothing(run_cli, number: str, words: str) -> None:
    done = _call(run_cli, number)
    assert done.returncode == 2
    assert words in done.stderr
    assert json.loads(run_cli("history", "--json").stdout) == []
