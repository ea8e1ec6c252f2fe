"""An embedded stand-in for the Click-to-FindMe List service, over real loopback HTTP."""

from console.sandbox.noanswer import OutboxEntry
from console.sandbox.rules import describe_rules
from console.sandbox.server import CannotListen, Sandbox, serve_forever

__all__ = ["CannotListen", "OutboxEntry", "Sandbox", "describe_rules", "serve_forever"]
