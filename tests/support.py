"""Constants and helpers shared by test modules (conftest holds only fixtures)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pulumi
from harness.mocks import ProviderRoutingMocks
from harness.plugin import DynamicPluginProcess
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_pinecone_restore.emulator import Behaviour, EmulatorServer, Timing, Timings
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.providers.base import ProviderBase
from pulumi_pinecone_restore.settings import RetryPolicy

P = TypeVar("P", bound=ProviderBase)
API_KEY = "test-key-7f3a9c"
# Restores and index start-ups finish after a few observations: deterministic and sleep-free.
FAST_TIMINGS = Timings(
    index_ready=Timing(reads=1),
    index_terminate=Timing(reads=1),
    backup_ready=Timing(reads=1),
    restore=Timing(reads=2),
    collection_ready=Timing(reads=1),
)
NO_WAIT_RETRY = RetryPolicy(attempts=3, backoff_factor=0.0, max_retry_after=0.0)

#: Restore-job listing behaviours of the live service, as changes to the emulator's default
#: `Behaviour` (which is "docs": jobs of deleted indexes hidden, one listing misses a new job,
#: newest first). Request the `each_listing` fixture to run a test under every one of them.
LISTING_SETTINGS: Mapping[str, Mapping[str, Any]] = {
    "docs": {},
    "no-lag": {"restore_listing_lag": Timing()},
    "long-lag": {"restore_listing_lag": Timing(reads=3)},
    "keeps-deleted": {"hide_jobs_of_deleted_indexes": False},
    "oldest-first": {"newest_first": False},
}


#: The live service's unkind ways with restore jobs (issue 20), as `Behaviour` changes: a test
#: module marked `pytestmark = pytest.mark.job_faults` runs each of its tests once without and
#: once under each of them (`@pytest.mark.no_job_faults(reason=...)` exempts one test).
JOB_FAULTS: Mapping[str, Mapping[str, Any]] = {
    "job-404s": {"job_404_first": 2, "job_404_rate": 0.3, "fault_seed": 20},
    "rows-dropped": {"listing_drop_rate": 0.3, "listing_page_size": 2, "fault_seed": 20},
    "stops-early": {"listing_max_pages": 1, "listing_page_size": 2},
    "rows-repeated": {"listing_repeat_rows": 1, "listing_page_size": 2},
}


#: Environment variable with a JSON object of `Behaviour` changes (as for
#: `PATCH /_emulator/behaviour`) that every test starts from, e.g. to run the provider tests
#: under a longer listing lag: EMULATOR_BEHAVIOUR='{"restore_listing_lag": {"reads": 3}}'.
BEHAVIOUR_ENV = "EMULATOR_BEHAVIOUR"


def emulator_behaviour(
    changes: Mapping[str, Any], environ: Mapping[str, str] = os.environ
) -> Behaviour:
    """The behaviour a test runs under: defaults, then ``BEHAVIOUR_ENV``, then ``changes``.

    Args:
        changes: ``Behaviour`` field values (from ``@pytest.mark.emulator_behaviour``).
        environ: Where ``BEHAVIOUR_ENV`` is read.
    """
    base = Behaviour.from_json(json.loads(environ.get(BEHAVIOUR_ENV) or "{}"))
    return attrs.evolve(base, **changes)


class FakeClock:
    """A clock that moves only when slept on; calling it gives the current time."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        """The current fake time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance the time instead of sleeping."""
        self.sleeps.append(seconds)
        self.now += seconds


@attrs.define
class ProviderFactory:
    """Builds providers configured for the test emulator, with sleeping turned off."""

    server: EmulatorServer
    progress: list[str] = attrs.field(factory=list)

    def __call__(self, cls: type[P]) -> P:
        """A configured provider of class ``cls``."""
        provider = cls()
        provider.configure(
            ConfigureRequest(
                Config(
                    {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": self.server.url},
                    "test",
                )
            )
        )
        provider.runtime = attrs.evolve(
            provider.runtime,
            sleep=lambda _s: None,
            retry=NO_WAIT_RETRY,
            progress=self.progress.append,
        )
        return provider


def checked(
    provider: ProviderBase, news: dict[str, Any], olds: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run check and insist that it passes, as the engine would before create."""
    result = provider.check(olds or {}, news)
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def assert_refused_by_name(provider: ProviderBase, news: dict[str, Any], prop: str) -> None:
    """Check ``news`` and insist on one failure, naming ``prop`` in its property and reason."""
    failures = provider.check({}, news).failures
    assert [f.property for f in failures] == [prop]
    assert prop in failures[0].reason


