"""Who owns a pending call: a lock that its store holds on a file of its own while it is open.

A process id is no identity: in a PID namespace (containers, Flatpak), after a reboot, or with
the data folder on a second machine, a dead owner's pid names some other live process, and a
live owner on another machine names nobody here. A lock cannot be inherited that way: the
system (or the file server) drops it when its holder dies, and nobody else can take it while
the holder lives. So each store that begins a call takes ``owners/<token>.lock`` beside the
database for as long as it stays open, and its rows record the token; a row whose owner's lock
can be taken (or whose file is gone) has no owner left.

The lock is ``flock`` on POSIX and ``msvcrt.locking`` (LockFileEx on one byte) on Windows: both
belong to one open file, so a second store in the same process is kept out as well, and both
are released by the system when the process dies. Over NFS, Linux turns ``flock`` into a
byte-range lock held by the whole process, which another descriptor of the same process would
release when closed: this process never probes a token it holds itself (``_HELD``).
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

log = logging.getLogger(__name__)

OWNERS_DIR = "owners"
SUFFIX = ".lock"
# A lock file nobody holds and no row names is swept once it is this old. Not at once: a store
# creates its file a moment before it locks it, and must not find it swept away meanwhile.
STALE_SECONDS = 3600.0
# Another process's hold: flock says EWOULDBLOCK/EAGAIN, some file systems EACCES; msvcrt.locking
# says EACCES, or EDEADLOCK after its retries.
_HELD_ELSEWHERE = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, getattr(errno, "EDEADLOCK", -1)}

# The tokens whose lock this process holds (see the module's docstring on NFS).
_HELD: set[str] = set()


def _try_lock(fd: int) -> bool:
    """Take the file's exclusive lock without waiting; False when another holder has it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)  # the byte locked is the one at the file's position
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in _HELD_ELSEWHERE:
            return False
        raise
    return True


def lock_path(folder: Path, token: str) -> Path:
    return folder / f"{token}{SUFFIX}"


class OwnerLock:
    """The lock a store holds while it may have calls in flight; taken at its first call."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._token = ""
        self._fd: int | None = None
        self._guard = threading.Lock()  # a store is shared between threads

    @property
    def held(self) -> bool:
        return self._fd is not None

    def token(self) -> str:
        """This store's owner token, taking its lock first if needed; raises OSError."""
        with self._guard:
            if self._fd is None:
                self._take()
            return self._token

    def _take(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # 128 random bits, as a uuid4 has (uuid imports platform: ~10 ms at every start).
        token = os.urandom(16).hex()
        path = lock_path(self.folder, token)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            if not _try_lock(fd):  # a fresh, unique name: nobody else can hold it
                raise OSError(errno.EAGAIN, "the new owner lock is already held", str(path))
            # For a person looking at the folder; nothing reads it back.
            os.write(fd, f"pid {os.getpid()}\n".encode())
        except BaseException:
            os.close(fd)
            with suppress(OSError):
                path.unlink()
            raise
        self._fd, self._token = fd, token
        _HELD.add(token)

    def release(self) -> None:
        """Drop the lock and its file: this store's pending calls, if any, are orphans now."""
        with self._guard:
            if self._fd is None:
                return
            fd, self._fd = self._fd, None
        _HELD.discard(self._token)
        path = lock_path(self.folder, self._token)
        with suppress(OSError):
            path.unlink()  # first, while held: POSIX lets an open file go (Windows does not)
        os.close(fd)  # releases the lock
        with suppress(OSError):
            path.unlink()


def owner_alive(folder: Path, token: str) -> bool:
    """Whether the store that took ``token`` is still open, here or on any machine."""
    if token in _HELD:
        return True
    try:
        fd = os.open(lock_path(folder, token), os.O_RDWR)  # never created here
    except FileNotFoundError:
        return False
    except OSError as exc:
        # Unreadable or odd (a folder in its place): not proof of death, so the row is kept.
        log.warning("owner lock %s cannot be checked: %s", token, exc)
        return True
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)  # releases the probe's lock, if it took it


def forget(folder: Path, tokens: list[str]) -> None:
    """Remove the lock files of owners found dead (their rows are no longer pending)."""
    for token in tokens:
        with suppress(OSError):
            lock_path(folder, token).unlink()


def sweep(folder: Path, keep: set[str], now: float | None = None) -> int:
    """Remove old lock files that nobody holds and no pending row names; returns how many.

    They are left by a store killed with no call in flight.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time() if now is None else now
    removed = 0
    for entry in entries:
        token = entry.name.removesuffix(SUFFIX)
        if not entry.name.endswith(SUFFIX) or token in keep or token in _HELD:
            continue
        try:
            if now - entry.stat().st_mtime < STALE_SECONDS or owner_alive(folder, token):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed
