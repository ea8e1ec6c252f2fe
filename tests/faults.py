"""Tiny real servers that misbehave one way each, for the client's fault tests.

Every server listens on loopback over real HTTP (aiohttp.web) and counts what reached it, so
a test can assert the no-retry rule: a request that arrived is never sent a second time.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

API_PATH = "/ibp_api.php"

VENDOR_SUCCESS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!DOCTYPE response [\n \n"
    "<!ELEMENT response (result,result_description,sid)>\n"
    "<!ELEMENT result (#PCDATA)>\n"
    "<!ELEMENT result_description (#PCDATA)>\n"
    "<!ELEMENT sid (#PCDATA)>\n"
    " ]>\n"
    "<response>\n"
    " <result>success</result>\n"
    " <result_description>Call Connected</result_description>\n"
    " <sid>181127fc48636186</sid>\n"
    "</response>"
)
VENDOR_FAILED = (
    VENDOR_SUCCESS.replace("<result>success", "<result>failed")
    .replace("Call Connected", "unknown")
    .replace("181127fc48636186", "181127fa636be04c")
)

ENTITY_BOMB = (
    '<?xml version="1.0"?>\n'
    "<!DOCTYPE response [\n"
    ' <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
    ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
    ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n'
    ' <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n'
    ' <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">\n'
    ' <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">\n'
    "]>\n"
    "<response><result>success</result><result_description>&f;</result_description>"
    "<sid>181127fc48636186</sid></response>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE response [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
    "<response><result>success</result><result_description>&xxe;</result_description>"
    "<sid>181127fc48636186</sid></response>"
)
LATIN1_XML = (
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    "<response><result>success</result>"
    "<result_description>Appel connecté à l'équipe</result_description>"
    "<sid>181127fc48636186</sid></response>"
).encode("iso-8859-1")
# The same, its charset given only in the Content-Type header: no XML declaration.
LATIN1_XML_UNDECLARED = LATIN1_XML.split(b"\n", 1)[1]
LATIN1_CONTENT_TYPE = "text/xml; charset=ISO-8859-1"
PLAIN_TEXT = "success: Call Connected sid 181127fc48636186"
HTML_404 = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
BIG_BODY = (
    "<response><result>success</result><result_description>"
    + "x" * (70 * 1024)
    + "</result_description><sid>181127fc48636186</sid></response>"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def closed_port() -> int:
    """A loopback port that was bound and closed: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FaultServer:
    """An aiohttp.web server on loopback whose one handler misbehaves; counts requests.

    With ``tls`` (a server-side SSLContext) it serves https:// instead.
    """

    def __init__(self, handler: Handler, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self._handler = handler
        self._port = port
        self._tls = tls
        self.requests: list[web.Request] = []
        self.headers: list[dict[str, str]] = []
        self.queries: list[str] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def count(self) -> int:
        return len(self.requests)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        self.headers.append(dict(request.headers))
        self.queries.append(request.raw_path.partition("?")[2])  # as sent, undecoded
        return await self._handler(request)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.2
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port, ssl_context=self._tls)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1]
        scheme = "https" if self._tls else "http"
        self.url = f"{scheme}://127.0.0.1:{port}{API_PATH}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FaultServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


# -- handlers ---------------------------------------------------------------------------------


def reply(body: str | bytes, status: int = 200, content_type: str = "text/xml") -> Handler:
    """Answer every request with ``body``."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(body=data, status=status, headers={"Content-Type": content_type})

    return handle


def slow(seconds: float, body: str = VENDOR_SUCCESS) -> Handler:
    """Hold the reply for ``seconds`` (longer than the client waits)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.Response(text=body, content_type="text/xml")

    return handle


def truncated(body: str = VENDOR_SUCCESS, announced: int = 4096) -> Handler:
    """Announce ``announced`` bytes, send a few, then close the connection."""

    async def handle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        response.content_length = announced
        await response.prepare(request)
        await response.write(body.encode("utf-8")[:40])
        await asyncio.sleep(0.05)
        assert request.transport is not None
        request.transport.close()
        raise asyncio.CancelledError  # the handler ends with the connection it closed

    return handle


def drip(interval: float = 1.0, body: str = VENDOR_SUCCESS) -> Handler:
    """Send the headers at once, then the body one byte every ``interval`` seconds."""

    async def handle(request: web.Request) -> web.StreamResponse:
        data = body.encode("utf-8")
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        response.content_length = len(data)
        await response.prepare(request)
        for index in range(len(data)):
            await response.write(data[index : index + 1])
            await asyncio.sleep(interval)
        return response

    return handle


