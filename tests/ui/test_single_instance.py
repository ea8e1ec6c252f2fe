"""Single instance: a second launch (a real subprocess) hands its tel: link to this one."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from console import APP_ID
from tests.conftest import child_pythonpath
from ui.shell.single_instance import SingleInstanceServer, server_name, socket_path, try_hand_off

SECOND_LAUNCH = """
import sys
from ui.shell.single_instance import try_hand_off
print(try_hand_off(sys.argv[2], timeout_ms=5000, name=sys.argv[1]))
"""


@pytest.fixture
def name(tmp_path: Path) -> str:
    """A socket of this test's own, by full path, so no real console is ever reached."""
    return str(tmp_path / f"si-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def server(qapp, name: str):
    instance = SingleInstanceServer(name)
    yield instance
    instance.close()


NO_QT_NETWORK = """
import sys
from ui.shell.single_instance import try_hand_off
print(try_hand_off("tel:5551112222", timeout_ms=3000, name=sys.argv[1]))
print("PySide6.QtNetwork" in sys.modules)
"""


def _second_launch(name: str, message: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": child_pythonpath()}
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_LAUNCH, name, message],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_second_launch_hands_its_link_to_the_running_console(qtbot, server) -> None:
    assert server.listen()
    link = "tel:+1-555-111-2222"
    with qtbot.waitSignal(server.message_received, timeout=15000) as received:
        launch = _second_launch(server.name, link)
    assert received.args == [link]
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=15000)
    out, err = launch.communicate()
    assert out.strip() == "True", err


def test_messages_keep_any_text_intact(qtbot, server) -> None:
    assert server.listen()
    text = 'callto://+15551112222 "quoted"\nnewline é'
    with qtbot.waitSignal(server.message_received, timeout=15000) as received:
        launch = _second_launch(server.name, text)
    assert received.args == [text]
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=15000)
    assert launch.communicate()[0].strip() == "True"


def test_without_a_running_console_the_hand_off_fails_fast(qapp, name: str) -> None:
    started = time.monotonic()
    assert try_hand_off("tel:5551112222", timeout_ms=3000, name=name) is False
    assert time.monotonic() - started < 0.5


def test_a_stale_socket_left_by_a_crash_is_replaced(qtbot, server, name: str) -> None:
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(name)
    stale.close()  # the file stays, and nobody listens on it: what a crash leaves
    assert Path(name).exists()
    assert server.listen()
    with qtbot.waitSignal(server.message_received, timeout=15000) as received:
        launch = _second_launch(name, "tel:5551112222")
    assert received.args == ["tel:5551112222"]
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=15000)


def test_a_live_console_keeps_its_name(qapp, server, name: str) -> None:
    assert server.listen()
    second = SingleInstanceServer(name)
    try:
        assert second.listen() is False
        assert server.listening
    finally:
        second.close()


def test_garbage_is_dropped_and_the_server_keeps_serving(qtbot, server) -> None:
    assert server.listen()
    seen: list[str] = []
    server.message_received.connect(seen.append)
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.connect(server.name)
    raw.sendall(b"not json\n")
    raw.settimeout(5)
    qtbot.waitUntil(lambda: not server._buffers, timeout=5000)
    raw.close()
    with qtbot.waitSignal(server.message_received, timeout=15000):
        launch = _second_launch(server.name, "tel:5551112222")
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=15000)
    assert seen == ["tel:5551112222"]


def test_the_default_name_is_per_user_and_per_data_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("FINDME_HOME", raising=False)
    plain = server_name()
    assert plain.startswith(f"{APP_ID}-")
    monkeypatch.setenv("FINDME_HOME", str(tmp_path / "a"))
    first = server_name()
    monkeypatch.setenv("FINDME_HOME", str(tmp_path / "b"))
    assert first.startswith(plain) and first != plain and first != server_name()


def test_a_claimed_name_serves_the_first_launch_that_connects(qtbot, server) -> None:
    # The window's console claims the name before it is built and serves when a launch
    # knocks (QtNetwork is loaded only then); the launch waits in the system's queue.
    assert server.claim() and server.listening
    with qtbot.waitSignal(server.message_received, timeout=15000) as received:
        launch = _second_launch(server.name, "tel:5551112222")
    assert received.args == ["tel:5551112222"]
    qtbot.waitUntil(lambda: launch.poll() is not None, timeout=15000)
    assert launch.communicate()[0].strip() == "True"
    # The launch first knocked to see whether anyone listens: nothing of that is kept.
    qtbot.waitUntil(lambda: not server._buffers, timeout=8000)


def test_the_claimed_socket_is_this_users_alone(server) -> None:
    assert server.claim()
    mode = os.stat(socket_path(server.name)).st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o700  # as Qt's UserAccessOption


def test_a_claim_lets_go_of_the_name_when_closed(qapp, name: str) -> None:
    first = SingleInstanceServer(name)
    assert first.claim()
    first.close()
    assert not Path(name).exists()
    second = SingleInstanceServer(name)
    try:
        assert second.claim()
    finally:
        second.close()


@pytest.mark.parametrize("left", ["nothing", "a stale socket"])
def test_a_launch_with_no_console_to_reach_loads_no_qt_network(name: str, left: str) -> None:
    if left == "a stale socket":  # what a console killed by the system leaves behind
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(name)
        stale.close()
    env = {**os.environ, "PYTHONPATH": child_pythonpath()}
    done = subprocess.run(
        [sys.executable, "-c", NO_QT_NETWORK, name],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.stdout.split() == ["False", "False"], done.stderr[-2000:]


NAME_ONLY = """
import sys
sys.modules.pop("hashlib", None)  # if the test suite's network guard loaded it
from ui.shell.single_instance import server_name
print(server_name(), "hashlib" in sys.modules)
"""


def test_the_agents_own_console_names_its_socket_without_hashlib():
    # hashlib (~4 ms to import, with OpenSSL's tables) names only a data folder of its own
    # (tests, the self-check); an agent's console, with none set, starts without it.
    env = {k: v for k, v in os.environ.items() if k != "FINDME_HOME"}
    env["PYTHONPATH"] = child_pythonpath()
    done = subprocess.run(
        [sys.executable, "-c", NAME_ONLY], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    name, loaded = done.stdout.split()
    assert name.startswith(APP_ID) and loaded == "False"
