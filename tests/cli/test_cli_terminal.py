"""What a person at a terminal sees: a confirmation before a delete, a live progress line."""

from __future__ import annotations

import io
import sys

import attrs
import pytest
from support import run_cli as run
from support import run_in_terminal

from pulumi_pinecone_restore.cli import EXIT_FAILED, EXIT_INTERRUPTED
from pulumi_pinecone_restore.cli.output import ProgressLine
from pulumi_pinecone_restore.emulator import Emulator, Timing

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
PROMPT = b"Type the index name to confirm: "


@posix_only
def test_delete_on_a_terminal_asks_and_deletes_on_the_name(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Typing the index name at the prompt deletes it."""
    emulator.seed_index(name="asked")
    status, screen = run_in_terminal(env, ["indexes", "delete", "asked"], [(PROMPT, b"asked\n")])
    assert status == 0, screen
    assert "asked" not in {i["name"] for i in emulator.list_indexes()["indexes"]}


@posix_only
def test_delete_on_a_terminal_keeps_the_index_on_another_answer(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Any other answer keeps the index and exits 1."""
    emulator.seed_index(name="asked")
    status, screen = run_in_terminal(env, ["indexes", "delete", "asked"], [(PROMPT, b"y\n")])
    assert status == EXIT_FAILED, screen
    assert "was not deleted" in screen
    assert emulator.describe_index("asked")["name"] == "asked"


@posix_only
def test_a_wait_on_a_terminal_shows_one_line_with_elapsed_time_and_budget(
    env: dict[str, str], backup_id: str, emulator: Emulator
) -> None:
    """On a terminal the progress line is rewritten in place and shows the budget."""
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=4)))
    status, screen = run_in_terminal(
        env, ["restore", backup_id, "--name", "shown", "--timeout", "20m"]
    )
    assert status == 0, screen
    assert "\r\x1b[K[" in screen  # rewritten in place
    assert " of 20m00s]" in screen


def test_a_wait_elsewhere_prints_plain_lines_with_elapsed_time_and_budget(
    env: dict[str, str], backup_id: str
) -> None:
    """Without a terminal, each progress message is one plain line with elapsed time and budget."""
    status, _, err = run(env, "restore", backup_id, "--name", "logged", "--timeout", "20m")
    assert status == 0, err
    lines = err.splitlines()
    assert lines
    assert all(line.startswith("[") and " of 20m00s] " in line for line in lines), err
    assert "\r" not in err


def test_the_progress_line_shows_an_expected_duration_when_given_one() -> None:
    """`expect()` is the hook for a forecast: the line shows it beside the budget."""
    now = [0.0]
    stream = io.StringIO()
    with ProgressLine(stream, 3600.0, clock=lambda: now[0]) as progress:
        progress.expect(300.0)
        now[0] = 75.0
        progress("restore job j Running")
    assert stream.getvalue() == "[1m15s of 1h00m expected ~5m00s] restore job j Running\n"


def test_off_a_terminal_a_repeated_message_is_printed_again_only_after_a_while() -> None:
    """A CI log gets a line per news, and the same news again only every REPEAT_EVERY seconds."""
    now = [0.0]
    stream = io.StringIO()
    with ProgressLine(stream, 600.0, clock=lambda: now[0]) as progress:
        for at in (0.0, 5.0, 10.0, 31.0):
            now[0] = at
            progress("index x: Terminating")
        progress("index x: gone")
    assert [line.split("] ")[1] for line in stream.getvalue().splitlines()] == [
        "index x: Terminating",
        "index x: Terminating",
        "index x: gone",
    ]


@pytest.mark.parametrize(
    "message",
    [
        "index x: restore job j Pending (elapsed 75s of 3600s)",
        "index x: restore job j Pending, 1m15s of 1h budget",
    ],
)
def test_the_lifecycle_s_own_clock_is_not_shown_twice(message: str) -> None:
    """The time waited and the budget a lifecycle line carries are dropped: the prefix has them."""
    now = [0.0]
    stream = io.StringIO()
    with ProgressLine(stream, 3600.0, clock=lambda: now[0]) as progress:
        now[0] = 75.0
        progress(message)
    assert stream.getvalue() == "[1m15s of 1h00m] index x: restore job j Pending\n"


@posix_only
def test_ctrl_c_at_the_delete_prompt_says_nothing_was_deleted(
    env: dict[str, str], emulator: Emulator
) -> None:
    """Ctrl-C while the prompt waits exits 130 and says the index was not deleted."""
    emulator.seed_index(name="asked")
    status, screen = run_in_terminal(env, ["indexes", "delete", "asked"], [(PROMPT, b"\x03")])
    assert status == EXIT_INTERRUPTED, screen
    assert "'asked' was not deleted" in screen
    assert "Traceback" not in screen
    assert emulator.describe_index("asked")["name"] == "asked"
