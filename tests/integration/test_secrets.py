"""The secrets sweep: known credentials go through every path (the window, the command line,
the sandbox, failures, services that echo what they were sent, errors, exports, logs, a crash
report, "copy as curl"); then every file under FINDME_HOME, every clipboard text and every text
on screen is searched for them, in every encoding (tests/secret_forms.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest
from aiohttp import web
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from console import paths
from console.credentials import Credentials
from console.logs import setup_logging
from console.sandbox import Sandbox
from console.store import Lead
from tests.conftest import until
from tests.faults import FaultServer, closed_port
from tests.secret_forms import leaks as secret_leaks
from tests.ui.window_kit import open_session, pick, seed

# Each holds / + = & % (which every encoding changes); the issue's own secret has no space.
AK = "AK/Sweep+7f=3a&9c%21 x"
SK = "S3cret/Test+Key=ZZ9&x%y"
PUB = "PUB/Sweep+5d=88&e1%c4 y"
SWEPT = (AK, SK, PUB)


def leaks(blobs: Iterable[tuple[str, bytes]]) -> list[str]:
    """Where any form of any secret occurs."""
    return secret_leaks(SWEPT, blobs)


def home_files(home: Path) -> list[tuple[str, bytes]]:
    return [(str(p.relative_to(home)), p.read_bytes()) for p in home.rglob("*") if p.is_file()]


def texts(items: Iterable[str]) -> list[tuple[str, bytes]]:
    return [(f"text {i}: {t[:60]!r}", t.encode("utf-8")) for i, t in enumerate(items)]


@pytest.fixture
def log_file(home: Path) -> Iterator[Path]:
    """The window's log file, set up as ui.shell.app does; the handlers are removed afterwards."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = paths.log_dir() / "console.log"
    setup_logging(path)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def quoting(where: str):
    """A service whose answers quote the credentials it was sent: in a failure's description
    ("text"), or as an unreadable result ("result")."""

    async def handle(request: web.Request) -> web.Response:
        sent = " / ".join(request.query.get(n, "") for n in ("key", "access_key",
                                                             "secret_access_key"))  # fmt: skip
        if where == "text":
            return web.Response(text=f"failed: unknown credentials {sent}")
        body = f"<response><result>{sent}</result><sid>181127fc48636186</sid></response>"
        return web.Response(text=body, content_type="text/xml")

    return handle


def echoing(form: str):
    """A service (or a proxy) whose answer repeats the query string exactly as it was sent,
    percent-encoded secrets and all: as the issue reproduced it, inside XML that is not one
    document ("raw"), XML-escaped in a well-formed failed reply ("xml"), in a plain-text failed
    reply ("text"), or as JSON ("json")."""

    async def handle(request: web.Request) -> web.Response:
        sent = request.raw_path.partition("?")[2]
        if form == "raw":
            body = f"<result>failed</result><result_description>bad request: {sent}"
            return web.Response(text=body + "</result_description>", content_type="text/xml")
        if form == "text":
            return web.Response(text=f"failed: bad request: {sent}")
        if form == "xml":
            body = (
                "<response><result>failed</result><result_description>bad request: "
                f"{escape(sent)}</result_description></response>"
            )
            return web.Response(text=body, content_type="text/xml")
        return web.json_response({"error": "bad request", "query": sent, **request.query})

    return handle


def all_screen_texts() -> list[str]:
    """Every text a person can see or select in the open windows (password fields excepted)."""
    found = []
    for top in QApplication.topLevelWidgets():
        for widget in [top, *top.findChildren(QWidget)]:
            found += [widget.windowTitle(), widget.toolTip(), widget.accessibleName()]
            if isinstance(widget, QLineEdit):
                if widget.echoMode() == QLineEdit.EchoMode.Normal:
                    found.append(widget.text())
            elif isinstance(widget, QLabel | QAbstractButton):
                found.append(widget.text())
            elif isinstance(widget, QPlainTextEdit):
                found.append(widget.toPlainText())
    return [t for t in found if t]


