"""One console per user: a second launch hands its message (a tel: link) to the running one.

The wire format is one JSON string and a newline; the server answers ``ok`` and a newline
once it has the message, so the sender knows it was accepted before it exits.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import re
import time
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from console import APP_ID
from console.paths import HOME_ENV

log = logging.getLogger(__name__)

ACK = b"ok\n"
MAX_MESSAGE_BYTES = 4096
CLIENT_TIMEOUT_MS = 5000  # a client that connects and says nothing is dropped after this


def server_name() -> str:
    """The socket name for this user, and for this $FINDME_HOME when one is set."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name at all (a bare container): any stable name will do
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    name = f"{APP_ID}-{re.sub(r'[^A-Za-z0-9_.-]', '_', user)}"
    home = os.environ.get(HOME_ENV)
    if home:
        # A console on another data folder is another instance: tests and the self-check must
        # never hand their links to the agent's own running console.
        folder = os.path.abspath(os.path.expanduser(home))
        name += "-" + hashlib.sha256(folder.encode()).hexdigest()[:10]
    return name


def _encode(message: str) -> bytes:
    data = json.dumps(message).encode() + b"\n"
    if len(data) > MAX_MESSAGE_BYTES:
        raise ValueError(f"a hand-off message is at most {MAX_MESSAGE_BYTES} bytes")
    return data


def _decode(line: bytes) -> str | None:
    try:
        message = json.loads(line)
    except ValueError:  # also covers bytes that are not UTF-8
        return None
    return message if isinstance(message, str) else None


def _left_ms(deadline: float) -> int:
    return max(0, int((deadline - time.monotonic()) * 1000))


def try_hand_off(message: str, timeout_ms: int = 1000, name: str | None = None) -> bool:
    """Give ``message`` to a running console; True only once it has acknowledged it.

    Needs no QApplication, so a second launch can call it before building any window.
    """
    payload = _encode(message)
    deadline = time.monotonic() + timeout_ms / 1000
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    try:
        if not socket.waitForConnected(_left_ms(deadline)):
            return False  # nobody is listening: this process is the first console
        socket.write(payload)
        while socket.bytesToWrite() > 0:
            if not socket.waitForBytesWritten(_left_ms(deadline)):
                return False
        reply = b""
        while not reply.endswith(b"\n") and len(reply) <= len(ACK):
            if not socket.waitForReadyRead(_left_ms(deadline)):
                return False
            reply += bytes(socket.readAll().data())
        return reply == ACK
    finally:
        socket.abort()


class SingleInstanceServer(QObject):
    """Listens for later launches and emits what each one hands over."""

    message_received = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        # Only this user may connect: a handed-over link dials nothing, but it fills the form.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Start listening; False when another live console already holds the name."""
        if self._server.isListening():
            return True
        # Ask first: with UserAccessOption, Qt on Unix renames its new socket over the old
        # path, which would silently take the name from a console that is still running.
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        alive = probe.waitForConnected(500)
        probe.abort()
        if alive:
            return False
        if self._server.listen(self.name):
            return True
        # A console that crashed leaves its socket file behind, and nobody answers on it.
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        log.warning(
            "single instance: cannot listen on %s: %s", self.name, self._server.errorString()
        )
        return False

    def close(self) -> None:
        """Stop listening (removing the socket) and drop any half-read client."""
        self._server.close()
        for socket in list(self._buffers):
            self._drop(socket)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(partial(self._read, socket))
            socket.disconnected.connect(partial(self._drop, socket))
            QTimer.singleShot(CLIENT_TIMEOUT_MS, socket, socket.abort)

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        line, newline, _ = bytes(buffer).partition(b"\n")
        if not newline:
            if len(buffer) > MAX_MESSAGE_BYTES:
                log.warning("single instance: dropped an oversized hand-off")
                self._drop(socket)
            return
        message = _decode(line)
        if message is None:
            log.warning("single instance: dropped a hand-off that is not a JSON string")
            self._drop(socket)
            return
        # Acknowledge before acting, so the sender can exit while the window handles it.
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        self.message_received.emit(message)

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is None:
            return
        socket.abort()
        socket.deleteLater()
