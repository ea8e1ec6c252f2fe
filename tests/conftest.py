"""Shared fixtures: a private data folder per test, offscreen Qt, one qasync loop per test."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from tests.netguard.sitecustomize import ENV as NETGUARD_ENV
from tests.netguard.sitecustomize import guard_lookups
from ui.common.pyside_setup import choose_enum_options, settle_after_import

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite runs PySide6 as the window does (set before pytest-qt loads it; see the module).
choose_enum_options()
settle_after_import()
ROOT = Path(__file__).resolve().parent.parent
NETGUARD = Path(__file__).resolve().parent / "netguard"


def pytest_configure(config: pytest.Config) -> None:
    """Tests send traffic only to loopback, child processes included.

    pytest-socket (``--allow-hosts`` in pyproject's addopts) refuses other connections in this
    process; the same hosts are handed to every Python process a test starts, which loads
    tests/netguard/sitecustomize.py and refuses them there. Name lookups are guarded too.
    """
    allowed = config.getoption("--allow-hosts", default=None)
    if not allowed or config.getoption("--force-enable-socket", default=False):
        return
    guard_lookups()
    os.environ[NETGUARD_ENV] = allowed
    os.environ["PYTHONPATH"] = child_pythonpath()


def child_pythonpath() -> str:
    """PYTHONPATH for a Python process a test starts: this worktree's sources win, and the
    network guard is loaded (when the suite runs with one)."""
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    guard = [str(NETGUARD)] if os.environ.get(NETGUARD_ENV) else []
    wanted = [str(ROOT), *guard]
    return os.pathsep.join(wanted + [p for p in inherited if p not in wanted])


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps entries in a dict: the CI job tests the OS one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh FINDME_HOME, so no test sees another's store or settings."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("FINDME_HOME", str(folder))
    monkeypatch.delenv("FINDME_API_URL", raising=False)
    for name in ("FINDME_KEY", "FINDME_ACCESS_KEY", "FINDME_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def cli_env(home: Path) -> dict[str, str]:
    """Environment for running `python main.py ...` as a subprocess against `home`."""
    env = dict(os.environ)
    env["FINDME_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONPATH"] = child_pythonpath()
    return env


@pytest.fixture
def run_cli(cli_env: dict[str, str]) -> Callable[..., Any]:
    import subprocess

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout=60):
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**cli_env, **(env or {})},
            timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, with the translators ui.shell.app installs."""
    from ui.common.words import install_translators

    installed = install_translators(qapp)
    yield qapp
    for translator in installed:
        qapp.removeTranslator(translator)


@pytest.fixture
def loop(qapp):
    """A qasync loop per test, as in qasync's own tests; loop errors fail the test."""
    import qasync

    from ui.common.tasks import install_asyncgen_hooks

    event_loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(event_loop)
    hooks = install_asyncgen_hooks(event_loop)  # as ui.shell.app does for the window's loop
    errors: list[dict[str, Any]] = []
    event_loop.set_exception_handler(lambda _loop, context: errors.append(context))
    yield event_loop
    try:
        for _ in range(2):  # again for the tasks that close async generators
            pending = [t for t in asyncio.all_tasks(event_loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                event_loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            event_loop.run_until_complete(event_loop.shutdown_asyncgens())
    finally:
        event_loop.close()
        asyncio.set_event_loop(None)
        sys.set_asyncgen_hooks(*hooks)
        # Collect this loop's Qt timers now, on the UI thread; a later collection inside a
        # worker thread would stop them there and Qt warns "Timers cannot be stopped...".
        gc.collect()
    if errors:
        raise AssertionError(f"errors on the event loop: {errors}")


@pytest.fixture
def arun(loop) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """Run a coroutine on the test's qasync loop, with a deadline."""

    def run(coro: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        return loop.run_until_complete(asyncio.wait_for(coro, timeout))

    return run


async def until(condition: Callable[[], Any], timeout: float = 10, what: str = "") -> Any:
    """Wait, letting the loop and Qt run, until ``condition()`` is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.01)


# The team server: one throwaway PostgreSQL cluster per session (tests/pg.py), a database per
# test made from a migrated template. Skipped with the reason when PostgreSQL cannot be had,
# unless FINDME_REQUIRE_POSTGRES=1 (CI), where that fails instead.
@pytest.fixture(scope="session")
def pg_cluster() -> Any:
    from tests import pg

    why = pg.unavailable()
    if why:
        if os.environ.get(pg.REQUIRE_ENV) == "1":
            pytest.fail(f"PostgreSQL is required ({pg.REQUIRE_ENV}=1) but {why}")
        pytest.skip(f"team tests need PostgreSQL: {why}")
    cluster = pg.start_cluster()
    try:
        import psycopg

        from console.store.postgres import migrate

        cluster.admin(f"CREATE DATABASE {pg.TEMPLATE}")
        with psycopg.connect(cluster.admin_url(pg.TEMPLATE), autocommit=True) as conn:
            migrate(conn)  # the schema and the two group roles, as `team init` makes them
        for user, group in ((pg.LEAD_USER, "findme_lead"), (pg.AGENT_USER, "findme_agent")):
            cluster.admin(f"CREATE ROLE {user} LOGIN PASSWORD '{pg.ROLE_PASSWORD}' IN ROLE {group}")
        yield cluster
    finally:
        pg.destroy(cluster)


@pytest.fixture
def pg_db(pg_cluster: Any) -> Any:
    """The name of a fresh, migrated database of its own; dropped afterwards."""
    import uuid

    from tests import pg

    name = f"t_{uuid.uuid4().hex[:16]}"
    pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {pg.TEMPLATE}")
    yield name
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def team_url(pg_cluster: Any, pg_db: str) -> str:
    """The superuser's URL (password included) of this test's fresh team database."""
    return pg_cluster.admin_url(pg_db)


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Each store engine in turn, empty: SQLite in a temp folder, PostgreSQL in a fresh db."""
    if request.param == "sqlite":
        from console.store import Store

        opened: Any = Store.open(tmp_path / "data" / "findme.db")
    else:
        from console.store.postgres import PgStore

        opened = PgStore.open(request.getfixturevalue("team_url"), agent="tester")
    yield opened
    opened.close()