def test_no_secret_reaches_a_file_the_clipboard_or_the_screen_from_the_window(
    home: Path, log_file: Path, arun, memory_keyring, qapp, qtbot
) -> None:
    from ui.common.errors import ErrorDialog, excepthook

    clipboard: list[str] = []
    details: list[str] = []
    sessions = open_session(arun, memory_keyring)
    session = next(sessions)
    try:
        engine, window = session.start()
        lead, team = seed(engine.store)
        no_answer = engine.store.add_lead(Lead(None, "Never There", "5552223330"))
        window.leads_panel.refresh()
        window.call_panel.refresh_teams()
        window.teams_panel.refresh()

        async def call(who: Lead) -> str:
            model = window.history.model
            before = model.total
            pick(window, who, team)
            await until(window.call_panel.call_button.isEnabled)
            window.call_panel.call_button.click()
            await until(lambda: model.total == before + 1, what="the call's row")
            record = await until(
                lambda: (r := engine.store.fetch_calls(limit=1)[0]).status != "pending" and r,
                what="the call to end",
            )
            return record.status

        async def use_account(url: str, *, key: str = "", pair: tuple[str, str] = ("", "")):
            dialog = window.show_account()
            dialog.account_radio.click()
            (dialog.key_radio if key else dialog.keypair_radio).click()
            if key:
                qtbot.keyClicks(dialog.key_edit, key)
            else:
                qtbot.keyClicks(dialog.access_key_edit, pair[0])
                qtbot.keyClicks(dialog.secret_edit, pair[1])
            dialog.url_edit.setText(url)
            dialog.buttons.accepted.emit()
            await until(lambda: "account" not in window._dialogs, what="the account to save")
            assert engine.api_url == url

        async def aim(url: str) -> None:
            engine.settings.set("account.api_url", url)
            await engine.apply_account()
            window.update_account()

        async def scenario() -> list[str]:
            service = Sandbox(time_scale=0.001, http=engine.http)
            service_url = await service.start()
            echo = FaultServer(quoting("text"))
            garbled = FaultServer(quoting("result"))
            echoes = {form: FaultServer(echoing(form)) for form in ("xml", "raw", "text")}
            statuses = []
            try:
                await use_account(service_url, pair=(AK, SK))  # the keyring holds them now
                statuses += [await call(lead), await call(no_answer)]
                await aim(await echo.start())
                statuses.append(await call(lead))
                await aim(await garbled.start())
                statuses.append(await call(lead))
                await aim(f"http://127.0.0.1:{closed_port()}/ibp_api.php")
                statuses.append(await call(lead))
                for form in ("xml", "raw"):  # services echoing the query as it was sent
                    await aim(await echoes[form].start())
                    statuses.append(await call(lead))
                await use_account(service_url, key=PUB)  # the public key instead
                statuses.append(await call(lead))
                await aim(echo.url)
                statuses.append(await call(lead))
                await aim(await echoes["text"].start())
                statuses.append(await call(lead))
                assert {r["access_key"] for r in service.received[:2]} == {AK}
                assert service.received[-1]["key"] == PUB
                assert echo.count == 2 and garbled.count == 1
                assert all(server.count == 1 for server in echoes.values())
            finally:
                await service.stop()
                for server in [echo, garbled, *echoes.values()]:
                    await server.stop()

            # The call details (every text in the dialog) and "copy as curl", for every call.
            for row in range(window.history.model.rowCount()):
                dialog = window.history.show_details(row)
                clipboard.append(dialog.copy_curl())
                details.extend(all_screen_texts())
                dialog.close()
            # Exports.
            exports = home / "exports"
            exports.mkdir()
            assert await window.history.export(exports / "history.csv") == 10
            assert window.teams_panel.export_csv(exports / "team.csv") == 1
            return statuses

        statuses = arun(scenario(), timeout=60)
        assert statuses == ["success", "failed", "failed", "unknown", "network", "failed",
                            "unknown", "success", "failed", "failed"]  # fmt: skip

        # A crash report: an uncaught exception whose message carries a secret.
        def explode(credentials: Credentials) -> None:
            secret_in_a_local = credentials.secret_access_key
            raise RuntimeError(f"the keyring backend choked on {secret_in_a_local}")

        try:
            explode(Credentials(AK, SK))
        except RuntimeError as exc:
            excepthook(type(exc), exc, exc.__traceback__)
        report = next(w for w in qapp.topLevelWidgets() if isinstance(w, ErrorDialog))
        report._copy()
        clipboard.append(QApplication.clipboard().text())
        assert "explode" in report.details.toPlainText()  # the traceback is there, masked

        on_screen = all_screen_texts()
        assert leaks(home_files(home)) == []  # while the store is open: -wal and -shm too
        assert any(name.endswith("-wal") for name, _ in home_files(home))
    finally:
        next(sessions, None)

    assert leaks(home_files(home)) == []
    assert leaks(texts(clipboard)) == []
    assert leaks(texts(on_screen)) == []
    assert leaks(texts(details)) == []
    # The echoed query reached the details, masked: "bad request: ...&access_key=***&..."
    assert any("bad request: " in t and "secret_access_key=***" in t for t in details)
    # The sweep saw the places a leak would be: masked values, not empty files.
    log = log_file.read_text(encoding="utf-8")
    assert "key=***" in log and "uncaught exception" in log and "choked on ***" in log
    assert "unknown credentials ***" in log  # the client logs the answer it read
    assert "choked on ***" in "\n".join(clipboard)
    history_csv = (home / "exports" / "history.csv").read_text(encoding="utf-8-sig")
    assert "secret_access_key=***" in history_csv and "unknown credentials ***" in history_csv
    assert "bad request: action=" in history_csv and "bad request: action=" in log


