"""``IndexBackup``: a backup of a Pinecone serverless index, as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pulumi

from pulumi_pinecone_restore._resources import CommonArgs, DeclaredResource
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP
from pulumi_pinecone_restore.providers.index_backup import IndexBackupProvider

__all__ = ["IndexBackup", "IndexBackupArgs"]


# BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
@attrs.define(kw_only=True)
class IndexBackupArgs(CommonArgs):
    """The inputs of a :class:`IndexBackup`; also those of :class:`CommonArgs`.

    Args:
        source_index_name: (Required.) The serverless index to back up (must be Ready). Changing it
            takes a new backup (created before the old one is deleted).
        name: Backup name (not unique in Pinecone). Giving one also lets a create whose answer was
            lost find its backup instead of taking a second one. Changing it takes a new backup.
        description: Backup description. Changing it takes a new backup.
        trigger: Any string or number; changing it takes a fresh backup on the next `pulumi up`
            (like Terraform's triggers), e.g. a date or a release tag.
    """

    source_index_name: pulumi.Input[str]
    name: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    trigger: pulumi.Input[str | float] | None = None


# END GENERATED


class IndexBackup(DeclaredResource, module="pinecone", name="IndexBackup"):
    """A backup of a Pinecone serverless index.

    `pulumi up` starts the backup (``POST /indexes/{name}/backups``) and waits until it is
    ``Ready``; `pulumi destroy` deletes it (waiting while a restore from it is pending). The
    resource id is the backup id. Credentials come from the stack config ``pinecone:apiKey``
    (secret) or ``PINECONE_API_KEY``; the endpoint from ``pinecone:controllerHost`` /
    ``PINECONE_CONTROLLER_HOST`` (default ``https://api.pinecone.io``).

    Example:
        >>> backup = IndexBackup("nightly", source_index_name="prod-search",  # doctest: +SKIP
        ...                      name="nightly", trigger="2025-06-01")
        >>> RestoredIndex("staging", backup_id=backup.backup_id)  # doctest: +SKIP
    """

    spec = INDEX_BACKUP
    provider_class = IndexBackupProvider

    backup_id: pulumi.Output[str]
    """The backup id (also the resource id)."""
    name: pulumi.Output[str | None]
    """The backup name, if one was given."""
    description: pulumi.Output[str | None]
    """The backup description, if one was given."""
    source_index_name: pulumi.Output[str]
    """The index the backup was taken from."""
    source_index_id: pulumi.Output[str]
    """The id of that index."""
    status: pulumi.Output[str]
    """``Ready`` after create; as Pinecone reports it after a refresh."""
    cloud: pulumi.Output[str]
    """Cloud of the source index."""
    region: pulumi.Output[str]
    """Region of the source index."""
    dimension: pulumi.Output[int | None]
    """Vector dimension (``None`` for sparse indexes)."""
    metric: pulumi.Output[str | None]
    """Similarity metric of the source index."""
    record_count: pulumi.Output[int | None]
    """Records in the backup."""
    namespace_count: pulumi.Output[int | None]
    """Namespaces in the backup."""
    size_bytes: pulumi.Output[int | None]
    """Size of the backup in bytes."""
    tags: pulumi.Output[dict[str, str]]
    """Tags carried by the backup (those of the source index)."""
    created_at: pulumi.Output[str | None]
    """When the backup was started (RFC 3339)."""
    owner_mark: pulumi.Output[str | None]
    """The ``[pulumi:<mark>]`` that ends the backup's description and lets this resource find
    its own backup (kept out of ``description``); ``None`` for an older state."""

    # BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
    def __init__(
        self,
        resource_name: str,
        args: IndexBackupArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        source_index_name: pulumi.Input[str] | None = None,
        name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        trigger: pulumi.Input[str | float] | None = None,
        create_timeout: pulumi.Input[str | float] | None = None,
        delete_timeout: pulumi.Input[str | float] | None = None,
        connection: Connection | Mapping[str, str] | None = None,
    ) -> None:
        """Declare a backup of an index.

        ``resource_name`` is the Pulumi resource name (also an auto-name's prefix); the inputs come
        as keywords or as one :class:`IndexBackupArgs` (``args``), documented there (and below in
        ``help()``); ``opts`` are the resource options.

        Raises:
            TypeError: Both ``args`` and keywords were given, or ``source_index_name`` is missing.
        """
        # The keywords are this call's locals: the declaration picks its inputs by name.
        self._declare(resource_name, args, locals(), opts)

    # END GENERATED
