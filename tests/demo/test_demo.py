"""The main job: the demo runner and the root demo stack."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import run_demo as demo
from harness.mocks import ProviderRoutingMocks
from support import API_KEY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.lifecycle.index import user_tags
from pulumi_pinecone_restore.settings import ClientSettings

ROOT = Path(__file__).resolve().parents[2]


def test_demo_without_pulumi_cli_restores_and_cleans_up(capsys: pytest.CaptureFixture[str]) -> None:
    """With no CLI the demo says so, shows how to install it, restores, clones and cleans up."""
    assert demo.main(["--no-pulumi", "--restore-seconds", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "No Pulumi engine" in out
    assert "get.pulumi.com" in out
    assert "go.dev/dl" in out
    assert "3 indexes restored in" in out
    assert "stg-products" in out
    assert "deleted the staging clones" in out


def test_root_stack_clones_prod_under_routed_mocks(
    server: EmulatorServer, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root Pulumi.yaml program clones the seeded prod indexes and restores a preview."""
    demo.seed(emulator)
    monkeypatch.setenv("PINECONE_API_KEY", API_KEY)
    monkeypatch.setenv("PINECONE_CONTROLLER_HOST", server.url)
    program = runpy.run_path(str(ROOT / "demo" / "__main__.py"), run_name="demo_stack")["main"]
    engine = ProviderRoutingMocks(
        {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url},
        project="pinecone-restore-demo",
        stack="demo",
    )
    result = engine.up(program)
    assert set(result.exports["staging_names"].values()) == {
        "stg-products",
        "stg-reviews",
        "stg-users",
    }
    client = ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))
    preview = client.describe_index(result.exports["preview_index"])
    assert preview.state == "Ready"
    assert user_tags(preview.tags) == {"env": "preview", "source": "products"}
    assert engine.up(program).steps == dict.fromkeys(engine.state, "same")
    engine.destroy()
    assert sorted(i.name for i in client.list_indexes()) == ["products", "reviews", "users"]