# -- the command line -------------------------------------------------------------------------


class ThreadedService:
    """A misbehaving service on its own thread, for a subprocess to call."""

    def __init__(self, handler=None) -> None:
        self.server = FaultServer(handler or quoting("text"))

    def __enter__(self) -> str:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        return asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def test_no_secret_reaches_a_file_or_the_output_from_the_command_line(home: Path, run_cli) -> None:
    settings = {"version": 1, "values": {"sandbox.time_scale": 0.001}}
    (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    pair = {"FINDME_ACCESS_KEY": AK, "FINDME_SECRET_ACCESS_KEY": SK}
    public = {"FINDME_KEY": PUB}
    args = ("call", "--list", "5559998888")
    runs = {
        "success via the sandbox": (
            [*args, "--phone-to-call", "5551112222", "--api-url", "sandbox"], pair, 0),
        "failed via the sandbox": (
            [*args, "--phone-to-call", "5551112220", "--api-url", "sandbox", "--json"], public, 1),
        "invalid": ([*args, "--phone-to-call", "5551112222", "--timeout", "5"], pair, 2),
        "network error": ([*args, "--phone-to-call", "5551112222"],
                          {**pair, "FINDME_API_URL": f"http://127.0.0.1:{closed_port()}/x"}, 3),
    }  # fmt: skip
    outputs = []
    with ThreadedService() as quoting_url:
        runs["a reply quoting the key"] = (
            [*args, "--phone-to-call", "5551112222", "--api-url", quoting_url],
            public,
            1,
        )
        for name, (argv, env, code) in runs.items():
            done = run_cli(*argv, env=env)
            assert done.returncode == code, (name, done.stdout, done.stderr)
            outputs.append((f"{name} stdout", done.stdout.encode()))
            outputs.append((f"{name} stderr", done.stderr.encode()))
    for argv, stdin in ((["history", "--json"], None), (["account"], None),
                        (["account", "set", "--key-stdin"], PUB + "\n")):  # fmt: skip
        done = run_cli(*argv, stdin=stdin)
        outputs.append((" ".join(argv), (done.stdout + done.stderr).encode()))

    assert leaks(outputs) == []
    assert leaks(home_files(home)) == []
    history = json.loads(outputs[-3][1])
    assert [r["status"] for r in history] == ["failed", "network", "failed", "success"]
    assert history[0]["description"].startswith("unknown credentials *** /")


@pytest.mark.parametrize("form", ["raw", "xml", "text", "json"])
def test_a_service_echoing_the_query_leaks_no_secret_from_the_command_line(
    home: Path, run_cli, form: str
) -> None:
    pair = {"FINDME_ACCESS_KEY": AK, "FINDME_SECRET_ACCESS_KEY": SK}
    call = ("call", "--list", "5559998888", "--phone-to-call", "5551112222", "--api-url")
    outputs = []
    service = ThreadedService(echoing(form))
    with service as url:
        for name, env, flags in (("keypair", pair, ["--json"]), ("key", {"FINDME_KEY": PUB}, [])):
            done = run_cli(*call, url, *flags, env=env)
            assert done.returncode in (1, 3), (done.stdout, done.stderr)  # failed, or unknown
            outputs += [
                (f"{name} stdout", done.stdout.encode()),
                (f"{name} stderr", done.stderr.encode()),
            ]
    # The sweep can fail: the service did get the secrets, percent-encoded, and echoed them.
    sent = " ".join(service.server.queries)
    assert all(quote(s, safe="") in sent for s in SWEPT)
    for argv in (["history"], ["history", "--json"]):
        done = run_cli(*argv, env=pair)
        outputs.append((" ".join(argv), (done.stdout + done.stderr).encode()))

    assert leaks(outputs) == []
    assert leaks(home_files(home)) == []
    history = json.loads(outputs[-1][1])
    assert len(history) == 2
    if form in ("xml", "text"):  # a failed result: its description quotes the query, masked
        assert all(r["description"].startswith("bad request: ") for r in history), history
        assert all("key=***" in r["description"] for r in history), history
