"""Every example and the demo stack through the real engine: up, no-op preview, drift, destroy.

Each program runs as an Automation API inline program (its ``main()``) with the config its
README gives, against the emulator. One stack per program goes through the whole life a user
gives it: ``pulumi up``; ``pulumi preview`` with no changes; a tag edited out of band, seen by
``pulumi refresh`` and planned back by ``pulumi preview``; the index deleted out of band, dropped
by ``pulumi refresh`` and planned again by ``pulumi preview``; ``pulumi destroy``. Assertions
read the engine's own change summaries and ``pulumi stack export``.
"""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
import run_demo as demo
import yaml
from harness.pulumi_cli import MakeStack, PulumiStack, change_counts

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator

pytestmark = pytest.mark.pulumi_cli

ROOT = Path(__file__).resolve().parents[2]
TYPE_PREFIX = "pulumi-python:dynamic/pinecone:"


def load_main(program: Path) -> Callable[[], None]:
    """The ``main`` of a program file (its ``__main__`` guard does not fire)."""
    main = runpy.run_path(str(program), run_name=f"program_{program.stem}")["main"]
    assert callable(main)
    return main  # type: ignore[no-any-return]


@attrs.frozen
class Program:
    """One program and how to run it.

    Attributes:
        label: The pytest id.
        project: The project name (``Pulumi.yaml``'s ``name``).
        path: The program file.
        prepare: Seeds the emulator; returns the project config (keys without the project).
        target: From the outputs of ``up``: the index to change out of band, and the name of
            the resource that owns it.
        resources: Custom resources by type name after ``up`` (the plan's creates, less the
            stack itself).
    """

    label: str
    project: str
    path: Path
    prepare: Callable[[Emulator, ControlPlaneClient], dict[str, Any]]
    target: Callable[[dict[str, Any]], tuple[str, str]]
    resources: dict[str, int]


def prepare_restore(emulator: Emulator, _client: ControlPlaneClient) -> dict[str, Any]:
    """A prod index with one backup, restored with protection on and force_destroy."""
    emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    backup = emulator.seed_backup(source_index_name="prod-search")
    return {
        "backupId": backup["backup_id"],
        "tags": {"env": "qa", "team": "search"},
        "deletionProtection": "enabled",
        "forceDestroy": True,
    }


def seed_sources(emulator: Emulator) -> None:
    """The prod indexes, each with an older and a newer Ready backup."""
    for dimension, source in enumerate(("products", "reviews"), start=1):
        emulator.seed_index(name=source, dimension=8 * dimension, tags={"env": "prod"})
        emulator.seed_backup(source_index_name=source, name="older")
        emulator.seed_backup(source_index_name=source)


def prepare_clone_latest(emulator: Emulator, _client: ControlPlaneClient) -> dict[str, Any]:
    """Sources with backups; the program looks up the latest of each."""
    seed_sources(emulator)
    return {"sourceIndexes": ["products", "reviews"]}


def prepare_clone_fresh(emulator: Emulator, _client: ControlPlaneClient) -> dict[str, Any]:
    """Sources; the program takes a new backup of each with IndexBackup."""
    seed_sources(emulator)
    return {"freshBackups": True, "backupTrigger": "2025-06-01"}


def prepare_migrate(emulator: Emulator, client: ControlPlaneClient) -> dict[str, Any]:
    """A pod-based index with a collection made from it (as live, only a pod index can be one)."""
    emulator.seed_index(name="legacy-pod", dimension=32, pod_type="p1.x1")
    client.create_collection(name="legacy-snapshot", source="legacy-pod")
    return {"collection": "legacy-snapshot", "cloud": "aws", "region": "us-east-1"}


def prepare_demo(emulator: Emulator, _client: ControlPlaneClient) -> dict[str, Any]:
    """The demo's seeded prod project, as `python3 dev.py demo` seeds it."""
    demo.seed(emulator)
    return {}


