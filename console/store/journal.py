"""Call endings that the history could not take, kept beside the store until it can.

When the answer has come but the row cannot be completed (another program holds the write lock
past the busy timeout, the disk filled while waiting, a damaged page), the call as its row
should read is written to ``journal/`` beside the database and merged into the history at the
next open (see HistoryMixin.merge_journal).

One small JSON file per call, written under a temporary name, fsynced and renamed into place:
a file is either whole or absent, so a writer and a merger in two processes need no lock
between them, and merging a file twice changes nothing. The records are what the history would
hold: the request already redacted, the reply already masked; no credential is ever written.
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import suppress
from pathlib import Path
from typing import NamedTuple

from console.store.models import CallRecord

log = logging.getLogger(__name__)

JOURNAL_DIR = "journal"
SUFFIX = ".json"
VERSION = 1
UNREADABLE_SUFFIX = ".unreadable"
# The history keeps a reply's raw body up to this many characters (the client reads at most
# 64 KiB of a reply): enough for any sid in it, and a journal file stays small.
MAX_RAW_CHARS = 64 * 1024


class Unsaved(NamedTuple):
    """A call's ending that the history could not take, and where it was kept instead."""

    record: CallRecord  # the call as its history row should read
    problem: str  # why the history could not be written, in SQLite's words
    kept_in: Path | None  # the journal file; None when it could not be written either
    journal_problem: str = ""  # why the journal could not be written

    def sentence(self) -> str:
        """One sentence for a person: what could not be written, and where the result is."""
        if self.kept_in is not None:
            return (
                f"The call history could not be written ({self.problem}); the result is kept "
                f"in {self.kept_in} and goes into the history when the console next starts."
            )
        return (
            f"The call history could not be written ({self.problem}), nor the journal "
            f"beside it ({self.journal_problem}): this message is the only record of the "
            "result."
        )


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; Windows cannot open a folder, and needs not."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def write(folder: Path, record: CallRecord) -> Path:
    """Keep ``record`` in ``folder`` durably; returns its file. Raises OSError."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = record._asdict()
    fields["raw_reply"] = fields["raw_reply"][:MAX_RAW_CHARS]
    data = json.dumps({"version": VERSION, "call": fields}, ensure_ascii=False).encode()
    name = f"call-{record.id}-{os.urandom(16).hex()}"  # not uuid4: see owners.py
    temporary = folder / f".{name}.tmp"  # never read: a merge sees whole files only
    target = folder / f"{name}{SUFFIX}"
    try:
        with open(temporary, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise
    _fsync_folder(folder)
    return target


def _parse(data: bytes) -> CallRecord:
    document = json.loads(data)
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise ValueError("not a version-1 journal entry")
    fields = document["call"]
    names = list(CallRecord._fields)
    return CallRecord(**{name: fields[name] for name in names if name in fields})


def entries(folder: Path) -> list[tuple[Path, CallRecord]]:
    """The kept records. An unreadable one is renamed aside and logged."""
    try:
        files = sorted(p for p in folder.iterdir() if p.name.endswith(SUFFIX))
    except OSError:
        return []  # no journal (the usual case), or one that cannot be listed
    found: list[tuple[Path, CallRecord]] = []
    for path in files:
        try:
            found.append((path, _parse(path.read_bytes())))
        except FileNotFoundError:
            continue  # merged meanwhile by another process
        except (OSError, ValueError, KeyError, TypeError) as exc:
            aside = path.with_name(path.name + UNREADABLE_SUFFIX)
            log.warning("journal entry %s cannot be read (%s); moved to %s", path, exc, aside)
            with suppress(OSError):
                path.rename(aside)
    return found


def remove(path: Path) -> None:
    """Drop a merged entry; one that stays is merged again, which changes nothing."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass  # merged by another process too
    except OSError as exc:
        log.warning("merged journal entry %s cannot be removed (%s)", path, exc)
