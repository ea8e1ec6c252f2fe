"""Local faults for subprocess tests: a data folder that is read-only, or on a full disk.

As root, permissions do not stop a write, so the folder is made read-only (or replaced by a
tiny full file system) with a bind or tmpfs mount in a mount namespace of the child's own
(``unshare --mount``): nothing outside the child sees it. Without root, a read-only folder is
chmod 555; a full disk needs root, and the test is skipped without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# "$0" is the folder; the command follows as "$@".
_READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
_FULL = (
    'mount -t tmpfs -o size=64k tmpfs "$0"'
    ' && (head -c 1M /dev/zero > "$0/filler" 2>/dev/null || true) && exec "$@"'
)


def _namespaces_work() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    done = subprocess.run(
        ["unshare", "--mount", "sh", "-c", "mount -t tmpfs tmpfs /mnt && echo ok"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() == "ok"


@contextmanager
def read_only(folder: Path) -> Iterator[list[str]]:
    """The prefix that runs a command with ``folder`` read-only to it."""
    if _namespaces_work():
        yield ["unshare", "--mount", "sh", "-c", _READ_ONLY, str(folder)]
        return
    if os.geteuid() == 0:
        pytest.skip("root without mount namespaces: a folder cannot be made read-only to it")
    folder.chmod(0o555)
    try:
        yield []
    finally:
        folder.chmod(0o755)


def full_disk(folder: Path) -> list[str]:
    """The prefix that runs a command with ``folder`` a full 64 KiB file system."""
    if not _namespaces_work():
        pytest.skip("a full disk needs root and mount namespaces")
    return ["unshare", "--mount", "sh", "-c", _FULL, str(folder)]