def create(provider: ProviderBase, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Check then create; returns (id, outputs)."""
    result = provider.create(checked(provider, news))
    assert result.outs is not None
    return result.id, dict(result.outs)


def read_back(provider: ProviderBase, id_: str, outs: dict[str, Any]) -> dict[str, Any]:
    """Read the resource and insist that it is there under the same id; returns its outputs."""
    read = provider.read(id_, outs)
    assert read.id == id_
    assert read.outs is not None
    return dict(read.outs)


def update_in_place(
    provider: ProviderBase, id_: str, outs: dict[str, Any], news: dict[str, Any]
) -> dict[str, Any]:
    """Diff and update, insisting on a change without replacement; returns the new outputs."""
    diff = provider.diff(id_, outs, news)
    assert diff.changes
    assert diff.replaces == []
    updated = provider.update(id_, outs, news).outs
    assert updated is not None
    return dict(updated)


def program_engine(server: EmulatorServer, stack: str = "staging") -> ProviderRoutingMocks:
    """An empty stack ``search/<stack>`` whose registrations reach the real providers."""
    return ProviderRoutingMocks(
        {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url},
        project="search",
        stack=stack,
    )


@contextlib.contextmanager
def dynamic_plugin(server: EmulatorServer) -> Iterator[DynamicPluginProcess]:
    """The real ``python -m pulumi.dynamic`` plugin, configured (key as a secret) for ``server``."""
    with DynamicPluginProcess() as plugin:
        plugin.configure(
            {"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url},
            secret_keys={"pinecone:apiKey"},
        )
        yield plugin


def export_outputs(resource: pulumi.CustomResource, *names: str) -> None:
    """Export the resource's outputs ``names`` under the same names."""
    for name in names:
        pulumi.export(name, getattr(resource, name))


def engine_runtime(server: EmulatorServer, **changes: Any) -> Runtime:
    """A lifecycle runtime against the test emulator, with sleeping turned off."""
    runtime = Runtime(
        config={"pinecone:apiKey": API_KEY, "pinecone:controllerHost": server.url},
        sleep=lambda _s: None,
        retry=NO_WAIT_RETRY,
        progress=lambda _m: None,
    )
    return attrs.evolve(runtime, **changes)


#: The installed console script (beside the interpreter of the test environment).
CLI_SCRIPT = Path(sys.executable).with_name("pinecone-restore")
CLI_TIMEOUT = 120.0  # seconds a CLI run may take before the test fails


def cli_environment(env: Mapping[str, str]) -> dict[str, str]:
    """The process environment of a CLI run: this one without Pinecone settings, plus ``env``."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("PINECONE_API_KEY")}
    kept.pop("PINECONE_CONTROLLER_HOST", None)
    return {**kept, **env}


def run_cli(env: Mapping[str, str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the ``pinecone-restore`` console script; returns (status, stdout, stderr).

    Its stdin is a pipe holding ``stdin``: not a terminal (tests/cli use a pty for that).
    """
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(CLI_SCRIPT), *argv],
        env=cli_environment(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


class EchoMocks(pulumi.runtime.Mocks):
    """Plain mocks: resources echo their inputs and no provider code runs (for lookups)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """Give the resource an id made from its name."""
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, _args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        """No provider functions are used."""
        return {}, None


PTY_TIMEOUT = 60.0  # seconds a terminal run waits for output before the test fails


def run_in_terminal(
    env: Mapping[str, str], argv: Sequence[str], steps: Sequence[tuple[bytes, bytes]] = ()
) -> tuple[int, str]:
    """Run ``pinecone-restore`` with a pseudo-terminal as its terminal; returns (status, screen).

    Each step waits until the screen shows its first part, then types its second; after the
    steps, everything the program writes is read until it exits.
    """
    import pty  # noqa: PLC0415 - POSIX only; callers skip elsewhere
    import select  # noqa: PLC0415

    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, with the pseudo-terminal as its controlling terminal
        os.execve(CLI_SCRIPT, [str(CLI_SCRIPT), *argv], cli_environment(env))  # noqa: S606
    seen = bytearray()

    def read(until: bytes | None) -> None:
        while until is None or until not in seen:
            ready, _, _ = select.select([fd], [], [], PTY_TIMEOUT)
            if not ready:
                raise TimeoutError(f"no {until!r} on the terminal; it showed: {bytes(seen)!r}")
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                if until is None:
                    return
                raise EOFError(f"terminal closed before {until!r}; it showed: {bytes(seen)!r}")
            seen.extend(chunk)

    try:
        for wanted, typed in steps:
            read(wanted)
            os.write(fd, typed)
        read(None)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")
