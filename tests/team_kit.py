"""Helpers for the team sync tests: a call begun in a store, the server's rows as the owner
sees them, and a loopback TCP proxy in front of PostgreSQL that drops the reply to a COMMIT."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any


def begin(store: Any, name: str = "Ann", number: str = "5551112222") -> Any:
    return store.begin_call(
        lead_name=name,
        lead_number=number,
        team_name="Night",
        list_value="5550001111",
        call_type=1,
        request_redacted="",
    )


def server_calls(cluster: Any, db: str) -> list[dict[str, Any]]:
    """Every row of the team's calls, read as the owner (no row policy applies)."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(cluster.admin_url(db), autocommit=True, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT uuid::text AS uuid, agent, status, lead_name FROM findme.calls ORDER BY id"
        ).fetchall()


class CommitDroppingProxy:
    """Forwards loopback TCP to PostgreSQL; the first time a client sends COMMIT, the server's
    answer is thrown away and the client's connection closed: the server has committed, the
    client cannot know. Later connections pass untouched."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dropped = 0
        self._armed = True
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, server]
            state = {"drop": False}
            threading.Thread(target=self._up, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, state), daemon=True).start()

    def _up(self, client: socket.socket, server: socket.socket, state: dict) -> None:
        with suppress(OSError):
            while data := client.recv(65536):
                with self._lock:
                    if self._armed and b"COMMIT\x00" in data:
                        self._armed = False
                        state["drop"] = True
                server.sendall(data)
        with suppress(OSError):
            server.shutdown(socket.SHUT_WR)

    def _down(self, server: socket.socket, client: socket.socket, state: dict) -> None:
        with suppress(OSError):
            while data := server.recv(65536):
                if state["drop"]:  # the COMMIT's answer: never delivered
                    self.dropped += 1
                    break
                client.sendall(data)
        for sock in (client, server):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.listener.close()
        for sock in self._sockets:
            with suppress(OSError):
                sock.close()


@contextmanager
def commit_dropping_proxy(upstream_port: int) -> Iterator[CommitDroppingProxy]:
    proxy = CommitDroppingProxy(upstream_port)
    try:
        yield proxy
    finally:
        proxy.close()
