"""An embedded stand-in for the Click-to-FindMe List service, over real loopback HTTP."""

from console.sandbox.noanswer import OutboxEntry
from console.sandbox.rules import describe_rules
from console.sandbox.server import Sandbox, serve_forever

__all__ = ["OutboxEntry", "Sandbox", "describe_rules", "serve_forever"]
