"""Placing calls: the one service every call goes through, and the calls in flight.

``service`` validates, records and sends a call; ``registry`` holds the calls in flight of
this process, reserved before anything is awaited, so one intent is one call.
"""

from console.calls.registry import AlreadyPending, CallKey, CallRegistry, InFlight, call_key
from console.calls.service import CallPlan, CallService, PlacedCall

__all__ = [
    "AlreadyPending",
    "CallKey",
    "CallPlan",
    "CallRegistry",
    "CallService",
    "InFlight",
    "PlacedCall",
    "call_key",
]
