"""Placing calls: the request (``params``, ``request``), the client and its TLS (``client``,
``tls``), the reply and how a call ended (``reply``, ``outcome``), the one service every call
goes through (``service``) and the calls in flight (``registry``, reserved before anything is
awaited, so one intent is one call).

The public names below are imported on first use: the store imports ``outcome`` from here,
and ``service`` imports the store, so an eager import would go round in a circle (and the
window would pay for httpx before it needs it).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.calls.registry import (
        AlreadyPending,
        CallKey,
        CallRegistry,
        InFlight,
        call_key,
    )
    from console.calls.service import CallPlan, CallService, DoNotCall, PlacedCall

_WHERE = {
    "AlreadyPending": "registry",
    "CallKey": "registry",
    "CallRegistry": "registry",
    "InFlight": "registry",
    "call_key": "registry",
    "CallPlan": "service",
    "CallService": "service",
    "DoNotCall": "service",
    "PlacedCall": "service",
}

__all__ = [
    "AlreadyPending",
    "CallKey",
    "CallPlan",
    "CallRegistry",
    "CallService",
    "DoNotCall",
    "InFlight",
    "PlacedCall",
    "call_key",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'console.calls' has no attribute {name!r}")
    return getattr(import_module(f"console.calls.{module}"), name)
