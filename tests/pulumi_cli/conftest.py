"""Fixtures of the real-Pulumi tests: the engine, stacks on a file backend, a checking client."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from harness.pulumi_cli import MakeStack, PulumiStack, find_pulumi_cli, new_stack
from support import API_KEY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import EmulatorServer
from pulumi_pinecone_restore.settings import ClientSettings


@pytest.fixture(name="pulumi_cli", scope="session")
def _engine() -> Path:
    bin_dir, reason = find_pulumi_cli()
    if bin_dir is None:
        pytest.skip(reason)
    return bin_dir


@pytest.fixture(name="client")
def _client(server: EmulatorServer) -> Iterator[ControlPlaneClient]:
    client = ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))
    yield client
    client.close()


@pytest.fixture(name="make_stack")
def _make_stack(pulumi_cli: Path, server: EmulatorServer, tmp_path: Path) -> MakeStack:
    """Makes stacks whose provider config points at the test emulator (the key as a secret)."""

    def make(
        project: str,
        program: Callable[[], None],
        config: Mapping[str, Any] | None = None,
    ) -> PulumiStack:
        full = {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url}
        full.update({f"{project}:{key}": value for key, value in (config or {}).items()})
        return new_stack(pulumi_cli, tmp_path / project, project, program, full)

    return make
