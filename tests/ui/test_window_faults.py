"""Faults met through the real window: each call's history row ends final in its category, the
window keeps painting while it waits, and nothing that may have reached the service is sent
twice. The engine is aimed at the small misbehaving servers of tests/faults.py."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from aiohttp import web
from PySide6.QtCore import QTimer
from window_kit import open_session, pick, seed_window

from console.calls.client import FindMeClient
from console.credentials import Credentials
from console.engine import Engine
from console.store import connection as store_connection
from tests.conftest import until
from tests.faults import (
    FAULTS,
    VENDOR_SUCCESS,
    FaultServer,
    closed_port,
    drip,
    reply,
    self_signed_cert,
)

KEY = "k-window-faults"
READ_TIMEOUT = 1.2  # above the drip's one-second gaps: only the whole-reply deadline ends it
CONNECT_TIMEOUT = 0.5
DEADLINE = READ_TIMEOUT + CONNECT_TIMEOUT  # for the whole reply


class QuickEngine(Engine):
    """The real engine, waiting seconds where the service's worst case would take minutes."""

    def current_client(self) -> FindMeClient:
        client = super().current_client()
        return FindMeClient(
            client.http, client.api_url, read_timeout=READ_TIMEOUT, connect_timeout=CONNECT_TIMEOUT,
            retry_delay=0.01,
        )  # fmt: skip


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def open_window(session):
    started = session.engine()
    engine = QuickEngine(
        started.settings, started.store, started.vault, started.http, started.api_url,
        started.sandbox, started.start_notices, started.trusted_ca,
    )  # fmt: skip
    engine._starting = started._starting
    engine.vault.save(Credentials(key=KEY))
    window = session.window(engine)
    lead, team = seed_window(engine, window)
    return engine, window, lead, team


