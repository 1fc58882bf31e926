"""Each resource's declaration is the single source of its input and output names."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from pulumi_pinecone_restore import (
    CollectionIndex,
    CollectionIndexArgs,
    IndexBackup,
    IndexBackupArgs,
    RestoredIndex,
    RestoredIndexArgs,
)
from pulumi_pinecone_restore.clone import COMPONENT_TYPE
from pulumi_pinecone_restore.emulator import Emulator
from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnySpec, Lifecycle
from pulumi_pinecone_restore.lifecycle.inputs import UNKNOWN, not_an_input, props_of, user_props
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX, RestoredIndexInputs
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.lifecycle.sets import RestoreSet

RESOURCES: list[tuple[AnySpec, type, type]] = [
    (RESTORED_INDEX, RestoredIndex, RestoredIndexArgs),
    (COLLECTION_INDEX, CollectionIndex, CollectionIndexArgs),
    (INDEX_BACKUP, IndexBackup, IndexBackupArgs),
]
IDS = [spec.kind for spec, _, _ in RESOURCES]
INTERNAL = {"inputs", "owner_seed", "auto_name_seed"}


def keyword_names(func: Any) -> set[str]:
    """The keyword-only parameter names of ``func``."""
    return {
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


@pytest.mark.parametrize(("spec", "resource", "args"), RESOURCES, ids=IDS)
def test_resource_and_args_take_exactly_the_declared_inputs(
    spec: AnySpec, resource: type, args: type
) -> None:
    """A new input is declared once; the classes that do not take it fail this test."""
    declared = {p.name for p in user_props(spec.inputs)}
    assert keyword_names(resource) == declared
    assert keyword_names(args) == declared


@pytest.mark.parametrize(("spec", "resource", "args"), RESOURCES, ids=IDS)
def test_resource_declares_exactly_the_outputs(spec: AnySpec, resource: type, args: type) -> None:
    """The output attributes of the resource class are the declaration's outputs."""
    annotated = {
        k
        for cls in resource.__mro__
        for k, v in inspect.get_annotations(cls).items()
        if "Output" in str(v)
    }
    assert annotated == set(spec.output_names)
    assert not INTERNAL & set(spec.output_names)


@pytest.mark.parametrize(("spec", "resource", "args"), RESOURCES, ids=IDS)
def test_every_input_has_a_rule_and_a_sentence(spec: AnySpec, resource: type, args: type) -> None:
    """Each declared input has a parser and a one-sentence description for users."""
    for prop in props_of(spec.inputs):
        assert prop.doc.strip()
        assert callable(prop.parse)
        assert not (prop.replace and prop.update)


@pytest.mark.parametrize(("spec", "resource", "args"), RESOURCES, ids=IDS)
def test_unknown_values_pass_check_for_every_input(
    spec: AnySpec, resource: type, args: type, runtime: Runtime
) -> None:
    """Every input, required or not, may be unknown at preview."""
    news = {p.name: UNKNOWN for p in props_of(spec.inputs)}
    _, failures = Lifecycle(spec, runtime).check({}, news)
    assert failures == []


@pytest.mark.parametrize(("spec", "resource", "args"), RESOURCES, ids=IDS)
def test_unknown_property_names_are_refused(
    spec: AnySpec, resource: type, args: type, runtime: Runtime
) -> None:
    """A property the resource does not have is refused, naming it."""
    _, failures = Lifecycle(spec, runtime).check({}, {"colour": "blue"})
    assert "colour" in [prop for prop, _ in failures]


def test_outputs_hold_no_copy_of_the_inputs(runtime: Runtime, backup_id: str) -> None:
    """No copy of the inputs is an output; the identity is (a refresh keeps it from there)."""
    created = Lifecycle(RESTORED_INDEX, runtime).create(
        {"backup_id": backup_id, "name": "tidy", "owner_seed": "p/s/tidy", "create_timeout": 60}
    )
    assert not {"inputs", "auto_name_seed"} & set(created.outputs)
    assert created.outputs["owner_seed"] == "p/s/tidy"
    assert created.outputs["create_timeout"] == 60


def test_backup_outputs_hide_the_mark(runtime: Runtime, emulator: Emulator) -> None:
    """The backup's description output is the user's, without the ownership mark."""
    emulator.seed_index(name="src", dimension=4)
    created = Lifecycle(INDEX_BACKUP, runtime).create(
        {"source_index_name": "src", "description": "before the release"}
    )
    assert created.outputs["description"] == "before the release"
    assert "[pulumi:" in str(emulator.describe_backup(created.id)["description"])


def test_the_component_type_is_this_packages_own() -> None:
    """CloneEnvironment does not squat the official provider's `pinecone:` namespace."""
    assert COMPONENT_TYPE.split(":")[0] == "pinecone-restore"


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("backupId", "backup_id"),  # another language's spelling
        ("backup-id", "backup_id"),
        ("tag", "tags"),  # a near miss
        ("Tags", "tags"),
        ("protection", "deletion_protection"),  # part of the name
        ("collection", "source_collection"),  # a part, before a near miss (connection)
    ],
)
def test_an_unknown_property_suggests_the_input_meant(key: str, meant: str) -> None:
    """The refusal names the likeliest input, then lists them all."""
    names = [*(p.name for p in user_props(RestoredIndexInputs)), "source_collection"]
    message = not_an_input(key, names)
    assert message.startswith(f"{key} is not an input of this resource; did you mean {meant}?")
    assert message.endswith(f"Its inputs are: {', '.join(names)}")


def test_an_unknown_property_unlike_any_input_suggests_nothing() -> None:
    """Nothing near: no guess, only the list."""
    message = not_an_input("bogus", ["backup_id", "name", "tags"])
    assert (
        message == "bogus is not an input of this resource; its inputs are: backup_id, name, tags"
    )


def test_a_set_member_with_a_misspelt_input_is_told_the_one_meant() -> None:
    """Members are plain maps (no keywords to catch a typo): the set's check suggests the input."""
    runtime = Runtime(
        config={"pinecone:apiKey": "k", "pinecone:controllerHost": "http://127.0.0.1:9"}
    )
    _, failures = RestoreSet(runtime).check(
        {}, {"owner_seed": "o/p/s/r", "members": {"a": {"backup_id": "bkp-1", "tag": {"x": "y"}}}}
    )
    assert failures == [
        (
            "members",
            "members[a]: tag is not an input of this resource; did you mean tags? Its inputs "
            "are: " + ", ".join(p.name for p in user_props(RestoredIndexInputs)),
        )
    ]
