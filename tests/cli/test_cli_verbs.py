"""The verbs that change things: take a backup, configure an index, delete one safely."""

from __future__ import annotations

import json
import socket

import pytest
from support import API_KEY
from support import run_cli as run

from pulumi_pinecone_restore.cli import EXIT_FAILED, EXIT_USAGE
from pulumi_pinecone_restore.emulator import Emulator, FaultRule

MARK = "pulumi-owner"


def test_backups_create_waits_until_ready(env: dict[str, str], emulator: Emulator) -> None:
    """`backups create INDEX --name --description --wait` prints the Ready backup."""
    emulator.seed_index(name="src")
    status, out, err = run(
        env,
        "backups",
        "create",
        "src",
        "--name",
        "b1",
        "--description",
        "before",
        "--wait",
        "--json",
    )
    assert status == 0, err
    backup = json.loads(out)
    assert (backup["status"], backup["name"], backup["description"]) == ("Ready", "b1", "before")
    assert backup["source_index_name"] == "src"


def test_backups_create_of_a_missing_index_keeps_pinecone_s_words(env: dict[str, str]) -> None:
    """A 404 shows Pinecone's message as sent, and a hint naming the CLI's listing."""
    status, _, err = run(env, "backups", "create", "nowhere")
    assert status == EXIT_FAILED
    assert "HTTP 404" in err
    assert "hint: index 'nowhere' does not exist" in err
    assert "pinecone-restore indexes list" in err


def test_indexes_configure_turns_protection_on_and_sets_tags(
    env: dict[str, str], emulator: Emulator
) -> None:
    """`indexes configure` changes deletion protection and tags; KEY= removes a tag."""
    emulator.seed_index(name="cfg", tags={"old": "1"})
    status, out, err = run(
        env, "indexes", "configure", "cfg", "--deletion-protection", "enabled", "--tag",
        "team=search", "--tag", "old=", "--json",
    )  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["deletion_protection"] == "enabled"
    index = emulator.describe_index("cfg")
    assert (index["deletion_protection"], index["tags"]) == ("enabled", {"team": "search"})


def test_indexes_configure_without_a_change_is_a_usage_error(env: dict[str, str]) -> None:
    """Neither --deletion-protection nor --tag: exit 2."""
    status, _, err = run(env, "indexes", "configure", "cfg")
    assert status == EXIT_USAGE
    assert "--deletion-protection" in err


def test_indexes_configure_leaves_the_ownership_mark_alone(
    env: dict[str, str], emulator: Emulator
) -> None:
    """A --tag that would change the stack's ownership mark is refused with exit 2."""
    emulator.seed_index(name="owned", tags={MARK: "abc"})
    status, _, _ = run(env, "indexes", "configure", "owned", "--tag", f"{MARK}=mine")
    assert status == EXIT_USAGE
    assert emulator.describe_index("owned")["tags"] == {MARK: "abc"}


