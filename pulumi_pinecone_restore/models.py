"""Frozen wire models of the Pinecone control plane (API 2025-04).

Each model is built by ``from_json()`` and tolerates what newer API versions add: unknown fields
are ignored, enum-like strings (states, metrics, clouds) stay plain strings because the API's
enums are open lists from 2025-10 on, and every optional field may be ``null``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "BackupModel",
    "CollectionModel",
    "IndexModel",
    "Page",
    "RestoreJobModel",
    "RestoreStarted",
    "is_terminal_job_status",
    "parse_timestamp",
]

# Restore-job statuses that end a job. The API documents no enum for them; anything else
# (`Pending`, `InProgress`, or a value invented later) means the job is still running.
TERMINAL_JOB_STATUSES = frozenset({"Completed", "Failed", "Cancelled"})


def is_terminal_job_status(status: str) -> bool:
    """Tell whether a restore job in ``status`` has stopped for good."""
    return status in TERMINAL_JOB_STATUSES


# RFC 3339 as the API writes it: `2025-03-11T18:29:50.549482312Z` (live create-backup answers
# carry 9 fractional digits, describes 6, some none) or with a numeric offset.
_TIMESTAMP = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(text: str | None) -> dt.datetime | None:
    """Parse an API timestamp into an aware UTC-comparable datetime, on every supported Python.

    ``datetime.fromisoformat`` on Python 3.10 accepts neither a ``Z`` suffix nor more than six
    fractional digits, and the live service sends nine; digits past microseconds are dropped.

    Args:
        text: RFC 3339 text such as ``2025-03-11T18:29:50.549482312Z``, or None.

    Returns:
        The moment (naive input is taken as UTC), or None when ``text`` is empty or not a
        timestamp.
    """
    match = _TIMESTAMP.fullmatch(text.strip()) if text else None
    if match is None:
        return None
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone = match["zone"] or "+00:00"
    zone = "+00:00" if zone in {"Z", "z"} else zone
    if len(zone) == 5:  # noqa: PLR2004 - "+hhmm" without the colon
        zone = f"{zone[:3]}:{zone[3:]}"
    try:
        return dt.datetime.fromisoformat(f"{match['base'].replace(' ', 'T')}.{fraction}{zone}")
    except ValueError:
        return None  # e.g. month 13: shaped like a timestamp but not one


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _tags(data: Mapping[str, Any], key: str = "tags") -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}


def _obj(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _require(data: Mapping[str, Any], key: str, model: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        # The server broke its own contract; say so rather than carry a None around.
        raise ValueError(f"{model} response lacks required field {key!r}")  # noqa: TRY004
    return value


# How a field of a flat model is read, by its declared type: a value of another type is as
# good as absent (``None``, or the fallback of a required string).
_READERS: dict[str, Callable[[Mapping[str, Any], str], Any]] = {
    "str | None": _str,
    "int | None": _int,
    "float | None": _float,
    "dict[str, str]": _tags,
}


class _FlatModel:
    """A wire model whose attribute names are its JSON keys, each read by its declared type.

    The field named by ``_key`` (the object's id or name) must be a string; another ``str``
    field missing from the JSON reads as ``""`` (``status`` as ``"Unknown"``); unknown keys
    are ignored.
    """

    __slots__ = ()
    __attrs_attrs__: ClassVar[tuple[Any, ...]]  # set by attrs on each model
    _key: ClassVar[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Build from a decoded JSON object of this model."""
        values: dict[str, Any] = {}
        for field in attrs.fields(cls):
            name = field.name
            if name == cls._key:
                values[name] = _require(data, name, cls.__name__)
            elif field.type == "str":
                values[name] = _str(data, name) or ("Unknown" if name == "status" else "")
            else:
                values[name] = _READERS[str(field.type)](data, name)
        return cls(**values)


@attrs.frozen
class IndexModel:
    """An index as described by ``GET /indexes/{name}``.

    Attributes:
        name: Index name.
        host: Data-plane host, without scheme.
        dimension: Vector dimension; ``None`` for sparse indexes.
        metric: ``cosine``, ``euclidean``, ``dotproduct`` (open list).
        vector_type: ``dense`` or ``sparse`` (open list).
        state: ``status.state``, e.g. ``Initializing``, ``Ready``, ``Terminating`` (open list).
        ready: ``status.ready``.
        deletion_protection: ``enabled`` or ``disabled``.
        tags: Index tags (``{}`` when none).
        cloud: Serverless cloud, or ``None`` for non-serverless specs.
        region: Serverless region, or ``None``.
        source_collection: Collection the index was created from, if any.
        index_id: The index's id where the API shows one (later versions), else ``None``.
    """

    name: str
    host: str
    dimension: int | None
    metric: str | None
    vector_type: str
    state: str
    ready: bool
    deletion_protection: str
    tags: dict[str, str]
    cloud: str | None
    region: str | None
    source_collection: str | None = None
    index_id: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IndexModel:
        """Build from a decoded IndexModel JSON object."""
        status = _obj(data, "status")
        serverless = _obj(_obj(data, "spec"), "serverless")
        return cls(
            name=_require(data, "name", "IndexModel"),
            host=_str(data, "host") or "",
            dimension=_int(data, "dimension"),
            metric=_str(data, "metric"),
            vector_type=_str(data, "vector_type") or "dense",
            state=_str(status, "state") or "Unknown",
            ready=status.get("ready") is True,
            deletion_protection=_str(data, "deletion_protection") or "disabled",
            tags=_tags(data),
            cloud=_str(serverless, "cloud"),
            region=_str(serverless, "region"),
            source_collection=_str(serverless, "source_collection"),
            index_id=_str(data, "id"),
        )


@attrs.frozen
class BackupModel(_FlatModel):
    """A backup as described by ``GET /backups/{id}``.

    Attributes:
        backup_id: Backup id.
        source_index_name: Name of the index the backup was taken from.
        source_index_id: Id of that index.
        status: ``Pending``, ``Initializing``, ``Ready``, ``Failed``... (no enum in the API).
        cloud: Cloud of the source index.
        region: Region of the source index.
        name: Optional user-given name.
        description: Optional description.
        dimension: Dimension, ``None`` until the backup is done.
        metric: Metric of the source index.
        record_count: Records in the backup, ``None`` until done.
        namespace_count: Namespaces in the backup, ``None`` until done.
        size_bytes: Size, ``None`` until done.
        tags: Tags carried by the backup.
        created_at: Creation time as the API wrote it (RFC 3339 text), if given.
    """

    _key: ClassVar[str] = "backup_id"

    backup_id: str
    source_index_name: str
    source_index_id: str
    status: str
    cloud: str
    region: str
    name: str | None = None
    description: str | None = None
    dimension: int | None = None
    metric: str | None = None
    record_count: int | None = None
    namespace_count: int | None = None
    size_bytes: int | None = None
    tags: dict[str, str] = attrs.field(factory=dict)
    created_at: str | None = None


@attrs.frozen
class RestoreJobModel(_FlatModel):
    """A restore job as described by ``GET /restore-jobs/{id}``.

    Attributes:
        restore_job_id: Job id.
        backup_id: Backup being restored.
        target_index_name: Name of the index being created.
        target_index_id: Id of that index.
        status: ``Pending``, ``Completed``, ``Failed``, ``Cancelled``... (no enum in the API).
        created_at: When the job started (RFC 3339 text).
        completed_at: When it ended, if it has.
        percent_complete: Progress 0..100, when the API gives it.
    """

    _key: ClassVar[str] = "restore_job_id"

    restore_job_id: str
    backup_id: str
    target_index_name: str
    target_index_id: str
    status: str
    created_at: str | None = None
    completed_at: str | None = None
    percent_complete: float | None = None

    @property
    def is_terminal(self) -> bool:
        """Whether the job has stopped for good."""
        return is_terminal_job_status(self.status)


@attrs.frozen
class RestoreStarted:
    """The 202 answer of ``POST /backups/{id}/create-index``."""

    restore_job_id: str
    index_id: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RestoreStarted:
        """Build from the decoded response body."""
        return cls(
            restore_job_id=_require(data, "restore_job_id", "CreateIndexFromBackupResponse"),
            index_id=_require(data, "index_id", "CreateIndexFromBackupResponse"),
        )


@attrs.frozen
class CollectionModel(_FlatModel):
    """A collection (a static copy of a pod-based index)."""

    _key: ClassVar[str] = "name"

    name: str
    status: str
    environment: str | None = None
    dimension: int | None = None
    vector_count: int | None = None
    size: int | None = None


@attrs.frozen
class Page:
    """One page of a paginated listing: the raw items and the token of the next page."""

    items: tuple[Mapping[str, Any], ...]
    next_token: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Page:
        """Build from ``{"data": [...], "pagination": {"next": ...} | null}``."""
        raw = data.get("data")
        items = tuple(i for i in raw if isinstance(i, Mapping)) if isinstance(raw, list) else ()
        pagination = data.get("pagination")
        token = _str(pagination, "next") if isinstance(pagination, Mapping) else None
        return cls(items=items, next_token=token or None)
