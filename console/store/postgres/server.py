"""Reaching the team server: its URL without the password, how to connect, what failed.

The URL is libpq's (``postgresql://user@host:port/db?sslmode=...``, or ``key=value`` pairs).
A password in it is taken out (it goes to the keyring, never to the settings file) and
registered with console.masking.SECRETS so no message or log line shows it.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from console.masking import SECRETS
from console.problems import EXIT_LOCAL, LocalProblem

SCHEMA = "findme"
EXIT_NETWORK = 3  # README "Exit codes": a network failure
# Seconds: how long connecting may take, and how soon a silent server is noticed (libpq's
# TCP keepalives: idle, then probes every interval, given up after count).
CONNECT_TIMEOUT = 5
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
KEEPALIVES_COUNT = 3


class TeamServerProblem(LocalProblem):
    """The team server cannot be reached, refused the login, or holds a schema we cannot use.

    ``unreachable``: the network or the server is down (the command line's exit code 3, as
    for any network failure); ``refused_login``: the user name it refused (wrong password or
    user: exit 4, fixed here by connecting again), '' otherwise.
    """

    def __init__(
        self,
        problem: str,
        hint: str,
        where: str,
        *,
        unreachable: bool = False,
        refused_login: str = "",
    ) -> None:
        super().__init__(problem, where=where, hint=hint, kind="team server")
        self.unreachable = unreachable
        self.refused_login = refused_login

    @property
    def exit_code(self) -> int:
        """3 when it cannot be reached (README "Exit codes": a network failure), else 4 (a
        login refused, a schema this console cannot use: fixed on this side)."""
        return EXIT_NETWORK if self.unreachable else EXIT_LOCAL

    def as_json(self) -> dict[str, str]:
        """LocalProblem's, with ``"result": "network"`` when it cannot be reached (exit 3)."""
        payload = super().as_json()
        if self.unreachable:
            payload["result"] = "network"
        return payload


def _is_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def split_password(url: str) -> tuple[str, str | None]:
    """``url`` without its password, and the password (None when it had none).

    ValueError (one sentence) when it is neither a postgresql:// URL nor key=value pairs.
    """
    url = url.strip()
    if _is_url(url):
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        password = parts.password
        kept = [(k, v) for k, v in query if k != "password"]
        password = next((v for k, v in query if k == "password"), password)
        netloc = parts.netloc.rpartition("@")[2]
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        clean = urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), ""))
        return clean, password or None
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ValueError(_not_a_url(exc)) from None
    password = params.pop("password", None)
    return make_conninfo(**params), (str(password) if password else None)


def with_default_sslmode(url: str) -> str:
    """``url`` asking for ``sslmode=verify-full`` when it names a remote host and no sslmode.

    A loopback address or a unix socket is left as it is: there is no one in between.
    """
    params = describe_params(url)
    if "sslmode" in params:
        return url
    host = str(params.get("host", ""))
    if not host or host.startswith("/") or host == "localhost":
        return url
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url
    except ValueError:
        pass
    if _is_url(url):
        return url + ("&" if "?" in url else "?") + "sslmode=verify-full"
    return url + " sslmode=verify-full"


def describe_params(url: str) -> dict[str, Any]:
    """The connection parameters of ``url`` (ValueError when it cannot be read)."""
    try:
        return conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ValueError(_not_a_url(exc)) from None


def _not_a_url(exc: Exception) -> str:
    # libpq's message ends with a line break: one sentence on one line.
    detail = " ".join(str(exc).split())
    return f"not a PostgreSQL URL or connection string ({detail})"


def where(url: str) -> str:
    """``host:port/dbname`` of ``url``, for sentences (never the password)."""
    try:
        params = describe_params(url)
    except ValueError:
        return "the team server"
    host = params.get("host") or "localhost"
    port = params.get("port") or 5432
    return f"{host}:{port}/{params.get('dbname') or params.get('user') or ''}"


def connect(url: str, password: str | None = None, **extra: Any) -> psycopg.Connection:
    """An autocommit connection to the team schema, bounded by CONNECT_TIMEOUT.

    Raises TeamServerProblem (one sentence) when the server cannot be reached or refuses.
    """
    clean, inline = split_password(url)
    password = password or inline
    if password:
        SECRETS.register([password])
    params: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "keepalives_count": KEEPALIVES_COUNT,
        "application_name": "findme-console",
        "options": f"-c search_path={SCHEMA}",
        **KEEPALIVES,
        **extra,
    }
    if password:
        params["password"] = password
    try:
        return psycopg.connect(clean, autocommit=True, **params)
    except psycopg.Error as exc:
        raise unreachable(exc, clean) from None


def unreachable(exc: BaseException, url: str) -> TeamServerProblem:
    """What the person is told when connecting to ``url`` failed with ``exc``: the server
    refused the login (its user named), refused the connection otherwise (a database that
    does not exist), or cannot be reached."""
    detail = SECRETS.mask(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    detail = detail.removeprefix("connection failed: ")
    place = where(url)
    named = re.search(r'(?:for user|role) "([^"]+)"', detail)
    login = (
        "password" in detail
        or "authentication" in detail
        or (named is not None and "does not exist" in detail)
    )
    if login:
        try:
            user = named.group(1) if named else str(describe_params(url).get("user") or "")
        except ValueError:
            user = ""
        user = user or "this user"
        return TeamServerProblem(
            f"the team server {place} refused the login for {user} ({detail})",
            "wrong password or user: connect again with the right ones (`team connect`, or "
            "Account… → Team)",
            place,
            refused_login=user,
        )
    if "does not exist" in detail:
        return TeamServerProblem(
            f"the team server {place} refused the connection ({detail})",
            "check the database name in the address",
            place,
        )
    return TeamServerProblem(
        f"the team server {place} cannot be reached ({detail or type(exc).__name__})",
        "check the address and that the server is running",
        place,
        unreachable=True,
    )
