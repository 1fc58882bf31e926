"""Every list and describe prints a table or JSON the same way; JSON speaks the API's names."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest
from support import CLI_SCRIPT, CLI_TIMEOUT, cli_environment
from support import run_cli as run

from pulumi_pinecone_restore.cli import EXIT_PIPE
from pulumi_pinecone_restore.emulator import Emulator, Timing

# A listing without lag, so that repeated runs list the same rows (the lag has its own tests).
pytestmark = pytest.mark.emulator_behaviour(restore_listing_lag=Timing())

# Each read verb, with the arguments it needs in a project holding `prod-search` and a backup.
READ_VERBS: dict[str, Callable[[str, str], list[str]]] = {
    "backups list": lambda _b, _j: ["backups", "list"],
    "backups describe": lambda b, _j: ["backups", "describe", b],
    "indexes list": lambda _b, _j: ["indexes", "list"],
    "indexes describe": lambda _b, _j: ["indexes", "describe", "prod-search"],
    "jobs list": lambda _b, _j: ["jobs", "list"],
    "jobs describe": lambda _b, j: ["jobs", "describe", j],
}


@pytest.fixture(name="job_id")
def _job_id(env: dict[str, str], backup_id: str) -> str:
    # Waits: the listings then hold only finished objects, the same on every run.
    status, out, err = run(env, "--json", "restore", backup_id, "--name", "listed")
    assert status == 0, err
    return str(json.loads(out)["restore_job"]["restore_job_id"])


def _job_for(verb: str, request: pytest.FixtureRequest) -> str:
    # Only the jobs verbs need a restore job (a restore costs a few polls).
    return str(request.getfixturevalue("job_id")) if verb.startswith("jobs") else ""


@pytest.mark.parametrize("verb", sorted(READ_VERBS))
def test_json_is_asked_for_the_same_way_everywhere(
    env: dict[str, str], backup_id: str, verb: str, request: pytest.FixtureRequest
) -> None:
    """`--output json`, `-o json` and `--json` give the same JSON on every read verb."""
    argv = READ_VERBS[verb](backup_id, _job_for(verb, request))
    outputs = [
        run(env, *argv, *flags) for flags in (["--output", "json"], ["-o", "json"], ["--json"])
    ]
    assert {status for status, _, _ in outputs} == {0}, outputs
    assert len({json.dumps(json.loads(out), sort_keys=True) for _, out, _ in outputs}) == 1


@pytest.mark.parametrize("verb", sorted(READ_VERBS))
def test_a_table_is_the_default_everywhere(
    env: dict[str, str], backup_id: str, verb: str, request: pytest.FixtureRequest
) -> None:
    """Without --output, every read verb prints a table, the same as `--output table`."""
    argv = READ_VERBS[verb](backup_id, _job_for(verb, request))
    plain, table = run(env, *argv), run(env, *argv, "--output", "table")
    assert plain[0] == table[0] == 0
    assert plain[1] == table[1]
    with pytest.raises(json.JSONDecodeError):
        json.loads(plain[1])


def test_index_json_has_the_api_s_field_names_and_shape(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """`indexes describe --json` keeps GET /indexes/{name}'s nesting (status.state, spec...)."""
    status, out, _ = run(env, "indexes", "describe", "prod-search", "--json")
    assert status == 0
    shown, api = json.loads(out), emulator.describe_index("prod-search")
    assert shown["status"] == {k: api["status"][k] for k in ("ready", "state")}
    assert shown["spec"]["serverless"]["region"] == api["spec"]["serverless"]["region"]
    assert set(shown) <= set(api) | {"id"}


def test_backup_json_has_the_api_s_field_names(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """`backups describe --json` uses the field names of GET /backups/{id}."""
    status, out, _ = run(env, "backups", "describe", backup_id, "--json")
    assert status == 0
    assert set(json.loads(out)) <= set(emulator.describe_backup(backup_id)) | {"description"}


def test_an_empty_listing_is_shown_as_none(env: dict[str, str]) -> None:
    """A table with no rows says (none); JSON gives an empty array."""
    assert run(env, "jobs", "list")[1] == "(none)\n"
    assert json.loads(run(env, "jobs", "list", "--json")[1]) == []


def test_a_closed_pipe_ends_quietly(env: dict[str, str], backup_id: str) -> None:
    """When the reader of stdout is gone (`| head`), the command ends with 141 and no traceback."""
    child = subprocess.Popen(  # noqa: S603 - our own console script
        [str(CLI_SCRIPT), "backups", "list", "--json"],
        env=cli_environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader leaves before the first byte
    _, err = child.communicate(timeout=CLI_TIMEOUT)
    assert child.returncode == EXIT_PIPE
    assert err == b""


def test_backups_are_listed_newest_first(env: dict[str, str], emulator: Emulator) -> None:
    """`backups list` puts the newest backup first, by time."""
    emulator.seed_index(name="src")
    first = emulator.seed_backup(source_index_name="src", name="first")["backup_id"]
    second = emulator.seed_backup(source_index_name="src", name="second")["backup_id"]
    status, out, _ = run(env, "backups", "list", "--json")
    assert status == 0
    assert [b["backup_id"] for b in json.loads(out)] == [second, first]


def test_control_characters_from_the_server_are_escaped_in_tables(
    env: dict[str, str], emulator: Emulator
) -> None:
    """A description with a newline and an escape sequence stays on one line, escaped."""
    emulator.seed_index(name="src")
    backup = emulator.seed_backup(source_index_name="src", description="one\ntwo\x1b[2J")
    status, out, _ = run(env, "backups", "describe", backup["backup_id"])
    assert status == 0
    assert "\x1b" not in out
    assert "one\\ntwo\\x1b[2J" in out


@pytest.mark.emulator_behaviour(listing_page_size=2, listing_repeat_rows=1)
def test_a_job_the_listing_repeats_is_listed_once(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """When each page repeats a row of the one before (as the live service may), it shows once."""
    for name in ("r-one", "r-two", "r-three"):
        emulator.create_index_from_backup(backup_id, {"name": name})
    status, out, _ = run(env, "jobs", "list", "--json")
    assert status == 0
    ids = [job["restore_job_id"] for job in json.loads(out)]
    assert len(ids) == len(set(ids)) == 3