PROGRAMS = (
    Program(
        "restore-index",
        "restore-index",
        ROOT / "examples/restore-index/restore_index.py",
        prepare_restore,
        lambda out: (out["name"], "restored"),
        {"RestoredIndex": 1},
    ),
    Program(
        "clone-environment[latest]",
        "clone-environment",
        ROOT / "examples/clone-environment/clone_environment.py",
        prepare_clone_latest,
        lambda _out: ("stg-products", "staging-indexes"),
        {"RestoredIndexSet": 1},
    ),
    Program(
        "clone-environment[fresh]",
        "clone-environment",
        ROOT / "examples/clone-environment/clone_environment.py",
        prepare_clone_fresh,
        lambda _out: ("stg-products", "staging-indexes"),
        {"RestoredIndexSet": 1, "IndexBackup": 2},
    ),
    Program(
        "migrate-collection",
        "migrate-collection",
        ROOT / "examples/migrate-collection/migrate_collection.py",
        prepare_migrate,
        lambda out: (out["name"], "migrated"),
        {"CollectionIndex": 1},
    ),
    Program(
        "demo",
        "pinecone-restore-demo",
        ROOT / "demo/__main__.py",
        prepare_demo,
        lambda out: (out["preview_index"], "search-preview"),
        {"RestoredIndexSet": 1, "RestoredIndex": 1},
    ),
)


def test_every_example_runs_here() -> None:
    """Each Python example directory has a program in PROGRAMS (YAML: test_yaml_examples)."""
    on_disk = {
        path.parent.name
        for path in (ROOT / "examples").glob("*/Pulumi.yaml")
        if yaml.safe_load(path.read_text()).get("runtime") != "yaml"
    }
    assert on_disk == {p.project for p in PROGRAMS} - {"pinecone-restore-demo"}


def dynamic_types(stack: PulumiStack) -> dict[str, int]:
    """The exported dynamic resources, counted by type name."""
    counts: dict[str, int] = {}
    for resource in stack.resources():
        kind = str(resource["type"])
        if kind.startswith(TYPE_PREFIX):
            name = kind.removeprefix(TYPE_PREFIX)
            counts[name] = counts.get(name, 0) + 1
    return counts


def owner_of(stack: PulumiStack, resource: str) -> dict[str, Any]:
    """The exported state of the resource named ``resource``."""
    found = [r for r in stack.resources() if str(r["urn"]).endswith(f"::{resource}")]
    assert len(found) == 1
    return found[0]


def untag(client: ControlPlaneClient, name: str) -> dict[str, str]:
    """Edit the index's tags out of band; returns the tags it had."""
    before = dict(client.describe_index(name).tags or {})
    client.configure_index(name, tags={"edited": "by-hand"})
    return before


def delete_out_of_band(client: ControlPlaneClient, name: str) -> None:
    """Delete the index as someone in the console would (protection off first)."""
    client.configure_index(name, deletion_protection="disabled")
    client.delete_index(name)


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.label)
def test_program_lifecycle(
    program: Program, make_stack: MakeStack, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Up creates, preview is a no-op, refresh sees tag drift and a deletion, destroy cleans."""
    config = program.prepare(emulator, client)
    seeded = {index.name for index in client.list_indexes()}
    stack = make_stack(program.project, load_main(program.path), config)

    up, _ = stack.up()
    outputs = {key: value.value for key, value in up.outputs.items()}
    created = sum(program.resources.values())
    counts = change_counts(up.summary.resource_changes or {})
    assert counts.pop("create") >= created + 1  # + the stack (+ component wrappers)
    assert counts == {}
    assert dynamic_types(stack) == program.resources
    target, owner = program.target(outputs)
    assert client.describe_index(target).state == "Ready"
    assert owner_of(stack, owner)["outputs"]

    preview, _ = stack.preview()
    assert set(change_counts(preview.change_summary)) == {"same"}

    before = untag(client, target)
    refresh, _ = stack.refresh()
    assert change_counts(refresh.summary.resource_changes or {}).get("update") == 1
    drifted, _ = stack.preview()
    assert change_counts(drifted.change_summary).get("update") == 1
    client.configure_index(target, tags={**before, "edited": ""})

    delete_out_of_band(client, target)
    refresh, _ = stack.refresh()
    counts = change_counts(refresh.summary.resource_changes or {})
    if program.resources.get("RestoredIndexSet") and owner == "staging-indexes":
        # A member deleted out of band leaves the set; the set itself stays.
        assert counts.get("update") == 1
        assert "stg-products" not in owner_of(stack, owner)["outputs"]["hosts"]
    else:
        assert counts.get("delete") == 1
        assert not [r for r in stack.resources() if str(r["urn"]).endswith(f"::{owner}")]
    replan, _ = stack.preview()
    assert set(change_counts(replan.change_summary)) - {"same"} in ({"create"}, {"update"})

    destroy, _ = stack.destroy()
    assert change_counts(destroy.summary.resource_changes or {}).get("delete", 0) >= 1
    assert stack.resources() == []
    assert {index.name for index in client.list_indexes()} == seeded
