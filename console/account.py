"""The account, one implementation for the window's Account dialog and `account set`.

The sandbox, or a DialogTech account whose credentials (a public key, or an access key pair)
live in the vault; beside them the non-secret settings: label, API URL, trusted certificate.
Every input is checked before anything is written: bad input raises AccountInputError (a
ValueError) naming the field and its rule, and changes nothing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple

from console.credentials import Credentials, Vault
from console.problems import LocalProblem
from console.settings import (
    ACCOUNT_API_URL,
    ACCOUNT_AUTH,
    ACCOUNT_LABEL,
    ACCOUNT_MODE,
    ACCOUNT_TRUSTED_CA,
    Settings,
)
from console.urls import check_api_url

# The values of ACCOUNT_MODE and ACCOUNT_AUTH.
SANDBOX = "sandbox"
DIALOGTECH = "dialogtech"
KEY = "key"  # a public key: limited access
KEYPAIR = "keypair"  # access_key with secret_access_key: full access
Mode = Literal["sandbox", "dialogtech"]
Auth = Literal["key", "keypair"]

# The credentials' fields as a person reads them; a caller may name them by where it read
# them ("the secret read from stdin").
FIELD_NAMES: Mapping[str, str] = {
    "key": "the public key",
    "access_key": "the access key",
    "secret_access_key": "the secret access key",
}
_NEEDED: Mapping[str, tuple[str, ...]] = {
    KEY: ("key",),
    KEYPAIR: ("access_key", "secret_access_key"),
}
_NONE_STORED = {
    KEY: "enter the public key: none is stored yet",
    KEYPAIR: "enter the access key and the secret access key: no key pair is stored yet",
}


class AccountInputError(ValueError):
    """Input the account refuses; nothing was changed.

    ``field`` is what was refused: "api_url", "trusted_ca", "auth", "credentials" or one of
    the credentials' fields ("key", "access_key", "secret_access_key"); the message names it
    and the rule, in words.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)

    def sentence(self) -> str:
        """The message as one sentence for a person: capital first, full stop last."""
        text = str(self)
        return text[:1].upper() + text[1:].rstrip(".") + "."


