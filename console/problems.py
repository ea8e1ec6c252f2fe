"""Problems on this computer (a file, a folder, the keyring): one sentence, never a traceback.

Raised by paths, settings, the store, logs and credentials before anything is sent; the
command line turns one into its ``exit_code``, 4 (``EXIT_LOCAL``; 3 for a team server that
cannot be reached: console.store.postgres.server), the window into a dialog.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

# The exit code of a command (and of the window) stopped by a local problem: nothing was sent.
EXIT_LOCAL = 4
# For a person, what an OSError's errno means here, and what they can do about it.
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)
MOVE_HOME = "or set FINDME_HOME to a folder you can write"


class LocalProblem(Exception):
    """Something on this computer stops the console; nothing was sent.

    ``problem`` says what is wrong and names ``where`` (a path, or a service such as the OS
    keyring); ``hint`` says what the person can do. ``kind`` is one of "data folder",
    "store", "settings", "log", "keyring", for scripts (the command line's --json ``problem``).
    """

    def __init__(self, problem: str, *, where: str | Path, hint: str, kind: str) -> None:
        self.problem = problem
        self.where = str(where)
        self.hint = hint
        self.kind = kind
        super().__init__(self.sentence())

    def sentence(self) -> str:
        """The problem and what to do, as one sentence ending with a full stop."""
        text = f"{self.problem}; {self.hint}" if self.hint else self.problem
        return text[:1].upper() + text[1:].rstrip(".") + "."

    def nothing_sent(self) -> str:
        """The sentence after "Nothing was sent: ", for a call that stopped on this problem."""
        text = self.sentence()
        return f"Nothing was sent: {text[:1].lower()}{text[1:]}"

    @property
    def exit_code(self) -> int:
        """The command line's exit code for it: EXIT_LOCAL (README "Exit codes")."""
        return EXIT_LOCAL

    def as_json(self) -> dict[str, str]:
        """For --json: ``{"result": "local", "result_description", "sid", "problem", ...}``."""
        return {
            "result": "local",
            "result_description": self.sentence(),
            "sid": "",
            "problem": self.kind,
            "where": self.where,
            "hint": self.hint,
        }


def os_reason(exc: OSError) -> str:
    """An OSError in a few words: "the disk is full", "permission denied", ..."""
    if exc.errno in _FULL:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "it is a folder, not a file"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file is in the way where a folder should be"
    return (exc.strerror or type(exc).__name__).lower()


def os_hint(exc: OSError, folder: Path) -> str:
    """What a person can do about ``exc``, met in ``folder``."""
    if exc.errno in _FULL:
        return f"free some space on that disk, {MOVE_HOME} on another disk"
    if exc.errno in _DENIED:
        return f"make {folder} writable for you, {MOVE_HOME}"
    return f"check {folder}, {MOVE_HOME}"


def file_problem(exc: OSError, path: Path, *, what: str, kind: str) -> LocalProblem:
    """``exc`` met reading or writing ``path`` (``what`` names it: "the settings file")."""
    if exc.errno == errno.EISDIR or path.is_dir():
        hint = f"move the folder {path} out of the way (the console never deletes it)"
        return LocalProblem(f"{what} {path} is a folder", where=path, hint=hint, kind=kind)
    return LocalProblem(
        f"{what} {path} cannot be used ({os_reason(exc)})",
        where=path,
        hint=os_hint(exc, path.parent),
        kind=kind,
    )


def file_unreadable(path: str | os.PathLike[str], exc: OSError, outcome: str) -> str:
    """Why a file the person picked (a CSV of leads, a call list) could not be read, in one
    sentence naming it: "today.csv could not be read: it is no longer there (...); {outcome}."

    ``exc`` is the OSError met reading it; ``outcome`` says what became of the work, in a few
    words without a full stop ("the call list in use is kept"). A local problem for the person
    to see to, not the console's fault: said and logged as a warning, never a traceback.
    """
    name = os.path.basename(os.fspath(path))
    if exc.errno == errno.ENOENT:  # the picker takes only files that exist: it went since
        why = "it is no longer there (moved, renamed or deleted since it was picked?)"
    else:
        why = os_reason(exc)
    return f"{name} could not be read: {why}; {outcome}."
