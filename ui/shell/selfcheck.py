"""`--self-check`: proves a build (frozen or not) has what the console needs at run time.

Each check prints one line; the exit code is 0 only when every check passed. CI runs it on
the PyInstaller bundle, headless, where a missing plugin, keyring backend or CA bundle would
otherwise only show on an agent's desk.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from console import APP_NAME, __version__
from console.paths import HOME_ENV

LEAD = "5551112222"  # answers after 2 simulated seconds
TEAM_LIST = "5559998885"
TIME_SCALE = 0.01  # simulated seconds x 0.01: the call takes a few hundredths of a second
CALL_DEADLINE_SECONDS = 30


class CheckFailed(Exception):
    """A check that ran but found something wrong."""


def _qt() -> str:
    """Qt loads: on the screen there is, else offscreen."""
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not os.environ.get("QT_QPA_PLATFORM"):
        # No screen (CI, ssh): offscreen still loads Qt, its fonts and its image plugins.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.common.pyside_setup import choose_enum_options

    ours = choose_enum_options()  # as the window starts: a bundle that breaks it fails here
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import Qt, qVersion
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    if ours and hasattr(Qt, "Alignment"):
        raise CheckFailed("PySide6 ignored the console's enum options (Qt.Alignment is there)")
    return f"Qt {qVersion()}, PySide6 {pyside_version}, platform {app.platformName()}"


def _icon() -> str:
    """The bundled SVG icon renders (resources/ and the SVG icon engine are there)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from ui.common.resources import asset_path

    path = asset_path("icons/findme.svg")
    if not path.exists():
        raise CheckFailed(f"{path} is missing")
    # Rendering needs the SVG icon engine plugin: this is what a too-eager Qt filter breaks.
    pixmap = QIcon(str(path)).pixmap(QSize(64, 64))
    if pixmap.isNull():
        raise CheckFailed(f"{path} does not render (is the SVG icon engine bundled?)")
    return f"{path.name} renders at {pixmap.width()}x{pixmap.height()}"


def _keyring() -> str:
    """keyring's backends are found through its metadata, and their libraries import."""
    from importlib.metadata import entry_points

    import keyring
    from keyring.backend import get_all_keyring

    # keyring finds its backends through package metadata; a bundle without it has none.
    points = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not points:
        raise CheckFailed("no keyring.backends entry points: keyring's metadata is not bundled")
    if sys.platform.startswith("linux"):
        import jeepney  # noqa: F401  (the Secret Service backend talks D-Bus through these)
        import secretstorage  # noqa: F401
    backends = sorted(
        type(b).__module__.removeprefix("keyring.backends.") for b in get_all_keyring()
    )
    chosen = keyring.get_keyring()
    return (
        f"entry points {', '.join(points)}; viable now: {', '.join(backends) or 'none'}; "
        f"in use: {getattr(chosen, 'name', type(chosen).__name__)}"
    )


def _tls() -> str:
    """certifi's CA file loads, and it is what httpx trusts for verify=True."""
    import ssl

    import certifi
    import httpx

    path = certifi.where()
    if not os.path.isfile(path):
        raise CheckFailed(f"certifi's CA bundle {path} is missing")
    count = ssl.create_default_context(cafile=path).cert_store_stats()["x509_ca"]
    if count == 0:
        raise CheckFailed(f"{path} holds no CA certificate")
    # The console's client passes verify=True, for which httpx builds this context; leaving
    # out the environment shows what it trusts where SSL_CERT_FILE/SSL_CERT_DIR are unset.
    used = httpx.create_ssl_context(trust_env=False).cert_store_stats()["x509_ca"]
    if used != count:
        raise CheckFailed(f"httpx trusts {used} CAs, not the {count} of {path}")
    override = os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")
    note = f" (here SSL_CERT_FILE/SSL_CERT_DIR take precedence: {override})" if override else ""
    return f"certifi {certifi.__version__}: {count} CAs in {path}; httpx uses it{note}"