class OnlyInMemory(LocalProblem):
    """No OS keyring stored the credentials: they are kept for this run only."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the credentials were not stored: {reason}",
            where="the OS keyring",
            hint="set up a keyring, or give the credentials in the environment",
            kind="keyring",
        )
        self.reason = reason


# -- the checks: pure, no writes ----------------------------------------------------------------


def normalised_api_url(text: str) -> str:
    """``text`` as the API URL to store (surrounding blanks removed).

    AccountInputError("api_url") unless it is https://, or http:// on this computer only.
    """
    url = text.strip()
    problem = check_api_url(url)
    if problem:
        raise AccountInputError("api_url", problem)
    return url


def checked_certificate(path: str | os.PathLike[str]) -> str:
    """``path`` as the certificate file to trust: absolute, ``~`` expanded; "" stays "".

    AccountInputError("trusted_ca") when the file cannot be read or holds no PEM certificate.
    """
    if not str(path):
        return ""
    full = str(Path(path).expanduser().resolve())
    from console.calls.tls import tls_verify  # httpx: only when a certificate is chosen

    try:
        tls_verify(full)
    except ValueError as exc:
        raise AccountInputError("trusted_ca", str(exc)) from None
    return full


class TrustedCertificate(NamedTuple):
    """The certificate file trusted besides the usual authorities, for a person.

    ``fingerprint`` is its SHA-256 as browsers show it (colon-separated hex), or None with
    ``problem`` saying why the file cannot be read now.
    """

    path: str
    fingerprint: str | None
    problem: str | None = None


def describe_certificate(path: str) -> TrustedCertificate | None:
    """What ``path`` (the ACCOUNT_TRUSTED_CA setting) holds; None when it is "" (none)."""
    if not path:
        return None
    from console.calls.tls import certificate_fingerprint

    try:
        return TrustedCertificate(path, certificate_fingerprint(path))
    except (OSError, ValueError) as exc:
        return TrustedCertificate(path, None, str(exc))


def checked_credentials(
    auth: Auth, credentials: Credentials, names: Mapping[str, str] = FIELD_NAMES
) -> Credentials:
    """``credentials`` reduced to what ``auth`` uses, blanks removed.

    AccountInputError naming the first empty field (all empty ones in the message, in the
    words of ``names``) when one that ``auth`` needs is empty.
    """
    if auth not in _NEEDED:
        raise AccountInputError("auth", f"the credentials must be {KEY} or {KEYPAIR}")
    values = {name: getattr(credentials, name).strip() for name in _NEEDED[auth]}
    empty = [name for name, value in values.items() if not value]
    if empty:
        are = "is" if len(empty) == 1 else "are"
        rule = (
            " (a key pair needs both the access key and the secret access key)"
            if auth == KEYPAIR
            else ""
        )
        text = " and ".join(names.get(name, FIELD_NAMES[name]) for name in empty)
        raise AccountInputError(empty[0], f"{text} {are} empty{rule}")
    return Credentials(**values)


class AccountDetails(NamedTuple):
    """The non-secret settings to change with an operation; None keeps a value as it is.

    ``trusted_ca`` "" trusts the usual certificate authorities only.
    """

    label: str | None = None
    api_url: str | None = None
    trusted_ca: str | None = None

    def checked(self) -> AccountDetails:
        """These details as they are stored (see normalised_api_url, checked_certificate);
        AccountInputError for the first one refused."""
        return self._replace(
            label=None if self.label is None else self.label.strip(),
            api_url=None if self.api_url is None else normalised_api_url(self.api_url),
            trusted_ca=None if self.trusted_ca is None else checked_certificate(self.trusted_ca),
        )

    def settings(self) -> dict[str, str]:
        """The settings these details set, by key."""
        keys = {
            ACCOUNT_LABEL: self.label,
            ACCOUNT_API_URL: self.api_url,
            ACCOUNT_TRUSTED_CA: self.trusted_ca,
        }
        return {key: value for key, value in keys.items() if value is not None}


KEEP_DETAILS = AccountDetails()  # every detail as it is


class AccountState(NamedTuple):
    """The account as the settings hold it (never a secret)."""

    mode: Mode
    auth: Auth
    label: str
    api_url: str
    trusted_ca: str

    @property
    def sandbox(self) -> bool:
        return self.mode == SANDBOX


# -- the operations -----------------------------------------------------------------------------


class AccountService:
    """The account operations on ``settings`` (the file) and ``vault`` (the keyring).

    Each checks all its input first (AccountInputError: nothing changed), then stores any
    credentials, then writes the settings all at once, off the event loop. A keyring that is
    locked, fails or does not answer raises KeyringProblem, and a settings file that cannot
    be written raises LocalProblem (the settings in memory are left as they were); both are
    LocalProblems: one sentence, exit code 4 on the command line.
    """

    def __init__(self, settings: Settings, vault: Vault) -> None:
        self.settings = settings
        self.vault = vault

    def state(self) -> AccountState:
        s = self.settings
        return AccountState(
            s.get(ACCOUNT_MODE),
            s.get(ACCOUNT_AUTH),
            s.get(ACCOUNT_LABEL),
            s.get(ACCOUNT_API_URL),
            s.get(ACCOUNT_TRUSTED_CA),
        )

    async def save_details(self, details: AccountDetails) -> AccountDetails:
        """Change only the label, API URL or trusted certificate; returns them as stored."""
        checked = await self._checked(details)
        await self._write(checked.settings())
        return checked

    async def use_sandbox(self, details: AccountDetails = KEEP_DETAILS) -> AccountDetails:
        """Switch to the sandbox (no real calls), with ``details``; stored credentials stay."""
        checked = await self._checked(details)
        await self._write({**checked.settings(), ACCOUNT_MODE: SANDBOX})
        return checked

    async def use_account(
        self,
        auth: Auth,
        credentials: Credentials | None,
        details: AccountDetails = KEEP_DETAILS,
        *,
        memory_ok: bool = True,
    ) -> AccountDetails:
        """Switch to the DialogTech account, authenticated by ``auth``.

        ``credentials`` None keeps the stored ones, which must then be of kind ``auth``
        (else AccountInputError("credentials")); given, they replace them.
        ``memory_ok``: True (the window) when credentials that only memory could take still
        switch the account for this run; False (a command, whose run ends now) raises
        OnlyInMemory instead and writes no setting.
        """
        if auth not in _NEEDED:
            raise AccountInputError("auth", f"the credentials must be {KEY} or {KEYPAIR}")
        checked = await self._checked(details)
        if credentials is not None:
            credentials = checked_credentials(auth, credentials)
        else:
            stored = await self.vault.load_async()
            if stored is None or stored.mode != auth:
                raise AccountInputError("credentials", _NONE_STORED[auth])
        if credentials is not None:
            await self.vault.save_async(credentials)  # bounded, never on the loop's thread
            if not memory_ok and self.vault.in_memory:
                raise OnlyInMemory(self.vault.warning or "no OS keyring")
        await self._write({**checked.settings(), ACCOUNT_MODE: DIALOGTECH, ACCOUNT_AUTH: auth})
        return checked

    async def forget(self) -> None:
        """Delete the stored credentials, wherever they are; the settings stay as they are."""
        await asyncio.to_thread(self.vault.forget)  # bounded by the vault itself

    async def _checked(self, details: AccountDetails) -> AccountDetails:
        trusted = details.trusted_ca
        already = trusted is not None and trusted == self.settings.get(ACCOUNT_TRUSTED_CA)
        if already:
            # Trusted already: a file gone since is shown as such, and stops no other change
            # (the engine then trusts the usual authorities only, and says so).
            details = details._replace(trusted_ca=None)
        # Off the loop: reading a certificate loads the usual authorities too (~50 ms).
        checked = await asyncio.to_thread(details.checked)
        return checked._replace(trusted_ca=trusted) if already else checked

    async def _write(self, values: dict[str, Any]) -> None:
        # Set on the caller's thread, written off it; a file that cannot be written leaves
        # the settings in memory as they were, so the window does not run on what is not saved.
        previous = self.settings.assign(values)
        try:
            await asyncio.to_thread(self.settings.save)
        except BaseException:
            self.settings.restore(previous)
            raise
