"""One scenario table through both doors: the Python dynamic resources and the plugin from YAML.

Each door is one stack of the same program (a ``RestoredIndex`` whose inputs come from stack
config) driven by the same rows; a row's outcome is what the user sees for the index: the
engine's steps on it, or a refusal (by kind). Both doors must give the table's outcome in every
row; the plugin door's refusals must also carry no Python traceback.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pulumi
import pytest
from harness.project import CommandRun, ProjectFolder
from harness.pulumi_cli import MakeStack, PulumiStack
from pulumi import automation as auto
from support import API_KEY
from typing_extensions import override

from pulumi_pinecone_restore import IndexBackup, RestoredIndex
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer

pytestmark = pytest.mark.pulumi_cli

PROGRAMS = Path(__file__).resolve().parent / "yaml_programs"
CREATE_FIRST = ("create-replacement", "replace", "delete-replaced")
DELETE_FIRST = ("delete-replaced", "replace", "create-replacement")
# What a refusal says, by kind (the words are the lifecycle's, through either door).
REFUSALS = {
    "protected": re.compile(r"deletion protection", re.IGNORECASE),
    "not ours": re.compile(r"did not make|no stack's mark|not carry", re.IGNORECASE),
}


@attrs.frozen
class Outcome:
    """What a row shows: the steps on the index, or the kind of refusal."""

    ops: tuple[str, ...] = ()
    refused: str | None = None


def refusal(text: str) -> Outcome:
    """The outcome of a failed command: the first refusal kind its text names."""
    kinds = [kind for kind, words in REFUSALS.items() if words.search(text)]
    return Outcome(refused=kinds[0] if kinds else f"unexpected: {text[-400:]}")


class Door(abc.ABC):
    """One way in: set config, preview, up, refresh, destroy; outcomes for the index ``idx``."""

    prefix: str
    tracebacks: list[str]

    @abc.abstractmethod
    def set(self, **values: str) -> None:
        """Set project config."""

    @abc.abstractmethod
    def preview(self) -> Outcome:
        """``pulumi preview``."""

    @abc.abstractmethod
    def up(self) -> Outcome:
        """``pulumi up``."""

    @abc.abstractmethod
    def refresh(self) -> None:
        """``pulumi refresh``."""

    @abc.abstractmethod
    def destroy(self) -> Outcome:
        """``pulumi destroy``."""

    @abc.abstractmethod
    def unknown_preview(self, source: str, name: str) -> Outcome:
        """Preview of a program restoring from a backup it also makes (backupId unknown)."""


def dynamic_program() -> None:
    """The table's program with the Python dynamic resources."""
    config = pulumi.Config()
    RestoredIndex(
        "idx",
        backup_id=config.require("backupId"),
        name=config.require("indexName"),
        tags={"env": config.require("env")},
        deletion_protection=config.require("deletionProtection"),
    )


def dynamic_unknown_program() -> None:
    """A restore from a backup made in the same run, with the dynamic resources."""
    config = pulumi.Config()
    backup = IndexBackup("bk", source_index_name=config.require("sourceIndex"))
    RestoredIndex("idx", backup_id=backup.backup_id, name=config.require("indexName"))


@attrs.define
class DynamicDoor(Door):
    """The Python program through the Automation API and the dynamic provider."""

    stack: PulumiStack
    make: Callable[[str, Callable[[], None], dict[str, Any]], PulumiStack]
    prefix: str = "dyn"
    tracebacks: list[str] = attrs.field(factory=list)

    @override
    def set(self, **values: str) -> None:
        for key, value in values.items():
            self.stack.stack.set_config(f"doors:{key}", auto.ConfigValue(value))

    def _ops(self, call: Callable[[], tuple[Any, Any]]) -> Outcome:
        try:
            _, run = call()
        except auto.CommandError as exc:
            self.tracebacks.append(str(exc))  # `pulumi.dynamic` adds one to every error
            return refusal(str(exc))
        return Outcome(ops=tuple(run.ops_of("idx")))

    @override
    def preview(self) -> Outcome:
        return self._ops(self.stack.preview)

    @override
    def up(self) -> Outcome:
        return self._ops(self.stack.up)

    @override
    def refresh(self) -> None:
        self.stack.refresh()

    @override
    def destroy(self) -> Outcome:
        return self._ops(self.stack.destroy)

    @override
    def unknown_preview(self, source: str, name: str) -> Outcome:
        other = self.make(
            "doors-unknown", dynamic_unknown_program, {"sourceIndex": source, "indexName": name}
        )
        _, run = other.preview()
        return Outcome(ops=tuple(run.ops_of("idx")))


@attrs.define
class PluginDoor(Door):
    """The YAML program in its folder through the CLI and the provider plugin."""

    folder: ProjectFolder
    make: Callable[[str], ProjectFolder]
    prefix: str = "yml"
    tracebacks: list[str] = attrs.field(factory=list)

    @override
    def set(self, **values: str) -> None:
        for key, value in values.items():
            self.folder.config(key, value)

    def _outcome(self, run: CommandRun) -> Outcome:
        if run.returncode == 0:
            return Outcome(ops=tuple(run.ops_of("idx")))
        if "Traceback" in run.text:
            self.tracebacks.append(run.text)
        return refusal(run.text)

    @override
    def preview(self) -> Outcome:
        return self._outcome(self.folder.preview(check=False))

    @override
    def up(self) -> Outcome:
        return self._outcome(self.folder.up(check=False))

    @override
    def refresh(self) -> None:
        self.folder.refresh()

    @override
    def destroy(self) -> Outcome:
        return self._outcome(self.folder.destroy(check=False))

    @override
    def unknown_preview(self, source: str, name: str) -> Outcome:
        other = self.make("doors-unknown")
        other.config("sourceIndex", source)
        other.config("indexName", name)
        return self._outcome(other.preview(check=False))


