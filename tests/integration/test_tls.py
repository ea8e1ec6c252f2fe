"""TLS and endpoints: https only (but loopback), and a self-signed certificate refused until the
person chooses to trust it, through the engine and the command line."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console import paths
from console.calls import CallPlan
from console.calls.outcome import NetworkFailure
from console.calls.tls import certificate_fingerprint, tls_verify
from console.credentials import Credentials, Vault
from console.engine import start_engine
from console.settings import Settings
from console.store import Store
from tests.conftest import MemoryKeyring
from tests.faults import VENDOR_SUCCESS, FaultServer, reply, self_signed_cert

PLAN = CallPlan("5551112222", "5559998888|5559997777", {}, lead_name="Ann Lee")
KEY = "TLS-test-public-key"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    made = self_signed_cert(tmp_path)
    if made is None:
        pytest.skip("neither the cryptography package nor openssl can make a certificate")
    return made


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


class Threaded:
    """A FaultServer on its own loop and thread, so a subprocess can call it meanwhile."""

    def __init__(self, server: FaultServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self.server

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def https_server(certificate: tuple[Path, Path]) -> Iterator[FaultServer]:
    with Threaded(FaultServer(reply(VENDOR_SUCCESS), tls=server_tls(certificate))) as server:
        yield server


def account_settings(**values: Any) -> None:
    settings = Settings(paths.settings_path())
    for key, value in {"account.mode": "dialogtech", "account.auth": "key", **values}.items():
        settings.set(key, value)
    settings.save()


# -- the engine -------------------------------------------------------------------------------


def test_a_self_signed_server_is_refused_until_its_certificate_is_trusted(
    home: Path, certificate: tuple[Path, Path]
) -> None:
    cert = str(certificate[0])

    async def main() -> None:
        async with FaultServer(reply(VENDOR_SUCCESS), tls=server_tls(certificate)) as server:
            account_settings(**{"account.api_url": server.url})
            keyring = MemoryKeyring()
            Vault(keyring).save(Credentials(key=KEY))
            engine = await start_engine(vault=Vault(keyring))
            try:
                with pytest.raises(NetworkFailure, match="certificate is not trusted"):
                    await engine.calls.place(PLAN, Credentials(key=KEY))
                assert server.count == 0  # refused in the handshake: no request was sent
                assert engine.trusted_ca == ""
                engine.settings.set("account.trusted_ca", cert)
                refused_client = engine.http
                await engine.apply_account()
                assert engine.trusted_ca == cert and engine.http is not refused_client
                placed = await engine.calls.place(PLAN, Credentials(key=KEY))
                assert placed.result.ok and server.count == 1
                engine.settings.save()
            finally:
                await engine.close()
            assert refused_client.is_closed  # the replaced client is closed with the engine

            # The next start trusts it from the settings, and a person can take it back.
            engine = await start_engine(vault=Vault(keyring))
            try:
                assert engine.trusted_ca == cert
                assert (await engine.calls.place(PLAN, Credentials(key=KEY))).result.ok
                engine.settings.set("account.trusted_ca", "")
                await engine.apply_account()
                with pytest.raises(NetworkFailure, match="certificate is not trusted"):
                    await engine.calls.place(PLAN, Credentials(key=KEY))
                assert server.count == 2
            finally:
                await engine.close()

    asyncio.run(main())
    with Store.open(paths.store_path()) as store:
        statuses = [r.status for r in store.fetch_calls()]
    assert statuses == ["network", "success", "success", "network"]


def test_an_unusable_trusted_certificate_file_trusts_nothing_more(
    home: Path, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    missing = tmp_path / "gone.pem"
    account_settings(**{"account.trusted_ca": str(missing)})

    async def main() -> None:
        async with FaultServer(reply(VENDOR_SUCCESS), tls=server_tls(certificate)) as server:
            engine = await start_engine(api_url=server.url, vault=Vault(MemoryKeyring()))
            try:
                assert engine.trusted_ca == ""
                assert any(str(missing) in n and "usual" in n for n in engine.notices)
                with pytest.raises(NetworkFailure, match="not trusted"):
                    await engine.calls.place(PLAN, Credentials(key=KEY))
            finally:
                await engine.close()

    asyncio.run(main())


@pytest.mark.parametrize("content", ["", "not a certificate\n"])
def test_tls_verify_refuses_a_file_without_a_certificate(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.pem"
    path.write_text(content)
    with pytest.raises(ValueError, match="holds no PEM certificate"):
        tls_verify(str(path))
    assert tls_verify("") is True  # nothing chosen: httpx's own verification, never off


def test_the_trusted_certificate_adds_to_the_usual_authorities(
    certificate: tuple[Path, Path],
) -> None:
    context = tls_verify(str(certificate[0]))
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    usual = httpx.create_ssl_context()  # what the client trusts when nothing is chosen
    assert context.cert_store_stats()["x509"] == usual.cert_store_stats()["x509"] + 1


# -- the command line -------------------------------------------------------------------------


def test_the_command_line_refuses_then_trusts_a_chosen_certificate(
    run_cli, home: Path, certificate: tuple[Path, Path], https_server: FaultServer
) -> None:
    env = {"FINDME_KEY": KEY}
    args = ("call", "--list", "5559998888", "--phone-to-call", "5551112222", "--json")
    refused = run_cli(*args, "--api-url", https_server.url, env=env)
    assert refused.returncode == 3, refused.stderr
    assert "certificate is not trusted" in json.loads(refused.stdout)["result_description"]
    assert https_server.count == 0

    bad = home / "not-a-cert.pem"
    bad.write_text("hello\n")
    refused_file = run_cli("account", "set", "--trust-cert", str(bad))
    assert refused_file.returncode == 2 and "no PEM certificate" in refused_file.stderr
    assert not paths.settings_path().exists()

    trusted = run_cli("account", "set", "--trust-cert", str(certificate[0]))
    assert trusted.returncode == 0, trusted.stderr
    fingerprint = certificate_fingerprint(str(certificate[0]))
    assert fingerprint in trusted.stdout
    shown = run_cli("account")
    assert f"trusted certificate: {certificate[0]} (SHA-256 {fingerprint})" in shown.stdout
    accepted = run_cli(*args, "--api-url", https_server.url, env=env)
    assert accepted.returncode == 0, accepted.stderr
    assert json.loads(accepted.stdout)["sid"] == "181127fc48636186"
    assert https_server.count == 1

    assert run_cli("account", "set", "--no-trust-cert").returncode == 0
    again = run_cli(*args, "--api-url", https_server.url, env=env)
    assert again.returncode == 3 and https_server.count == 1
    assert "the usual certificate authorities only" in run_cli("account").stdout


# -- https only, except on this computer ------------------------------------------------------

CALL = ("call", "--list", "5559998888", "--phone-to-call", "5551112222")


@pytest.mark.parametrize(
    "where", ["flag", "environment", "settings"], ids=["--api-url", "FINDME_API_URL", "account"]
)
def test_plain_http_to_another_computer_is_refused_wherever_it_comes_from(
    run_cli, home: Path, where: str
) -> None:
    url = "http://findme.example.com/ibp_api.php"
    args, env = list(CALL), {"FINDME_KEY": KEY}
    if where == "flag":
        args += ["--api-url", url]
    elif where == "environment":
        env["FINDME_API_URL"] = url
    else:
        paths.settings_path().write_text(
            json.dumps({"version": 1, "values": {"account.mode": "dialogtech",
                                                 "account.api_url": url}})
        )  # fmt: skip
    done = run_cli(*args, env=env)
    assert done.returncode == 2, done.stderr
    assert "https://" in done.stderr
    with Store.open(paths.store_path()) as store:
        assert store.count_calls() == 0  # refused before any history row


def test_plain_http_on_this_computer_is_allowed_from_the_environment(run_cli, home: Path) -> None:
    with Threaded(FaultServer(reply(VENDOR_SUCCESS))) as server:
        url = server.url.replace("127.0.0.1", "localhost")
        done = run_cli(*CALL, env={"FINDME_KEY": KEY, "FINDME_API_URL": url})
        assert done.returncode == 0, done.stderr
        assert server.count == 1


def test_the_engine_refuses_a_plain_http_account_url(home: Path) -> None:
    async def main() -> None:
        engine = await start_engine(vault=Vault(MemoryKeyring()), time_scale=0.001)
        try:
            engine.settings.set("account.mode", "dialogtech")
            engine.settings.set("account.api_url", "http://findme.example.com/ibp_api.php")
            with pytest.raises(ValueError, match="https://"):
                await engine.apply_account()
            assert engine.uses_sandbox  # still the sandbox: nothing was switched
        finally:
            await engine.close()

    asyncio.run(main())