def test_indexes_delete_refuses_without_yes_when_not_a_terminal(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Without a terminal to ask on and without --yes, nothing is deleted and the exit is 2."""
    emulator.seed_index(name="keep")
    emulator.reset_requests()
    status, _, err = run(env, "indexes", "delete", "keep")
    assert status == EXIT_USAGE
    assert "--yes" in err
    assert emulator.request_counts() == {}


def test_deleting_a_stack_marked_index_needs_force(env: dict[str, str], emulator: Emulator) -> None:
    """An index with a stack's mark is kept, and the message names the mark."""
    emulator.seed_index(name="stacked", tags={MARK: "f00dfeed"})
    status, _, err = run(env, "indexes", "delete", "stacked", "--yes")
    assert status == EXIT_FAILED
    assert f"{MARK}=f00dfeed" in err
    assert "--force" in err
    assert emulator.describe_index("stacked")["name"] == "stacked"


def test_force_deletes_a_stack_marked_index(env: dict[str, str], emulator: Emulator) -> None:
    """--force deletes an index that carries a stack's mark."""
    emulator.seed_index(name="stacked", tags={MARK: "f00dfeed"})
    status, _, err = run(env, "indexes", "delete", "stacked", "--yes", "--force")
    assert status == 0, err
    assert "stacked" not in {i["name"] for i in emulator.list_indexes()["indexes"]}


def test_an_index_restored_by_the_cli_deletes_without_force(
    env: dict[str, str], backup_id: str
) -> None:
    """The mark of the CLI's own restore is not a stack's: --yes is enough."""
    assert run(env, "restore", backup_id, "--name", "mine")[0] == 0
    status, _, err = run(env, "indexes", "delete", "mine", "--yes")
    assert status == 0, err


def test_a_protected_index_is_refused_before_any_delete_is_sent(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Deletion protection is reported with the command that turns it off; no DELETE is sent."""
    emulator.seed_index(name="guarded", deletion_protection="enabled")
    emulator.reset_requests()
    status, _, err = run(env, "indexes", "delete", "guarded", "--yes")
    assert status == EXIT_FAILED
    assert "indexes configure guarded --deletion-protection disabled" in err
    assert not [k for k in emulator.request_counts() if k.startswith("DELETE")]


@pytest.mark.parametrize(
    ("code", "words"),
    [("PERMISSION_DENIED", "role"), ("QUOTA_EXCEEDED", "quota"), ("FORBIDDEN", "protection")],
)
def test_a_403_on_delete_is_worded_by_its_code(
    env: dict[str, str], emulator: Emulator, code: str, words: str
) -> None:
    """Pinecone's 403 message is kept and the hint follows the error code."""
    emulator.seed_index(name="locked")
    emulator.add_fault(
        FaultRule(method="DELETE", path="/indexes/locked", status=403, code=code, message="Nope.")
    )
    status, _, err = run(env, "indexes", "delete", "locked", "--yes")
    assert status == EXIT_FAILED
    assert f"{code}: Nope." in err
    assert words in err.split("hint:")[1]


def _dead_host() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize(
    "argv",
    [
        ["indexes", "delete", "x", "--yes", "--timeout", "PT5M"],
        ["indexes", "delete", "Bad_Name", "--yes"],
        ["wait", "job-1", "--timeout", "soon"],
        ["wait", "../escape"],
        ["restore", "b/../c", "--name", "ok"],
        ["restore", "bkp", "--name", "ok", "--tag", "novalue"],
        ["restore", "bkp", "--name", "ok", "--timeout", "0"],
        ["backups", "create", "src", "--name", "two\nlines"],
        ["indexes", "configure", "x", "--tag", "bad key=v"],
        ["indexes", "configure", "x", "--deletion-protection", "maybe"],
        ["jobs", "list", "--limit", "many"],
    ],
    ids=lambda argv: " ".join(argv[:3]),
)
def test_every_argument_is_checked_before_any_request(argv: list[str]) -> None:
    """A bad argument exits 2 before the (unreachable) host is ever tried."""
    status, _, err = run(
        {"PINECONE_API_KEY": API_KEY, "PINECONE_CONTROLLER_HOST": _dead_host()}, *argv
    )
    assert status == EXIT_USAGE, err
    assert "cannot reach" not in err


def test_a_too_long_timeout_is_refused_in_neutral_words() -> None:
    """A budget past 7 days exits 2, and the message names no Pulumi command."""
    status, _, err = run({"PINECONE_API_KEY": API_KEY}, "wait", "job-1", "--timeout", "200h")
    assert status == EXIT_USAGE
    assert "--timeout" in err
    assert "pulumi" not in err.lower()


def test_a_403_on_backups_create_is_read_as_the_quota(
    env: dict[str, str], emulator: Emulator
) -> None:
    """A FORBIDDEN answer to a create points at the project's quota, beside Pinecone's words."""
    emulator.seed_index(name="src")
    emulator.add_fault(
        FaultRule(method="POST", path="/indexes/src/backups", status=403, message="Upgrade.")
    )
    status, _, err = run(env, "backups", "create", "src")
    assert status == EXIT_FAILED
    assert "FORBIDDEN: Upgrade." in err
    assert "quota" in err.split("hint:")[1]


def test_configuring_a_missing_index_names_the_listing(env: dict[str, str]) -> None:
    """A 404 on configure exits 1 with a hint naming `pinecone-restore indexes list`."""
    status, _, err = run(env, "indexes", "configure", "ghost", "--deletion-protection", "enabled")
    assert status == EXIT_FAILED
    assert "hint: index 'ghost' does not exist" in err


def test_a_server_message_cannot_drive_the_terminal(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Pinecone's message is shown with its control characters escaped."""
    emulator.seed_index(name="locked")
    emulator.add_fault(
        FaultRule(method="DELETE", path="/indexes/locked", status=403, message="No\x1b[2J.")
    )
    status, _, err = run(env, "indexes", "delete", "locked", "--yes")
    assert status == EXIT_FAILED
    assert "\x1b" not in err
    assert "No\\x1b[2J." in err
