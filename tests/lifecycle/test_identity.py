"""Identity lives in state: auto-name, seed and nonce are carried; a mark is not the only proof."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import attrs
import pytest
from support import API_KEY

from pulumi_pinecone_restore.cli import main
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, Timing
from pulumi_pinecone_restore.errors import ConfigurationError, NameTakenError, NotOursError
from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP, backup_mark
from pulumi_pinecone_restore.lifecycle.engine import AnyLifecycle, Lifecycle
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY, not_ours_reason
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import CONFIG_OWNER_KEY, Runtime
from pulumi_pinecone_restore.models import IndexModel

SEED = "organization/search/dev/docs"


@pytest.fixture(name="life")
def _life(runtime: Runtime) -> AnyLifecycle:
    return Lifecycle(RESTORED_INDEX, runtime)


def first_check(life: AnyLifecycle, news: dict[str, Any]) -> dict[str, Any]:
    """The inputs of a resource's first check (no state yet)."""
    inputs, failures = life.check({}, news)
    assert failures == []
    return inputs


# carried, never re-derived ------------------------------------------------------------------


@pytest.mark.parametrize(
    "seed",
    [
        "organization/search/dev2/docs",  # pulumi stack rename
        "organization/search-v2/dev/docs",  # a project rename
        "organization/search/dev/stack-docs",  # aliases / pulumi state move: another name
    ],
)
def test_a_new_seed_keeps_the_auto_name_seed_and_nonce(
    life: AnyLifecycle, backup_id: str, seed: str
) -> None:
    """A program that gives another seed keeps the state's name, seed and nonce: no diff."""
    old = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    again, _ = life.check(old, {"backup_id": backup_id, "owner_seed": seed})
    assert again == old
    assert not life.diff({**old, "owner_mark": "x"}, again).changes


@pytest.mark.parametrize(
    "seed_key",
    [
        "owner_seed",  # a state from before nonces
        "auto_name_seed",  # the oldest releases' key for the seed
    ],
)
def test_an_old_style_state_keeps_its_seed_and_name(
    life: AnyLifecycle, backup_id: str, seed_key: str
) -> None:
    """Inputs from before nonces keep their seed (under either key) and auto-name when renamed."""
    old = {"backup_id": backup_id, "name": "docs-1234567", seed_key: "search/dev/docs"}
    again, _ = life.check(old, {"backup_id": backup_id, "owner_seed": SEED})
    assert again["owner_seed"] == "search/dev/docs"
    assert again["name"] == "docs-1234567"


def test_a_new_backup_gets_a_new_name_from_the_carried_seed(
    life: AnyLifecycle, backup_id: str
) -> None:
    """A replacement's auto-name derives from the state's seed, not the program's new one."""
    old = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    again, _ = life.check(old, {"backup_id": "other-backup", "owner_seed": "o/p/s/renamed"})
    assert again["name"] != old["name"]
    assert again["name"].startswith("docs-")


def test_identity_survives_a_refresh(life: AnyLifecycle, backup_id: str) -> None:
    """A refresh returns the seed and nonce among the inputs, so the next check keeps them."""
    inputs = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    created = life.create(inputs)
    read = life.read(created.id, created.outputs)
    assert read.inputs is not None
    assert {k: read.inputs[k] for k in ("owner_seed", "owner_nonce")} == {
        "owner_seed": inputs["owner_seed"],
        "owner_nonce": inputs["owner_nonce"],
    }


# unique marks ---------------------------------------------------------------------------------


@pytest.fixture(name="elsewhere")
def _elsewhere(runtime: Runtime) -> AnyLifecycle:
    """The same resource declared by someone else: another backend, another owner key."""
    config = {**runtime.config, CONFIG_OWNER_KEY: "someone-else"}
    return Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, config=config))


def test_a_first_check_finds_the_same_nonce_again(life: AnyLifecycle, backup_id: str) -> None:
    """With the same owner key, a run after a failed create makes the same nonce (and mark)."""
    a = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    b = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    assert a == b


def test_equal_names_under_another_key_make_another_mark(
    life: AnyLifecycle, elsewhere: AnyLifecycle, backup_id: str
) -> None:
    """Equal names in two backends: equal auto-names, different nonces and marks."""
    a = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    b = first_check(elsewhere, {"backup_id": backup_id, "owner_seed": SEED})
    assert a["name"] == b["name"]
    assert RESTORED_INDEX.mark(life.typed(a)) != RESTORED_INDEX.mark(life.typed(b))


