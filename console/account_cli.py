"""`account`: show, set or forget the account from a provisioning script.

The operations are console.account's, as in the window; this module reads the command line,
stdin and the environment, and says what happened.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from console import paths
from console.account import (
    KEY,
    KEYPAIR,
    AccountDetails,
    AccountInputError,
    AccountService,
    OnlyInMemory,
    checked_credentials,
    describe_certificate,
)
from console.credentials import Credentials, Vault
from console.settings import Settings

# The credentials' fields as the command reads them, for its messages.
_READ_AS = {
    "key": "the key read from stdin",
    "access_key": "the access key",
    "secret_access_key": "the secret read from stdin",
}
EXIT_REFUSED = 2  # bad input: nothing changed
EXIT_NOT_STORED = 3  # no keyring: a secret kept in memory ends with the command


def _read_secret(what: str) -> str:
    # One line of stdin: a secret on the command line is visible in the process list.
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"{what}: ").strip()
    return sys.stdin.readline().strip()


def trusted_text(path: str) -> str:
    """The trusted certificate, for a person: its path and fingerprint, or that there is none."""
    trusted = describe_certificate(path)
    if trusted is None:
        return "none (the usual certificate authorities only)"
    if trusted.fingerprint is None:
        return f"{trusted.path} (cannot be read: {trusted.problem})"
    return f"{trusted.path} (SHA-256 {trusted.fingerprint})"


def show(service: AccountService) -> int:
    state, vault = service.state(), service.vault
    print(f"mode: {state.mode}")
    if not state.sandbox:
        print(f"label: {state.label or '-'}")
        print(f"api_url: {state.api_url}")
        # A keyring that is locked or does not answer raises (exit 4): never "none stored".
        stored = vault.load()
        none = "none for this run (see the note)" if vault.in_memory else "none stored"
        print(f"credentials: {stored.mode if stored else none}")
    print(f"trusted certificate: {trusted_text(state.trusted_ca)}")
    print(f"secrets stored in: {vault.location}")
    if vault.warning:
        print(f"note: {vault.warning}")
    return 0


def _refuse(text: str) -> int:
    print(f"account set: {text}", file=sys.stderr)
    return EXIT_REFUSED


def run_account(args: argparse.Namespace, vault: Vault) -> int:
    """Dispatch `account`, `account set ...` and `account forget`."""
    service = AccountService(Settings(paths.settings_path()), vault)
    if args.account_command is None:
        return show(service)
    if args.account_command == "forget":
        asyncio.run(service.forget())
        print(f"Stored credentials deleted from {vault.location}.")
        return 0
    trusted_ca = None  # as it is
    if args.trust_cert:
        trusted_ca = args.trust_cert
    elif args.no_trust_cert:
        trusted_ca = ""
    try:
        # Checked before any secret is asked for.
        details = AccountDetails(args.label, args.api_url or None, trusted_ca).checked()
    except AccountInputError as exc:
        return _refuse(str(exc))
    # The access key comes from stdin, FINDME_ACCESS_KEY or the flag (which the process list
    # shows to every user of the computer).
    env_access_key = ""
    chosen = args.sandbox or args.key_stdin or args.access_key or args.access_key_stdin
    if args.secret_stdin and not chosen:
        env_access_key = os.environ.get("FINDME_ACCESS_KEY", "").strip()
        if not env_access_key:
            return _refuse(
                "--secret-stdin needs the access key: --access-key-stdin, "
                "FINDME_ACCESS_KEY or --access-key"
            )
    keypair = bool(args.access_key or args.access_key_stdin or env_access_key)
    if not (args.sandbox or args.key_stdin or keypair):
        if not details.settings():
            return _refuse(
                "say what to set: --sandbox, --key-stdin, --access-key-stdin, "
                "--trust-cert, --api-url or --label"
            )
        asyncio.run(service.save_details(details))
        print("Account settings saved.")
        print(f"trusted certificate: {trusted_text(service.state().trusted_ca)}")
        return 0
    if args.sandbox:
        asyncio.run(service.use_sandbox(details))
        print("Account set to the sandbox: no real calls are placed.")
        return 0
    if args.key_stdin:
        auth, credentials = KEY, Credentials(key=_read_secret("Public key"))
    else:
        if not args.secret_stdin:
            flag = "--access-key-stdin" if args.access_key_stdin else "--access-key"
            return _refuse(f"{flag} needs --secret-stdin")
        if args.access_key_stdin:
            access_key = _read_secret("Access key")
        else:
            access_key = args.access_key or env_access_key
        auth = KEYPAIR
        credentials = Credentials(
            access_key=access_key, secret_access_key=_read_secret("Secret access key")
        )
    try:
        # Here first, to name the fields as they were read.
        checked_credentials(auth, credentials, _READ_AS)
        asyncio.run(service.use_account(auth, credentials, details, memory_ok=False))
    except AccountInputError as exc:
        return _refuse(str(exc))
    except OnlyInMemory as exc:
        # A command ends with its process, so a memory-only secret is gone at once: say so.
        print(f"account set: not stored, {exc.reason}", file=sys.stderr)
        return EXIT_NOT_STORED
    print(f"Credentials stored in {vault.location}.")
    return 0
