"""`account`: show, set or forget the account from a provisioning script."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console import paths
from console.client import certificate_fingerprint, check_api_url, tls_verify
from console.credentials import Credentials, Vault
from console.settings import Settings


def _read_secret(what: str) -> str:
    # Read from stdin only: a secret on the command line is visible in the process list.
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
    if not (args.sandbox or args.key_stdin or args.access_key):
        if args.api_url or args.label is not None or args.trust_cert or args.no_trust_cert:
            settings.save()
            print("Account settings saved.")
            print(f"trusted certificate: {trusted_text(settings.get('account.trusted_ca'))}")
            return 0
        print(
            "account set: say what to set: --sandbox, --key-stdin, --access-key, "
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
    else:
        if not args.secret_stdin:
            print("account set: --access-key needs --secret-stdin", file=sys.stderr)
            return 2
        credentials = Credentials(
            access_key=args.access_key, secret_access_key=_read_secret("Secret access key")
        )
    needed = (
        [credentials.key] if args.key_stdin else [args.access_key, credentials.secret_access_key]
    )
    if not all(value and value.strip() for value in needed):
        print("account set: the secret read from stdin is empty", file=sys.stderr)
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