def reset(body: str = VENDOR_SUCCESS) -> Handler:
    """Announce the reply, send a few bytes, then reset the connection (an RST, not a FIN)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        data = body.encode("utf-8")
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        response.content_length = len(data)
        await response.prepare(request)
        await response.write(data[:40])
        await asyncio.sleep(0.05)
        assert request.transport is not None
        sock = request.transport.get_extra_info("socket")
        # A zero linger time makes close() send RST: the client reads "connection reset".
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.transport.abort()
        raise asyncio.CancelledError  # the handler ends with the connection it reset

    return handle


HUGE_BYTES = 50 * 1024 * 1024
_HUGE_CHUNK = b"<response>" + b"x" * (64 * 1024 - 10)


def huge(total: int = HUGE_BYTES, announce: bool = False) -> Handler:
    """Stream ``total`` bytes (chunked, or with a Content-Length when ``announce``)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/xml"})
        if announce:
            response.content_length = total
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        while sent < total:  # one chunk object reused: the server's memory stays flat too
            await response.write(_HUGE_CHUNK)
            sent += len(_HUGE_CHUNK)
        return response

    return handle


# Replies in encodings the service does not use, none of them declared in the headers.
# A UTF-16 byte-order mark, then an XML declaration that says UTF-8.
UTF16_DECLARING_UTF8 = VENDOR_SUCCESS.encode("utf-16")
UTF16_WITHOUT_BOM = VENDOR_SUCCESS.encode("utf-16-le")
SHIFT_JIS_UNDECLARED = VENDOR_SUCCESS.replace("Call Connected", "通話接続").encode("shift_jis")

FAULTS: dict[str, Handler] = {
    "http_500": reply("Internal Server Error", status=500, content_type="text/plain"),
    "http_502": reply("<html>Bad Gateway</html>", status=502, content_type="text/html"),
    "http_503": reply("Service Unavailable", status=503, content_type="text/plain"),
    "body_50mb": huge(),
    "utf16_declaring_utf8": reply(UTF16_DECLARING_UTF8),
    "utf16_without_bom": reply(UTF16_WITHOUT_BOM),
    "shift_jis_undeclared": reply(SHIFT_JIS_UNDECLARED),
    "not_found_html": reply(HTML_404, status=404, content_type="text/html"),
    "empty": reply(b""),
    "too_big": reply(BIG_BODY),
    "entity_bomb": reply(ENTITY_BOMB),
    "external_entity": reply(EXTERNAL_ENTITY),
    "truncated": truncated(),
    "reset": reset(),
    "not_a_reply": reply("<html><body>Welcome</body></html>", content_type="text/html"),
}


# -- TLS --------------------------------------------------------------------------------------


def self_signed_cert(folder: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1 signed by itself, or None when nothing can make one."""
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        return _openssl_cert(cert_path, key_path)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _openssl_cert(cert_path: Path, key_path: Path) -> tuple[Path, Path] | None:
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        return None
    done = subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key_path), "-out", str(cert_path),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return (cert_path, key_path) if done.returncode == 0 else None


class TlsServer:
    """A TLS server with an untrusted certificate that counts TCP connections.

    The handshake is done after the connection is counted (``start_tls``), so a client
    that refuses the certificate and then retries would show up as a second connection.
    """

    def __init__(self, cert: Path, key: Path) -> None:
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(cert, key)
        self.connections = 0
        self.handshakes_ok = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.url = ""

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await writer.start_tls(self._context, ssl_handshake_timeout=5)
            self.handshakes_ok += 1
        except (ssl.SSLError, OSError, ConnectionError, asyncio.CancelledError):
            pass  # the client refused the certificate (or the test ended): the point
        finally:
            writer.close()
            self._tasks.discard(task)

    async def __aenter__(self) -> TlsServer:
        self._server = await asyncio.start_server(self._on_connect, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"https://127.0.0.1:{port}{API_PATH}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()


class SilentServer:
    """A loopback TCP server that accepts connections, reads, and never answers a byte.

    An https:// client gets no reply to its TLS ClientHello: the handshake never completes.
    """

    def __init__(self) -> None:
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.url = ""

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while await reader.read(4096):
                pass  # whatever comes (a ClientHello), no answer
        except (OSError, asyncio.CancelledError):
            pass  # the client gave up, or the test ended
        finally:
            writer.close()
            self._tasks.discard(task)

    async def __aenter__(self) -> SilentServer:
        self._server = await asyncio.start_server(self._on_connect, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"https://127.0.0.1:{port}{API_PATH}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()


# Request lines the sandbox cannot parse, each carrying a secret (%s) it must never repeat.
MALFORMED_SECRET = "S3cret/Sandbox+Key=ZZ9"
# The secret as each request line below carries it: percent-encoded, and raw.
ENCODED_MALFORMED_SECRET = quote(MALFORMED_SECRET, safe="")
MALFORMED_LINES = {
    "extra token": b"GET /ibp_api.php?action=clickto.findme&key=%s HTTP/1.1 extra",
    "bad version": b"GET /ibp_api.php?action=clickto.findme&key=%s HTTP/9.9",
    "control character": b"GET /ibp_api.php?key=%s\x01&list=5558880005 HTTP/1.1",
    "a space in the query": b"GET /ibp_api.php?access_key=a&secret_access_key=%s x HTTP/1.1",
    "too long": b"GET /ibp_api.php?key=%s&page=" + b"a" * 9000 + b" HTTP/1.1",
}


def raw_request(url: str, data: bytes) -> bytes:
    """Send ``data`` as is on a new connection to the sandbox; everything it answers."""
    port = int(url.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer
