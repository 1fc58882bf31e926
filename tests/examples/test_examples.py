"""Every example program runs against the emulator, in-process and through the real plugin.

Each example's ``Pulumi.yaml`` names its program file; the test loads that file with ``runpy``
(``run_name`` other than ``__main__``, so the program's guard does not fire), takes its
``main()`` and runs it like ``pulumi up`` / ``pulumi destroy`` with the stack config a user
would set. Two routes for the dynamic registrations:

- ``mocks``: :class:`~harness.mocks.ProviderRoutingMocks` calls the providers in-process;
- ``plugin``: the same mocks hand every call to ``python -m pulumi.dynamic`` over gRPC
  (:mod:`harness.plugin_backend`), as the engine does.

A new example directory without a scenario here fails :func:`test_every_example_has_a_scenario`.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from harness.mocks import ProviderRoutingMocks, RunResult
from harness.plugin import DynamicPluginProcess, PluginRpcError
from harness.plugin_backend import PluginBackedProvider, plugin_provider_factory
from support import API_KEY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.lifecycle.index import user_tags
from pulumi_pinecone_restore.settings import ClientSettings

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
SECRET_KEYS = ("pinecone:apiKey",)


def discovered_examples() -> list[str]:
    """The Python example directories (YAML ones run under the engine: test_yaml_examples)."""
    return sorted(
        path.parent.name
        for path in EXAMPLES_DIR.glob("*/Pulumi.yaml")
        if yaml.safe_load(path.read_text()).get("runtime") != "yaml"
    )


def project_file(example: str) -> dict[str, Any]:
    """The parsed ``Pulumi.yaml`` of ``example``."""
    loaded = yaml.safe_load((EXAMPLES_DIR / example / "Pulumi.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def load_main(example: str) -> Callable[[], None]:
    """The ``main`` function of the program file ``Pulumi.yaml`` points at."""
    program = EXAMPLES_DIR / example / project_file(example).get("main", "__main__.py")
    main = runpy.run_path(str(program), run_name=f"example_{example}")["main"]
    assert callable(main)
    return main  # type: ignore[no-any-return]


@attrs.frozen
class World:
    """What a scenario may touch: the emulator (to seed) and a client (to check)."""

    emulator: Emulator
    client: ControlPlaneClient


@attrs.frozen
class Scenario:
    """One way to run an example: the config to set and what must hold afterwards.

    Attributes:
        example: The example directory name.
        label: Tells scenarios of one example apart.
        prepare: Seeds the emulator; returns the program config without the project prefix.
        verify: Checks the exports of the first ``up`` against the emulator.
    """

    example: str
    label: str
    prepare: Callable[[World], dict[str, Any]]
    verify: Callable[[World, dict[str, Any]], None]

    @property
    def id(self) -> str:
        """The pytest id."""
        return f"{self.example}[{self.label}]"


def assert_ready_at(world: World, name: str, host: str) -> None:
    """Index ``name`` exists, is Ready and has data-plane host ``host``."""
    index = world.client.describe_index(name)
    assert index.state == "Ready"
    assert index.host == host


# ---------------------------------------------------------------- restore-index


def prepare_restore(world: World) -> dict[str, Any]:
    """A prod index with one backup, restored with protection on and force_destroy."""
    world.emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    backup = world.emulator.seed_backup(source_index_name="prod-search")
    return {
        "backupId": backup["backup_id"],
        "tags": {"env": "qa", "team": "search"},
        "deletionProtection": "enabled",
        "forceDestroy": True,
    }


def verify_restore(world: World, exports: dict[str, Any]) -> None:
    """The index is restored with the configured tags and protection, from a finished job."""
    assert exports["name"].startswith("restored-")
    assert_ready_at(world, exports["name"], exports["host"])
    index = world.client.describe_index(exports["name"])
    assert user_tags(index.tags) == {"env": "qa", "team": "search"}
    assert index.deletion_protection == "enabled"
    assert world.client.describe_restore_job(exports["restore_job_id"]).status == "Completed"


# ---------------------------------------------------------------- clone-environment

SOURCES = ("products", "reviews")


def seed_sources(world: World) -> dict[str, str]:
    """The prod indexes, each with an older and a newer Ready backup; returns the newer ids."""
    newest = {}
    for dimension, source in enumerate(SOURCES, start=1):
        world.emulator.seed_index(name=source, dimension=8 * dimension, tags={"env": "prod"})
        world.emulator.seed_backup(source_index_name=source, name="older")
        newest[source] = str(world.emulator.seed_backup(source_index_name=source)["backup_id"])
    return newest


def verify_clones(world: World, exports: dict[str, Any]) -> dict[str, str]:
    """Every source has a Ready, staging-tagged stg- clone; returns source → its backup id."""
    assert exports["names"] == {source: f"stg-{source}" for source in SOURCES}
    assert set(exports["hosts"]) == {f"stg-{source}" for source in SOURCES}
    cloned_from = {}
    for source, name in exports["names"].items():
        assert_ready_at(world, name, exports["hosts"][name])
        tags = world.client.describe_index(name).tags
        assert tags["env"] == "staging"
        assert tags["clone-source"] == source
        cloned_from[source] = tags["clone-backup"]
    return cloned_from


def prepare_clone_latest(world: World) -> dict[str, Any]:
    """Sources with backups; the program looks up the latest of each (the default)."""
    seed_sources(world)
    return {"sourceIndexes": list(SOURCES)}


def verify_clone_latest(world: World, exports: dict[str, Any]) -> None:
    """Each clone comes from its source's newest Ready backup, not the older one."""
    for source, backup_id in verify_clones(world, exports).items():
        backup = world.client.describe_backup(backup_id)
        assert backup.source_index_name == source
        assert backup.name != "older"


