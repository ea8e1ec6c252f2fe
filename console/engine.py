"""The engine's parts, built once at start and passed to the window or a command."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

from console import paths
from console.account import SANDBOX, AccountService
from console.calls import CallService
from console.credentials import SANDBOX_CREDENTIALS, Credentials, Vault
from console.settings import (
    ACCOUNT_API_URL,
    ACCOUNT_MODE,
    ACCOUNT_TRUSTED_CA,
    SANDBOX_TIME_SCALE,
    Settings,
)
from console.store import Store
from console.urls import check_api_url

if TYPE_CHECKING:
    import httpx

    from console.calls.client import FindMeClient

log = logging.getLogger(__name__)

API_URL_ENV = "FINDME_API_URL"


class Engine:
    """Settings, store, keyring vault, the shared HTTP client and, when in use, the sandbox.

    Started with ``start_engine(later=True)`` (the window), the HTTP client and the sandbox
    are only made by ``start_later()``, once the window is shown: ``api_url`` is "sandbox"
    and ``http`` None until then, and ``ready()`` waits for them.

    ``calls`` is made once, with the engine, and keeps the calls in flight for the whole run;
    each call is sent with the client of the moment it starts (``current_client``), so a
    changed account or trusted certificate applies to the next call, not to those in flight.
    """

    # A plain class, not a dataclass: one is made by compiling its methods at import.
    def __init__(
        self,
        settings: Settings,
        store: Store,
        vault: Vault,
        http: httpx.AsyncClient | None,
        api_url: str,
        sandbox: object | None = None,
        start_notices: list[str] | None = None,
        trusted_ca: str = "",
    ) -> None:
        self.settings = settings
        self.store = store
        self.vault = vault
        self.http = http
        self.api_url = api_url
        self.sandbox = sandbox  # console.sandbox.Sandbox, imported only when used
        self.start_notices: list[str] = start_notices if start_notices is not None else []
        self._starting: asyncio.Task[None] | None = None
        # The certificate file ``http`` trusts besides the usual authorities ("" for none).
        self.trusted_ca = trusted_ca
        # Clients replaced when the trusted certificate changed: calls in flight finish on them.
        self._retired: list[httpx.AsyncClient] = []
        self.calls = CallService(self.store, self.current_client)
        # The account operations (the window's Account dialog); apply_account() then uses them.
        self.account = AccountService(self.settings, self.vault)

    def __repr__(self) -> str:
        return f"Engine(api_url={self.api_url!r}, store={self.store!r})"

    @property
    def uses_sandbox(self) -> bool:
        return self.sandbox is not None or self.api_url == SANDBOX

    @property
    def notices(self) -> list[str]:
        """What to tell the person at start; the keyring is only asked when it is in use."""
        notices = list(self.start_notices)
        if not self.uses_sandbox and self.vault.warning:
            notices.append(f"Credentials: {self.vault.warning}.")
        return notices

    def current_client(self) -> FindMeClient:
        """The client for a call starting now: the shared HTTP client, at the API URL in use.

        Raises RuntimeError while the engine is starting (``await ready()`` first).
        """
        if self.http is None or self.api_url == SANDBOX:
            raise RuntimeError("the engine is still starting: await engine.ready() first")
        from console.calls.client import FindMeClient

        return FindMeClient(self.http, self.api_url)

    def start_later(self, time_scale: float | None = None) -> asyncio.Task[None]:
        """Make the HTTP client and start the sandbox in the background (see the class)."""
        failed = self._starting is not None and self._starting.done()
        if failed and (self._starting.cancelled() or self._starting.exception()):
            self._starting = None  # try again: the last start failed
        if self._starting is None:
            self._starting = asyncio.get_running_loop().create_task(
                self._finish_start(time_scale), name="engine start"
            )
        return self._starting

    async def _finish_start(self, time_scale: float | None) -> None:
        if self.http is None:
            # Off the loop: importing httpx and loading the CA certificates take a while.
            trusted = self.settings.get(ACCOUNT_TRUSTED_CA)
            try:
                self.http = await asyncio.to_thread(_make_http_client, trusted)
                self.trusted_ca = trusted
            except ValueError as exc:
                # The safe side: nothing more than the usual authorities is trusted.
                notice = f"{exc}; only the usual certificate authorities are trusted."
                log.warning(notice)
                self.start_notices.append(notice[:1].upper() + notice[1:])
                self.http = await asyncio.to_thread(_make_http_client)
        if self.api_url == SANDBOX:
            self.sandbox = await _start_sandbox(self.settings, self.http, time_scale)
            self.api_url = self.sandbox.url
        # Off the loop too, what the first call would otherwise load in the middle of the
        # window's work (~0.1 s each): anyio's backend for httpcore, and the phone number rules.
        await asyncio.to_thread(_warm_up)

    async def ready(self) -> None:
        """Wait until the HTTP client and the sandbox (when in use) are up."""
        if self.http is None or self.api_url == SANDBOX:
            await asyncio.shield(self.start_later())

    async def credentials(self) -> Credentials | None:
        """The credentials to call with: the sandbox's, else the keyring's (off the loop).

        Raises KeyringProblem (a LocalProblem) when the keyring is locked, fails or does not
        answer in time.
        """
        await self.ready()
        if self.uses_sandbox:
            return SANDBOX_CREDENTIALS
        return await self.vault.load_async()

    async def apply_account(self, override: str | None = None) -> None:
        """Re-read the account settings: start or stop the sandbox, aim calls at the new URL.

        Calls already in flight keep the client they started with; ``calls`` (and its calls in
        flight) stays the same, and sends the next call with the new client.
        """
        await self.ready()
        url = resolve_api_url(self.settings, override)
        if url == SANDBOX:
            if self.sandbox is None:
                self.sandbox = await _start_sandbox(self.settings, self.http, None)
            self.api_url = self.sandbox.url
            return
        problem = check_api_url(url)
        if problem:
            raise ValueError(problem)
        trusted = self.settings.get(ACCOUNT_TRUSTED_CA)
        if trusted != self.trusted_ca:
            # A new client for the new trust (ValueError says why the file cannot be used).
            http = await asyncio.to_thread(_make_http_client, trusted)
            self._retired.append(self.http)
            self.http, self.trusted_ca = http, trusted
        if self.sandbox is not None:
            await self.sandbox.stop()
            self.sandbox = None
        self.api_url = url

    async def close(self) -> None:
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            await asyncio.gather(self._starting, return_exceptions=True)
        if self.sandbox is not None:
            await self.sandbox.stop()
        for http in [*self._retired, self.http]:
            if http is not None:
                await http.aclose()
        self.store.close()


def resolve_api_url(settings: Settings, override: str | None = None) -> str:
    """--api-url, else $FINDME_API_URL, else the account setting; "sandbox" for the simulator."""
    if override:
        return override
    if os.environ.get(API_URL_ENV):
        return os.environ[API_URL_ENV]
    if settings.get(ACCOUNT_MODE) == SANDBOX:
        return SANDBOX
    return settings.get(ACCOUNT_API_URL)


def _make_http_client(trusted_ca: str = "") -> httpx.AsyncClient:
    """The shared client, trusting ``trusted_ca`` besides the usual authorities."""
    # httpx, off the window's thread
    from console.calls.client import make_http_client
    from console.calls.tls import tls_verify

    return make_http_client(verify=tls_verify(trusted_ca))


def _warm_up() -> None:
    import anyio._backends._asyncio  # noqa: F401 - httpcore imports it on the first request
    import anyio.streams.tls  # noqa: F401

    _load_phone_rules()


def _import_sandbox() -> None:
    import console.sandbox  # noqa: F401


def _load_phone_rules() -> None:
    from console.phone import check_phone

    # Imports phonenumbers and loads North America's metadata: a 555 number is not assigned,
    # so checking it walks every region of +1, as the sandbox's numbers do.
    check_phone("(555) 555-0123")


async def _start_sandbox(settings: Settings, http: httpx.AsyncClient, time_scale: float | None):
    await asyncio.to_thread(_import_sandbox)  # off the loop: aiohttp's import is the slow part
    from console.sandbox import Sandbox  # imported only when the sandbox is in use

    scale = time_scale if time_scale is not None else settings.get(SANDBOX_TIME_SCALE)
    sandbox = Sandbox(time_scale=scale, http=http)
    await sandbox.start()
    return sandbox


async def start_engine(
    *,
    api_url: str | None = None,
    vault: Vault | None = None,
    time_scale: float | None = None,
    later: bool = False,
) -> Engine:
    """Open the store and settings, and start the sandbox when the account is the sandbox.

    ``later``: leave the HTTP client and the sandbox to ``Engine.start_later()``, so a window
    can be shown first (see Engine).
    """
    settings = Settings(paths.settings_path())
    store = Store.open(paths.store_path())
    notices = [settings.notice] if settings.notice else []
    if store.merged_calls:
        n = store.merged_calls
        results = "1 call result that" if n == 1 else f"{n} call results that"
        were = "was" if n == 1 else "were"
        notices.append(
            f"{results} the history could not take at the time {were} added to it from the journal."
        )
    if store.recovered_calls:
        n = store.recovered_calls
        calls = "1 call was" if n == 1 else f"{n} calls were"
        them = "it is" if n == 1 else "they are"
        notices.append(
            f"{calls} pending when the console last stopped; {them} marked outcome unknown "
            "(interrupted)."
        )
    url = resolve_api_url(settings, api_url)
    if url != SANDBOX:
        problem = check_api_url(url)
        if problem:
            store.close()
            raise ValueError(problem)
    engine = Engine(settings, store, vault or Vault(), None, url, None, notices)
    if not later:
        try:
            await engine.start_later(time_scale)
        except BaseException:
            await engine.close()
            raise
    return engine
