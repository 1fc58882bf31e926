"""Shared fixtures: one emulator server per session, reset before each test that uses it.

The emulator imitates the live service's unkind behaviours by default (`Behaviour()`); a test
may change them with ``@pytest.mark.emulator_behaviour(field=value, ...)`` or run under every
restore-job listing behaviour by requesting the ``each_listing`` fixture. The environment
variable ``EMULATOR_BEHAVIOUR`` (a JSON object, see ``support.BEHAVIOUR_ENV``) changes the
behaviour every test starts from.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator, Mapping

import attrs
import pulumi
import pytest
from harness.mocks import ProviderRoutingMocks
from support import (
    API_KEY,
    FAST_TIMINGS,
    JOB_FAULTS,
    LISTING_SETTINGS,
    EchoMocks,
    ProviderFactory,
    emulator_behaviour,
    program_engine,
)

from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.lifecycle.runtime import POLL_SCALE_ENV

# The suite's emulator ends lifecycles after a few reads, so providers in this process and in the
# plugins and Pulumi CLIs it starts poll at 1/20 of the production pace (budgets are unchanged).
os.environ.setdefault(POLL_SCALE_ENV, "0.05")

# ``i/n`` (0 <= i < n): run only shard i of n, whole test files balanced by log(1 + their tests):
# in a file of many tests most are cheap parametrized cases (measured: by plain count one of
# two shards took 291 s and the other 107 s; by this weight 209 s and 188 s).
# `python3 dev.py test` runs the main environment's suite as two shards side by side.
SHARD_ENV = "PINECONE_RESTORE_TEST_SHARD"


@pytest.fixture(autouse=True, scope="session")
def _owner_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Providers in this process keep their owner key under a temporary PULUMI_HOME.

    Never the user's ~/.pulumi; real-Pulumi stacks set a PULUMI_HOME of their own.
    """
    before = os.environ.get("PULUMI_HOME")
    os.environ["PULUMI_HOME"] = str(tmp_path_factory.mktemp("pulumi-home"))
    yield
    if before is None:
        os.environ.pop("PULUMI_HOME", None)
    else:
        os.environ["PULUMI_HOME"] = before


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``emulator_behaviour`` and job-fault markers."""
    config.addinivalue_line(
        "markers",
        "emulator_behaviour(**changes): run the test with these emulator Behaviour fields changed",
    )
    config.addinivalue_line(
        "markers", "job_faults: run each test also under each of support.JOB_FAULTS"
    )
    config.addinivalue_line(
        "markers", "no_job_faults(reason): exempt a test of a job_faults module, saying why"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests of a ``job_faults`` module once plainly and once under each fault."""
    marked = metafunc.definition.get_closest_marker("job_faults") is not None
    exempt = metafunc.definition.get_closest_marker("no_job_faults") is not None
    if marked and not exempt and "server" in metafunc.fixturenames:
        metafunc.fixturenames.append("job_fault")
        # PINECONE_RESTORE_TEST_JOB_FAULTS=none (the floor env's run) keeps the plain run only.
        only = os.environ.get("PINECONE_RESTORE_TEST_JOB_FAULTS")
        faults = ["none"] if only == "none" else ["none", *sorted(JOB_FAULTS)]
        metafunc.parametrize("job_fault", faults, indirect=True)


def parse_shard(value: str) -> tuple[int, int]:
    """``i/n`` as ``(i, n)``; a usage error naming the variable unless ``0 <= i < n``."""
    index, _, count = value.partition("/")
    try:
        shard, shards = int(index), int(count)
    except ValueError:
        shard, shards = -1, 0
    if not 0 <= shard < shards:
        raise pytest.UsageError(f"{SHARD_ENV} must be i/n with 0 <= i < n, like 0/2; not {value!r}")
    return shard, shards


def shard_files(counts: Mapping[str, int], shards: int) -> list[set[str]]:
    """Deal whole files to ``shards`` shards, heaviest first onto the lightest (ties: lowest).

    ``counts`` is each file's number of tests; a file weighs ``log(1 + count)``.
    """
    loads = [0.0] * shards
    dealt: list[set[str]] = [set() for _ in range(shards)]
    for path in sorted(counts, key=lambda path: (-counts[path], path)):
        lightest = loads.index(min(loads))
        loads[lightest] += math.log1p(counts[path])
        dealt[lightest].add(path)
    return dealt


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep one shard's files when ``PINECONE_RESTORE_TEST_SHARD`` says ``i/n``.

    Runs after ``-m``/``-k`` deselection, so every shard of one command line deals the same
    files the same way; a file's tests stay together, so module fixtures are made once.
    """
    value = os.environ.get(SHARD_ENV, "")
    if not value:
        return
    shard, shards = parse_shard(value)
    counts = Counter(_file_of(item) for item in items)
    mine = shard_files(counts, shards)[shard]
    config.hook.pytest_deselected(items=[item for item in items if _file_of(item) not in mine])
    items[:] = [item for item in items if _file_of(item) in mine]


def _file_of(item: pytest.Item) -> str:
    return item.nodeid.partition("::")[0]


@pytest.fixture(name="job_fault")
def _job_fault(request: pytest.FixtureRequest) -> str:
    """The job fault a test runs under (see ``pytest_generate_tests``)."""
    return str(getattr(request, "param", "none"))


@pytest.fixture(name="emulator_server", scope="session")
def _emulator_server() -> Iterator[EmulatorServer]:
    emulator = Emulator(api_key=API_KEY, timings=FAST_TIMINGS)
    with EmulatorServer(emulator, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(name="server")
def _server(emulator_server: EmulatorServer, request: pytest.FixtureRequest) -> EmulatorServer:
    emulator_server.emulator.reset()
    emulator_server.emulator.set_timings(FAST_TIMINGS)
    changes: dict[str, object] = {}
    if "job_fault" in request.fixturenames:
        changes.update(JOB_FAULTS.get(str(request.getfixturevalue("job_fault")), {}))
    for marker in reversed(list(request.node.iter_markers("emulator_behaviour"))):
        changes.update(marker.kwargs)
    emulator_server.emulator.set_behaviour(emulator_behaviour(changes))
    return emulator_server


@pytest.fixture(name="each_listing", params=sorted(LISTING_SETTINGS))
def _each_listing(request: pytest.FixtureRequest, server: EmulatorServer) -> str:
    """Run the test once per restore-job listing behaviour (see ``LISTING_SETTINGS``)."""
    name = str(request.param)
    emulator = server.emulator
    emulator.set_behaviour(attrs.evolve(emulator.behaviour, **LISTING_SETTINGS[name]))
    return name


@pytest.fixture(name="emulator")
def _emulator(server: EmulatorServer) -> Emulator:
    return server.emulator


@pytest.fixture(name="make_provider")
def _make_provider(server: EmulatorServer) -> ProviderFactory:
    return ProviderFactory(server)


@pytest.fixture(name="mocked_runtime")
def _mocked_runtime() -> None:
    """A Pulumi program runtime whose resources echo their inputs (no provider code runs)."""
    pulumi.runtime.set_mocks(EchoMocks(), preview=False)


@pytest.fixture(name="engine")
def _engine(server: EmulatorServer) -> ProviderRoutingMocks:
    """An empty stack ``search/staging`` whose program registrations reach the real providers."""
    return program_engine(server)
