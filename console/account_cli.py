"""`account`: show, set or forget the account from a provisioning script."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from console import paths
from console.calls.tls import certificate_fingerprint, tls_verify
from console.credentials import Credentials, Vault
from console.settings import Settings
from console.urls import check_api_url


def _read_secret(what: str) -> str:
    # One line of stdin: a secret on the command line is visible in the process list.
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"{what}: ").strip()
    return sys.stdin.readline().strip()


def trusted_text(path: str) -> str:
    """The trusted certificate, for a person: its path and fingerprint, or that there is none."""
    if not path:
        return "none (the usual certificate authorities only)"
    try:
        return f"{path} (SHA-256 {certificate_fingerprint(path)})"
    except (OSError, ValueError) as exc:
        return f"{path} (cannot be read: {exc})"


def show(settings: Settings, vault: Vault) -> int:
    mode = settings.get("account.mode")
    print(f"mode: {mode}")
    if mode != "sandbox":
        print(f"label: {settings.get('account.label') or '-'}")
        print(f"api_url: {settings.get('account.api_url')}")
        # A keyring that is locked or does not answer raises (exit 4): never "none stored".
        stored = vault.load()
        none = "none for this run (see the note)" if vault.in_memory else "none stored"
        print(f"credentials: {stored.mode if stored else none}")
    print(f"trusted certificate: {trusted_text(settings.get('account.trusted_ca'))}")
    print(f"secrets stored in: {vault.location}")
    if vault.warning:
        print(f"note: {vault.warning}")
    return 0


def run_account(args: argparse.Namespace, vault: Vault) -> int:
    """Dispatch `account`, `account set ...` and `account forget`."""
    settings = Settings(paths.settings_path())
    if args.account_command is None:
        return show(settings, vault)
    if args.account_command == "forget":
        vault.forget()
        print(f"Stored credentials deleted from {vault.location}.")
        return 0
    if args.api_url:
        problem = check_api_url(args.api_url)
        if problem:
            print(f"api-url: {problem}", file=sys.stderr)
            return 2
        settings.set("account.api_url", args.api_url)
    if args.label is not None:
        settings.set("account.label", args.label)
    if args.trust_cert:
        path = str(Path(args.trust_cert).expanduser().resolve())
        try:
            tls_verify(path)
        except ValueError as exc:
            print(f"trust-cert: {exc}", file=sys.stderr)
            return 2
        settings.set("account.trusted_ca", path)
    elif args.no_trust_cert:
        settings.set("account.trusted_ca", "")
    # The access key comes from stdin, FINDME_ACCESS_KEY or the flag (which the process list
    # shows to every user of the computer).
    env_access_key = ""
    chosen = args.sandbox or args.key_stdin or args.access_key or args.access_key_stdin
    if args.secret_stdin and not chosen:
        env_access_key = os.environ.get("FINDME_ACCESS_KEY", "").strip()
        if not env_access_key:
            print(
                "account set: --secret-stdin needs the access key: --access-key-stdin, "
                "FINDME_ACCESS_KEY or --access-key",
                file=sys.stderr,
            )
            return 2
    keypair = bool(args.access_key or args.access_key_stdin or env_access_key)
    if not (args.sandbox or args.key_stdin or keypair):
        if args.api_url or args.label is not None or args.trust_cert or args.no_trust_cert:
            settings.save()
            print("Account settings saved.")
            print(f"trusted certificate: {trusted_text(settings.get('account.trusted_ca'))}")
            return 0
        print(
            "account set: say what to set: --sandbox, --key-stdin, --access-key-stdin, "
            "--trust-cert, --api-url or --label",
            file=sys.stderr,
        )
        return 2
    if args.sandbox:
        settings.set("account.mode", "sandbox")
        settings.save()
        print("Account set to the sandbox: no real calls are placed.")
        return 0
    if args.key_stdin:
        credentials = Credentials(key=_read_secret("Public key"))
        empty = [] if credentials.key else ["the key read from stdin"]
    else:
        if not args.secret_stdin:
            flag = "--access-key-stdin" if args.access_key_stdin else "--access-key"
            print(f"account set: {flag} needs --secret-stdin", file=sys.stderr)
            return 2
        if args.access_key_stdin:
            access_key = _read_secret("Access key")
        else:
            access_key = args.access_key or env_access_key
        credentials = Credentials(
            access_key=access_key.strip(), secret_access_key=_read_secret("Secret access key")
        )
        empty = [
            what
            for what, value in (
                ("the access key", credentials.access_key),
                ("the secret read from stdin", credentials.secret_access_key),
            )
            if not value
        ]
    if empty:
        are = "is" if len(empty) == 1 else "are"
        print(f"account set: {' and '.join(empty)} {are} empty", file=sys.stderr)
        return 2
    vault.save(credentials)
    if vault.in_memory:
        # A command ends with its process, so a memory-only secret is gone at once: say so.
        print(f"account set: not stored, {vault.warning}", file=sys.stderr)
        return 3
    settings.set("account.mode", "dialogtech")
    settings.set("account.auth", credentials.mode)
    settings.save()
    print(f"Credentials stored in {vault.location}.")
    return 0
