"""FindMe Console: opens the window, runs a command (`call`, ...) without Qt, or --self-check."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from console import COMMANDS  # not console.cli: the window must not wait for its imports

    if argv[:1] == ["--self-check"]:
        from ui.shell.selfcheck import run as self_check

        return self_check()
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        from console.cli import main as cli_main

        return cli_main(argv)
    from ui.shell.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
