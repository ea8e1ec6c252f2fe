"""TLS for the API client: what servers are verified against, and a certificate's fingerprint."""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path

import httpx


def tls_verify(trusted_ca: str = "") -> bool | ssl.SSLContext:
    """What the client verifies servers against: the usual authorities, plus ``trusted_ca``.

    ``trusted_ca`` is a PEM file of certificates the person chose to trust (a staging server's
    self-signed one, a company CA); it is added to, never replaces, the usual authorities.
    Verification itself is never turned off. Raises ValueError when the file cannot be used.
    """
    if not trusted_ca:
        return True  # httpx's own default: certifi, or SSL_CERT_FILE/SSL_CERT_DIR when set
    context = httpx.create_ssl_context()
    try:
        context.load_verify_locations(cafile=trusted_ca)
    except ssl.SSLError as exc:
        reason = "it holds no PEM certificate" if "NO_CERTIFICATE" in str(exc) else exc.reason
        raise ValueError(f"the certificate file {trusted_ca} cannot be used ({reason})") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ValueError(f"the certificate file {trusted_ca} cannot be used ({reason})") from None
    return context


def certificate_fingerprint(path: str) -> str:
    """The SHA-256 fingerprint of the first certificate in a PEM file, as shown by browsers."""
    text = Path(path).read_text(encoding="ascii", errors="replace")
    begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
    start = text.find(begin)
    stop = text.find(end, start)
    if start < 0 or stop < 0:
        raise ValueError(f"{path} holds no PEM certificate")
    der = ssl.PEM_cert_to_DER_cert(text[start : stop + len(end)])
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
