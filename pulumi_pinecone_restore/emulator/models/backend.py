"""The shared store every object kind's operations work on: state, lock, clock and persistence.

`Backend` holds the objects of every kind, the lock, the registered status changes and the
project's settings; the per-kind classes (`indexes`, `backups`, `restore_jobs`,
`collections`) add the API's operations on top, and `Emulator` puts them together.
"""

from __future__ import annotations

import collections
import contextlib
import random
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

import attrs

from pulumi_pinecone_restore.emulator.clock import Clock, SystemClock
from pulumi_pinecone_restore.emulator.config import DEFAULT_REGIONS, Behaviour, Quotas, Timings
from pulumi_pinecone_restore.emulator.exceptions import (
    AlreadyExistsError,
    FailedPreconditionError,
    ForbiddenError,
    NotFoundError,
)
from pulumi_pinecone_restore.emulator.faults import ActiveFault
from pulumi_pinecone_restore.emulator.models import state
from pulumi_pinecone_restore.emulator.models.paging import paginate
from pulumi_pinecone_restore.emulator.persistence import SqliteStore
from pulumi_pinecone_restore.emulator.records import (
    INITIALIZING,
    READY,
    TERMINATING,
    BackupRecord,
    CollectionRecord,
    IndexRecord,
    Record,
    RestoreJobRecord,
)
from pulumi_pinecone_restore.emulator.validation import (
    CreateIndexForModelRequest,
    CreateIndexFromBackupRequest,
    CreateIndexRequest,
)

DEFAULT_API_KEY = "pclocal"
REQUEST_LOG_SIZE = 10_000

_R = TypeVar("_R", bound=Record)
_Settled = TypeVar("_Settled", IndexRecord, BackupRecord, CollectionRecord)


def new_id() -> str:
    """A new object id (a UUID4, as the service's)."""
    return str(uuid.uuid4())


def placement(
    source: CreateIndexRequest | CreateIndexForModelRequest | IndexRecord | BackupRecord,
) -> dict[str, Any]:
    """Where an index is and what its vectors are: what a new one takes from its source."""
    return {
        "cloud": source.cloud,
        "region": source.region,
        "metric": source.metric,
        "vector_type": source.vector_type,
    }


def carried(source: IndexRecord | BackupRecord) -> dict[str, Any]:
    """What a backup keeps of its index, and an index restored from it gets back."""
    return {
        **placement(source),
        "dimension": source.dimension,
        "embed": None if source.embed is None else dict(source.embed),
        "record_count": source.record_count,
        "namespace_count": source.namespace_count,
    }