def prepare_clone_fresh(world: World) -> dict[str, Any]:
    """Sources; the program takes a new backup of each with IndexBackup."""
    seed_sources(world)
    return {"freshBackups": True, "backupTrigger": "2025-06-01"}


def verify_clone_fresh(world: World, exports: dict[str, Any]) -> None:
    """Each clone comes from a backup the program took, named for staging."""
    for source, backup_id in verify_clones(world, exports).items():
        backup = world.client.describe_backup(backup_id)
        assert backup.name == f"{source}-for-staging"
        assert backup.source_index_name == source


# ---------------------------------------------------------------- migrate-collection


def prepare_migrate(world: World) -> dict[str, Any]:
    """A pod-era index with a collection made from it."""
    world.emulator.seed_index(name="legacy-pod", dimension=32, pod_type="p1.x1")
    world.client.create_collection(name="legacy-snapshot", source="legacy-pod")
    return {"collection": "legacy-snapshot", "cloud": "aws", "region": "us-east-1"}


def verify_migrate(world: World, exports: dict[str, Any]) -> None:
    """The serverless index exists, Ready, with the collection's dimension."""
    assert exports["name"].startswith("migrated-")
    assert_ready_at(world, exports["name"], exports["host"])
    index = world.client.describe_index(exports["name"])
    assert index.dimension == 32
    assert user_tags(index.tags) == {"migrated-from": "legacy-snapshot"}


SCENARIOS = (
    Scenario("restore-index", "protected", prepare_restore, verify_restore),
    Scenario("clone-environment", "latest", prepare_clone_latest, verify_clone_latest),
    Scenario("clone-environment", "fresh", prepare_clone_fresh, verify_clone_fresh),
    Scenario("migrate-collection", "aws", prepare_migrate, verify_migrate),
)


# ---------------------------------------------------------------- fixtures and runs


@pytest.fixture(name="world")
def _world(server: EmulatorServer) -> Iterator[World]:
    client = ControlPlaneClient(ClientSettings(api_key=API_KEY, controller_host=server.url))
    yield World(server.emulator, client)
    client.close()


def stack_config(server: EmulatorServer) -> dict[str, Any]:
    """The provider config a user sets: the API key and the emulator's address."""
    return {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url}


def make_engine(
    scenario: Scenario,
    world: World,
    server: EmulatorServer,
    plugin: DynamicPluginProcess | None = None,
) -> ProviderRoutingMocks:
    """An empty stack of the example's project, with the scenario's config set."""
    project = str(project_file(scenario.example)["name"])
    program_config = {f"{project}:{key}": value for key, value in scenario.prepare(world).items()}
    return ProviderRoutingMocks(
        stack_config(server),
        project=project,
        stack="dev",
        program_config=program_config,
        secret_keys=SECRET_KEYS,
        provider_factory=plugin_provider_factory(plugin) if plugin is not None else None,
    )


def snapshot(world: World) -> tuple[set[str], set[str]]:
    """Index names and backup ids in the emulator."""
    indexes = {index.name for index in world.client.list_indexes()}
    backups = {backup.backup_id for backup in world.client.iter_backups()}
    return indexes, backups


def up_twice_then_destroy(
    engine: ProviderRoutingMocks, scenario: Scenario, world: World
) -> RunResult:
    """Run up (verified), up again (a no-op), then destroy (back to the seeded emulator)."""
    before = snapshot(world)
    main = load_main(scenario.example)
    first = engine.up(main)
    scenario.verify(world, first.exports)
    assert first.steps
    assert set(first.steps.values()) == {"create"}

    second = engine.up(main)
    assert second.steps == dict.fromkeys(first.steps, "same")
    assert second.exports == first.exports

    engine.destroy()
    assert engine.state == {}
    assert snapshot(world) == before
    return first


# ---------------------------------------------------------------- tests


def test_every_example_has_a_scenario() -> None:
    """The examples on disk and the examples this file runs are the same set."""
    assert discovered_examples() == sorted({scenario.example for scenario in SCENARIOS})


@pytest.mark.parametrize("example", discovered_examples())
def test_project_file_names_a_python_program_with_main(example: str) -> None:
    """Pulumi.yaml names the project after its directory, says python, and has a description."""
    project = project_file(example)
    assert project["name"] == example
    assert project["runtime"] == "python"
    assert project["description"].strip()
    assert callable(load_main(example))


