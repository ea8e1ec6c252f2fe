"""main.py's one decision: the command line, or the window."""

from __future__ import annotations

import pytest

from main import for_the_command_line


@pytest.mark.parametrize(
    "argv",
    [
        ["call", "--list", "5559998888"],
        ["history"],
        ["histroy"],  # mistyped: the command line lists the commands
        ["teams", "--help"],  # a command this version does not have
        [""],
        ["--help"],
        ["-h"],
        ["--version"],
    ],
)
def test_words_go_to_the_command_line(argv: list[str]) -> None:
    assert for_the_command_line(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["tel:+1-555-111-2222"],
        ["CALLTO:5551112222"],
        ["tel:"],  # no number: the window says so
        ["-platform", "offscreen"],  # Qt's own options, and their values
        ["-style", "fusion", "tel:5551112222"],
        ["-psn_0_12345"],  # what macOS passes an app it launches
    ],
)
def test_links_and_options_go_to_the_window(argv: list[str]) -> None:
    assert not for_the_command_line(argv)
