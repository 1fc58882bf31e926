"""Fixtures of the unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from unit.scripted_server import Script, ScriptedServer, ServerFactory


@pytest.fixture(name="scripted_server")
def _scripted_server() -> Iterator[ServerFactory]:
    started: list[ScriptedServer] = []

    def start(script: Script, host: str = "127.0.0.1") -> ScriptedServer:
        server = ScriptedServer(script, host).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
