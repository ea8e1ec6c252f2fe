"""The engine's parts, built once at start and passed to the window or a command."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field

import httpx

from console import paths
from console.calls import CallService
from console.client import FindMeClient, check_api_url, make_http_client
from console.credentials import SANDBOX_CREDENTIALS, Credentials, Vault
from console.settings import Settings
from console.store import Store

log = logging.getLogger(__name__)

SANDBOX = "sandbox"
API_URL_ENV = "FINDME_API_URL"


@dataclass
class Engine:
    """Settings, store, keyring vault, the shared HTTP client and, when in use, the sandbox."""

    settings: Settings
    store: Store
    vault: Vault
    http: httpx.AsyncClient
    api_url: str
    sandbox: object | None = None  # console.sandbox.Sandbox, imported only when used
    notices: list[str] = field(default_factory=list)

    @property
    def uses_sandbox(self) -> bool:
        return self.sandbox is not None

    @property
    def calls(self) -> CallService:
        return CallService(self.store, FindMeClient(self.http, self.api_url))

    async def credentials(self) -> Credentials | None:
        """The credentials to call with: the sandbox's, else the keyring's (off the loop)."""
        if self.uses_sandbox:
            return SANDBOX_CREDENTIALS
        return await asyncio.to_thread(self.vault.load)

    async def apply_account(self, override: str | None = None) -> None:
        """Re-read the account settings: start or stop the sandbox, aim calls at the new URL.

        Calls already in flight keep the client they started with.
        """
        url = resolve_api_url(self.settings, override)
        if url == SANDBOX:
            if self.sandbox is None:
                self.sandbox = await _start_sandbox(self.settings, self.http, None)
            self.api_url = self.sandbox.url
            return
        problem = check_api_url(url)
        if problem:
            raise ValueError(problem)
        if self.sandbox is not None:
            await self.sandbox.stop()
            self.sandbox = None
        self.api_url = url

    async def close(self) -> None:
        if self.sandbox is not None:
            await self.sandbox.stop()
        await self.http.aclose()
        self.store.close()


def resolve_api_url(settings: Settings, override: str | None = None) -> str:
    """--api-url, else $FINDME_API_URL, else the account setting; "sandbox" for the simulator."""
    if override:
        return override
    if os.environ.get(API_URL_ENV):
        return os.environ[API_URL_ENV]
    if settings.get("account.mode") == SANDBOX:
        return SANDBOX
    return settings.get("account.api_url")


async def _start_sandbox(settings: Settings, http: httpx.AsyncClient, time_scale: float | None):
    from console.sandbox import Sandbox  # imported only when the sandbox is in use

    scale = time_scale if time_scale is not None else settings.get("sandbox.time_scale")
    sandbox = Sandbox(time_scale=scale, http=http)
    await sandbox.start()
    return sandbox


async def start_engine(
    *, api_url: str | None = None, vault: Vault | None = None, time_scale: float | None = None
) -> Engine:
    """Open the store and settings, and start the sandbox when the account is the sandbox."""
    settings = Settings(paths.settings_path())
    store = Store.open(paths.store_path())
    notices = [settings.notice] if settings.notice else []
    if store.recovered_calls:
        notices.append(
            f"{store.recovered_calls} call(s) were pending when the console last stopped; "
            "they are marked outcome unknown (interrupted)."
        )
    http = make_http_client()
    url = resolve_api_url(settings, api_url)
    sandbox = None
    if url == SANDBOX:
        sandbox = await _start_sandbox(settings, http, time_scale)
        url = sandbox.url
    else:
        problem = check_api_url(url)
        if problem:
            await http.aclose()
            store.close()
            raise ValueError(problem)
    engine = Engine(settings, store, vault or Vault(), http, url, sandbox, notices)
    if engine.vault.warning and not engine.uses_sandbox:
        notices.append(f"Credentials: {engine.vault.warning}.")
    return engine
