"""Bookkeeping of the server's open HTTP/1.1 connections, for the idle-connection fault.

The server keeps connections alive between requests like the live service's load balancer.
A connection is *idle* while it waits for its next request line; `close_idle()` closes every
idle one at once, which is what an idle timeout on the service's side does to a client's
pooled connection.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

import attrs

logger = logging.getLogger(__name__)


@attrs.define
class ConnectionRegistry:
    """The open connections of one server and whether each is idle (thread-safe)."""

    _idle: dict[socket.socket, bool] = attrs.field(factory=dict, init=False)
    _opened: int = attrs.field(default=0, init=False)
    _closed_by_fault: int = attrs.field(default=0, init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def opened(self, sock: socket.socket) -> None:
        """Register a new connection (busy until it waits for a request)."""
        with self._lock:
            self._idle[sock] = False
            self._opened += 1

    def set_idle(self, sock: socket.socket, idle: bool) -> None:
        """Mark a connection as waiting for its next request (`idle`) or serving one."""
        with self._lock:
            if sock in self._idle:
                self._idle[sock] = idle

    def closed(self, sock: socket.socket) -> None:
        """Forget a connection that has ended."""
        with self._lock:
            self._idle.pop(sock, None)

    def close_idle(self) -> int:
        """Close every idle connection from the server's side, as an idle timeout would.

        Returns:
            How many connections were closed.
        """
        with self._lock:
            idle = [sock for sock, is_idle in self._idle.items() if is_idle]
            for sock in idle:
                del self._idle[sock]
            self._closed_by_fault += len(idle)
        for sock in idle:
            _shutdown(sock)
        return len(idle)

    def close_all(self) -> None:
        """Close every connection (the server is stopping)."""
        with self._lock:
            socks = list(self._idle)
            self._idle.clear()
        for sock in socks:
            _shutdown(sock)

    def to_json(self) -> dict[str, Any]:
        """Return `{"open", "idle", "opened_total", "closed_idle_total"}`."""
        with self._lock:
            return {
                "open": len(self._idle),
                "idle": sum(self._idle.values()),
                "opened_total": self._opened,
                "closed_idle_total": self._closed_by_fault,
            }


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        logger.debug("connection already closed")
