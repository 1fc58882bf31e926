"""Serving an `Emulator` over HTTP with werkzeug's threaded server (foreground or thread)."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TYPE_CHECKING

import attrs
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from pulumi_pinecone_restore.emulator.models import Emulator
from pulumi_pinecone_restore.emulator.responses import EmulatorApp, ResponseHook

if TYPE_CHECKING:
    from typing_extensions import Self

# serve_forever checks for shutdown this often; small so tests can stop servers quickly.
_POLL_INTERVAL = 0.05


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log every request line (the emulator keeps its own log)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip werkzeug's per-request access log."""


@attrs.define
class EmulatorServer:
    """An HTTP server for one `Emulator`; use as a context manager to serve in a thread.

    Example::

        with EmulatorServer(Emulator(api_key="k"), port=0) as server:
            requests.get(f"{server.url}/indexes", headers={"Api-Key": "k"}, timeout=5)

    Args:
        emulator: The state to serve.
        host: Interface to bind.
        port: TCP port; 0 picks a free one (see `port` after `start()`).
        response_hook: Optional observer of every API response, see `EmulatorApp`.
    """

    emulator: Emulator
    host: str = "127.0.0.1"
    port: int = 0
    response_hook: ResponseHook | None = attrs.field(default=None, kw_only=True)
    _server: BaseWSGIServer | None = attrs.field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = attrs.field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:5080`."""
        return f"http://{self.host}:{self.port}"

    def bind(self) -> None:
        """Open the listening socket (idempotent); afterwards `port` is the real port."""
        if self._server is None:
            self._server = make_server(
                self.host,
                self.port,
                EmulatorApp(self.emulator, self.response_hook),
                threaded=True,
                request_handler=_QuietHandler,
            )
            self.port = self._server.port

    def start(self) -> Self:
        """Bind and serve in a daemon thread.

        Returns:
            This server, so `server = EmulatorServer(emu).start()` reads naturally.

        Raises:
            RuntimeError: If it is already serving.
        """
        if self._thread is not None:
            raise RuntimeError("the emulator server is already running")
        self.bind()
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"pinecone-emulator-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Bind if needed and serve in the calling thread until `stop()` (or Ctrl-C)."""
        self.bind()
        assert self._server is not None  # noqa: S101 - bind() just set it
        self._server.serve_forever(poll_interval=_POLL_INTERVAL)

    def stop(self) -> None:
        """Stop serving and close the socket; safe to call twice. The emulator stays usable."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            if thread is not None:
                server.shutdown()
                thread.join()
            server.server_close()

    def __enter__(self) -> Self:
        """Start serving in a thread."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop serving."""
        self.stop()
