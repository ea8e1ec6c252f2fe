"""Placing calls: the one service every call goes through."""

from console.calls.service import CallPlan, CallService, PlacedCall

__all__ = ["CallPlan", "CallService", "PlacedCall"]