class Ticker:
    """A QTimer that notes when it fires: gaps show how long the window stopped painting."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.times.append(time.monotonic()))
        self.timer.start()

    def stop(self) -> float:
        """Stop; the longest gap between ticks (or since the last tick) in seconds."""
        self.timer.stop()
        ends = [*self.times, time.monotonic()]
        return max(b - a for a, b in zip(ends, ends[1:], strict=False)) if self.times else 1e9


async def place_and_wait(window, lead, team, timeout: float = 15):
    """Press Call; return the final row, seconds pending, and the ticks seen while pending."""
    model = window.history.model
    before = model.total
    ticker = Ticker()
    pick(window, lead, team)
    started = time.monotonic()
    window.call_panel.call_button.click()
    await until(lambda: model.total == before + 1, what="the call's history row")

    def final():
        record = window.history.model.record(0)
        return record if record is not None and record.status != "pending" else None

    record = await until(final, timeout=timeout, what="the row to be final")
    pending_for = time.monotonic() - started
    worst_gap = ticker.stop()
    return record, pending_for, len(ticker.times), worst_gap


# name: (handler, status, words in the row's description)
CASES = {
    "http_500": (FAULTS["http_500"], "unknown", "HTTP 500"),
    "truncated": (FAULTS["truncated"], "unknown", "connection broke"),
    # The whole-reply deadline ended it: connect + read timeout, named as such.
    "drip": (drip(1.0), "unknown", f"no complete answer within {DEADLINE:g} s"),
    "body_50mb": (FAULTS["body_50mb"], "unknown", "larger than 64 KiB"),
    "entity_bomb": (FAULTS["entity_bomb"], "unknown", "XML entity"),
    "refused": (None, "network", "could not be reached"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_fault_ends_in_a_final_row_while_the_window_keeps_painting(session, arun, name):
    handler, status, words = CASES[name]
    engine, window, lead, team = open_window(session)

    async def scenario():
        server = FaultServer(handler) if handler is not None else None
        url = await server.start() if server else f"http://127.0.0.1:{closed_port()}/ibp_api.php"
        try:
            await engine.apply_account(override=url)
            window.update_account()
            outcome = await place_and_wait(window, lead, team)
        finally:
            if server is not None:
                await server.stop()
        return (*outcome, server.count if server else 0)

    record, pending_for, ticks, worst_gap, received = arun(scenario())
    assert record.status == status, record
    assert words in record.description
    assert record.finished_at and record.description.endswith(".")
    assert "\n" not in record.description
    assert KEY not in record.request_redacted and "key=***" in record.request_redacted
    assert received == (0 if name == "refused" else 1)  # never sent twice
    assert engine.store.count_calls() == 1
    assert not window.call_panel.pending.rows
    assert words in window.statusBar().currentMessage()
    # The window kept painting: the 10 ms timer never stalled, however long the wait.
    assert worst_gap < 0.5, (worst_gap, pending_for)
    assert ticks >= pending_for / 0.05
    if name == "drip":
        assert 1.5 < pending_for < 5  # connect + read timeout: 1.7 s


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    made = self_signed_cert(tmp_path)
    if made is None:
        pytest.skip("neither the cryptography package nor openssl can make a certificate")
    return made


def test_a_self_signed_certificate_is_refused_until_trusted_in_the_account_dialog(
    session, arun, qtbot, certificate
):
    import ssl

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(*certificate)
    engine, window, lead, team = open_window(session)

    async def scenario():
        async with FaultServer(reply(VENDOR_SUCCESS), tls=tls) as server:
            engine.settings.set("account.mode", "dialogtech")
            engine.settings.set("account.api_url", server.url)
            await engine.apply_account()
            window.update_account()
            refused, *_ = await place_and_wait(window, lead, team)
            count_refused = server.count

            dialog = window.show_account()
            assert "usual certificate authorities only" in dialog.cert_label.text()
            assert not dialog.untrust_button.isEnabled()
            assert dialog.trust_certificate(str(certificate[0]))
            shown = dialog.cert_label.text()
            qtbot.keyClicks(dialog.key_edit, KEY)
            dialog.buttons.accepted.emit()
            await until(lambda: "account" not in window._dialogs, what="the dialog to close")
            accepted, *_ = await place_and_wait(window, lead, team)
            return refused, count_refused, shown, accepted, server.count

    refused, count_refused, shown, accepted, count = arun(scenario())
    assert refused.status == "network" and "certificate is not trusted" in refused.description
    assert count_refused == 0  # refused in the handshake: the request never left
    assert "⚠" in shown and "custom certificate is trusted" in shown
    assert str(certificate[0]) in shown and "SHA-256" in shown
    assert engine.settings.get("account.trusted_ca") == str(certificate[0])
    assert engine.trusted_ca == str(certificate[0])
    assert "custom certificate" in window.account_label.full_text()
    assert accepted.status == "success" and accepted.sid == "181127fc48636186"
    assert count == 1


def test_an_unusable_certificate_file_is_refused_in_the_dialog(session, tmp_path):
    engine, window, *_ = open_window(session)
    dialog = window.show_account()
    bad = tmp_path / "notes.txt"
    bad.write_text("not a certificate\n")
    assert not dialog.trust_certificate(str(bad))
    assert "holds no PEM certificate" in dialog.problem.text()
    assert "usual certificate authorities only" in dialog.cert_label.text()


def test_an_answer_the_history_cannot_take_stays_in_its_row_and_the_window_says_why(
    session, arun, monkeypatch
):
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 100)  # the UI thread waits 0.1 s
    engine, window, lead, team = open_window(session)
    model = window.history.model
    answer = asyncio.Event()

    async def answer_when_told(request: web.Request) -> web.StreamResponse:
        await answer.wait()
        return web.Response(text=VENDOR_SUCCESS, content_type="text/xml")

    async def scenario():
        async with FaultServer(answer_when_told) as server:
            await engine.apply_account(override=server.url)
            window.update_account()
            pick(window, lead, team)
            window.call_panel.call_button.click()
            await until(lambda: server.count == 1, what="the request")
            holder = sqlite3.connect(engine.store.path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # another program, writing for a long while
            try:
                answer.set()
                await until(lambda: not window.call_panel.pending.rows, what="the call to end")
                await until(lambda: model.record(0).status != "pending", what="the row")
            finally:
                holder.close()

    arun(scenario())
    shown = model.record(0)
    assert (shown.status, shown.sid) == ("success", "181127fc48636186")
    assert engine.store.get_call(shown.id).status == "pending"  # the store never had it
    for said in (window.call_panel.feedback.text(), window.statusBar().currentMessage()):
        assert "181127fc48636186" in said
        assert "history could not be written (database is locked)" in said
        assert str(engine.store.journal_folder) in said
    model.refresh()  # read again from the store: the row still shows the answer
    assert model.record(0).status == "success"
