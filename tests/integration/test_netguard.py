"""The suite's network guard: a connection or a name lookup outside this machine is refused
before anything leaves, in the pytest process and in the processes tests start; loopback,
"localhost" and unix sockets (D-Bus, Qt's local sockets) still work.

The refusals are tried without naming any address off this machine: the allowed hosts are
narrowed to 127.0.0.1 and the target is 127.0.0.2, another loopback address, so even a broken
guard sends nothing out. pytest-socket's real ``connect`` is also replaced by a recorder,
which proves that the refusal came before ``connect()``.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import pytest_socket

from tests.netguard.sitecustomize import ENV, LookupBlockedError

OUTSIDE = "127.0.0.2"  # outside the narrowed allow-list, inside loopback
NARROWED = "127.0.0.1"
# pytest-socket also warns as it refuses; here the refusals are the point.
pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket")


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, the exceptions it was raised from and, for a group, its members."""
    yield exc
    for inner in getattr(exc, "exceptions", ()):
        yield from causes(inner)
    if exc.__cause__ is not None or exc.__context__ is not None:
        yield from causes(exc.__cause__ or exc.__context__)


@pytest.fixture
def recorder() -> Iterator[list[tuple]]:
    """pytest-socket's real connect, recorded instead of made; restored within the test
    (pytest-socket's own teardown puts its saved connect back as the socket's method)."""
    calls: list[tuple] = []
    # Within this test only (pytest-socket's teardown restores the suite's own list).
    pytest_socket.socket_allow_hosts([NARROWED], allow_unix_socket=True)
    real = pytest_socket._true_connect
    pytest_socket._true_connect = lambda sock, *args: calls.append(args)
    try:
        yield calls
    finally:
        pytest_socket._true_connect = real


def test_the_guard_is_on() -> None:
    assert socket.socket.connect is not pytest_socket._true_connect


def test_a_blocking_connect_outside_loopback_is_refused_before_connect(recorder) -> None:
    with pytest.raises(pytest_socket.SocketConnectBlockedError, match=OUTSIDE):
        socket.create_connection((OUTSIDE, 9), timeout=1)
    assert recorder == []


def test_a_non_blocking_connect_is_refused_too(recorder) -> None:
    # The real connect() of a non-blocking socket sends the SYN and raises BlockingIOError;
    # the guard's error instead shows that connect() was never reached.
    sock = socket.socket()
    sock.setblocking(False)
    with pytest.raises(pytest_socket.SocketConnectBlockedError):
        sock.connect((OUTSIDE, 443))
    assert sock.fileno() == -1 and recorder == []  # closed, never connected


def test_the_console_transport_is_refused(recorder) -> None:
    async def get() -> None:
        async with httpx.AsyncClient() as http:
            await http.get(f"https://{OUTSIDE}/ibp_api.php", timeout=2)

    with pytest.raises(Exception) as caught:  # noqa: B017 - anyio may wrap it in a group
        asyncio.run(get())
    assert any(isinstance(e, pytest_socket.SocketConnectBlockedError) for e in causes(caught.value))
    assert recorder == []


def test_loopback_localhost_and_unix_sockets_still_connect(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        for host in ("127.0.0.1", "localhost"):
            socket.create_connection((host, port), timeout=2).close()
    if socket.has_ipv6:
        try:
            v6 = socket.create_server(("::1", 0), family=socket.AF_INET6)
        except OSError:
            pass  # no IPv6 loopback on this machine
        else:
            with v6:
                socket.create_connection(("::1", v6.getsockname()[1]), timeout=2).close()
    path = str(tmp_path / "local.sock")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)


def test_name_lookups_stay_on_this_machine() -> None:
    with pytest.raises(LookupBlockedError):
        socket.getaddrinfo("secure.dialogtech.com", 443)
    with pytest.raises(LookupBlockedError):
        socket.gethostbyname("example.com")
    with pytest.raises(socket.gaierror):  # RFC 6761: never resolves, answered here
        socket.getaddrinfo("findme-console-test.invalid", 443)
    assert {a[4][0] for a in socket.getaddrinfo("localhost", 80)} <= {"127.0.0.1", "::1"}


CHILD = f"""
import socket, sys
import pytest_socket
if socket.socket.connect is pytest_socket._true_connect:
    sys.exit("no guard in the child")
calls = []
pytest_socket._true_connect = lambda sock, *args: calls.append(args)
try:
    socket.create_connection(({OUTSIDE!r}, 9), timeout=1)
except pytest_socket.SocketConnectBlockedError:
    print("refused", calls)
try:
    socket.getaddrinfo("secure.dialogtech.com", 443)
except RuntimeError as exc:
    print("lookup refused:", type(exc).__name__)
"""


def test_a_process_started_by_a_test_is_guarded_too(cli_env: dict[str, str]) -> None:
    env = {**cli_env, ENV: NARROWED}  # the child's guard, narrowed like the recorder's
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["refused []", "lookup refused: LookupBlockedError"]
