"""Serving an `Emulator` over HTTP/1.1 with keep-alive (foreground or in a thread).

werkzeug's development server answers every request with `Connection: close`, so a client's
connection pool would never be exercised. This server keeps connections open like the live
service does: it reads each request body in full by `Content-Length` (so the next request
line is where the stream says it is), answers with a `Content-Length`, and waits for the next
request until the client closes, `keepalive_timeout` passes, or the idle-connection fault
closes it. The application itself is the WSGI `EmulatorApp`.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

import attrs

from pulumi_pinecone_restore.emulator.connections import ConnectionRegistry
from pulumi_pinecone_restore.emulator.models import Emulator
from pulumi_pinecone_restore.emulator.responses import (
    CONNECTION_REQUESTS_KEY,
    EmulatorApp,
    ResponseHook,
)

if TYPE_CHECKING:
    from typing_extensions import Self

logger = logging.getLogger(__name__)

# serve_forever checks for shutdown this often; small so tests can stop servers quickly.
_POLL_INTERVAL = 0.05
#: Seconds an idle keep-alive connection is kept before the server closes it.
DEFAULT_KEEPALIVE_TIMEOUT = 60.0
_MAX_REQUEST_LINE = 65536
_MAX_BODY = 10 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    """A threaded HTTP server that knows its WSGI app and its connections."""

    daemon_threads = True
    # Keep-alive threads may wait for a request for a long time; stop() closes their
    # sockets instead of joining them.
    block_on_close = False
    app: EmulatorApp
    connections: ConnectionRegistry
    keepalive_timeout: float


class _Handler(BaseHTTPRequestHandler):
    """Serves one connection: any number of requests, each through the WSGI app."""

    protocol_version = "HTTP/1.1"
    server: _Server
    served = 0

    def setup(self) -> None:
        """Register the connection and arm the idle timeout."""
        super().setup()
        self.connection.settimeout(self.server.keepalive_timeout)
        self.served = 0
        self.server.connections.opened(self.connection)

    def finish(self) -> None:
        """Forget the connection."""
        self.server.connections.closed(self.connection)
        try:
            super().finish()
        except OSError:
            logger.debug("connection was already gone when the handler finished")

    def handle_one_request(self) -> None:
        """Wait (idle) for a request line, then serve the request."""
        registry = self.server.connections
        registry.set_idle(self.connection, idle=True)
        try:
            self.raw_requestline = self.rfile.readline(_MAX_REQUEST_LINE + 1)
        except OSError:
            # Idle timeout, or the idle-connection fault shut the socket down.
            self.close_connection = True
            return
        registry.set_idle(self.connection, idle=False)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > _MAX_REQUEST_LINE:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return
        if not self.parse_request():
            return
        try:
            self._serve()
        except OSError:
            # The client went away mid-answer, or a fault dropped the connection.
            self.close_connection = True
        self.served += 1

    def _serve(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            # Clients of the control plane send a Content-Length; without one the end of the
            # body (and so the start of the next request) is unknown.
            self.send_error(HTTPStatus.LENGTH_REQUIRED)
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY:
            self.send_error(HTTPStatus.BAD_REQUEST, "Invalid Content-Length")
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        environ = self._environ(body)
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], _exc_info: object = None
        ) -> Any:
            started[:] = [status, headers]
            return lambda _data: None

        try:
            chunks = self.server.app(environ, start_response)
            data = b"".join(chunks)
        except ConnectionAbortedError:
            # A drop fault: the app already shut the socket down; send nothing.
            self.close_connection = True
            return
        status, headers = started
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason or None)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        # Idle from here: once the answer starts arriving, the client has no request outstanding
        # on this connection, so an idle-connection fault it triggers next must find it idle
        # (marking it only after the write raced the client's next call).
        self.server.connections.set_idle(self.connection, idle=True)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def _environ(self, body: bytes) -> dict[str, Any]:
        url = urlsplit(self.path)
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
            CONNECTION_REQUESTS_KEY: self.served,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            # PEP 3333: percent-decoded bytes carried in a latin-1 str.
            "PATH_INFO": unquote_to_bytes(url.path).decode("latin-1"),
            "QUERY_STRING": url.query,
            "REMOTE_ADDR": self.client_address[0],
            "SERVER_NAME": str(self.server.server_address[0]),
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "CONTENT_LENGTH": str(len(body)),
        }
        for key, value in self.headers.items():
            name = key.upper().replace("-", "_")
            if name == "CONTENT_LENGTH":
                continue
            if name != "CONTENT_TYPE":
                name = f"HTTP_{name}"
            environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        """Log through `logging` at debug level (the emulator keeps its own request log)."""
        logger.debug(format, *args)


@attrs.define
class EmulatorServer:
    """An HTTP/1.1 keep-alive server for one `Emulator`; a context manager serves in a thread.

    Example::

        with EmulatorServer(Emulator(api_key="k"), port=0) as server:
            requests.get(f"{server.url}/indexes", headers={"Api-Key": "k"}, timeout=5)

    Args:
        emulator: The state to serve.
        host: Interface to bind.
        port: TCP port; 0 picks a free one (see `port` after `start()`).
        response_hook: Optional observer of every API response, see `EmulatorApp`.
        keepalive_timeout: Seconds an idle connection stays open.
    """

    emulator: Emulator
    host: str = "127.0.0.1"
    port: int = 0
    response_hook: ResponseHook | None = attrs.field(default=None, kw_only=True)
    keepalive_timeout: float = attrs.field(default=DEFAULT_KEEPALIVE_TIMEOUT, kw_only=True)
    connections: ConnectionRegistry = attrs.field(factory=ConnectionRegistry, init=False)
    _server: _Server | None = attrs.field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = attrs.field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:5080`."""
        return f"http://{self.host}:{self.port}"

    def bind(self) -> None:
        """Open the listening socket (idempotent); afterwards `port` is the real port."""
        if self._server is None:
            server = _Server((self.host, self.port), _Handler)
            server.app = EmulatorApp(self.emulator, self.response_hook, self.connections)
            server.connections = self.connections
            server.keepalive_timeout = self.keepalive_timeout
            self._server = server
            self.port = int(server.server_address[1])

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
        """Stop serving, close the socket and every open connection; safe to call twice.

        The emulator stays usable.
        """
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self.emulator.release_held()  # a held request would keep its worker thread
        if server is not None:
            if thread is not None:
                server.shutdown()
                thread.join()
            server.server_close()
            self.connections.close_all()

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
