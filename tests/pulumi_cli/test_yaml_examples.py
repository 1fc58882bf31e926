"""The YAML examples, run in their folders with the real CLI as a user runs them.

The provider is the ``pulumi-resource-pinecone-restore`` plugin found on PATH (this
interpreter's scripts), the program the YAML language host beside the CLI. One stack per
example goes through every step, to keep the suite lean.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from harness.project import ProjectFolder
from support import API_KEY, FAST_TIMINGS

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY

pytestmark = pytest.mark.pulumi_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROGRAMS = Path(__file__).resolve().parent / "yaml_programs"
RESTORED = "pinecone-restore:index:RestoredIndex"


@pytest.fixture(name="yaml_engine")
def _yaml_engine(pulumi_cli: Path) -> Path:
    if not (pulumi_cli / "pulumi-language-yaml").exists():
        pytest.skip("no pulumi-language-yaml beside the CLI (`python3 dev.py engine` builds it)")
    return pulumi_cli


@pytest.fixture(name="restore_folder")
def _restore_folder(
    yaml_engine: Path, server: EmulatorServer, tmp_path: Path
) -> Iterator[ProjectFolder]:
    folder = ProjectFolder.copy(yaml_engine, EXAMPLES / "yaml-restore-index", tmp_path)
    folder.pulumi("stack", "init", "dev")
    folder.config("pinecone-restore:apiKey", API_KEY, secret=True)
    folder.config("pinecone-restore:controllerHost", server.url)
    yield folder
    folder.destroy(check=False)


def seed_backup(emulator: Emulator, name: str) -> str:
    """A Ready backup of a seeded source index."""
    return str(emulator.seed_backup(source_index_name="prod-search", name=name)["backup_id"])


# The resource `pulumi import` printed, added to the program (the last of `resources:`).
HANDMADE = """
  handmade:
    type: pinecone-restore:index:RestoredIndex
    properties:
      backupId: {backup}
      name: handmade
"""


def restored_names(client: ControlPlaneClient) -> list[str]:
    """The indexes other than the seeded source."""
    return sorted(i.name for i in client.list_indexes() if i.name != "prod-search")


def up_out_of_time_then_continued(
    folder: ProjectFolder, emulator: Emulator, client: ControlPlaneClient
) -> str:
    """customTimeouts.create is the budget: out of time, a partial create; the next up ends it.

    Returns:
        The index name.
    """
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=4.0)))
    program = (folder.folder / "Pulumi.yaml").read_text()
    folder.write("Pulumi.yaml", program.replace("create: 90m", "create: 1s"))
    timed_out = folder.up(check=False)
    assert timed_out.returncode != 0
    assert "Traceback" not in timed_out.text
    [partial] = folder.resources(RESTORED)
    assert partial["initErrors"]
    assert partial["id"] == partial["inputs"]["name"]
    assert restored_names(client) == [partial["id"]]
    folder.write("Pulumi.yaml", program)
    resumed = folder.up()
    assert resumed.ops_of("search") == ["update"]
    name = folder.outputs()["indexName"]
    assert restored_names(client) == [name] == [partial["id"]]
    assert client.describe_index(name).ready
    # Progress lines are on the resource's row (its URN), not the stack's.
    progress = [d for d in resumed.diagnostics() if f"RestoredIndex {name}:" in d.message]
    assert progress
    assert all(d.urn.endswith("::search") for d in progress)

    return str(name)


def import_one_and_refuse_another(
    folder: ProjectFolder, client: ControlPlaneClient, backup: str
) -> None:
    """`pulumi import` takes an unmarked index (then no changes); a marked one is refused."""
    client.create_index_from_backup(backup, name="handmade")
    client.create_index_from_backup(backup, name="foreign", tags={MARK_KEY: "another-stack"})
    refused = folder.pulumi("import", RESTORED, "foreign", "foreign", "--yes", check=False)
    assert refused.returncode != 0
    assert "ownership mark of another stack" in refused.text
    assert "Traceback" not in refused.text
    # An index that does not exist is not imported (it was, as a ghost with empty outputs).
    ghost = folder.pulumi("import", RESTORED, "ghost", "no-such-index", "--yes", check=False)
    assert ghost.returncode != 0
    assert "does not exist" in ghost.text
    assert "::ghost" not in folder.pulumi("stack", "export").text
    folder.pulumi("import", RESTORED, "handmade", "handmade", "--yes", "--protect=false")
    program = (folder.folder / "Pulumi.yaml").read_text()
    folder.write(
        "Pulumi.yaml", program.replace("\noutputs:", HANDMADE.format(backup=backup) + "outputs:")
    )
    after_import = folder.preview()
    assert after_import.ops_of("handmade") == ["same"]
    assert after_import.ops_of("search") == ["same"]


def test_yaml_restore_index_through_every_step(
    restore_folder: ProjectFolder, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Bad input, preview, up (out of time, resumed), refresh, update, replace, import, destroy."""
    folder = restore_folder
    emulator.seed_index(name="prod-search", dimension=16, tags={"env": "prod"})
    first, second = seed_backup(emulator, "first"), seed_backup(emulator, "second")
    # Bad input fails the preview against its schema name, before any request.
    folder.config("backupId", "not a backup id!")
    emulator.reset_requests()
    refused = folder.preview(check=False)
    assert refused.returncode != 0
    assert "backupId" in refused.text
    assert "Traceback" not in refused.text
    assert emulator.request_counts() == {}
    folder.config("backupId", first)

    assert folder.preview().ops_of("search") == ["create"]

    name = up_out_of_time_then_continued(folder, emulator, client)

    assert folder.preview().ops_of("search") == ["same"]

    client.configure_index(name, tags={"env": "changed-by-hand", "team": "search"})
    folder.refresh()
    assert folder.preview().ops_of("search") == ["update"]
    folder.config("env", "qa")
    assert folder.up().ops_of("search") == ["update"]
    tags = client.describe_index(name).tags
    assert (tags["env"], tags["team"]) == ("qa", "search")
    assert MARK_KEY in tags

    folder.config("backupId", second)
    replaced = folder.up()
    assert "create-replacement" in replaced.ops_of("search")
    new_name = folder.outputs()["indexName"]
    assert new_name != name
    assert [i.name for i in client.list_indexes() if i.name in (name, new_name)] == [new_name]

    import_one_and_refuse_another(folder, client, second)

    folder.destroy()
    assert {i.name for i in client.list_indexes()} == {"prod-search", "foreign"}
    assert API_KEY not in folder.everything_said()


