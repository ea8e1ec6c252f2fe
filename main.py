"""FindMe Console: opens the window, runs a command (`call`, ...) without Qt, or --self-check."""

from __future__ import annotations

import sys


def for_the_command_line(argv: list[str]) -> bool:
    """Whether ``argv`` is a command (or a word meant as one) rather than the window's.

    The window takes options (Qt's own, such as ``-platform offscreen``, and macOS's
    ``-psn_...``) and tel:/callto: links, which is what desktops pass (``%u``). Any other
    first word goes to the command line, which runs a command or, for a mistyped one
    (``histroy``, ``teams`` before it exists), lists the commands and exits 2: a script
    without a display must never wait on a window nobody sees.
    """
    from console.tel import is_call_link  # not console.cli: the window must not wait for it

    if not argv:
        return False
    first = argv[0]
    if first in ("-h", "--help", "--version"):
        return True
    return not first.startswith("-") and not is_call_link(first)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--self-check"]:
        from ui.shell.selfcheck import run as self_check

        return self_check()
    if for_the_command_line(argv):
        from console.cli import main as cli_main

        return cli_main(argv)
    # The window's start makes objects that live as long as it does: no cyclic garbage
    # collection until it is shown (ui/shell/app.py), from its first import on (asyncio's
    # alone ran 22 collections).
    import gc

    gc.disable()
    from ui.shell.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
