"""Fixtures of the provider tests: a plain client of the test emulator, to look behind them."""

from __future__ import annotations

import pytest
from support import API_KEY, NO_WAIT_RETRY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import EmulatorServer
from pulumi_pinecone_restore.settings import ClientSettings


@pytest.fixture(name="client")
def _client(server: EmulatorServer) -> ControlPlaneClient:
    return ControlPlaneClient(
        ClientSettings(api_key=API_KEY, controller_host=server.url, retry=NO_WAIT_RETRY)
    )
