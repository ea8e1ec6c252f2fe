"""What the sandbox's HTTP layer says about requests it refuses: never their credentials.

aiohttp answers a request it cannot parse by itself, before any handler or middleware runs
(aio-libs/aiohttp#3287, no hook yet): the 400's body is the parser's message and a traceback
is logged, and both quote the request line, whose query string carries ``key`` or
``secret_access_key``. Here the 400 names the fault only, and every line the sandbox logs
has credential values masked.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from aiohttp import web
from aiohttp.http_exceptions import (
    BadHttpMethod,
    BadStatusLine,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
)

from console.masking import mask

# The logger aiohttp's request handlers use for the sandbox (instead of "aiohttp.server").
http_log = logging.getLogger("console.sandbox.http")

# Fixed words per kind of fault: the parser's own message may quote the request (the C
# parser shows the line, the pure-Python one may give just the raw target), so none of it
# is repeated.
_FAULTS: tuple[tuple[type[HttpProcessingError], str], ...] = (
    (LineTooLong, "the request line or a header is too long"),
    (InvalidURLError, "the request target is not a valid URL"),
    (BadHttpMethod, "the request method is not valid (https:// sent to http:// looks so)"),
    (BadStatusLine, "the request line is malformed"),
    (InvalidHeader, "a header is malformed"),
)


class CredentialFilter(logging.Filter):
    """Masks credential values in a record's text and traceback, on the sandbox's loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask(record.getMessage(), ()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, ())
        return True


http_log.addFilter(CredentialFilter())


def fault_of(exc: HttpProcessingError) -> str:
    """Why a request could not be parsed, in fixed words that quote nothing of it."""
    return next(
        (words for kind, words in _FAULTS if isinstance(exc, kind)), "the request is malformed"
    )


class _Handler(web.RequestHandler):
    __slots__ = ()

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if not isinstance(exc, HttpProcessingError):
            return super().handle_error(request, status, exc, message)
        fault = fault_of(exc)
        http_log.warning("refused a malformed request from %s: %s", request.remote, fault)
        response = web.Response(
            status=status, text=f"{status} {HTTPStatus(status).phrase}: {fault}\n"
        )
        response.force_close()  # as aiohttp does: the rest of the stream cannot be trusted
        return response


class _Server(web.Server):
    def __call__(self) -> web.RequestHandler:
        handler = super().__call__()
        handler.__class__ = _Handler  # same slots, one method more: see the module's note
        return handler


def refuse_quietly(runner: web.AppRunner) -> None:
    """Make ``runner`` (after ``setup()``) answer unparseable requests with ``fault_of``."""
    server = runner.server
    assert server is not None, "call refuse_quietly after runner.setup()"
    server.__class__ = _Server  # aiohttp builds its Server itself; only its factory changes
