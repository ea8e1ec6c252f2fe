"""The sandbox in a process of its own, printing when each request arrives (request path)."""

from __future__ import annotations

import argparse
import asyncio
import time

from console.sandbox import Sandbox


class ArrivalsSandbox(Sandbox):
    """Prints ``arrived <time.monotonic()> <phone_to_call>`` as a request reaches the handler."""

    async def _handle_api(self, request):  # type: ignore[no-untyped-def]
        print(f"arrived {time.monotonic()!r} {request.query.get('phone_to_call', '-')}", flush=True)
        return await super()._handle_api(request)


async def serve(time_scale: float) -> None:
    """Serve on a free loopback port until terminated."""
    sandbox = ArrivalsSandbox(time_scale)
    url = await sandbox.start("127.0.0.1", 0)
    print(f"FindMe sandbox listening at {url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-scale", type=float, default=0.0)
    asyncio.run(serve(parser.parse_args().time_scale))


if __name__ == "__main__":
    main()