def test_a_same_named_stack_in_another_backend_is_refused(
    life: AnyLifecycle,
    elsewhere: AnyLifecycle,
    backup_id: str,
    emulator: Emulator,
) -> None:
    """Stack B meets A's index under the same auto-name: refused, A's index untouched."""
    a = life.create(first_check(life, {"backup_id": backup_id, "owner_seed": SEED}))
    before = emulator.describe_index(a.id)
    with pytest.raises(NameTakenError) as info:
        elsewhere.create(first_check(elsewhere, {"backup_id": backup_id, "owner_seed": SEED}))
    assert "adopt_existing=True" in str(info.value)  # the way out if it is B's own after all
    assert "omit it" not in str(info.value)  # B has no name to omit: it is auto-named already
    assert emulator.describe_index(a.id) == before


def test_a_failed_create_is_adopted_by_the_next_run(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """What an unrecorded attempt left is adopted by the next first check: one restore."""
    killed = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    life.start(killed)
    created = life.create(first_check(life, {"backup_id": backup_id, "owner_seed": SEED}))
    assert created.id == killed["name"]
    assert len(emulator.dump()["restore_jobs"]) == 1


def test_a_new_resource_with_a_renamed_stacks_names_does_not_take_its_index(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """`stack rename dev prod`, then a new `dev`: its resource has prod's old names, and mark.

    prod's index was made by a create that finished (a state records it), so the new resource
    does not adopt it as its own earlier attempt: it would manage, and delete, prod's index.
    """
    prod = life.create(first_check(life, {"backup_id": backup_id, "owner_seed": SEED}))
    before = emulator.describe_index(prod.id)
    new_dev = first_check(life, {"backup_id": backup_id, "owner_seed": SEED})
    assert new_dev["name"] == prod.id  # the same names derive the same name
    with pytest.raises(NameTakenError) as info:
        life.create(new_dev)
    message = str(info.value)
    assert "carries this resource's own mark, but a create that finished made it" in message
    assert "a stack renamed away from this name" in message
    assert "Give this resource a `name` of its own" in message
    assert "delete that index" not in message  # another stack manages it
    assert emulator.describe_index(prod.id) == before
    # The user who knows no stack manages it any more takes it over deliberately.
    taken = life.create({**new_dev, "adopt_existing": True})
    assert taken.id == prod.id
    assert len(emulator.dump()["restore_jobs"]) == 1


def test_a_new_backup_with_a_renamed_stacks_names_does_not_take_its_backup(
    runtime: Runtime, emulator: Emulator
) -> None:
    """`stack rename dev prod`, then a new `dev`: its IndexBackup derives prod's backup's mark.

    A backup cannot be tagged "unfinished", so a backup with the mark that no unfinished create
    of this machine took is another state's: the new resource takes its own, and destroying it
    leaves prod's backup alone.
    """
    emulator.seed_index(name="src", dimension=4)
    lines: list[str] = []
    backups = Lifecycle(INDEX_BACKUP, attrs.evolve(runtime, progress=lines.append))
    news = {"source_index_name": "src", "name": "nightly", "owner_seed": SEED}
    prod = backups.create(first_check(backups, news))
    new_dev_inputs = first_check(backups, news)
    assert backup_mark(backups.typed(new_dev_inputs)) == prod.outputs["owner_mark"]
    new_dev = backups.create(new_dev_inputs)
    assert new_dev.id != prod.id
    assert any(f"{prod.id} carry this resource's mark" in line for line in lines)
    backups.delete(new_dev.id, new_dev.outputs)  # `pulumi destroy` of the new dev
    assert emulator.describe_backup(prod.id)["status"] == "Ready"
    assert [b["backup_id"] for b in emulator.list_backups()["data"]] == [prod.id]


def test_adopt_existing_takes_an_attempt_made_under_another_key(
    life: AnyLifecycle,
    elsewhere: AnyLifecycle,
    backup_id: str,
    emulator: Emulator,
) -> None:
    """An index of these names left under another key is taken over with adopt_existing."""
    killed = first_check(elsewhere, {"backup_id": backup_id, "owner_seed": SEED})
    elsewhere.start(killed)
    again = first_check(life, {"backup_id": backup_id, "owner_seed": SEED, "adopt_existing": True})
    created = life.create(again)
    assert created.id == killed["name"]
    assert emulator.describe_index(created.id)["tags"][MARK_KEY] == created.outputs["owner_mark"]
    assert len(emulator.dump()["restore_jobs"]) == 1


# a mark is never the only proof -----------------------------------------------------------


def live(**changes: Any) -> IndexModel:
    """An index as the API describes it (dimension 8, cosine, dense, aws/us-east-1)."""
    index = IndexModel(
        name="docs",
        host="docs-1.svc",
        dimension=8,
        metric="cosine",
        vector_type="dense",
        state="Ready",
        ready=True,
        deletion_protection="disabled",
        tags={MARK_KEY: "m"},
        cloud="aws",
        region="us-east-1",
    )
    return attrs.evolve(index, **changes)


RECORDED = {"dimension": 8.0, "metric": "cosine", "cloud": "aws", "region": "us-east-1"}


@pytest.mark.parametrize(
    ("index", "recorded", "ours"),
    [
        (live(), RECORDED, True),  # 8.0 from gRPC equals 8
        (live(), {}, True),  # a state that holds no shape proves nothing either way
        (live(vector_type="sparse"), {**RECORDED, "vector_type": "dense"}, False),
        (live(cloud="gcp"), RECORDED, False),
        (live(region="eu-west-1"), RECORDED, False),
        (live(tags={MARK_KEY: "other"}), RECORDED, False),
    ],
)
def test_what_proves_an_index_is_ours(
    index: IndexModel, recorded: dict[str, Any], ours: bool
) -> None:
    """The mark, and every part of the shape that the state and the API both show."""
    assert (not_ours_reason(index, "m", recorded) is None) is ours


@pytest.mark.parametrize("shape", [{"dimension": 16}, {"metric": "euclidean"}])
def test_a_copied_mark_on_another_shape_is_not_ours(
    life: AnyLifecycle, backup_id: str, emulator: Emulator, shape: dict[str, Any]
) -> None:
    """An index of our name with our mark but another shape: refresh says gone, destroy refuses."""
    emulator.set_timings(attrs.evolve(emulator.timings, index_terminate=Timing(reads=0)))
    created = life.create(first_check(life, {"backup_id": backup_id, "owner_seed": SEED}))
    mark = created.outputs["owner_mark"]
    emulator.delete_index(created.id)
    emulator.create_index(
        {
            "name": created.id,
            "dimension": 8,
            "metric": "cosine",
            "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}},
            "tags": {MARK_KEY: mark},
            **shape,
        }
    )
    assert life.read(created.id, created.outputs).id is None
    with pytest.raises(NotOursError):
        life.delete(created.id, created.outputs)
    assert emulator.describe_index(created.id)["tags"] == {MARK_KEY: mark}


def test_a_backup_of_another_index_with_our_mark_is_not_adopted(
    runtime: Runtime, emulator: Emulator
) -> None:
    """An IndexBackup adopts only a backup of its own source index, whatever mark it carries."""
    emulator.seed_index(name="src-a", dimension=4)
    emulator.seed_index(name="src-b", dimension=4)
    backups = Lifecycle(INDEX_BACKUP, runtime)
    inputs, _ = backups.check({}, {"source_index_name": "src-a", "owner_seed": SEED})
    mark = backup_mark(backups.typed(inputs))
    planted = str(emulator.create_backup("src-b", {"description": mark})["backup_id"])
    created = backups.create(inputs)
    assert created.id != planted
    assert created.outputs["source_index_name"] == "src-a"


# the CLI's restores --------------------------------------------------------------------------


def cli_restore(server: EmulatorServer, backup_id: str, name: str) -> None:
    """`pinecone-restore restore BACKUP --name NAME` (waits until the index is ready)."""
    env = {"PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": server.url}
    out, err = io.StringIO(), io.StringIO()
    assert main(["restore", backup_id, "--name", name], environ=env, out=out, err=err) == 0


def test_adopt_existing_takes_an_index_the_cli_restored(
    life: AnyLifecycle, server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """A CLI restore of the same backup is adopted (no second restore) and gets our mark."""
    cli_restore(server, backup_id, "stg-docs")
    inputs = first_check(
        life,
        {"backup_id": backup_id, "name": "stg-docs", "owner_seed": SEED, "adopt_existing": True},
    )
    created = life.create(inputs)
    assert emulator.describe_index("stg-docs")["tags"][MARK_KEY] == created.outputs["owner_mark"]
    assert len(emulator.dump()["restore_jobs"]) == 1


def adoption_refusal(life: AnyLifecycle, backup_id: str) -> str:
    """The refusal met by an adopt_existing restore named stg-docs, which never advises the flag."""
    inputs = first_check(
        life,
        {"backup_id": backup_id, "name": "stg-docs", "owner_seed": SEED, "adopt_existing": True},
    )
    with pytest.raises(NameTakenError) as info:
        life.create(inputs)
    assert "set adopt_existing" not in str(info.value)
    return str(info.value)


def test_a_refused_adoption_does_not_advise_adopt_existing(
    life: AnyLifecycle, server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """With adopt_existing already set, the refusal says why, never "set adopt_existing=True"."""
    cli_restore(server, backup_id, "stg-docs")
    other = str(emulator.seed_backup(source_index_name="prod-search", name="other")["backup_id"])
    refusal = adoption_refusal(life, other)
    assert "left untouched" in refusal
    # The CLI's restore from another backup is named as such, with the way to take it over.
    assert f"restored by the `pinecone-restore` CLI (no stack's) from backup_id {backup_id!r}" in (
        refusal
    )
    assert f"point this resource at backup_id {backup_id!r}" in refusal
    assert "another resource's mark" not in refusal


def test_a_cli_restore_from_another_backup_is_named_with_the_way_to_take_it(
    life: AnyLifecycle, server: EmulatorServer, backup_id: str, emulator: Emulator
) -> None:
    """Without adopt_existing, the refusal names the CLI's backup and the flag to set."""
    cli_restore(server, backup_id, "stg-docs")
    other = str(emulator.seed_backup(source_index_name="prod-search", name="other")["backup_id"])
    inputs = first_check(life, {"backup_id": other, "name": "stg-docs", "owner_seed": SEED})
    with pytest.raises(NameTakenError) as info:
        life.create(inputs)
    assert (
        f"from backup_id {backup_id!r}, not from this resource's; it is left untouched. To "
        f"manage it here, point this resource at backup_id {backup_id!r} and set "
        "adopt_existing=True; else choose another `name`"
    ) in str(info.value)


def test_a_refused_adoption_of_an_unmarked_index_says_why(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """An unmarked index from another origin is refused naming the origin, not the flag."""
    emulator.create_index(
        {
            "name": "stg-docs",
            "dimension": 8,
            "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}},
        }
    )
    assert "not made from this resource's origin" in adoption_refusal(life, backup_id)


# secret inputs --------------------------------------------------------------------------------


def test_a_secret_name_hides_the_id_and_marks_its_outputs(
    life: AnyLifecycle, backup_id: str, emulator: Emulator
) -> None:
    """An index named by a secret gets an opaque id; name and host are to be stored encrypted."""
    inputs = first_check(
        life,
        {"backup_id": backup_id, "name": "quiet", "owner_seed": SEED, "secret_inputs": ["name"]},
    )
    created = life.create(inputs)
    assert "quiet" not in created.id
    assert set(created.secrets) == {"name", "host"}
    assert life.read(created.id, created.outputs).id == created.id
    life.delete(created.id, created.outputs)
    assert "quiet" not in {i["name"] for i in emulator.list_indexes()["indexes"]}


# the owner key ----------------------------------------------------------------------------------


def test_the_owner_key_is_made_once_under_pulumi_home(tmp_path: Path) -> None:
    """The key file is made on first use, readable by its owner only, and read after that."""
    environ = {"PULUMI_HOME": str(tmp_path)}
    first = Runtime(environ=environ).nonce_for(SEED)
    key_file = tmp_path / "pinecone-restore" / "owner-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert Runtime(environ=environ).nonce_for(SEED) == first


def test_the_stack_config_key_wins(tmp_path: Path) -> None:
    """`pinecone:ownerKey` decides the nonce, whatever the key file holds."""
    keyed = Runtime(config={CONFIG_OWNER_KEY: "team"}, environ={"PULUMI_HOME": str(tmp_path)})
    other = Runtime(config={CONFIG_OWNER_KEY: "team"}, environ={"PULUMI_HOME": "/nonexistent"})
    assert keyed.nonce_for(SEED) == other.nonce_for(SEED)
    assert not (tmp_path / "pinecone-restore").exists()


def test_an_unusable_key_file_is_a_configuration_error(tmp_path: Path) -> None:
    """No key configured and no place for the key file: a clear error naming the config key."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(ConfigurationError) as info:
        Runtime(environ={"PULUMI_HOME": str(blocker)}).nonce_for(SEED)
    assert CONFIG_OWNER_KEY in str(info.value)


def test_progress_lines_leave_a_secret_name_out(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """The lines a create writes while an index named by a secret is restored never name it."""
    lines: list[str] = []
    life = Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress=lines.append))
    inputs = first_check(
        life,
        {"backup_id": backup_id, "name": "quiet", "owner_seed": SEED, "secret_inputs": ["name"]},
    )
    life.create(inputs)
    assert lines
    assert not [line for line in lines if "quiet" in line]