class Checks:
    """Runs checks, prints one line per check, and remembers which failed."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def run(self, name: str, check: Callable[[], str]) -> bool:
        """Run one check and print its line; False when it raised."""
        try:
            detail = check()
        except Exception as exc:
            self.fail(name, f"{type(exc).__name__}: {exc}")
            return False
        print(f"ok   {name}: {detail}", flush=True)
        return True

    def fail(self, name: str, why: str) -> None:
        """Record and print a failed check."""
        self.failed.append(name)
        print(f"FAIL {name}: {why}", flush=True)


@contextmanager
def _temporary_home() -> Iterator[str]:
    """A throwaway FINDME_HOME, so the check never touches the agent's store."""
    previous = os.environ.get(HOME_ENV)
    with tempfile.TemporaryDirectory(prefix="findme-selfcheck-") as folder:
        os.environ[HOME_ENV] = folder
        try:
            yield folder
        finally:
            if previous is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous


async def _store_and_call(checks: Checks) -> None:
    """Open the store, start the sandbox, place one call through CallService."""
    from keyring.backends.fail import Keyring as NoKeyring

    from console.calls import CallPlan
    from console.credentials import SANDBOX_CREDENTIALS, Vault
    from console.engine import start_engine
    from console.paths import store_path

    try:
        # A memory-only vault: the sandbox needs no secret, and a check leaves the real one be.
        engine = await start_engine(
            api_url="sandbox", vault=Vault(NoKeyring()), time_scale=TIME_SCALE
        )
    except Exception as exc:
        checks.fail("store", f"the engine did not start: {type(exc).__name__}: {exc}")
        checks.fail("call", "skipped, the engine did not start")
        return
    try:
        checks.run("store", lambda: f"opened {store_path()} ({engine.store.count_calls()} calls)")
        started = time.monotonic()
        try:
            placed = await asyncio.wait_for(
                engine.calls.place(CallPlan(LEAD, TEAM_LIST), SANDBOX_CREDENTIALS),
                CALL_DEADLINE_SECONDS,
            )
        except Exception as exc:
            checks.fail("call", f"{type(exc).__name__}: {exc}")
            return
        seconds = time.monotonic() - started

        def call() -> str:
            record = engine.store.get_call(placed.call_id)
            result = placed.result
            if result.status != "success" or record is None or record.sid != result.sid:
                raise CheckFailed(f"{result.status}: {result.description}")
            return (
                f"{LEAD} with list {TEAM_LIST} on the sandbox ({engine.api_url}): "
                f"{record.status}, sid {record.sid}, in {seconds:.2f} s"
            )

        checks.run("call", call)
    finally:
        await engine.close()


def _store_and_call_on_qasync(checks: Checks) -> None:
    """The store and call checks on a qasync loop, as the window runs them."""
    # The window's own arrangement: Qt's event loop serving asyncio, through qasync.
    from ui.common.pyside_setup import settle_after_import

    settle_after_import()
    import qasync
    from PySide6.QtWidgets import QApplication

    with _temporary_home():
        loop = qasync.QEventLoop(QApplication.instance())
        try:
            loop.run_until_complete(_store_and_call(checks))
        finally:
            loop.close()
            asyncio.set_event_loop(None)


def run() -> int:
    """Run every check, print one line each, and return 0 only if all of them passed."""
    # Only errors reach the terminal: the memory-only vault's warning is expected here.
    logging.basicConfig(level=logging.ERROR, format="  log: %(name)s: %(message)s")
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    print(f"{APP_NAME} {__version__} self-check ({frozen}, Python {sys.version.split()[0]})")
    checks = Checks()
    qt_ok = checks.run("qt", _qt)
    if qt_ok:
        checks.run("icon", _icon)
    checks.run("keyring", _keyring)
    checks.run("tls", _tls)
    if qt_ok:
        try:
            _store_and_call_on_qasync(checks)
        except Exception as exc:  # the loop itself failed, not one check
            checks.fail("qasync", f"{type(exc).__name__}: {exc}")
    else:
        checks.fail("store", "skipped, Qt did not load")
        checks.fail("call", "skipped, Qt did not load")
    if checks.failed:
        print(f"self-check FAILED: {', '.join(checks.failed)}")
        return 1
    print("self-check passed")
    return 0
