"""Find a backup to restore from: by id, or the latest one matching filters.

Plain functions, no Pulumi resources: :func:`get_backup` (alias :func:`find_backup`) works in
scripts and inside a Pulumi program; :func:`latest_backup_id` wraps it for programs, taking
``pulumi.Input`` arguments and returning a ``pulumi.Output[str]`` that feeds
``RestoredIndex(backup_id=...)``.

Credentials, unless a ``client`` is given: the stack config ``pinecone:apiKey`` /
``pinecone:controllerHost`` when running inside a Pulumi program, else ``PINECONE_API_KEY`` /
``PINECONE_CONTROLLER_HOST`` from the environment.

Pinning vs following the latest backup: a lookup runs on every ``pulumi preview``/``up``, so
``latest_backup_id(source_index_name=...)`` returns a newer backup as soon as one exists, and a
``RestoredIndex`` fed by it is then replaced (restored again). To keep a clone stable, pin the
id in stack config (``pulumi config set cloneBackupId <id>``) or declare the index with
``opts=pulumi.ResourceOptions(ignore_changes=["backup_id"])``. Take a newer backup on purpose
by updating the config value, or by dropping ``ignore_changes`` for one run (``pulumi up
--replace <urn>`` alone restores the *same* backup again: the engine keeps the ignored old
value). See ``docs/cloning.md``.

Example:
    >>> backup_id = latest_backup_id(source_index_name="prod-search",  # doctest: +SKIP
    ...                              name_prefix="nightly-")
    >>> RestoredIndex("staging", backup_id=backup_id)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pulumi
from typing_extensions import TypedDict, Unpack

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import BackupNotFoundError, NotFoundError
from pulumi_pinecone_restore.models import BackupModel, parse_timestamp
from pulumi_pinecone_restore.settings import ClientSettings

__all__ = ["BackupQuery", "find_backup", "get_backup", "latest_backup_id"]

READY = "Ready"
_LISTED_NAMES = 5  # how many existing backup names an error message shows
_EPOCH = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def get_backup(
    *,
    backup_id: str | None = None,
    source_index_name: str | None = None,
    name: str | None = None,
    name_prefix: str | None = None,
    tags: Mapping[str, str] | None = None,
    ready_only: bool = True,
    client: ControlPlaneClient | None = None,
    environ: Mapping[str, str] | None = None,
) -> BackupModel:
    """Describe one backup by id, or find the latest (by ``created_at``) matching the filters.

    Filters combine (all must hold). Without ``source_index_name`` the whole project is
    searched. Backups outlive their source index: if that index is gone, its backups are still
    found (through the project-wide listing).

    Args:
        backup_id: Describe this backup; the other filters must then hold for it too.
        source_index_name: Only backups taken of this index.
        name: Only backups with exactly this name.
        name_prefix: Only backups whose name starts with this.
        tags: Only backups carrying all these tags (a subset match).
        ready_only: Only ``Ready`` backups (the only ones that can be restored).
        client: The control-plane client; by default one is built from stack config or the
            environment, and closed afterwards.
        environ: The environment to read credentials from when there is no stack config;
            ``os.environ`` (read at call time) when ``None``.

    Returns:
        The backup.

    Raises:
        BackupNotFoundError: Nothing matched; the message says what was searched and what
            exists there.
        ConfigurationError: No client given and no API key found.
        ApiError: The control plane refused a request (e.g. a wrong API key).
        TransportError: The control plane could not be reached.
    """
    owned = client is None
    active = client if client is not None else _default_client(environ)
    try:
        filters = _Filters(name, name_prefix, dict(tags or {}), ready_only)
        if backup_id is not None:
            return _by_id(active, backup_id, source_index_name, filters)
        return _latest(active, source_index_name, filters)
    finally:
        if owned:
            active.close()


find_backup = get_backup
"""The name :func:`get_backup` had before it paired with :func:`get_backup_output`."""


class BackupQuery(TypedDict, total=False):
    """The search of :func:`get_backup` as Pulumi inputs (documented there).

    The keywords of :func:`latest_backup_id` and ``get_backup_output``.
    """

    source_index_name: pulumi.Input[str] | None
    name: pulumi.Input[str] | None
    name_prefix: pulumi.Input[str] | None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None
    ready_only: bool
    client: ControlPlaneClient | None
    environ: Mapping[str, str] | None


# The keys of a BackupQuery that may be outputs of other resources (waited for).
QUERY_INPUTS = ("source_index_name", "name", "name_prefix", "tags")


def latest_backup_id(**query: Unpack[BackupQuery]) -> pulumi.Output[str]:
    """The id of the latest matching backup, as an Output for use inside a Pulumi program.

    Arguments may be outputs of other resources; the lookup runs once they are known (also
    during preview: it only reads). Each run may find a newer backup; see the module docstring
    on pinning. The arguments are :func:`get_backup`'s (without ``backup_id``), documented there.

    Returns:
        The backup id; the Output fails with :class:`BackupNotFoundError` when nothing matches.

    Raises:
        TypeError: An argument that :func:`get_backup` does not take.
    """
    # One search, two forms: this is get_backup_output's backup id.
    from pulumi_pinecone_restore.invokes import get_backup_output  # noqa: PLC0415 - a cycle

    return get_backup_output(**query).apply(lambda found: found.backup_id)


def check_query(query: Mapping[str, Any], function: str) -> None:
    """Refuse a keyword a :class:`BackupQuery` does not have, as a wrong keyword would be."""
    unknown = sorted(set(query) - set(BackupQuery.__annotations__))
    if unknown:
        known = ", ".join(["backup_id", *BackupQuery.__annotations__])
        raise TypeError(
            f"{function}() got an unexpected keyword argument {unknown[0]!r}; it takes {known}"
        )


@attrs.frozen
class _Filters:
    """What a backup must match, and how to say so."""

    name: str | None
    prefix: str | None
    tags: dict[str, str]
    ready_only: bool

    def matches(self, backup: BackupModel) -> bool:
        if self.ready_only and backup.status != READY:
            return False
        if self.name is not None and backup.name != self.name:
            return False
        if self.prefix is not None and not (backup.name or "").startswith(self.prefix):
            return False
        return all(backup.tags.get(k) == v for k, v in self.tags.items())

    def describe(self) -> str:
        parts = [READY] if self.ready_only else []
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.prefix is not None:
            parts.append(f"name_prefix={self.prefix!r}")
        if self.tags:
            parts.append(f"tags={self.tags!r}")
        return " ".join(parts) if parts else "anything"


def _by_id(
    client: ControlPlaneClient, backup_id: str, source: str | None, filters: _Filters
) -> BackupModel:
    try:
        backup = client.describe_backup(backup_id)
    except NotFoundError as exc:
        raise BackupNotFoundError(
            f"backup {backup_id!r} does not exist in this project (wrong id, deleted, or "
            "another project's API key?)"
        ) from exc
    if (source is not None and backup.source_index_name != source) or not filters.matches(backup):
        raise BackupNotFoundError(
            f"backup {backup_id!r} exists (index {backup.source_index_name!r}, name "
            f"{backup.name!r}, status {backup.status}) but does not match "
            f"{_wanted(source, filters)}"
        )
    return backup


def _latest(client: ControlPlaneClient, source: str | None, filters: _Filters) -> BackupModel:
    candidates = list(_backups_of(client, source))
    matching = [b for b in candidates if filters.matches(b)]
    if not matching:
        raise BackupNotFoundError(_nothing_matched(source, filters, candidates))
    # Later in the listing wins a tie, so equal timestamps still give one stable answer.
    best = max(enumerate(matching), key=lambda pair: (_created(pair[1]), pair[0]))
    return best[1]


def _backups_of(client: ControlPlaneClient, source: str | None) -> Iterable[BackupModel]:
    if source is None:
        return list(client.iter_backups())
    try:
        return client.backups_of(source)
    except NotFoundError as exc:
        raise BackupNotFoundError(
            f"index {source!r} does not exist in this project, and the project has no "
            "backup of an index of that name either: check the name (`pinecone-restore "
            "indexes list`, `pinecone-restore backups list`) or give a backup id"
        ) from exc


def _created(backup: BackupModel) -> dt.datetime:
    return parse_timestamp(backup.created_at) or _EPOCH


def _wanted(source: str | None, filters: _Filters) -> str:
    where = f" of index {source!r}" if source is not None else ""
    return f"{filters.describe()}{where}"


def _nothing_matched(source: str | None, filters: _Filters, seen: list[BackupModel]) -> str:
    where = f"index {source!r}" if source is not None else "this project"
    ready = sum(1 for b in seen if b.status == READY)
    names = sorted({b.name for b in seen if b.name})
    shown = ", ".join(repr(n) for n in names[:_LISTED_NAMES])
    more = f" and {len(names) - _LISTED_NAMES} more" if len(names) > _LISTED_NAMES else ""
    named = f"; their names: {shown}{more}" if names else ""
    return (
        f"{where} has {len(seen)} backup(s) ({ready} Ready), none matching "
        f"{filters.describe()}{named}"
    )


def _stack_config() -> tuple[str | None, str | None]:
    """``pinecone:apiKey`` and ``pinecone:controllerHost`` when inside a Pulumi program."""
    try:
        config = pulumi.Config("pinecone")
        # ``get`` (not ``get_secret``) because the value is needed now, not as an Output; the
        # key is only sent in a header, never returned, so no result needs to be secret.
        return config.get("apiKey") or None, config.get("controllerHost") or None
    except (ValueError, RuntimeError):
        # Outside a program there is no stack config; a malformed PULUMI_CONFIG is not ours.
        return None, None


def default_client() -> ControlPlaneClient:
    """A new client from stack config inside a Pulumi program, else from the environment.

    Returns:
        A client the caller closes.

    Raises:
        ConfigurationError: No API key was found, or the controller host is unusable.
    """
    return _default_client(None)


def _default_client(environ: Mapping[str, str] | None) -> ControlPlaneClient:
    api_key, host = _stack_config()
    return ControlPlaneClient(
        ClientSettings.resolve(api_key=api_key, controller_host=host, environ=environ)
    )
