"""The suite's network rule (traffic only to loopback), for the pytest process and its children.

pytest-socket guards ``socket.connect`` in the pytest process only. A Python process that a
test starts imports this file at start-up as ``sitecustomize`` (the suite puts this folder on
PYTHONPATH and names the allowed hosts in NETGUARD_ALLOW_HOSTS, see tests/conftest.py), so the
same pytest-socket guard holds there too. Nothing in the product reads either variable.

pytest-socket leaves name lookups alone, and a lookup is a packet to the resolver, which is
usually another computer: ``guard_lookups`` answers loopback names and IP literals as usual,
refuses every other name before a query is sent, and answers ``.invalid`` names as a resolver
must (RFC 6761 section 6.4: they never resolve), so a test can still meet a name that does not
resolve.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

ENV = "NETGUARD_ALLOW_HOSTS"
# Only names /etc/hosts answers on every machine; any other name may become a DNS query.
LOCAL_NAMES = frozenset({"localhost"})


class LookupBlockedError(RuntimeError):
    """A test tried to look up a name on the network (a query outside this machine)."""


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])  # an IPv6 literal may carry a zone
    except ValueError:
        return False
    return True


def guard_lookups() -> None:
    """Refuse, in this process, every name lookup that would ask the network."""
    real = socket.getaddrinfo
    if getattr(real, "netguard", False):
        return

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode("idna") if isinstance(host, bytes) else host
        if name is None or _is_literal(name):
            return real(host, *args, **kwargs)
        name = name.rstrip(".").lower()
        if name in LOCAL_NAMES:
            return real(host, *args, **kwargs)
        if name == "invalid" or name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise LookupBlockedError(
            f"A test tried to look up {name!r}: tests send traffic only to this machine"
        )

    getaddrinfo.netguard = True  # type: ignore[attr-defined]
    socket.getaddrinfo = getaddrinfo

    def checked(call: Any) -> Any:
        def lookup(host: str) -> Any:
            getaddrinfo(host, None)  # refuses as above
            return call(host)

        return lookup

    socket.gethostbyname = checked(socket.gethostbyname)
    socket.gethostbyname_ex = checked(socket.gethostbyname_ex)

    real_by_address = socket.gethostbyaddr

    def gethostbyaddr(address: str) -> Any:
        # A reverse lookup asks the resolver unless /etc/hosts answers: loopback only.
        if not (_is_literal(address) and ipaddress.ip_address(address).is_loopback):
            raise LookupBlockedError(f"A test tried a reverse lookup of {address!r}")
        return real_by_address(address)

    socket.gethostbyaddr = gethostbyaddr


def install(allowed: str) -> None:
    """Allow connections to ``allowed`` (pytest-socket's --allow-hosts) and unix sockets only."""
    import pytest_socket

    guard_lookups()
    pytest_socket.socket_allow_hosts(allowed, allow_unix_socket=True)


if __name__ == "sitecustomize" and os.environ.get(ENV):
    install(os.environ[ENV])
