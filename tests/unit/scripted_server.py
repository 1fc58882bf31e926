"""Scripted HTTP servers on loopback that record what reaches them (see the fixture in conftest)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from typing import Protocol

import attrs


@attrs.frozen
class Answer:
    """What a scripted server sends back."""

    status: int = 200
    body: bytes = b'{"indexes": []}'
    headers: dict[str, str] = attrs.field(factory=lambda: {"Content-Type": "application/json"})


@attrs.frozen
class Seen:
    """One request as it arrived: method, raw path (as sent, still percent-encoded), headers."""

    method: str
    path: str
    headers: dict[str, str]


Script = Callable[[Seen], Answer]


@attrs.define
class ScriptedServer:
    """An HTTP server on a loopback address that answers with ``script`` and records requests."""

    script: Script
    host: str = "127.0.0.1"
    seen: list[Seen] = attrs.field(factory=list)
    _httpd: http.server.ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://<host>:<port>``."""
        return f"http://{self.authority}"

    @property
    def authority(self) -> str:
        """``<host>:<port>``."""
        assert self._httpd is not None
        return f"{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> ScriptedServer:
        """Listen on a free port and serve in a daemon thread."""
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                seen = Seen(self.command, self.path, dict(self.headers.items()))
                server.seen.append(seen)
                answer = server.script(seen)
                self.send_response(answer.status)
                for name, value in {
                    **answer.headers,
                    "Content-Length": str(len(answer.body)),
                }.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Stay quiet."""

        self._httpd = http.server.ThreadingHTTPServer((self.host, 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


class ServerFactory(Protocol):
    """Starts a scripted server (on 127.0.0.1 unless another loopback ``host`` is given)."""

    def __call__(self, script: Script, host: str = ...) -> ScriptedServer:
        """Start a server that answers with ``script``."""
