"""The emulated Pinecone control plane: every object kind's operations over one store.

`Emulator` puts together the per-kind operations (`indexes`, `backups`, `restore_jobs`,
`collections`) over the shared `Backend`, registers each kind's status changes with the
transition helper (`state`), and adds seeding and the test controls (timings, behaviour,
faults, request counts, state dump).
"""

from __future__ import annotations

import random
import threading
from typing import Any

import attrs

from pulumi_pinecone_restore.emulator.clock import rfc3339
from pulumi_pinecone_restore.emulator.config import Behaviour, Timings
from pulumi_pinecone_restore.emulator.faults import ActiveFault, FaultRule
from pulumi_pinecone_restore.emulator.models.backups import BackupBackend
from pulumi_pinecone_restore.emulator.models.collections import CollectionBackend
from pulumi_pinecone_restore.emulator.models.indexes import IndexBackend
from pulumi_pinecone_restore.emulator.models.state import Managed
from pulumi_pinecone_restore.emulator.records import (
    BackupRecord,
    CollectionRecord,
    IndexRecord,
    RestoreJobRecord,
)

DEMO_INDEX_NAME = "demo-source"
DEMO_BACKUP_NAME = "demo-backup"


@attrs.define
class Emulator(IndexBackend, BackupBackend, CollectionBackend):
    """An in-memory Pinecone control plane (API 2025-04) with controllable time and faults.

    Public operations take decoded JSON bodies and return JSON-ready dicts shaped like the
    API's models; refusals raise `EmulatorError` subclasses carrying status and code.
    Lifecycles advance lazily: every operation first ends each phase whose `Timing` is
    satisfied, so nothing runs in the background and tests decide when time passes. One
    re-entrant lock guards everything, so the threaded HTTP server can call it from many
    clients at once.

    Args:
        api_key: The only `Api-Key` accepted.
        timings: How long each lifecycle takes (default: everything immediate).
        behaviour: Live-service quirks to imitate (default: what Pinecone's docs describe;
            `Behaviour.legacy()` for the simpler behaviour of earlier versions).
        clock: Time source; pass a `ManualClock` to move time explicitly. Default: wall clock.
        quotas: Project limits (default: unlimited).
        regions: Serverless regions per cloud; other pairs answer 404.
        project_id: The 7-hex-character id used in index hosts (random by default).
        store: Optional SQLite store; state is loaded from it and saved after each change.
    """

    def __attrs_post_init__(self) -> None:
        """Register every kind's status changes, then load persisted state, if any."""
        # Every timed or read-counted status change, in the order they advance: a
        # restore's end settles its index before the index changes look at it.
        self._states.register(
            Managed(
                CollectionRecord,
                self._collections.values,
                self._collection_phase,
                self._collection_ready,
            ),
            Managed(BackupRecord, self._backups.values, self._backup_phase, self._backup_ready),
            Managed(RestoreJobRecord, self._jobs.values, self._job_phase, self._finish_restore),
            Managed(IndexRecord, self._indexes.values, self._index_phase, self._index_phase_ended),
        )
        if self.store is not None:
            snapshot = self.store.load()
            if snapshot is not None:
                self._load(snapshot)

    # ------------------------------------------------------------------ seeding

    def seed_demo(self) -> str:
        """Ensure a Ready `demo-source` index with a Ready backup exists.

        Returns:
            The backup id (an existing demo backup is reused).
        """
        with self._lock:
            if DEMO_INDEX_NAME not in self._indexes:
                self.seed_index(name=DEMO_INDEX_NAME, dimension=8, tags={"env": "demo"})
            with self._locked():
                index = self._get_index(DEMO_INDEX_NAME)
                for backup in self._backups.values():
                    if backup.source_index_id == index.id and backup.name == DEMO_BACKUP_NAME:
                        return backup.id
            return str(
                self.seed_backup(source_index_name=DEMO_INDEX_NAME, name=DEMO_BACKUP_NAME)[
                    "backup_id"
                ]
            )

    # ------------------------------------------------------------------ control

    @property
    def timings(self) -> Timings:
        """The current lifecycle timings."""
        with self._lock:
            return self._timings

    @property
    def behaviour(self) -> Behaviour:
        """The live-service quirks being imitated."""
        with self._lock:
            return self._behaviour

    def set_behaviour(self, behaviour: Behaviour) -> None:
        """Replace the imitated quirks; they apply from the next request on.

        A new `fault_seed` restarts the fault draws from it.
        """
        with self._locked():
            if behaviour.fault_seed != self._behaviour.fault_seed:
                self._fault_rng = random.Random(behaviour.fault_seed)  # noqa: S311
            self._behaviour = behaviour

    def set_timings(self, timings: Timings) -> None:
        """Replace the lifecycle timings; phases already under way are judged by the new ones.

        A new restore `seed` restarts the scatter draws from it (jobs keep their draw).
        """
        with self._locked():
            if timings.restore.seed != self._timings.restore.seed:
                self._restore_rng = random.Random(timings.restore.seed)  # noqa: S311
            self._timings = timings
        with self._locked():
            pass  # tick once more so phases the new timings end finish now

    def reset(self) -> None:
        """Forget every object, fault and request count (timings, key and quotas stay)."""
        with self._locked():
            self._indexes.clear()
            self._backups.clear()
            self._jobs.clear()
            self._collections.clear()
            self._faults.clear()
            self.release_held()
            self._counts.clear()
            self._log.clear()
            self._seq = 0
            self._dirty = True

    def add_fault(self, rule: FaultRule) -> None:
        """Install a fault rule; rules are tried in the order added."""
        with self._lock:
            self._faults.append(ActiveFault(rule=rule, remaining=rule.times))

    def clear_faults(self) -> None:
        """Remove every fault rule (and answer the requests a `hang` fault holds)."""
        with self._lock:
            self._faults.clear()
            self.release_held()

    def hold(self, longest: float | None = None) -> None:
        """Block the calling request until :meth:`release_held` (a `hang` fault), or ``longest``."""
        with self._lock:
            release = self._release
        release.wait(longest)

    def release_held(self) -> None:
        """Let every request that a `hang` fault holds go on (faults themselves stay)."""
        with self._lock:
            self._release.set()
            self._release = threading.Event()

    def faults(self) -> list[dict[str, Any]]:
        """Return the installed rules with their remaining counts."""
        with self._lock:
            return [fault.to_json() for fault in self._faults]

    def take_fault(
        self, method: str, path: str, *, reused_connection: bool = False
    ) -> FaultRule | None:
        """Return the first rule matching a request and use up one of its firings.

        Args:
            method: Request method.
            path: Request path (no query string).
            reused_connection: Whether it came on a kept-alive connection used before.
        """
        with self._lock:
            for fault in self._faults:
                if fault.rule.matches(method, path, reused_connection=reused_connection):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault.rule
            return None

    def record_request(self, route: str, path: str, status: int | None) -> None:
        """Count one API request under its route key and append it to the request log.

        Args:
            route: `"METHOD /route/{template}"`.
            path: The concrete path requested.
            status: The status sent, or None if the connection was dropped.
        """
        with self._lock:
            self._counts[route] += 1
            self._log.append(
                {"time": rfc3339(self.clock.now()), "route": route, "path": path, "status": status}
            )

    def request_counts(self) -> dict[str, int]:
        """Return API request counts keyed by `"METHOD /route/{template}"`."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    def request_log(self) -> list[dict[str, Any]]:
        """Return the most recent API requests (oldest first)."""
        with self._lock:
            return list(self._log)

    def reset_requests(self) -> None:
        """Zero the request counters and clear the request log."""
        with self._lock:
            self._counts.clear()
            self._log.clear()

    def dump(self) -> dict[str, Any]:
        """Return the whole state as JSON: API models plus internal bookkeeping."""
        with self._locked() as now:
            return {
                "project_id": self.project_id,
                "now": rfc3339(now),
                "timings": self._timings.to_json(),
                "behaviour": self._behaviour.to_json(),
                "quotas": self.quotas.to_json(),
                "regions": {cloud: list(names) for cloud, names in self.regions.items()},
                "indexes": [
                    {
                        **i.to_json(),
                        "pod_type": i.pod_type,
                        "id": i.id,
                        "restore_job_id": i.restore_job_id,
                        "reads": i.reads,
                    }
                    for i in sorted(self._indexes.values(), key=lambda i: i.seq)
                ],
                "backups": [
                    {
                        **b.to_json(),
                        "fail_restores": b.fail_restores,
                        "reads": b.reads,
                        "embed": b.embed,
                    }
                    for b in sorted(self._backups.values(), key=lambda b: b.seq)
                ],
                "restore_jobs": [
                    {
                        **self._job_json(j, now),
                        "reads": j.reads,
                        "hidden": self._job_hidden(j),
                        "listed": j.listed,
                    }
                    for j in sorted(self._jobs.values(), key=lambda j: j.seq)
                ],
                "collections": [
                    {**c.to_json(), "source": c.source, "reads": c.reads}
                    for c in sorted(self._collections.values(), key=lambda c: c.seq)
                ],
                "faults": [fault.to_json() for fault in self._faults],
            }
