"""`main.py sandbox` as a subprocess: what it prints, and what it never prints."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import ROOT
from tests.faults import ENCODED_MALFORMED_SECRET, MALFORMED_LINES, MALFORMED_SECRET, raw_request

MAIN = str(ROOT / "main.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Standalone:
    """A running `main.py sandbox`; ``stop()`` sends Ctrl+C and returns its whole output."""

    def __init__(self, process: subprocess.Popen[str], url: str, first_line: str) -> None:
        self.process = process
        self.url = url
        self.first_line = first_line

    def stop(self) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=15)
        return self.process.returncode, self.first_line + out, err


@contextmanager
def standalone(cli_env: dict[str, str]) -> Iterator[Standalone]:
    port = free_port()
    args = [sys.executable, MAIN, "sandbox", "--port", str(port), "--time-scale", "0.001"]
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # printed once it listens
        assert "listening at" in first, (first, process.stderr and process.stderr.read())
        yield Standalone(process, first.split(" at ", 1)[1].strip(), first)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=15)


def test_the_standalone_sandbox_never_writes_a_secret(cli_env: dict[str, str]) -> None:
    with standalone(cli_env) as sandbox:
        for line in MALFORMED_LINES.values():
            for secret in (MALFORMED_SECRET, ENCODED_MALFORMED_SECRET):
                request = line.replace(b"%s", secret.encode()) + b"\r\nHost: x\r\n\r\n"
                answer = raw_request(sandbox.url, request)
                assert answer.startswith(b"HTTP/1.0 400 "), answer
                assert b"S3cret" not in answer
        code, out, err = sandbox.stop()
    assert code == 0  # Ctrl+C is how it stops
    assert "S3cret" not in out + err and "ZZ9" not in out + err, out + err
    assert "refused a malformed request from 127.0.0.1" in err
    assert "Traceback" not in err


def test_a_port_in_use_is_one_sentence_and_exit_4(run_cli) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run_cli("sandbox", "--port", str(port), timeout=30)
    assert done.returncode == 4, done.stderr  # the README's local-problem code
    assert done.stderr == (
        f"sandbox: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "another program is using that port: choose another with --port.\n"
    )
    assert done.stdout == ""
