"""The emulated control plane's state and rules, with no HTTP in it.

`Emulator` holds indexes, backups, restore jobs and collections, applies the API's rules
(names, quotas, regions, deletion protection, preconditions) and advances lifecycles lazily:
every operation first "ticks", ending each phase whose `Timing` is satisfied, so nothing runs
in the background and tests decide when time passes. One re-entrant lock guards everything,
so the threaded HTTP server can call it from many clients at once.
"""

from __future__ import annotations

import base64
import binascii
import collections
import contextlib
import json
import random
import secrets
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from pulumi_pinecone_restore.emulator.clock import Clock, SystemClock, rfc3339
from pulumi_pinecone_restore.emulator.config import (
    DEFAULT_REGIONS,
    Behaviour,
    Quotas,
    Timing,
    Timings,
)
from pulumi_pinecone_restore.emulator.exceptions import (
    AlreadyExistsError,
    FailedPreconditionError,
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
)
from pulumi_pinecone_restore.emulator.faults import ActiveFault, FaultRule
from pulumi_pinecone_restore.emulator.persistence import SqliteStore
from pulumi_pinecone_restore.emulator.records import (
    CANCELLED,
    COMPLETED,
    FAILED,
    INITIALIZATION_FAILED,
    INITIALIZING,
    PENDING,
    READY,
    TERMINATING,
    BackupRecord,
    CollectionRecord,
    IndexRecord,
    RestoreJobRecord,
)
from pulumi_pinecone_restore.emulator.validation import (
    ConfigureIndexRequest,
    CreateBackupRequest,
    CreateCollectionRequest,
    CreateIndexForModelRequest,
    CreateIndexFromBackupRequest,
    CreateIndexRequest,
)

DEFAULT_API_KEY = "pclocal"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
REQUEST_LOG_SIZE = 10_000
DEMO_INDEX_NAME = "demo-source"
DEMO_BACKUP_NAME = "demo-backup"

#: Fractional digits of `created_at` in a create-backup answer (the live service sends 9
#: there and 6 in describes and listings).
CREATE_BACKUP_DIGITS = 9

_R = TypeVar("_R", IndexRecord, BackupRecord, RestoreJobRecord, CollectionRecord)
_Record = IndexRecord | BackupRecord | RestoreJobRecord | CollectionRecord


def _new_id() -> str:
    return str(uuid.uuid4())


