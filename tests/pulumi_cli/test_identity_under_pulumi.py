"""Identity lives in state, under the real engine: renames and moves keep the index, marks differ.

- One stack goes through what changes a resource's project, stack or name without changing the
  index: ``pulumi stack rename``, a project rename (``pulumi stack rename org/project/stack``),
  ``pulumi state move`` into another stack, and an ``aliases`` move into a component under a new
  name. After each, ``pulumi preview`` shows no change and ``pulumi up`` sends no write.
- A state written before nonces (old-style seed and mark) previews and updates as no change.
- Two stacks with equal project and stack names in two backends, one Pinecone project: the
  second is refused and touches nothing of the first's; an index that took the first's name with
  a copied mark but another dimension is reported gone by refresh and left alone by destroy.
- An ``IndexBackup``'s destroy deletes the backup id in its state, nothing that carries its mark.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pulumi
import pytest
from harness.pulumi_cli import PulumiStack, change_counts, new_stack
from pulumi import automation as auto
from support import API_KEY

from pulumi_pinecone_restore import IndexBackup, RestoredIndex
from pulumi_pinecone_restore.cli import main
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY, index_mark

pytestmark = pytest.mark.pulumi_cli

WRITES = ("POST", "PATCH", "DELETE")


def writes(emulator: Emulator) -> dict[str, int]:
    """The write requests the emulator answered since its last reset of requests."""
    return {k: n for k, n in emulator.request_counts().items() if k.startswith(WRITES)}


def seeded_backup(emulator: Emulator) -> str:
    """A Ready backup of a seeded index ``prod``."""
    emulator.seed_index(name="prod", dimension=8)
    return str(emulator.seed_backup(source_index_name="prod")["backup_id"])


def plain(backup_id: str) -> Callable[[], None]:
    """One auto-named RestoredIndex ``idx`` at the top of the stack."""

    def program() -> None:
        index = RestoredIndex("idx", backup_id=backup_id)
        pulumi.export("name", index.name)

    return program


class Group(pulumi.ComponentResource):
    """A component that the index moves into."""

    def __init__(self, name: str) -> None:
        """Register the component."""
        super().__init__("identity:test:Group", name, None)
        self.register_outputs({})


def in_component(backup_id: str) -> Callable[[], None]:
    """The same index inside a component, under a new resource name, with aliases to the old."""

    def program() -> None:
        group = Group("group")
        index = RestoredIndex(
            "group-idx",
            backup_id=backup_id,
            opts=pulumi.ResourceOptions(
                parent=group,
                aliases=[pulumi.Alias(name="idx", parent=pulumi.ROOT_STACK_RESOURCE)],
            ),
        )
        pulumi.export("name", index.name)

    return program


@attrs.frozen
class Place:
    """Where the stacks of a test live (one file backend)."""

    pulumi_cli: Path
    workdir: Path
    config: dict[str, Any]

    def stack(self, project: str, name: str, program: Callable[[], None]) -> PulumiStack:
        """A new stack of ``project`` in this backend."""
        return new_stack(
            self.pulumi_cli, self.workdir, project, program, self.config, stack_name=name
        )

    def cli(self, stack: PulumiStack, *args: str) -> str:
        """Run the CLI in the stack's workspace (what Automation API has no call for)."""
        env = {**os.environ, **stack.workspace.env, "PULUMI_HOME": str(stack.workspace.pulumi_home)}
        done = subprocess.run(  # noqa: S603 - the engine under test, fixed arguments
            [str(self.pulumi_cli / "pulumi"), *args, "--non-interactive"],
            cwd=stack.workspace.work_dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


def reselect(
    place: Place, stack: PulumiStack, project: str, name: str, program: Any
) -> PulumiStack:
    """The stack ``project/name`` of the same workspace, running ``program``."""
    opts = stack.workspace.options()
    # What a user edits for a project rename: the name in Pulumi.yaml.
    opts.project_settings = auto.ProjectSettings(name=project, runtime="python")
    selected = auto.select_stack(name, project_name=project, program=program, opts=opts)
    return PulumiStack(selected, stack.workspace)


def unchanged(stack: PulumiStack, emulator: Emulator, name: str) -> None:
    """Preview shows no change; up sends no write and keeps the index name."""
    emulator.reset_requests()
    preview, _ = stack.preview()
    assert set(change_counts(preview.change_summary)) <= {"same", "create"}, preview.stdout
    assert "replace" not in preview.stdout
    result, run = stack.up()
    assert result.outputs["name"].value == name
    assert not [op for op, _ in run.steps() if op not in {"same", "create"}]
    assert writes(emulator) == {}


@pytest.fixture(name="place")
def _place(pulumi_cli: Path, server: EmulatorServer, tmp_path: Path) -> Place:
    return Place(
        pulumi_cli, tmp_path, {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url}
    )


def test_renames_moves_and_aliases_keep_the_index(
    place: Place, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Stack rename, project rename, state move, alias into a component: no change, no write."""
    backup_id = seeded_backup(emulator)
    stack = place.stack("ident", "dev", plain(backup_id))
    result, _ = stack.up()
    name = result.outputs["name"].value
    tags = client.describe_index(name).tags

    stack.stack.rename("dev2")
    unchanged(stack, emulator, name)
    # A new `dev` derives the renamed stack's names and mark: it must not take its index over.
    new_dev = place.stack("ident", "dev", plain(backup_id))
    with pytest.raises(auto.CommandError, match="carries this resource's own mark"):
        new_dev.up()
    assert client.describe_index(name).tags == tags
    new_dev.destroy()  # records nothing: deletes nothing

    place.cli(stack, "stack", "rename", "organization/ident2/dev2", "--stack", "dev2")
    stack = reselect(place, stack, "ident2", "dev2", plain(backup_id))
    unchanged(stack, emulator, name)

    moved = place.stack("ident2", "moved", plain(backup_id))
    (urn,) = [r["urn"] for r in stack.resources("RestoredIndex")]
    place.cli(stack, "state", "move", "--source", "dev2", "--dest", "moved", urn, "--yes")
    unchanged(moved, emulator, name)

    moved = reselect(place, moved, "ident2", "moved", in_component(backup_id))
    unchanged(moved, emulator, name)
    assert client.describe_index(name).tags == tags
    assert [i.name for i in client.list_indexes()].count(name) == 1

    moved.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod"}


def test_a_state_from_before_nonces_keeps_working(
    place: Place, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Old-style seed and mark in state: no change in preview, no write in up, destroy works."""
    backup_id = seeded_backup(emulator)
    stack = place.stack("legacy", "dev", plain(backup_id))
    result, _ = stack.up()
    name = result.outputs["name"].value
    # Rewrite the state (and the index's tag) as releases before nonces left them.
    old_mark = index_mark("RestoredIndex", "legacy/dev/idx", [backup_id], None)
    client.configure_index(name, tags={MARK_KEY: old_mark})
    deployment = stack.deployment()
    for resource in deployment["resources"]:
        if str(resource["type"]).endswith("RestoredIndex"):
            resource["inputs"]["owner_seed"] = "legacy/dev/idx"
            resource["inputs"].pop("owner_nonce")
            resource["outputs"].pop("owner_seed")
            resource["outputs"].pop("owner_nonce")
            resource["outputs"]["owner_mark"] = old_mark
    stack.stack.import_stack(auto.Deployment(version=3, deployment=deployment))

    stack.stack.rename("renamed")
    unchanged(stack, emulator, name)
    assert client.describe_index(name).tags[MARK_KEY] == old_mark
    stack.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod"}


def test_same_names_in_two_backends_touch_nothing_of_each_other(
    pulumi_cli: Path,
    server: EmulatorServer,
    emulator: Emulator,
    client: ControlPlaneClient,
    tmp_path: Path,
) -> None:
    """B is refused and leaves A's index alone; a newcomer with A's copied mark is not A's."""
    backup_id = seeded_backup(emulator)
    config = {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url}
    a = Place(pulumi_cli, tmp_path / "a", config).stack("twin", "dev", plain(backup_id))
    b = Place(pulumi_cli, tmp_path / "b", config).stack("twin", "dev", plain(backup_id))
    name = a.up()[0].outputs["name"].value
    before = client.describe_index(name)

    emulator.reset_requests()
    with pytest.raises(auto.CommandError) as refused:
        b.up()
    assert "carries the mark of a resource with this one's" in str(refused.value)
    b.destroy()
    assert not {k for k in writes(emulator) if not k.startswith("POST /backups")}
    assert client.describe_index(name) == before

    # A's index deleted out of band; a newcomer takes the name with A's mark, another shape.
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    client.delete_index(name)
    newcomer = client.create_serverless_index(
        name=name,
        cloud="aws",
        region="us-east-1",
        dimension=16,
        tags={MARK_KEY: before.tags[MARK_KEY]},
    )
    refresh, _ = a.refresh()
    assert change_counts(refresh.summary.resource_changes or {}).get("delete") == 1
    emulator.reset_requests()
    a.destroy()
    assert writes(emulator) == {}
    assert client.describe_index(name).dimension == newcomer.dimension == 16


def test_backup_destroy_deletes_only_its_own_id(
    place: Place, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """A backup carrying the same mark (copied) outlives the IndexBackup's destroy."""
    emulator.seed_index(name="src", dimension=8)

    def program() -> None:
        backup = IndexBackup("nightly", source_index_name="src", description="nightly")
        pulumi.export("id", backup.backup_id)
        pulumi.export("mark", backup.owner_mark)

    stack = place.stack("backups", "dev", program)
    outputs = stack.up()[0].outputs
    copied = client.create_backup("src", description=f"copy {outputs['mark'].value}")
    stack.destroy()
    assert [b.backup_id for b in client.iter_backups()] == [copied.backup_id]


def test_adopt_existing_takes_an_index_the_cli_restored(
    place: Place, server: EmulatorServer, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """`pinecone-restore restore`, then a stack declares it with adopt_existing: one restore."""
    backup_id = seeded_backup(emulator)
    env = {"PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": server.url}
    out, err = io.StringIO(), io.StringIO()
    assert main(["restore", backup_id, "--name", "by-cli"], environ=env, out=out, err=err) == 0

    def program() -> None:
        RestoredIndex("adopted", backup_id=backup_id, name="by-cli", adopt_existing=True)

    stack = place.stack("bycli", "dev", program)
    stack.up()
    (state,) = stack.resources("RestoredIndex")
    assert client.describe_index("by-cli").tags[MARK_KEY] == state["outputs"]["owner_mark"]
    assert len(emulator.dump()["restore_jobs"]) == 1
    stack.destroy()