def test_yaml_clone_environment_preview_up_no_change_destroy(
    yaml_engine: Path,
    server: EmulatorServer,
    emulator: Emulator,
    client: ControlPlaneClient,
    tmp_path: Path,
) -> None:
    """The getBackup lookup finds each source's backup; one set restores both; destroy ends it."""
    for source in ("products", "reviews"):
        emulator.seed_index(name=source, dimension=8)
        emulator.seed_backup(source_index_name=source)
    folder = ProjectFolder.copy(yaml_engine, EXAMPLES / "yaml-clone-environment", tmp_path)
    folder.pulumi("stack", "init", "staging")
    folder.config("pinecone-restore:apiKey", API_KEY, secret=True)
    folder.config("pinecone-restore:controllerHost", server.url)

    assert folder.preview().ops_of("staging") == ["create"]
    folder.up()
    assert folder.outputs()["names"] == {"products": "stg-products", "reviews": "stg-reviews"}
    names = {i.name for i in client.list_indexes()}
    assert {"stg-products", "stg-reviews"} <= names
    assert folder.preview().ops_of("staging") == ["same"]
    folder.destroy()
    assert {i.name for i in client.list_indexes()} == {"products", "reviews"}
    assert API_KEY not in folder.everything_said()


OTHER_KEY = "pcsk_other_project_key_000000000000"


@pytest.fixture(name="other_server")
def _other_server() -> Iterator[EmulatorServer]:
    emulator = Emulator(api_key=OTHER_KEY, timings=FAST_TIMINGS)
    with EmulatorServer(emulator, host="127.0.0.1", port=0) as server:
        yield server


