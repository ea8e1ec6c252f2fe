"""Logs never carry a secret: known secrets are masked and httpx's request log is quieted."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from console.calls.client import FindMeClient, make_http_client
from console.logs import setup_logging
from console.masking import SECRETS, Secrets, mask_output
from tests.faults import VENDOR_SUCCESS, FaultServer, reply

SECRET = "s3cr3t-K3Y-value"


@pytest.fixture
def clean_logging() -> Iterator[None]:
    """Undo setup_logging's changes to the root logger and the shared filter."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy = {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "asyncio")}
    secrets = SECRETS._values
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in noisy.items():
        logging.getLogger(name).setLevel(old)
    SECRETS._values = secrets


def capture(log_filter: Secrets) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(log_filter)
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.propagate = False
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_secret_filter_masks_messages_and_arguments() -> None:
    masking = Secrets()
    masking.register([SECRET, "", "ab"])  # empty and very short values are not masked
    logger, stream = capture(masking)
    logger.info("key=%s and again %s", SECRET, SECRET)
    logger.warning(f"inline {SECRET}!")
    logger.info("ab and abc stay")
    out = stream.getvalue()
    assert SECRET not in out
    assert out.count("***") == 3
    assert "ab and abc stay" in out


def test_secret_filter_masks_a_traceback() -> None:
    masking = Secrets()
    masking.register([SECRET])
    logger, stream = capture(masking)
    try:
        raise RuntimeError(f"the service refused key {SECRET}")
    except RuntimeError:
        logger.exception("call failed")
    out = stream.getvalue()
    assert "RuntimeError: the service refused key ***" in out
    assert SECRET not in out


def test_secret_filter_masks_the_longest_secret_first() -> None:
    masking = Secrets()
    masking.register(["abc", "abcdef"])
    logger, stream = capture(masking)
    logger.info("abcdef")
    assert stream.getvalue().strip() == "INFO ***"


def test_setup_logging_masks_registered_secrets_in_the_file(
    clean_logging: None, tmp_path: Path
) -> None:
    log_file = tmp_path / "console.log"
    setup_logging(log_file)
    SECRETS.register([SECRET])
    logging.getLogger("console.test").info("credentials %s", SECRET)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "credentials ***" in text and SECRET not in text


def place_call_logged(log_file: Path) -> str:
    async def scenario() -> None:
        async with FaultServer(reply(VENDOR_SUCCESS)) as server, make_http_client() as http:
            client = FindMeClient(http, server.url)
            params = {"action": "clickto.findme", "key": SECRET, "list": "5559998888"}
            result = await client.place_call({**params, "phone_to_call": "5551112222"})
            assert result.ok

    asyncio.run(scenario())
    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text()


def test_httpx_request_log_is_silenced(clean_logging: None, tmp_path: Path) -> None:
    log_file = tmp_path / "console.log"
    setup_logging(log_file)
    text = place_call_logged(log_file)
    assert "HTTP Request" not in text  # httpx's own INFO line carries the full URL
    assert SECRET not in text
    assert "sending http://127.0.0.1" in text and "key=***" in text  # our redacted line


def test_without_setup_httpx_would_log_the_url(clean_logging: None, tmp_path: Path) -> None:
    # The control for the test above: httpx really does log the URL, secret and all.
    log_file = tmp_path / "raw.log"
    handler = logging.FileHandler(log_file)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    text = place_call_logged(log_file)
    assert "HTTP Request" in text and SECRET in text


def test_the_command_lines_output_and_tracebacks_are_masked(clean_logging: None, capsys) -> None:
    # The command line masks its streams (console.cli.main): a print, and a bug's traceback
    # that Python's own excepthook writes to stderr.
    secret = "SK-EXCEPTHOOK/secret+x&y"
    SECRETS.register([secret])
    mask_output()
    print("quoted:", quote(secret, safe=""))
    try:
        raise RuntimeError(f"request failed: secret={secret}")
    except RuntimeError as exc:
        sys.__excepthook__(type(exc), exc, exc.__traceback__)
    captured = capsys.readouterr()
    assert captured.out == "quoted: ***\n"
    assert "RuntimeError: request failed: secret=***" in captured.err
    assert "secret+x" not in captured.err


def test_the_log_file_opens_at_start_and_rotates_once_rotate_log_ran(tmp_path, clean_logging):
    from logging.handlers import RotatingFileHandler

    from console.logs import rotate_log

    log_file = tmp_path / "console.log"
    setup_logging(log_file)
    logging.getLogger("test.rotate").warning("at start")
    assert log_file.read_text(encoding="utf-8").endswith("at start\n")  # written at once
    rotate_log(max_bytes=400, backups=2)
    root = logging.getLogger()
    files = [h for h in root.handlers if getattr(h, "baseFilename", "") == str(log_file)]
    assert len(files) == 1 and isinstance(files[0], RotatingFileHandler)
    for n in range(20):
        logging.getLogger("test.rotate").warning("line %d", n)
    assert (tmp_path / "console.log.1").exists()  # rotated at 400 bytes
    assert not (tmp_path / "console.log.3").exists()  # two old files kept
    assert log_file.read_text(encoding="utf-8").endswith("line 19\n")


def test_an_unwritable_log_folder_is_still_a_problem_at_start(tmp_path, clean_logging):
    from console.problems import LocalProblem

    with pytest.raises(LocalProblem):
        setup_logging(tmp_path / "missing" / "console.log")
