"""Run the sandboxes in a background thread on an ephemeral port, for tests and benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from sandbox import VENDOR_MODULES, build_app
from sandbox.core import SandboxApp, VendorSandbox


class RunningSandbox:
    """A served :class:`SandboxApp`: its base URL and direct access to each vendor's state."""

    def __init__(self, app: SandboxApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"

    def base_url(self, vendor: str) -> str:
        """The vendor's API root, e.g. ``http://127.0.0.1:PORT/synaq``."""
        return f"{self.url}/{vendor}"

    def vendor(self, name: str) -> VendorSandbox:
        return self.app.vendor(name)

    def config(self, vendor: str) -> dict:
        return self.app.config()[vendor]

    def reset(self) -> None:
        self.app.reset()


@contextmanager
def running_sandbox(
    *, seed: int = 0, vendors: tuple[str, ...] | list[str] = VENDOR_MODULES, host: str = "127.0.0.1", port: int = 0,
    app: SandboxApp | None = None,
) -> Iterator[RunningSandbox]:
    """Serve the sandboxes (threaded) until the block ends."""
    app = app or build_app(seed=seed, vendors=vendors)
    server = make_server(host, port, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sandbox", daemon=True)
    thread.start()
    try:
        yield RunningSandbox(app, host, server.server_port)
    finally:
        server.shutdown()
        server.server_close()
