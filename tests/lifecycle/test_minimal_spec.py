"""A resource that declares only the six required members runs on the engine's defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs
import pytest

from pulumi_pinecone_restore.emulator import Emulator
from pulumi_pinecone_restore.errors import ImportRefusedError, RefusedError
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import (
    CustomDelete,
    CustomRead,
    CustomUpdate,
    Lifecycle,
    Reconciles,
    Run,
    Spec,
    Started,
)
from pulumi_pinecone_restore.lifecycle.index import IndexSpec
from pulumi_pinecone_restore.lifecycle.inputs import input_prop
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.models import IndexModel
from pulumi_pinecone_restore.polling import Observation


@attrs.frozen
class NoteInputs(decl.CommonInputs):
    """A test resource's inputs: an index name to create with the emulator's defaults."""

    name: str = input_prop(doc="The index.", parse=decl.index_name, replace=True, required="a name")
    tags: dict[str, str] | None = input_prop(  # noqa: RUF009 - an attrs field, not a value
        doc="Tags.", parse=decl.tags, update=True
    )


class NoteSpec(Spec[NoteInputs, IndexModel, None, None]):
    """Only what every resource must declare: no reconcile, read, update or delete of its own."""

    kind: ClassVar[str] = "Note"
    inputs = NoteInputs
    output_names: ClassVar[tuple[str, ...]] = ("name", "host", "tags")

    def start(self, run: Run, inp: NoteInputs, prerequisite: None) -> Started[None]:
        """Create the index."""
        del prerequisite
        run.client.create_serverless_index(
            name=inp.name, cloud="aws", region="us-east-1", dimension=8, metric="cosine"
        )
        return Started(inp.name, None)

    def watch(
        self, run: Run, inp: NoteInputs, started: Started[None], prerequisite: None
    ) -> Callable[[], Observation[IndexModel]]:
        """Describe it until it is ready."""
        del inp, prerequisite

        def probe() -> Observation[IndexModel]:
            index = run.client.describe_index(started.id)
            return Observation(index) if index.ready else Observation(status=index.state)

        return probe

    def outputs(
        self, given: Mapping[str, Any], obj: IndexModel, previous: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Name, host and the given tags."""
        del previous
        return {"name": obj.name, "host": obj.host, "tags": given.get("tags")}


@pytest.fixture(name="life")
def _life(runtime: Runtime) -> Lifecycle[NoteInputs, IndexModel, None, None]:
    return Lifecycle(NoteSpec(), runtime)


def test_the_required_members_are_six() -> None:
    """Spec's abstract members are start, watch and outputs; kind, inputs and output_names."""
    assert Spec.__abstractmethods__ == frozenset({"start", "watch", "outputs"})
    assert set(Spec.__annotations__) >= {"kind", "inputs", "output_names"}
    assert not issubclass(NoteSpec, (Reconciles, CustomRead, CustomUpdate, CustomDelete))


def test_index_resources_opt_into_every_step() -> None:
    """Every index resource reconciles, reads, updates and deletes (IndexSpec opts in)."""
    assert isinstance(RESTORED_INDEX, IndexSpec)
    for step in (Reconciles, CustomRead, CustomUpdate, CustomDelete):
        assert isinstance(RESTORED_INDEX, step)


def test_create_read_update_delete_on_the_defaults(
    life: Lifecycle[NoteInputs, IndexModel, None, None], emulator: Emulator
) -> None:
    """Create follows the object; read keeps the state; update sends nothing; delete forgets."""
    created = life.create({"name": "note", "tags": {"a": "1"}})
    assert created.outputs["host"]
    read = life.read(created.id, created.outputs)
    assert (read.id, read.outputs) == (created.id, created.outputs)
    assert read.inputs == {"name": "note", "tags": {"a": "1"}}
    before = len(emulator.request_log())
    updated = life.update(created.id, created.outputs, {"name": "note", "tags": {"a": "2"}})
    life.delete(created.id, updated)
    assert len(emulator.request_log()) == before  # no request: nothing remote to change
    assert emulator.describe_index("note")["name"] == "note"  # the default delete forgets it


def test_a_taken_name_is_refused_without_reconcile(
    life: Lifecycle[NoteInputs, IndexModel, None, None], emulator: Emulator
) -> None:
    """A spec that does not reconcile never adopts: a 409 refuses the name, touching nothing."""
    emulator.seed_index(name="note", dimension=8)
    with pytest.raises(RefusedError):
        life.create({"name": "note"})


def test_import_without_custom_read_is_refused(
    life: Lifecycle[NoteInputs, IndexModel, None, None],
) -> None:
    """A read with no stored outputs (an import) needs CustomRead: refused, naming the kind."""
    with pytest.raises(ImportRefusedError, match="Note cannot be imported"):
        life.read("note", {})
