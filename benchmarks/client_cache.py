"""Connections opened with the process's client cache bounded, and with no cache (issue 15, 3).

Run with ``python -m benchmarks.client_cache``. A provider asks its runtime for a client on
every operation (``Runtime.client``), and a set asks once per member; the cache
(``lifecycle/runtime.py``'s ``shared_client``) is what lets those calls share one HTTP session.
Each scenario runs against an emulator served on loopback in a thread, once with the cache as
shipped (``MAX_CLIENTS``) and once with ``MAX_CLIENTS = 0`` (every ask makes a new client, which
is what "no cache" would be), and counts the TCP connections the emulator accepted:

- ``set of 50``: one ``RestoredIndexSet`` create of 50 members (``RestoreSet.create``);
- ``50 at once``: 50 ``RestoredIndex`` creates in 50 threads, one lifecycle each, as the plugin
  runs a ``pulumi up`` of 50 separate resources (with the plugin's ``calls_at_once``);
- ``one after another``: one ``RestoredIndex`` create, read and delete, three operations.

Results go to ``benchmarks/results/client_cache.json`` and ``client_cache.md``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import attrs

from benchmarks.emulated import counting_pool_warnings, timings
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.lifecycle import runtime as runtime_module
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import MAX_CLIENTS, Runtime
from pulumi_pinecone_restore.lifecycle.sets import RestoreSet
from pulumi_pinecone_restore.plugin.provider import MAX_CALLS
from pulumi_pinecone_restore.settings import RetryPolicy

RESULTS = Path(__file__).resolve().parent / "results"
SIZE = 50
API_KEY = "client-cache-key"
TIMINGS = timings(0.0)  # every object ready when first seen: the creates never wait


def runtime_for(url: str) -> Runtime:
    """A lifecycle runtime against the emulator at ``url`` that never sleeps."""
    return Runtime(
        config={"pinecone:apiKey": API_KEY, "pinecone:controllerHost": url},
        sleep=lambda _s: None,
        retry=RetryPolicy(attempts=3, backoff_factor=0.0, max_retry_after=0.0),
        progress=lambda _m: None,
    )


def _set_of(runtime: Runtime, backup_id: str) -> None:
    engine = RestoreSet(runtime)
    members = {f"m{i}": {"backup_id": backup_id, "name": f"set-{i}"} for i in range(SIZE)}
    inputs, failures = engine.check({}, {"members": members})
    if failures:
        raise RuntimeError(f"set inputs refused: {failures}")
    engine.create(inputs)


def _one(runtime: Runtime, backup_id: str, name: str) -> None:
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs, failures = life.check({}, {"backup_id": backup_id, "name": name})
    if failures:
        raise RuntimeError(f"inputs refused: {failures}")
    life.create(inputs)


def _at_once(runtime: Runtime, backup_id: str) -> None:
    runtime = attrs.evolve(runtime, calls_at_once=MAX_CALLS)  # as the plugin's runtime is
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            _one(runtime, backup_id, f"par-{i}")
        except Exception as exc:  # noqa: BLE001 - reported after the threads end
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(SIZE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} creates failed, first: {errors[0]!r}")


def _in_sequence(runtime: Runtime, backup_id: str) -> None:
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs, _ = life.check({}, {"backup_id": backup_id, "name": "seq"})
    created = life.create(inputs)
    life.read(created.id, created.outputs)
    life.delete(created.id, created.outputs)


SCENARIOS: dict[str, Callable[[Runtime, str], None]] = {
    f"set of {SIZE}": _set_of,
    f"{SIZE} at once": _at_once,
    "one after another": _in_sequence,
}


def run(scenario: Callable[[Runtime, str], None], cache_size: int) -> dict[str, Any]:
    """One scenario against a fresh emulator with a cache of ``cache_size`` clients."""
    emulator = Emulator(api_key=API_KEY, timings=TIMINGS)
    emulator.seed_index(name="prod-search", dimension=8)
    backup_id = str(emulator.seed_backup(source_index_name="prod-search")["backup_id"])
    with (
        EmulatorServer(emulator, host="127.0.0.1", port=0) as server,
        mock.patch.object(runtime_module, "_CLIENTS", OrderedDict()),
        mock.patch.object(runtime_module, "MAX_CLIENTS", cache_size),
        counting_pool_warnings() as pool_full,
    ):
        started = time.perf_counter()
        scenario(runtime_for(server.url), backup_id)
        seconds = time.perf_counter() - started
        opened = server.connections.to_json()["opened_total"]
    return {"connections": opened, "pool_full": pool_full.count, "seconds": round(seconds, 2)}


def main() -> int:
    """Run every scenario with the cache and without, print and write the results."""
    modes = {f"cache of {MAX_CLIENTS}": MAX_CLIENTS, "no cache": 0}
    results = {
        name: {mode: run(scenario, size) for mode, size in modes.items()}
        for name, scenario in SCENARIOS.items()
    }
    lines = [
        "# Connections with and without the client cache",
        "",
        (
            "`python -m benchmarks.client_cache`: TCP connections the emulator accepted, urllib3 "
            '"pool is full" warnings and wall seconds per scenario (see the module docstring).'
        ),
        "",
        "| scenario | " + " | ".join(modes) + " |",
        "|---|" + "---|" * len(modes),
    ]
    lines += [
        f"| {name} | "
        + " | ".join(
            f"{r['connections']} connections, {r['pool_full']} pool full, {r['seconds']} s"
            for r in by_mode.values()
        )
        + " |"
        for name, by_mode in results.items()
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "client_cache.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "client_cache.md").write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