# The table: (row, expected outcome). Every row runs through both doors.
EXPECTED = [
    ("create", Outcome(ops=("create",))),
    ("no-change preview", Outcome(ops=("same",))),
    ("tag update", Outcome(ops=("update",))),
    ("deletion-protection update", Outcome(ops=("update",))),
    ("protected destroy refused", Outcome(refused="protected")),
    ("drift refresh, then preview", Outcome(ops=("update",))),
    ("backup replace (same name)", Outcome(ops=DELETE_FIRST)),
    ("name replace", Outcome(ops=CREATE_FIRST)),
    ("foreign same-name index refused", Outcome(refused="not ours")),
    ("unknown input at preview", Outcome(ops=("create",))),
    ("destroy", Outcome(ops=("delete",))),
]


def run_table(door: Door, emulator: Emulator, client: ControlPlaneClient) -> list[Outcome]:
    """Every row of the table through one door; the outcomes in row order."""
    emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    first = str(emulator.seed_backup(source_index_name="prod", name="first")["backup_id"])
    second = str(emulator.seed_backup(source_index_name="prod", name="second")["backup_id"])
    name, renamed, foreign = f"{door.prefix}-idx", f"{door.prefix}-idx2", f"{door.prefix}-x"
    out: list[Outcome] = []
    door.set(backupId=first, indexName=name, env="qa", deletionProtection="disabled")
    out.append(door.up())
    out.append(door.preview())
    door.set(env="prod")
    out.append(door.up())
    door.set(deletionProtection="enabled")
    out.append(door.up())
    out.append(door.destroy())
    assert client.describe_index(name).deletion_protection == "enabled"
    door.set(deletionProtection="disabled")
    door.up()
    client.configure_index(name, tags={"env": "changed-by-hand"})
    door.refresh()
    out.append(door.preview())
    door.up()
    door.set(backupId=second)
    out.append(door.up())
    door.set(indexName=renamed)
    out.append(door.up())
    client.create_index_from_backup(second, name=foreign)
    door.set(indexName=foreign)
    out.append(door.up())
    assert client.describe_index(foreign).tags == {"env": "prod"}  # the backup's; untouched
    door.set(indexName=renamed)
    out.append(door.unknown_preview("prod", f"{door.prefix}-from-new-backup"))
    out.append(door.destroy())
    assert {i.name for i in client.list_indexes()} == {"prod", foreign}
    return out


@pytest.fixture(name="dynamic_door")
def _dynamic_door(make_stack: MakeStack) -> DynamicDoor:
    def make(project: str, program: Callable[[], None], config: dict[str, Any]) -> PulumiStack:
        return make_stack(project, program, config)

    return DynamicDoor(make_stack("doors", dynamic_program, {}), make)


@pytest.fixture(name="plugin_door")
def _plugin_door(pulumi_cli: Path, server: EmulatorServer, tmp_path: Path) -> PluginDoor:
    if not (pulumi_cli / "pulumi-language-yaml").exists():
        pytest.skip("no pulumi-language-yaml beside the CLI (`python3 dev.py engine` builds it)")

    def make(program: str) -> ProjectFolder:
        folder = ProjectFolder.copy(pulumi_cli, PROGRAMS / program, tmp_path / program)
        folder.pulumi("stack", "init", "dev")
        folder.config("pinecone-restore:apiKey", API_KEY, secret=True)
        folder.config("pinecone-restore:controllerHost", server.url)
        return folder

    return PluginDoor(make("doors"), make)


def test_the_table_through_the_dynamic_door(
    dynamic_door: DynamicDoor, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """The Python dynamic resources give the table's outcome in every row."""
    outcomes = run_table(dynamic_door, emulator, client)
    assert list(zip([row for row, _ in EXPECTED], outcomes, strict=True)) == EXPECTED
    # `pulumi.dynamic` prints a traceback with every error: the package keeps it to its own
    # one frame, without the chain of causes whose text the message already carries.
    assert len(dynamic_door.tracebacks) == 2
    for text in dynamic_door.tracebacks:
        frames = re.findall(r'File "([^"]*pulumi_pinecone_restore[^"]*)"', text)
        assert frames, text
        assert {Path(frame).parts[-2:] for frame in frames} == {("providers", "base.py")}, text
        assert "direct cause" not in text
        assert "During handling" not in text


def test_the_table_through_the_plugin_door(
    plugin_door: PluginDoor, emulator: Emulator, client: ControlPlaneClient
) -> None:
    """The plugin from YAML gives the same outcome in every row, and refuses without tracebacks."""
    outcomes = run_table(plugin_door, emulator, client)
    assert list(zip([row for row, _ in EXPECTED], outcomes, strict=True)) == EXPECTED
    assert plugin_door.tracebacks == []
