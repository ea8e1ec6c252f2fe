"""Logging that cannot leak a secret: noisy libraries quieted, every handler masked
(console.masking)."""

from __future__ import annotations

import logging
from pathlib import Path

from console.masking import SECRETS


def setup_logging(log_file: Path | None = None, level: int = logging.INFO) -> None:
    """Send logs to stderr (warnings) and, for the window, a rotating file.

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
        # Imported here: only the window writes a file, and a command need not load it.
        from logging.handlers import RotatingFileHandler

        try:
            handler = RotatingFileHandler(
                log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
            )
        except OSError as exc:
            from console.problems import file_problem

            raise file_problem(exc, log_file, what="the log file", kind="log") from exc
        _attach(root, handler)


def _attach(root: logging.Logger, handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SECRETS)
    root.addHandler(handler)