@pytest.mark.parametrize("example", discovered_examples())
def test_readme_says_how_to_run_it_against_the_emulator(example: str) -> None:
    """The README gives the emulator, the credentials config and `pulumi up`."""
    readme = (EXAMPLES_DIR / example / "README.md").read_text()
    for command in (
        "pinecone-restore-emulator --seed demo",
        "pulumi config set --secret pinecone:apiKey",
        "pulumi config set pinecone:controllerHost http://127.0.0.1:5080",
        "pulumi up",
        "Outputs:",
    ):
        assert command in readme


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_example_in_process(scenario: Scenario, world: World, server: EmulatorServer) -> None:
    """Up creates what the example promises, a second up changes nothing, destroy removes it."""
    up_twice_then_destroy(make_engine(scenario, world, server), scenario, world)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_example_through_the_plugin(
    scenario: Scenario, world: World, server: EmulatorServer
) -> None:
    """The same lifecycle holds when every provider call goes over gRPC to the real plugin."""
    with DynamicPluginProcess() as plugin:
        plugin.configure(stack_config(server), secret_keys=SECRET_KEYS)
        engine = make_engine(scenario, world, server, plugin)
        up_twice_then_destroy(engine, scenario, world)
        assert engine._providers
        assert all(isinstance(p, PluginBackedProvider) for p in engine._providers.values())
        # Progress lines are what the engine relays from the plugin; the key is never in them.
        stderr = plugin.wait_for_stderr("ready")
        assert API_KEY not in stderr


# ---------------------------------------------------------------- clone-environment: follow or pin

CLONE = next(s for s in SCENARIOS if s.id == "clone-environment[latest]")
SET_URN = (
    "urn:pulumi:dev::clone-environment::pinecone-restore:index:CloneEnvironment"
    "$pulumi-python:dynamic/pinecone:RestoredIndexSet::staging-indexes"
)


def clone_backups(world: World) -> dict[str, str]:
    """Clone name → the backup id it was restored from (its ``clone-backup`` tag)."""
    return {
        f"stg-{s}": world.client.describe_index(f"stg-{s}").tags["clone-backup"] for s in SOURCES
    }


def test_clone_follows_a_newer_backup(world: World, server: EmulatorServer) -> None:
    """Following the latest backup, a newer backup of one source re-clones only that source."""
    engine = make_engine(CLONE, world, server)
    main = load_main(CLONE.example)
    engine.up(main)
    before = clone_backups(world)
    newer = str(world.emulator.seed_backup(source_index_name="products")["backup_id"])
    assert engine.up(main).steps[SET_URN] == "update"
    assert clone_backups(world) == {**before, "stg-products": newer}
    engine.destroy()


def test_pinned_backup_holds_the_clone(world: World, server: EmulatorServer) -> None:
    """A source pinned in config keeps its clone when a newer backup appears."""
    engine = make_engine(CLONE, world, server)
    main = load_main(CLONE.example)
    engine.up(main)
    before = clone_backups(world)
    pinned = {"products": before["stg-products"], "reviews": before["stg-reviews"]}
    engine.program_config["clone-environment:pinnedBackups"] = json.dumps(pinned)
    world.emulator.seed_backup(source_index_name="products")
    assert engine.up(main).steps[SET_URN] == "same"
    assert clone_backups(world) == before
    engine.destroy()


def test_new_backup_trigger_takes_new_backups_and_reclones(
    world: World, server: EmulatorServer
) -> None:
    """With fresh backups, a new trigger replaces every IndexBackup and re-clones from them."""
    fresh = next(s for s in SCENARIOS if s.id == "clone-environment[fresh]")
    engine = make_engine(fresh, world, server)
    main = load_main(fresh.example)
    engine.up(main)
    before = clone_backups(world)
    engine.program_config["clone-environment:backupTrigger"] = "2025-07-01"
    steps = engine.up(main).steps
    assert steps.pop(SET_URN) == "update"
    assert set(steps.values()) == {"replace"}
    after = clone_backups(world)
    assert set(after.values()).isdisjoint(before.values())
    # The replaced backups were deleted at the end of the run.
    ids = {backup.backup_id for backup in world.client.iter_backups()}
    assert ids.isdisjoint(before.values())
    engine.destroy()


def test_failed_create_through_the_plugin_fails_the_up(
    world: World, server: EmulatorServer
) -> None:
    """A restore from a missing backup fails `up` with the gRPC error and records nothing."""
    scenario = next(s for s in SCENARIOS if s.example == "restore-index")
    with DynamicPluginProcess() as plugin:
        plugin.configure(stack_config(server), secret_keys=SECRET_KEYS)
        engine = make_engine(scenario, world, server, plugin)
        engine.program_config["restore-index:backupId"] = "no-such-backup"
        with pytest.raises(PluginRpcError) as info:
            engine.up(load_main(scenario.example))
    assert info.value.method == "Create"
    assert "no-such-backup" in info.value.details
    assert engine.state == {}