def test_an_explicit_provider_reaches_a_second_project(  # noqa: PLR0917 - fixtures
    yaml_engine: Path,
    server: EmulatorServer,
    other_server: EmulatorServer,
    emulator: Emulator,
    client: ControlPlaneClient,
    tmp_path: Path,
) -> None:
    """An explicit provider with its own apiKey reaches its own project; a secret name stays so."""
    emulator.seed_index(name="prod-search", dimension=8)
    here_backup = seed_backup(emulator, "here")
    other = other_server.emulator
    other.seed_index(name="prod-search", dimension=8)
    there_backup = str(other.seed_backup(source_index_name="prod-search")["backup_id"])
    folder = ProjectFolder.copy(yaml_engine, PROGRAMS / "two-projects", tmp_path)
    folder.pulumi("stack", "init", "dev")
    folder.config("pinecone-restore:apiKey", API_KEY, secret=True)
    folder.config("pinecone-restore:controllerHost", server.url)
    folder.config("backupId", here_backup)
    folder.config("otherBackupId", there_backup)
    folder.config("otherApiKey", OTHER_KEY, secret=True)
    folder.config("otherHost", other_server.url)

    folder.up()
    assert [i.name for i in client.list_indexes()] == ["prod-search", "here"]
    assert [i["name"] for i in other.list_indexes()["indexes"]] == ["prod-search", "hush-there"]
    folder.destroy()
    assert [i["name"] for i in other.list_indexes()["indexes"]] == ["prod-search"]
    said = folder.everything_said()
    assert API_KEY not in said
    assert OTHER_KEY not in said
    assert "hush-there" not in said  # the name, its host and the id: all secret or opaque


def children(pid: int) -> list[tuple[int, str]]:
    """``(pid, command line)`` of the processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it ended meanwhile
        if int(fields[1]) == pid:
            found.append((int(stat.parent.name), cmdline))
    return found


def up_mid_restore(folder: ProjectFolder, emulator: Emulator) -> subprocess.Popen[str]:
    """`pulumi up` of a restore that takes an hour, read until the restore has started."""
    emulator.seed_index(name="prod-search", dimension=16)
    folder.config("backupId", seed_backup(emulator, "slow"))
    emulator.set_timings(attrs.evolve(FAST_TIMINGS, restore=Timing(seconds=3600.0)))
    up = folder.start("up", "--yes", "--skip-preview")
    assert up.stdout is not None
    for line in up.stdout:  # blocks until the restore has started (the plugin is serving)
        if "started restore job" in line:
            break
    return up


def test_ctrl_c_records_the_running_restore_and_the_next_up_resumes_it(
    restore_folder: ProjectFolder, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Ctrl-C mid-restore: `pulumi up` ends soon, with a partial create; the next up ends it."""
    up = up_mid_restore(restore_folder, emulator)
    up.send_signal(signal.SIGINT)  # a terminal's Ctrl-C: the plugin has a process group of its own
    # Without the plugin's Cancel, the engine waits for the create: the whole restore.
    rest, _ = up.communicate(timeout=60)
    assert up.returncode != 0
    assert "cancelled (Ctrl-C)" in rest
    assert "Traceback" not in rest
    [partial] = restore_folder.resources(RESTORED)
    assert partial["initErrors"]
    assert restored_names(client) == [partial["id"]]
    emulator.set_timings(FAST_TIMINGS)
    resumed = restore_folder.up()
    assert resumed.ops_of("search") == ["update"]
    assert restored_names(client) == [restore_folder.outputs()["indexName"]] == [partial["id"]]
    assert len(list(client.iter_restore_jobs())) == 1  # resumed, not restored again


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfds")
def test_the_plugin_exits_when_pulumi_is_killed(
    restore_folder: ProjectFolder, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """Killing `pulumi up` mid-restore leaves no plugin behind; the next up adopts the restore."""
    up = up_mid_restore(restore_folder, emulator)
    [plugin] = [pid for pid, cmd in children(up.pid) if "pulumi-resource-pinecone-restore" in cmd]
    watched = os.pidfd_open(plugin)
    try:
        up.kill()
        up.wait()
        gone, _, _ = select.select([watched], [], [], 30.0)
        assert gone, f"plugin {plugin} still runs 30 s after pulumi was killed"
    finally:
        os.close(watched)
    # docs/pulumi-cli.md's recipe: the next up adopts the restore the killed one started.
    emulator.set_timings(FAST_TIMINGS)
    restore_folder.pulumi("cancel", "--yes")
    restore_folder.pulumi("refresh", "--clear-pending-creates", "--yes", "--skip-preview")
    rerun = restore_folder.up()
    assert any("resuming" in d.message for d in rerun.diagnostics())
    assert [i.name for i in client.list_indexes()] == [
        "prod-search",
        restore_folder.outputs()["indexName"],
    ]