@attrs.define
class Backend:
    """The emulated project's state and the plumbing every operation shares (see `Emulator`)."""

    api_key: str = attrs.field(default=DEFAULT_API_KEY, repr=False)
    _timings: Timings = attrs.field(factory=Timings, alias="timings")
    _behaviour: Behaviour = attrs.field(factory=Behaviour, alias="behaviour")
    clock: Clock = attrs.field(factory=SystemClock)
    quotas: Quotas = attrs.field(factory=Quotas)
    regions: Mapping[str, Sequence[str]] = attrs.field(factory=lambda: dict(DEFAULT_REGIONS))
    project_id: str = attrs.field(factory=lambda: secrets.token_hex(4)[:7])
    store: SqliteStore | None = attrs.field(default=None, repr=False)

    _lock: threading.RLock = attrs.field(factory=threading.RLock, init=False, repr=False)
    _indexes: dict[str, IndexRecord] = attrs.field(factory=dict, init=False, repr=False)
    _backups: dict[str, BackupRecord] = attrs.field(factory=dict, init=False, repr=False)
    _jobs: dict[str, RestoreJobRecord] = attrs.field(factory=dict, init=False, repr=False)
    _collections: dict[str, CollectionRecord] = attrs.field(factory=dict, init=False, repr=False)
    _states: state.StateManager = attrs.field(factory=state.StateManager, init=False, repr=False)
    _seq: int = attrs.field(default=0, init=False, repr=False)
    _now: float = attrs.field(default=0.0, init=False, repr=False)
    _dirty: bool = attrs.field(default=False, init=False, repr=False)
    _faults: list[ActiveFault] = attrs.field(factory=list, init=False, repr=False)
    # Set (and replaced) to release the requests a `hang` fault holds.
    _release: threading.Event = attrs.field(factory=threading.Event, init=False, repr=False)
    _counts: collections.Counter[str] = attrs.field(
        factory=collections.Counter, init=False, repr=False
    )
    _log: collections.deque[dict[str, Any]] = attrs.field(
        factory=lambda: collections.deque(maxlen=REQUEST_LOG_SIZE), init=False, repr=False
    )
    # Draws of the restore timing's scatter and of the rate faults; seeded, so runs repeat.
    # (Not for secrets: S311's concern does not apply.)
    _restore_rng: random.Random = attrs.field(init=False, repr=False)
    _fault_rng: random.Random = attrs.field(init=False, repr=False)

    @_restore_rng.default
    def _seed_restores(self) -> random.Random:
        return random.Random(self._timings.restore.seed)  # noqa: S311

    @_fault_rng.default
    def _seed_faults(self) -> random.Random:
        return random.Random(self._behaviour.fault_seed)  # noqa: S311

    @contextlib.contextmanager
    def _locked(self) -> Iterator[float]:
        """Hold the lock, advance lifecycles first, persist afterwards; yields the time."""
        with self._lock:
            now = self._tick()
            try:
                yield now
            finally:
                if self._dirty and self.store is not None:
                    self.store.save(self._snapshot())
                self._dirty = False

    def _tick(self) -> float:
        """End every lifecycle phase whose timing is satisfied; return the current time."""
        now = self.clock.now()
        self._now = now
        if self._states.advance(now):
            self._dirty = True
        return now

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _enter(self, record: Record, at: float) -> None:
        """Start a new lifecycle phase on `record` at `at` (the caller sets the new state)."""
        state.begin(record, at)
        self._dirty = True

    def _read(self, record: Record) -> None:
        """Count an observation of `record` now (only a phase under way counts it)."""
        self._states.read(record, self._now)

    def _show(
        self,
        records: Iterable[_R],
        render: Callable[[_R], dict[str, Any]],
        read: Callable[[_R], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Render `records` as the API shows them, then count each as read (by `read`).

        Rendering comes first: what a read shows is the state before it was counted.
        """
        shown = list(records)
        bodies = [render(record) for record in shown]
        for record in shown:
            (read or self._read)(record)
        return bodies

    def _page(
        self,
        kind: str,
        items: Iterable[_R],
        limit: int | None,
        pagination_token: str | None,
        *,
        cap: int | None = None,
        repeat: int = 0,
        max_pages: int | None = None,
    ) -> tuple[list[_R], dict[str, str] | None]:
        """One page of a listing, in the order `Behaviour.newest_first` sets (see `paginate`)."""
        return paginate(
            kind,
            items,
            limit,
            pagination_token,
            newest_first=self._behaviour.newest_first,
            cap=cap,
            repeat=repeat,
            max_pages=max_pages,
        )

    @staticmethod
    def _get(records: Mapping[str, _R], key: str, what: str) -> _R:
        """The record under `key`, or the API's 404 for `what` (e.g. "Index my-index")."""
        record = records.get(key)
        if record is None:
            raise NotFoundError(f"{what} not found.")
        return record

    def _get_index(self, name: str) -> IndexRecord:
        return self._get(self._indexes, name, f"Index {name}")

    def _get_backup(self, backup_id: str) -> BackupRecord:
        return self._get(self._backups, backup_id, f"Backup {backup_id}")

    def _host(self, name: str, cloud: str, region: str) -> str:
        return f"{name}-{self.project_id}.svc.{region}-{cloud}.pinecone.io"

    def _check_region(self, cloud: str, region: str) -> None:
        if region not in self.regions.get(cloud, ()):
            raise NotFoundError(f"Resource cloud: {cloud} region: {region} not found.")

    def _check_quota(self, kind: str, current: int) -> None:
        limit = getattr(self.quotas, kind)
        if limit is not None and current >= limit:
            raise ForbiddenError(
                f"The project has reached its quota of {limit} {kind}. "
                f"Increase your quota or upgrade to create more {kind}."
            )

    def _new_index(
        self,
        request: CreateIndexRequest | CreateIndexForModelRequest | CreateIndexFromBackupRequest,
        now: float,
        **fields: Any,
    ) -> IndexRecord:
        """Store the new `Initializing` index `request` asks for.

        Args:
            request: Gives the name, deletion protection and (unless `fields` has them) tags.
            now: The current time.
            fields: The rest of its settings, its `placement` among them.

        Raises:
            AlreadyExistsError: The name is taken, even by a Terminating index (409).
            ForbiddenError: Index quota reached (403).
        """
        name = request.name
        existing = self._indexes.get(name)
        if existing is not None:
            detail = " (it is still Terminating)" if existing.state == TERMINATING else ""
            raise AlreadyExistsError(f"Resource already exists. Index '{name}' exists{detail}.")
        self._check_quota("indexes", len(self._indexes))
        index = IndexRecord(
            id=new_id(),
            seq=self._next_seq(),
            name=name,
            host=self._host(name, fields["cloud"], fields["region"]),
            deletion_protection=request.deletion_protection,
            tags=fields.pop("tags", request.tags),
            state=INITIALIZING,
            since=now,
            created_at=now,
            **fields,
        )
        return self._add(self._indexes, name, index)

    @staticmethod
    def _ready(record: _Settled, to: str | None = None) -> _Settled:
        """`record`, if it is Ready (`to`: what only a Ready one can be, for the refusal).

        Raises:
            FailedPreconditionError: It is not Ready (412).
        """
        if isinstance(record, IndexRecord):
            kind, what, field, status = "index", record.name, "state", record.state
        elif isinstance(record, BackupRecord):
            kind, what, field, status = "backup", record.id, "status", record.status
        else:
            kind, what, field, status = "collection", record.name, "status", record.status
        if status != READY:
            why = "" if to is None else f"; only a Ready {kind} can be {to}"
            raise FailedPreconditionError(
                f"{kind.capitalize()} {what} is not ready ({field}: {status}){why}."
            )
        return record

    @staticmethod
    def _require_none_pending(pending: Iterable[str], refusal: str) -> None:
        """Refuse (412) a delete while the objects named in `pending` are still being made.

        Raises:
            FailedPreconditionError: `pending` names any; the message lists them.
        """
        names = list(pending)
        if names:
            raise FailedPreconditionError(f"{refusal}: {names}")

    def _add(self, records: MutableMapping[str, _R], key: str, record: _R) -> _R:
        """Store a new record under `key` (it is saved with this request)."""
        records[key] = record
        self._dirty = True
        return record

    # ------------------------------------------------------------------ persistence

    def _snapshot(self) -> dict[str, Any]:
        return {
            "meta": {"project_id": self.project_id, "seq": self._seq},
            "indexes": [attrs.asdict(i) for i in self._indexes.values()],
            "backups": [attrs.asdict(b) for b in self._backups.values()],
            "restore_jobs": [attrs.asdict(j) for j in self._jobs.values()],
            "collections": [attrs.asdict(c) for c in self._collections.values()],
        }

    def _load(self, snapshot: Mapping[str, Any]) -> None:
        meta = snapshot["meta"]
        self.project_id = str(meta["project_id"])
        self._seq = int(meta["seq"])
        # Filled in place: the state manager lists these very dicts.
        self._indexes.update((i["name"], IndexRecord(**i)) for i in snapshot["indexes"])
        self._backups.update((b["id"], BackupRecord(**b)) for b in snapshot["backups"])
        self._jobs.update((j["id"], RestoreJobRecord(**j)) for j in snapshot["restore_jobs"])
        self._collections.update(
            (c["name"], CollectionRecord(**c)) for c in snapshot["collections"]
        )
