"""One console per user: a second launch hands its message (a tel: link) to the running one.

The wire format is one JSON string and a newline; the server answers ``ok`` and a newline
once it has the message, so the sender knows it was accepted before it exits.

QtNetwork (with the Kerberos libraries it links, ~20 ms) is loaded only when a launch
actually hands something over. On Unix a QLocalServer listens on a socket file, so a launch
that finds no such file has nobody to hand over to; and a console takes its name with a
socket made here, where and as QLocalServer makes one, which a QLocalServer adopts when the
first launch connects (the connection waits in the system's queue meanwhile). Elsewhere
(Windows' named pipes) Qt does all of it at once.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
import socket
import stat
import sys
import time
import zlib
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from console import APP_ID
from console.paths import HOME_ENV

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

ACK = b"ok\n"
MAX_MESSAGE_BYTES = 4096
CLIENT_TIMEOUT_MS = 5000  # a client that connects and says nothing is dropped after this
PROBE_TIMEOUT_S = 0.5  # how long a console that holds the name may take to answer
LISTEN_BACKLOG = 50  # QLocalServer's own


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
        # A checksum, not hashlib (~4 ms to import, with OpenSSL's tables): the name only
        # has to differ between folders; the socket's mode is what keeps other users out.
        name += f"-{zlib.crc32(folder.encode()):08x}"
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


def socket_path(name: str) -> str | None:
    """The file a QLocalServer named ``name`` listens on, by Qt's rule (a name with its path
    is that path, any other goes in QDir.tempPath()); None where local servers are not files
    (Windows' named pipes)."""
    if sys.platform == "win32":
        return None
    if name.startswith("/"):
        return name
    from PySide6.QtCore import QDir

    return QDir.cleanPath(QDir.tempPath()) + "/" + name


def _answers(path: str) -> bool:
    """Whether a console listens on ``path`` (one that has not started serving answers too:
    the system queues the connection)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(PROBE_TIMEOUT_S)
    try:
        probe.connect(path)
        return True
    except OSError:  # no file, or a file nobody listens on (a crash left it)
        return False
    finally:
        probe.close()


def try_hand_off(message: str, timeout_ms: int = 1000, name: str | None = None) -> bool:
    """Give ``message`` to a running console; True only once it has acknowledged it.

    Needs no QApplication, so a second launch can call it before building any window.
    """
    payload = _encode(message)
    name = name or server_name()
    path = socket_path(name)
    if path is not None and not _answers(path):
        return False  # no console listens here (a crash may have left the file): the first
    from PySide6.QtNetwork import QLocalSocket

    deadline = time.monotonic() + timeout_ms / 1000
    client = QLocalSocket()
    client.connectToServer(name)
    try:
        if not client.waitForConnected(_left_ms(deadline)):
            return False  # nobody is listening: this process is the first console
        client.write(payload)
        while client.bytesToWrite() > 0:
            if not client.waitForBytesWritten(_left_ms(deadline)):
                return False
        reply = b""
        while not reply.endswith(b"\n") and len(reply) <= len(ACK):
            if not client.waitForReadyRead(_left_ms(deadline)):
                return False
            reply += bytes(client.readAll().data())
        return reply == ACK
    finally:
        client.abort()


def _listen_private(path: str) -> socket.socket:
    """A socket listening on ``path`` that only this user may connect to, made as QLocalServer
    makes it with UserAccessOption: bound in a folder of its own beside ``path``, its mode set,
    then renamed over ``path`` (replacing a file a crash left). Raises OSError."""
    folder = os.path.join(os.path.dirname(path), "." + os.urandom(6).hex())
    os.mkdir(folder, 0o700)
    inner = os.path.join(folder, "s")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(inner)
        listener.listen(LISTEN_BACKLOG)
        os.chmod(inner, stat.S_IRWXU)
        os.rename(inner, path)
    except BaseException:
        listener.close()
        raise
    finally:
        with suppress(OSError):
            os.unlink(inner)  # left only when the rename failed
        with suppress(OSError):
            os.rmdir(folder)
    return listener


class SingleInstanceServer(QObject):
    """Listens for later launches and emits what each one hands over.

    ``claim()`` takes the name (before the window is built) and serves when the first launch
    connects; ``listen()`` claims and serves at once.
    """

    message_received = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server: QLocalServer | None = None
        self._claimed: socket.socket | None = None  # Unix: listening, not yet served
        self._knock: QSocketNotifier | None = None  # tells when the first launch connects
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def listening(self) -> bool:
        return self._claimed is not None or (
            self._server is not None and self._server.isListening()
        )

    def listen(self) -> bool:
        """Take the name and serve; False when another live console already holds it."""
        if not self.claim():
            return False
        self.serve()
        return self.listening

    def claim(self) -> bool:
        """Take the name, so that later launches find this console; False when another live
        console already holds it. Without QtNetwork on Unix (see the module)."""
        if self.listening:
            return True
        path = socket_path(self.name)
        if path is None:
            return self._listen_qt()
        # Ask first: a new socket renamed over the old path would silently take the name
        # from a console that is still running.
        if _answers(path):
            return False
        try:
            self._claimed = _listen_private(path)
        except OSError as exc:
            log.warning("single instance: cannot listen on %s: %s", path, exc)
            return False
        self._knock = QSocketNotifier(self._claimed.fileno(), QSocketNotifier.Type.Read, self)
        self._knock.activated.connect(lambda *_: self.serve())
        return True

    def serve(self) -> None:
        """Accept the launches that connect (those already queued first)."""
        claimed, self._claimed = self._claimed, None
        self._stop_knock()
        if claimed is None:
            return
        server = self._make_server()
        descriptor = claimed.detach()  # the QLocalServer owns it now, and removes the file
        if not server.listen(descriptor):
            log.warning("single instance: cannot serve on %s: %s", self.name, server.errorString())
            os.close(descriptor)

    def _make_server(self) -> QLocalServer:
        from PySide6.QtNetwork import QLocalServer

        self._server = QLocalServer(self)
        # Only this user may connect: a handed-over link dials nothing, but it fills the form.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        return self._server

    def _listen_qt(self) -> bool:
        """Claim and serve with Qt alone (where local servers are not socket files)."""
        from PySide6.QtNetwork import QLocalServer, QLocalSocket

        probe = QLocalSocket()
        probe.connectToServer(self.name)
        alive = probe.waitForConnected(int(PROBE_TIMEOUT_S * 1000))
        probe.abort()
        if alive:
            return False
        server = self._make_server()
        if server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if server.listen(self.name):
            return True
        log.warning("single instance: cannot listen on %s: %s", self.name, server.errorString())
        return False

    def _stop_knock(self) -> None:
        if self._knock is not None:
            # Off before the QLocalServer watches the same socket (Qt allows one notifier);
            # kept, as this server's child, until the server goes: serve() may be running
            # in its signal.
            self._knock.setEnabled(False)

    def close(self) -> None:
        """Stop listening (removing the socket) and drop any half-read client."""
        self._stop_knock()
        claimed, self._claimed = self._claimed, None
        if claimed is not None:
            claimed.close()
            path = socket_path(self.name)
            if path is not None:
                with suppress(OSError):
                    os.unlink(path)  # as QLocalServer.close does
        if self._server is not None:
            self._server.close()
        for client in list(self._buffers):
            self._drop(client)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            client = self._server.nextPendingConnection()
            self._buffers[client] = bytearray()
            client.readyRead.connect(partial(self._read, client))
            client.disconnected.connect(partial(self._drop, client))
            QTimer.singleShot(CLIENT_TIMEOUT_MS, client, client.abort)

    def _read(self, client: QLocalSocket) -> None:
        buffer = self._buffers.get(client)
        if buffer is None:
            return
        buffer += bytes(client.readAll().data())
        line, newline, _ = bytes(buffer).partition(b"\n")
        if not newline:
            if len(buffer) > MAX_MESSAGE_BYTES:
                log.warning("single instance: dropped an oversized hand-off")
                self._drop(client)
            return
        message = _decode(line)
        if message is None:
            log.warning("single instance: dropped a hand-off that is not a JSON string")
            self._drop(client)
            return
        # Acknowledge before acting, so the sender can exit while the window handles it.
        client.write(ACK)
        client.flush()
        client.disconnectFromServer()
        self.message_received.emit(message)

    def _drop(self, client: QLocalSocket) -> None:
        if self._buffers.pop(client, None) is None:
            return
        client.abort()
        client.deleteLater()
