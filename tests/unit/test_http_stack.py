"""The HTTP stack as installed: what httpcore looks for on every request is there."""

import importlib.util


def test_sniffio_is_installed_for_httpcore():
    # httpcore imports sniffio each time it sets up a lock (several times per request);
    # missing, every one of those is a failed import that searches the whole sys.path,
    # about 1 ms a request on the window's loop (found by profiling 200 calls in flight).
    assert importlib.util.find_spec("sniffio") is not None