def _encode_token(kind: str, after: int, limit: int, *, newest_first: bool, page: int = 2) -> str:
    raw = json.dumps(
        {"kind": kind, "after": after, "limit": limit, "desc": newest_first, "page": page},
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_token(kind: str, token: str) -> tuple[int, int, bool, int]:
    """Return (last sequence served, page size, newest first, page number) from a token.

    Raises:
        InvalidArgumentError: Not one of our tokens, another listing's, or a crafted one with
            a page size outside 1..100 (400, never a 500).
    """
    invalid = InvalidArgumentError(f"Invalid paginationToken '{token}'.")
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise invalid from exc
    if not isinstance(payload, dict) or payload.get("kind") != kind:
        raise invalid
    after, limit, desc = payload.get("after"), payload.get("limit"), payload.get("desc", False)
    number = payload.get("page", 2)
    if (
        not isinstance(number, int) or isinstance(number, bool) or number < 2  # noqa: PLR2004 - a token names the second page or a later one
    ):
        raise invalid
    if (
        not isinstance(after, int)
        or isinstance(after, bool)
        or not isinstance(limit, int)
        or isinstance(limit, bool)
        or not isinstance(desc, bool)
        or not 1 <= limit <= MAX_PAGE_SIZE
    ):
        raise invalid
    return after, limit, desc, number


@attrs.define
class Emulator:
    """An in-memory Pinecone control plane (API 2025-04) with controllable time and faults.

    Public operations take decoded JSON bodies and return JSON-ready dicts shaped like the
    API's models; refusals raise `EmulatorError` subclasses carrying status and code.

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

    def __attrs_post_init__(self) -> None:
        """Load persisted state, if a store with a snapshot was given."""
        if self.store is not None:
            snapshot = self.store.load()
            if snapshot is not None:
                self._restore(snapshot)

    # ------------------------------------------------------------------ plumbing

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

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _tick(self) -> float:
        """End every lifecycle phase whose timing is satisfied; return the current time.

        Each phase ends at the instant its timing was met (`_due_at`), not at this call, so a
        restore's `completed_at` and the start of the next phase are exact however late the
        next request comes.
        """
        now = self.clock.now()
        self._now = now
        timings = self._timings
        for coll in self._collections.values():
            if coll.status == INITIALIZING and timings.collection_ready.is_due(
                now - coll.since, coll.reads
            ):
                self._enter(coll, self._due_at(coll, timings.collection_ready, now))
                coll.status = READY
        for backup in self._backups.values():
            if backup.status != READY and timings.backup_ready.is_due(
                now - backup.since, backup.reads
            ):
                self._enter(backup, self._due_at(backup, timings.backup_ready, now))
                backup.status = READY
        for job in self._jobs.values():
            duration = self._duration(job)
            if (
                job.status == PENDING
                and now - job.since >= duration
                and job.reads >= (timings.restore.reads)
            ):
                self._finish_restore(job, self._due_at(job, timings.restore, now, seconds=duration))
        for index in list(self._indexes.values()):
            if (
                index.state == INITIALIZING
                and index.restore_job_id is None
                and timings.index_ready.is_due(now - index.since, index.reads)
            ):
                self._enter(index, self._due_at(index, timings.index_ready, now))
                index.state = READY
            elif index.state == TERMINATING and timings.index_terminate.is_due(
                now - index.since, index.reads
            ):
                del self._indexes[index.name]
                self._dirty = True
        return now

    @staticmethod
    def _due_at(
        record: _Record, timing: Timing, now: float, *, seconds: float | None = None
    ) -> float:
        """The instant a phase's timing was met: its last needed read or its duration's end.

        ``seconds`` is the phase's duration when it is not the timing's (a restore's grows
        with its backup).
        """
        due = record.since + (timing.seconds if seconds is None else seconds)
        if timing.reads and record.last_read_at is not None:
            # Reads are counted until the phase ends, so the last one is the one that met it
            # (or came before the duration ran out, which the max takes care of).
            due = max(due, record.last_read_at)
        return min(due, now)

    def _enter(self, record: _Record, at: float) -> None:
        """Start a new lifecycle phase on `record` at `at` (the caller sets the new state)."""
        record.since = at
        record.reads = 0
        record.last_read_at = None
        self._dirty = True

    def _finish_restore(self, job: RestoreJobRecord, at: float) -> None:
        backup = self._backups.get(job.backup_id)
        failed = backup is not None and backup.fail_restores
        if failed:
            self._end_job(job, FAILED, at)
        else:
            self._end_job(job, COMPLETED, at)
            job.percent_complete = 100.0
        index = self._target_of(job)
        if index is not None and index.state == INITIALIZING:
            self._enter(index, at)
            index.state = INITIALIZATION_FAILED if failed else READY

    def _end_job(self, job: RestoreJobRecord, status: str, at: float) -> None:
        """End a running job; its progress stays where it was at `at`."""
        job.percent_complete = self._progress(job, at)
        self._enter(job, at)
        job.status = status
        job.completed_at = at

    def _target_of(self, job: RestoreJobRecord) -> IndexRecord | None:
        """The job's target index, if it still exists (its name may now be another index's)."""
        index = self._indexes.get(job.target_index_name)
        return index if index is not None and index.id == job.target_index_id else None

    def _duration(self, job: RestoreJobRecord) -> float:
        """Clock seconds `job` lasts under the current restore timing."""
        return self._timings.restore.duration(job.records, job.factor)

    def _progress(self, job: RestoreJobRecord, at: float) -> float:
        """`percent_complete` of a running job at instant `at`, per `Behaviour.progress`.

        Under the live default (no curve) the job stays at 0 internally; it is not shown.
        """
        curve = self._behaviour.progress
        if curve is None:
            return 0.0
        timing = self._timings.restore
        duration = self._duration(job)
        fractions = []
        if duration > 0:
            fractions.append((at - job.since) / duration)
        if timing.reads > 0:
            fractions.append(job.reads / timing.reads)
        # A job needs both its duration and its reads, so the laggard sets the pace.
        fraction = min(fractions) if fractions else 0.0
        return curve.percent(fraction)

    def _job_json(self, job: RestoreJobRecord, now: float) -> dict[str, Any]:
        return job.to_json(self._progress(job, now), live=self._behaviour.live_progress)

    def _job_hidden(self, job: RestoreJobRecord) -> bool:
        """Whether the service would no longer show the job: its target index was deleted."""
        if not self._behaviour.hide_jobs_of_deleted_indexes:
            return False
        index = self._target_of(job)
        return index is None or index.state == TERMINATING

    def _observe_index(self, index: IndexRecord) -> None:
        """Count a read of `index`; a restored index's readiness is its restore job's phase."""
        if index.state == INITIALIZING and index.restore_job_id is not None:
            job = self._jobs.get(index.restore_job_id)
            if job is not None and job.status == PENDING:
                job.reads += 1
                job.last_read_at = self._now
        elif index.state in (INITIALIZING, TERMINATING):
            index.reads += 1
            index.last_read_at = self._now

    def _observe(self, record: BackupRecord | RestoreJobRecord | CollectionRecord) -> None:
        if record.status in (INITIALIZING, PENDING) or (
            isinstance(record, BackupRecord) and record.status != READY
        ):
            record.reads += 1
            record.last_read_at = self._now

    def _host(self, name: str, cloud: str, region: str) -> str:
        return f"{name}-{self.project_id}.svc.{region}-{cloud}.pinecone.io"

    def _check_region(self, cloud: str, region: str) -> None:
        if region not in self.regions.get(cloud, ()):
            raise NotFoundError(f"Resource cloud: {cloud} region: {region} not found.")

    def _check_index_name_free(self, name: str) -> None:
        existing = self._indexes.get(name)
        if existing is not None:
            detail = " (it is still Terminating)" if existing.state == TERMINATING else ""
            raise AlreadyExistsError(f"Resource already exists. Index '{name}' exists{detail}.")

    def _check_quota(self, kind: str, current: int) -> None:
        limit = getattr(self.quotas, kind)
        if limit is not None and current >= limit:
            raise ForbiddenError(
                f"The project has reached its quota of {limit} {kind}. "
                f"Increase your quota or upgrade to create more {kind}."
            )

    def _get_index(self, name: str) -> IndexRecord:
        index = self._indexes.get(name)
        if index is None:
            raise NotFoundError(f"Index {name} not found.")
        return index

    def _get_backup(self, backup_id: str) -> BackupRecord:
        backup = self._backups.get(backup_id)
        if backup is None:
            raise NotFoundError(f"Backup {backup_id} not found.")
        return backup

    def _paginate(
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
        """Slice `items` into a page after the token's position, newest or oldest first.

        The token encodes the creation sequence number of the last item served and the order
        it was served in, so deleting objects between pages neither repeats nor skips the
        others, and a change of `Behaviour.newest_first` does not garble a listing under way.
        """
        if limit is not None and not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidArgumentError(f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}.")
        newest_first = self._behaviour.newest_first
        after: int | None = None
        number = 1
        if pagination_token:
            after, token_limit, newest_first, number = _decode_token(kind, pagination_token)
            limit = limit or token_limit
        size = min(limit or DEFAULT_PAGE_SIZE, cap or MAX_PAGE_SIZE)
        ordered = sorted(items, key=lambda i: i.seq, reverse=newest_first)
        start = 0
        if after is not None:
            start = sum(1 for i in ordered if (i.seq >= after if newest_first else i.seq <= after))
            start = max(start - repeat, 0)  # the fault: the page overlaps the one before
        rest = ordered[start:]
        page = rest[:size]
        if len(rest) > size and (max_pages is None or number < max_pages):
            token = _encode_token(
                kind, page[-1].seq, size, newest_first=newest_first, page=number + 1
            )
            return page, {"next": token}
        return page, None

    # ------------------------------------------------------------------ indexes

    def list_indexes(self) -> dict[str, Any]:
        """`GET /indexes`: every index (including Initializing/Terminating), in creation order."""
        with self._locked():
            indexes = sorted(self._indexes.values(), key=lambda i: i.seq)
            body = {"indexes": [index.to_json() for index in indexes]}
            for index in indexes:
                self._observe_index(index)
            return body

    def create_index(self, body: object) -> dict[str, Any]:
        """`POST /indexes`: create a serverless index, `Initializing` until its timing passes.

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad values (400).
            NotFoundError: Unknown cloud/region or source collection (404).
            AlreadyExistsError: Name taken, including by a Terminating index (409).
            FailedPreconditionError: Source collection not Ready (412).
            ForbiddenError: Index quota reached (403).
        """
        request = CreateIndexRequest.from_json(body)
        with self._locked() as now:
            self._check_region(request.cloud, request.region)
            dimension = request.dimension
            record_count = 0
            if request.source_collection is not None:
                coll = self._collections.get(request.source_collection)
                if coll is None:
                    raise NotFoundError(f"Collection {request.source_collection} not found.")
                if coll.status != READY:
                    raise FailedPreconditionError(
                        f"Collection {coll.name} is not ready (status: {coll.status})."
                    )
                if dimension is not None and dimension != coll.dimension:
                    raise InvalidArgumentError(
                        f"Dimension {dimension} does not match the dimension "
                        f"{coll.dimension} of collection {coll.name}."
                    )
                dimension = coll.dimension
                record_count = coll.vector_count
            self._check_index_name_free(request.name)
            self._check_quota("indexes", len(self._indexes))
            index = IndexRecord(
                id=_new_id(),
                seq=self._next_seq(),
                name=request.name,
                dimension=dimension,
                metric=request.metric,
                vector_type=request.vector_type,
                cloud=request.cloud,
                region=request.region,
                host=self._host(request.name, request.cloud, request.region),
                deletion_protection=request.deletion_protection,
                tags=request.tags,
                state=INITIALIZING,
                since=now,
                created_at=now,
                source_collection=request.source_collection,
                record_count=record_count,
                namespace_count=min(record_count, 1),
            )
            self._indexes[index.name] = index
            self._dirty = True
            return index.to_json()

    def create_index_for_model(self, body: object) -> dict[str, Any]:
        """`POST /indexes/create-for-model`: a serverless index with integrated embedding.

        The model decides the vector type, the default dimension and the default metric; the
        index carries the `embed` configuration, which backups keep and restores recreate.

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad values or an unknown model (400).
            NotFoundError: Unknown cloud/region (404).
            AlreadyExistsError: Name taken (409).
            ForbiddenError: Index quota reached (403).
        """
        request = CreateIndexForModelRequest.from_json(body)
        with self._locked() as now:
            self._check_region(request.cloud, request.region)
            self._check_index_name_free(request.name)
            self._check_quota("indexes", len(self._indexes))
            index = IndexRecord(
                id=_new_id(),
                seq=self._next_seq(),
                name=request.name,
                dimension=request.dimension,
                metric=request.metric,
                vector_type=request.vector_type,
                cloud=request.cloud,
                region=request.region,
                host=self._host(request.name, request.cloud, request.region),
                deletion_protection=request.deletion_protection,
                tags=request.tags,
                state=INITIALIZING,
                since=now,
                created_at=now,
                embed=request.embed,
            )
            self._indexes[index.name] = index
            self._dirty = True
            return index.to_json()

    def describe_index(self, name: str) -> dict[str, Any]:
        """`GET /indexes/{name}`.

        Raises:
            NotFoundError: No such index (404).
        """
        with self._locked():
            index = self._get_index(name)
            body = index.to_json()
            self._observe_index(index)
            return body

    def configure_index(self, name: str, body: object) -> dict[str, Any]:
        """`PATCH /indexes/{name}`: set deletion protection and merge tags (`""` removes a key).

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad values, or pod/embed settings (400).
            NotFoundError: No such index (404).
            FailedPreconditionError: The index is Terminating (412).
        """
        request = ConfigureIndexRequest.from_json(body)
        with self._locked():
            index = self._get_index(name)
            if index.state == TERMINATING:
                raise FailedPreconditionError(
                    f"Index {name} is being deleted and cannot be configured."
                )
            if request.embed is not None:
                self._configure_embed(index, request.embed)
            if request.deletion_protection is not None:
                index.deletion_protection = request.deletion_protection
            for key, value in (request.tags or {}).items():
                if value:
                    index.tags[key] = value
                else:
                    index.tags.pop(key, None)
            self._dirty = True
            return index.to_json()

    @staticmethod
    def _configure_embed(index: IndexRecord, embed: Mapping[str, Any]) -> None:
        """Update field map and read/write parameters; the model itself is fixed."""
        if index.embed is None:
            raise InvalidArgumentError(
                f"Index {index.name} was not created for an embedding model; "
                "embed can only be configured on integrated-embedding indexes."
            )
        if "model" in embed and embed["model"] != index.embed["model"]:
            raise InvalidArgumentError(
                f"The embedding model of index {index.name} cannot be changed "
                f"(it is '{index.embed['model']}')."
            )
        index.embed = {**index.embed, **{k: v for k, v in embed.items() if k != "model"}}

    def delete_index(self, name: str) -> None:
        """`DELETE /indexes/{name}`: start termination; backups of the index survive.

        Raises:
            NotFoundError: No such index (404).
            ForbiddenError: Deletion protection is enabled (403).
            FailedPreconditionError: A collection is still being created from it (412).
        """
        with self._locked() as now:
            index = self._get_index(name)
            if index.deletion_protection == "enabled":
                raise ForbiddenError(
                    "Deletion protection is enabled for this index. "
                    "Disable deletion protection before retrying."
                )
            pending = [
                coll.name
                for coll in self._collections.values()
                if coll.source == name and coll.status == INITIALIZING
            ]
            if pending:
                raise FailedPreconditionError(
                    "Unable to delete an index. There are pending collections for this index: "
                    f"{pending}"
                )
            if index.state != TERMINATING:
                self._enter(index, now)
                index.state = TERMINATING
            # A restore into an index that is deleted under it cannot finish: the job ends
            # Failed now (and, with `hide_jobs_of_deleted_indexes`, disappears at once).
            job = self._jobs.get(index.restore_job_id or "")
            if job is not None and job.status == PENDING:
                self._end_job(job, FAILED, now)

    # ------------------------------------------------------------------ backups

    def create_backup(self, index_name: str, body: object) -> dict[str, Any]:
        """`POST /indexes/{name}/backups`: start a backup (`Initializing` -> `Ready`).

        Raises:
            UnprocessableError: Bad body shape (422).
            NotFoundError: No such index (404).
            FailedPreconditionError: The index is not Ready (412).
            ForbiddenError: Backup quota reached (403).
        """
        request = CreateBackupRequest.from_json(body)
        with self._locked() as now:
            index = self._get_index(index_name)
            if index.state != READY:
                raise FailedPreconditionError(
                    f"Index {index_name} is not ready (state: {index.state}); "
                    "only a Ready index can be backed up."
                )
            self._check_quota("backups", len(self._backups))
            backup = self._new_backup(
                index=index, name=request.name, description=request.description, now=now
            )
            return backup.to_json(created_digits=CREATE_BACKUP_DIGITS)

    def _new_backup(
        self,
        *,
        index: IndexRecord,
        name: str | None,
        description: str | None,
        now: float,
        backup_id: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> BackupRecord:
        backup = BackupRecord(
            id=backup_id or _new_id(),
            seq=self._next_seq(),
            name=name,
            description=description,
            source_index_name=index.name,
            source_index_id=index.id,
            cloud=index.cloud,
            region=index.region,
            dimension=index.dimension,
            metric=index.metric,
            vector_type=index.vector_type,
            tags=dict(index.tags if tags is None else tags),
            status=self._behaviour.backup_initial_status,
            since=now,
            created_at=now,
            embed=None if index.embed is None else dict(index.embed),
            record_count=index.record_count,
            namespace_count=index.namespace_count,
            size_bytes=index.size_bytes(),
        )
        self._backups[backup.id] = backup
        self._dirty = True
        return backup

    def list_index_backups(
        self, index_name: str, limit: int | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        """`GET /indexes/{name}/backups`: backups taken of this index (by index id).

        Raises:
            NotFoundError: No such index (404).
            InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
        """
        with self._locked():
            index = self._get_index(index_name)
            mine = [b for b in self._backups.values() if b.source_index_id == index.id]
            return self._backup_page(f"backups:{index.id}", mine, limit, pagination_token)

    def list_backups(
        self, limit: int | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        """`GET /backups`: every backup in the project, in creation order.

        Raises:
            InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
        """
        with self._locked():
            return self._backup_page("backups", self._backups.values(), limit, pagination_token)

    def _backup_page(
        self,
        kind: str,
        backups: Iterable[BackupRecord],
        limit: int | None,
        pagination_token: str | None,
    ) -> dict[str, Any]:
        page, pagination = self._paginate(kind, backups, limit, pagination_token)
        body = {"data": [backup.to_json() for backup in page], "pagination": pagination}
        for backup in page:
            self._observe(backup)
        return body

    def describe_backup(self, backup_id: str) -> dict[str, Any]:
        """`GET /backups/{id}`.

        Raises:
            NotFoundError: No such backup (404).
        """
        with self._locked():
            backup = self._get_backup(backup_id)
            body = backup.to_json()
            self._observe(backup)
            return body

    def delete_backup(self, backup_id: str) -> None:
        """`DELETE /backups/{id}`; indexes already restored from it are unaffected.

        Raises:
            NotFoundError: No such backup (404).
            FailedPreconditionError: A restore from it is still Pending (412).
        """
        with self._locked():
            self._get_backup(backup_id)
            pending = [
                job.id
                for job in self._jobs.values()
                if job.backup_id == backup_id and job.status == PENDING
            ]
            if pending:
                raise FailedPreconditionError(
                    "Unable to delete backup. There are pending restore jobs for this backup: "
                    f"{pending}"
                )
            del self._backups[backup_id]
            self._dirty = True

    # ------------------------------------------------------------------ restores

    def create_index_from_backup(self, backup_id: str, body: object) -> dict[str, Any]:
        """`POST /backups/{id}/create-index`: create an index and a Pending restore job.

        The index inherits dimension, metric, vector type, cloud and region from the backup,
        and the backup's tags unless tags are given (an empty object counts as not given). It
        stays `Initializing` until the restore job ends.

        Returns:
            `{"restore_job_id", "index_id"}`.

        Raises:
            UnprocessableError: Bad body shape, e.g. missing `name` (422).
            InvalidArgumentError: Bad name, tags or deletion_protection (400).
            NotFoundError: No such backup (404).
            FailedPreconditionError: The backup is not Ready (412).
            AlreadyExistsError: The index name is taken (409).
            ForbiddenError: Index quota reached (403).
        """
        request = CreateIndexFromBackupRequest.from_json(body)
        with self._locked() as now:
            backup = self._get_backup(backup_id)
            if backup.status != READY:
                raise FailedPreconditionError(
                    f"Backup {backup_id} is not ready (status: {backup.status}); "
                    "only a Ready backup can be restored."
                )
            self._check_index_name_free(request.name)
            self._check_quota("indexes", len(self._indexes))
            job_id, index_id = _new_id(), _new_id()
            index = IndexRecord(
                id=index_id,
                seq=self._next_seq(),
                name=request.name,
                dimension=backup.dimension,
                metric=backup.metric,
                vector_type=backup.vector_type,
                cloud=backup.cloud,
                region=backup.region,
                host=self._host(request.name, backup.cloud, backup.region),
                deletion_protection=request.deletion_protection,
                tags=dict(backup.tags if request.tags is None else request.tags),
                state=INITIALIZING,
                since=now,
                created_at=now,
                restore_job_id=job_id,
                embed=None if backup.embed is None else dict(backup.embed),
                record_count=backup.record_count,
                namespace_count=backup.namespace_count,
            )
            scatter = self._timings.restore.scatter
            job = RestoreJobRecord(
                id=job_id,
                seq=self._next_seq(),
                backup_id=backup_id,
                target_index_name=request.name,
                target_index_id=index_id,
                status=PENDING,
                since=now,
                created_at=now,
                records=backup.record_count,
                factor=self._restore_rng.uniform(1.0 - scatter, 1.0 + scatter),
            )
            self._indexes[index.name] = index
            self._jobs[job.id] = job
            self._dirty = True
            return {"restore_job_id": job_id, "index_id": index_id}

    def list_restore_jobs(
        self, limit: int | None = None, pagination_token: str | None = None
    ) -> dict[str, Any]:
        """`GET /restore-jobs`: the restore jobs the service shows, newest first by default.

        Per `Behaviour`, jobs whose target index was deleted are left out, and a new job is
        left out until its listing lag has passed.

        Raises:
            InvalidArgumentError: `limit` outside 1..100 or a bad token (400).
        """
        with self._locked() as now:
            shown = [job for job in self._jobs.values() if not self._job_hidden(job)]
            listed = [job for job in shown if self._past_listing_lag(job, now)]
            faults = self._behaviour
            page, pagination = self._paginate(
                "restore-jobs",
                listed,
                limit,
                pagination_token,
                cap=faults.listing_page_size,
                repeat=faults.listing_repeat_rows,
                max_pages=faults.listing_max_pages,
            )
            if faults.listing_drop_rate > 0:
                page = [j for j in page if self._fault_rng.random() >= faults.listing_drop_rate]
            body = {"data": [self._job_json(job, now) for job in page], "pagination": pagination}
            for job in page:
                self._observe(job)
            return body

    def _past_listing_lag(self, job: RestoreJobRecord, now: float) -> bool:
        """Whether a job is old enough to be listed; a listing that leaves it out counts."""
        if not job.listed:
            lag = self._behaviour.restore_listing_lag
            if not lag.is_due(now - job.created_at, job.listing_misses):
                job.listing_misses += 1
                self._dirty = True
                return False
            # Once listed it stays listed, even if the lag is changed later.
            job.listed = True
            self._dirty = True
        return True

    def _get_job(self, job_id: str) -> RestoreJobRecord:
        job = self._jobs.get(job_id)
        if job is None or self._job_hidden(job):
            raise NotFoundError(f"Restore job {job_id} not found.")
        return job

    def describe_restore_job(self, job_id: str) -> dict[str, Any]:
        """`GET /restore-jobs/{id}`.

        Raises:
            NotFoundError: No such restore job, or (per `Behaviour`) its target index was
                deleted (404).
        """
        with self._locked() as now:
            job = self._get_job(job_id)
            job.describes += 1
            self._dirty = True
            faults = self._behaviour
            if job.describes <= faults.job_404_first or (
                faults.job_404_rate > 0 and self._fault_rng.random() < faults.job_404_rate
            ):
                # The live service answers 404 to every failed read of its job store.
                raise NotFoundError(f"Restore job {job_id} not found.")
            body = self._job_json(job, now)
            self._observe(job)
            return body

    def cancel_restore(self, job_id: str, *, delete_index: bool = False) -> dict[str, Any]:
        """End a running restore job `Cancelled` (what an operator's cancel would do).

        The 2025-04 API has no cancel call; the status exists in the CLI and newer SDKs. The
        job keeps the progress it had and gets `completed_at`; its index becomes
        `InitializationFailed` (still there, never Ready, deletable), or with `delete_index`
        starts `Terminating` like a DELETE (and the job is then hidden like any job whose
        target was deleted, unless `hide_jobs_of_deleted_indexes` is off).

        Args:
            job_id: The job to cancel.
            delete_index: Delete the target index too.

        Returns:
            The job as the API now renders it (even when it is hidden from the API).

        Raises:
            NotFoundError: No such job.
            FailedPreconditionError: The job has already ended.
        """
        with self._locked() as now:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFoundError(f"Restore job {job_id} not found.")
            if job.status != PENDING:
                raise FailedPreconditionError(
                    f"Restore job {job_id} has already ended (status: {job.status})."
                )
            self._end_job(job, CANCELLED, now)
            index = self._target_of(job)
            if index is not None and index.state == INITIALIZING:
                self._enter(index, now)
                index.state = TERMINATING if delete_index else INITIALIZATION_FAILED
            return self._job_json(job, now)

    def fail_restores_from(self, backup_id: str) -> None:
        """Make every restore from this backup — pending or future — end `Failed`.

        The job then reports `Failed` and its index `InitializationFailed`.

        Raises:
            NotFoundError: No such backup.
        """
        with self._locked():
            self._get_backup(backup_id).fail_restores = True
            self._dirty = True

    # ------------------------------------------------------------------ collections

    def list_collections(self) -> dict[str, Any]:
        """`GET /collections`: every collection, in creation order."""
        with self._locked():
            colls = sorted(self._collections.values(), key=lambda c: c.seq)
            body = {"collections": [coll.to_json() for coll in colls]}
            for coll in colls:
                self._observe(coll)
            return body

    def create_collection(self, body: object) -> dict[str, Any]:
        """`POST /collections`: snapshot an index into a collection (`Initializing` -> `Ready`).

        Raises:
            UnprocessableError: Bad body shape (422).
            InvalidArgumentError: Bad collection name (400).
            NotFoundError: No such source index (404).
            FailedPreconditionError: The source index is not Ready (412).
            AlreadyExistsError: The collection name is taken (409).
            ForbiddenError: Collection quota reached (403).
        """
        request = CreateCollectionRequest.from_json(body)
        with self._locked() as now:
            index = self._get_index(request.source)
            if index.pod_type is None and not self._behaviour.serverless_collections:
                # The live service makes collections of pod-based indexes only.
                raise InvalidArgumentError(
                    f"Index {index.name} is a serverless index; collections can only be "
                    "created from pod-based indexes."
                )
            if index.state != READY:
                raise FailedPreconditionError(
                    f"Index {index.name} is not ready (state: {index.state})."
                )
            if request.name in self._collections:
                raise AlreadyExistsError(
                    f"Resource already exists. Collection '{request.name}' exists."
                )
            self._check_quota("collections", len(self._collections))
            coll = CollectionRecord(
                seq=self._next_seq(),
                name=request.name,
                source=index.name,
                dimension=index.dimension,
                environment=f"{index.region}-{index.cloud}",
                status=INITIALIZING,
                since=now,
                created_at=now,
                size=index.size_bytes(),
                vector_count=index.record_count,
            )
            self._collections[coll.name] = coll
            self._dirty = True
            return coll.to_json()

    def describe_collection(self, name: str) -> dict[str, Any]:
        """`GET /collections/{name}`.

        Raises:
            NotFoundError: No such collection (404).
        """
        with self._locked():
            coll = self._collections.get(name)
            if coll is None:
                raise NotFoundError(f"Collection {name} not found.")
            body = coll.to_json()
            self._observe(coll)
            return body

    def delete_collection(self, name: str) -> None:
        """`DELETE /collections/{name}`; removes it at once.

        Raises:
            NotFoundError: No such collection (404).
        """
        with self._locked():
            if self._collections.pop(name, None) is None:
                raise NotFoundError(f"Collection {name} not found.")
            self._dirty = True

    # ------------------------------------------------------------------ seeding

    def seed_index(
        self,
        *,
        name: str,
        dimension: int | None = 8,
        metric: str = "cosine",
        cloud: str = "aws",
        region: str = "us-east-1",
        tags: Mapping[str, str] | None = None,
        deletion_protection: str = "disabled",
        vector_type: str = "dense",
        ready: bool = True,
        pod_type: str | None = None,
        record_count: int = 0,
        namespace_count: int | None = None,
    ) -> dict[str, Any]:
        """Create an index directly, optionally already Ready, with the API's validation.

        `pod_type` (e.g. `"p1.x1"`) makes a pod-based index instead: the API cannot create
        one here, but a seeded one is listed, described, deleted and is the source
        collections are made from. `record_count` and `namespace_count` (default: 1 when
        there are records) are the data it is taken to hold; its backups report them once
        Ready, and restores and collections carry them on.

        Returns:
            The IndexModel JSON.

        Raises:
            EmulatorError: The same refusals as `create_index`.
        """
        body: dict[str, Any] = {
            "name": name,
            "metric": metric,
            "spec": {"serverless": {"cloud": cloud, "region": region}},
            "tags": dict(tags or {}),
            "deletion_protection": deletion_protection,
            "vector_type": vector_type,
        }
        if dimension is not None and vector_type == "dense":
            body["dimension"] = dimension
        with self._lock:
            self.create_index(body)
            with self._locked():
                index = self._get_index(name)
                if ready:
                    index.state = READY
                    self._dirty = True
                if pod_type is not None:
                    index.pod_type = pod_type
                index.record_count = record_count
                index.namespace_count = (
                    namespace_count if namespace_count is not None else min(record_count, 1)
                )
                self._dirty = True
                return index.to_json()

    def seed_backup(
        self,
        *,
        source_index_name: str,
        name: str | None = None,
        backup_id: str | None = None,
        ready: bool = True,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Create a backup of an existing index directly (any index state, no quota).

        Args:
            source_index_name: The index to back up.
            name: Backup name.
            backup_id: Fixed id (default: a new UUID4).
            ready: Start `Ready` instead of `Initializing`.
            tags: Backup tags (default: the index's tags).
            description: Backup description.

        Returns:
            The BackupModel JSON.

        Raises:
            NotFoundError: No such index.
            AlreadyExistsError: `backup_id` is taken.
        """
        with self._locked() as now:
            index = self._get_index(source_index_name)
            if backup_id is not None and backup_id in self._backups:
                raise AlreadyExistsError(f"Backup {backup_id} already exists.")
            backup = self._new_backup(
                index=index,
                name=name,
                description=description,
                now=now,
                backup_id=backup_id,
                tags=None if tags is None else dict(tags),
            )
            if ready:
                backup.status = READY
            return backup.to_json()

    def seed_collection(self, *, name: str, source: str, ready: bool = True) -> dict[str, Any]:
        """Create a collection of an existing index directly, whatever kind of index it is.

        Returns:
            The CollectionModel JSON.

        Raises:
            NotFoundError: No such index.
            AlreadyExistsError: The collection name is taken.
        """
        with self._locked() as now:
            index = self._get_index(source)
            if name in self._collections:
                raise AlreadyExistsError(f"Resource already exists. Collection '{name}' exists.")
            coll = CollectionRecord(
                seq=self._next_seq(),
                name=name,
                source=index.name,
                dimension=index.dimension,
                environment=f"{index.region}-{index.cloud}",
                status=READY if ready else INITIALIZING,
                since=now,
                created_at=now,
                size=index.size_bytes(),
                vector_count=index.record_count,
            )
            self._collections[name] = coll
            self._dirty = True
            return coll.to_json()

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

    # ------------------------------------------------------------------ persistence

    def _snapshot(self) -> dict[str, Any]:
        return {
            "meta": {"project_id": self.project_id, "seq": self._seq},
            "indexes": [attrs.asdict(i) for i in self._indexes.values()],
            "backups": [attrs.asdict(b) for b in self._backups.values()],
            "restore_jobs": [attrs.asdict(j) for j in self._jobs.values()],
            "collections": [attrs.asdict(c) for c in self._collections.values()],
        }

    def _restore(self, snapshot: Mapping[str, Any]) -> None:
        meta = snapshot["meta"]
        self.project_id = str(meta["project_id"])
        self._seq = int(meta["seq"])
        self._indexes = {i["name"]: IndexRecord(**i) for i in snapshot["indexes"]}
        self._backups = {b["id"]: BackupRecord(**b) for b in snapshot["backups"]}
        self._jobs = {j["id"]: RestoreJobRecord(**j) for j in snapshot["restore_jobs"]}
        self._collections = {c["name"]: CollectionRecord(**c) for c in snapshot["collections"]}
