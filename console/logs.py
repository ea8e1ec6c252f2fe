"""Logging that cannot leak a secret: noisy libraries quieted, known secrets masked."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from console.request import REDACTED


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` in it replaced by ***, the longest first."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class SecretFilter(logging.Filter):
    """Masks every registered secret in a record's final text, whatever logged it."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def register(self, secrets: Iterable[str]) -> None:
        self._secrets.update(s for s in secrets if s and len(s) >= 3)

    def mask(self, text: str) -> str:
        return mask(text, self._secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg, record.args = self.mask(record.getMessage()), None
            # A traceback can carry a secret too (an exception's message, a URL in it).
            if record.exc_info and not record.exc_text:
                record.exc_text = _FORMATTER.formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self.mask(record.exc_text)
            if record.stack_info:
                record.stack_info = self.mask(record.stack_info)
        return True


_FORMATTER = logging.Formatter()


SECRETS = SecretFilter()


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
