"""Which API URLs the console accepts; no httpx here, so checking one costs no import."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(url: str) -> str | None:
    """Why ``url`` cannot be the API endpoint, or None: https only, http on loopback only."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "API URL must be an https:// URL"
    if parts.scheme == "http" and not is_loopback(url):
        return "API URL must use https:// (plain http is allowed only on this computer)"
    return None
