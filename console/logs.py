"""Logging that cannot leak a secret: noisy libraries quieted, every handler masked
(console.masking)."""

from __future__ import annotations

import logging
from pathlib import Path

from console.masking import SECRETS


def setup_logging(log_file: Path | None = None, level: int = logging.INFO) -> None:
    """Send logs to stderr (warnings) and, for the window, a file (see rotate_log).

    Raises LocalProblem when ``log_file`` cannot be opened; stderr logging is set up by then.
    """
    root = logging.getLogger()
    root.setLevel(level)
    # httpx logs every request URL at INFO; our own log line is the redacted one.
    for noisy in ("httpx", "httpcore", "aiohttp.access", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    _attach(root, stderr)
    if log_file is not None:
        # Opened now, so a folder it cannot be written in stops the start with a message; a
        # plain file until rotate_log() makes it the rotating one (logging.handlers loads
        # pickle and socket: once the window is shown, not before).
        try:
            handler = _StartLog(log_file, encoding="utf-8")
        except OSError as exc:
            from console.problems import file_problem

            raise file_problem(exc, log_file, what="the log file", kind="log") from exc
        _attach(root, handler)


class _StartLog(logging.FileHandler):
    """The log file as setup_logging opens it, until rotate_log() replaces it."""


def rotate_log(max_bytes: int = 2_000_000, backups: int = 3) -> None:
    """Replace the file setup_logging opened with one that rotates: at ``max_bytes`` bytes
    it becomes console.log.1 (up to ``backups`` old files kept). The window calls this once
    it is shown; the lines written before then are checked with the next one. If the file
    cannot be reopened, the plain one stays (a warning says so)."""
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger()
    for plain in [h for h in root.handlers if isinstance(h, _StartLog)]:
        try:
            rotating = RotatingFileHandler(
                plain.baseFilename, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        except OSError as exc:
            logging.getLogger(__name__).warning("log file: not rotated: %s", exc)
            continue
        _format(rotating)
        # One assignment: a line logged meanwhile (the engine's threads) goes to one of them.
        root.handlers = [rotating if h is plain else h for h in root.handlers]
        plain.close()


def _attach(root: logging.Logger, handler: logging.Handler) -> None:
    _format(handler)
    root.addHandler(handler)


def _format(handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SECRETS)
