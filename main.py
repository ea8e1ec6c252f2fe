"""FindMe Console: opens the window, or runs a command (`call`, `history`, ...) without Qt."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from console.cli import COMMANDS

    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        from console.cli import main as cli_main

        return cli_main(argv)
    from ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
