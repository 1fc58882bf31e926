"""Shared fixtures: one emulator server per session, reset before each test that uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support import API_KEY, FAST_TIMINGS, ProviderFactory

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer


@pytest.fixture(name="emulator_server", scope="session")
def _emulator_server() -> Iterator[EmulatorServer]:
    emulator = Emulator(api_key=API_KEY, timings=FAST_TIMINGS)
    with EmulatorServer(emulator, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(name="server")
def _server(emulator_server: EmulatorServer) -> EmulatorServer:
    emulator_server.emulator.reset()
    emulator_server.emulator.set_timings(FAST_TIMINGS)
    return emulator_server


@pytest.fixture(name="emulator")
def _emulator(server: EmulatorServer) -> Emulator:
    return server.emulator


@pytest.fixture(name="make_provider")
def _make_provider(server: EmulatorServer) -> ProviderFactory:
    return ProviderFactory(server)
