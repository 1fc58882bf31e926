"""``PINECONE_RESTORE_TEST_SHARD=i/n``: the suite's shards are disjoint and together whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARD_ENV, parse_shard, shard_files

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ["tests/unit", "tests/dev"]  # many files of unequal size; collecting is quick


def _collect(shard: str | None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != SHARD_ENV}
    if shard is not None:
        env[SHARD_ENV] = shard
    return subprocess.run(  # noqa: S603 - this interpreter running pytest on the repository
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", *SAMPLE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _ids(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_three_shards_split_the_suite_by_whole_files_and_miss_nothing() -> None:
    """Each test is in exactly one shard, and each file's tests all in the same one."""
    whole = _ids(_collect(None))
    shards = [_ids(_collect(f"{index}/3")) for index in range(3)]
    assert sorted(test for shard in shards for test in shard) == sorted(whole)
    files = [{test.partition("::")[0] for test in shard} for shard in shards]
    assert all(files), "every shard gets some files"
    assert sum(len(shard) for shard in files) == len(set().union(*files))


def test_files_are_dealt_heaviest_first_onto_the_lightest_shard() -> None:
    """A file of 775 cheap cases weighs log 776 (6.7); one of 20 tests log 21 (3.0)."""
    dealt = shard_files({"host_rule": 775, "cli": 20, "examples": 20, "ownership": 95}, 2)
    assert dealt == [{"host_rule", "examples"}, {"ownership", "cli"}]


def test_a_bad_shard_stops_the_run_naming_the_variable() -> None:
    """An out-of-range shard is a usage error (exit 4), not an empty or a whole run."""
    result = _collect("2/2")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"{SHARD_ENV} must be i/n with 0 <= i < n, like 0/2; not '2/2'" in result.stderr


@pytest.mark.parametrize("value", ["1", "a/b", "-1/2", "0/0", "1/"])
def test_each_malformed_shard_is_refused(value: str) -> None:
    """Not ``i/n`` with ``0 <= i < n``: refused, naming the variable."""
    with pytest.raises(pytest.UsageError, match=SHARD_ENV):
        parse_shard(value)


def test_a_good_shard_is_read() -> None:
    """``1/3`` is shard 1 of 3."""
    assert parse_shard("1/3") == (1, 3)
