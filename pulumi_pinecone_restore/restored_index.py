"""``RestoredIndex``: a Pinecone serverless index restored from a backup, as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pulumi

from pulumi_pinecone_restore._resources import IndexArgs, IndexResource
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider

__all__ = ["RestoredIndex", "RestoredIndexArgs"]


# BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
@attrs.define(kw_only=True)
class RestoredIndexArgs(IndexArgs):
    """The inputs of a :class:`RestoredIndex`; also those of :class:`IndexArgs`.

    Args:
        backup_id: (Required.) Id of a Ready backup in the same project (see `pinecone-restore
            backups list`). Changing it replaces the index.
    """

    backup_id: pulumi.Input[str]


# END GENERATED


class RestoredIndex(IndexResource, module="pinecone", name="RestoredIndex"):
    """A Pinecone serverless index restored from a backup.

    `pulumi up` starts the restore (``POST /backups/{id}/create-index``) and waits for the
    restore job and the index; `pulumi destroy` deletes the index. Credentials come from the
    stack config ``pinecone:apiKey`` (secret) or ``PINECONE_API_KEY``; the endpoint from
    ``pinecone:controllerHost`` / ``PINECONE_CONTROLLER_HOST`` (default ``https://api.pinecone.io``).

    Example:
        >>> index = RestoredIndex("search-staging", backup_id=backup.backup_id,  # doctest: +SKIP
        ...                       tags={"env": "staging"}, deletion_protection="enabled")
        >>> pulumi.export("host", index.host)  # doctest: +SKIP
    """

    spec = RESTORED_INDEX
    provider_class = RestoredIndexProvider

    index_id: pulumi.Output[str]
    """The index id returned when the restore started."""
    restore_job_id: pulumi.Output[str]
    """The restore job that created the index."""
    restore_job_status: pulumi.Output[str]
    """Status of that job (``Completed`` once created)."""
    restore_started_at: pulumi.Output[str | None]
    """When the restore job started (RFC 3339)."""
    restore_completed_at: pulumi.Output[str | None]
    """When the restore job completed (RFC 3339)."""
    backup_id: pulumi.Output[str]
    """The backup the index was restored from."""
    source_index_name: pulumi.Output[str]
    """The index the backup was taken from."""
    source_index_id: pulumi.Output[str]
    """The id of that index."""

    # BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
    def __init__(
        self,
        resource_name: str,
        args: RestoredIndexArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        backup_id: pulumi.Input[str] | None = None,
        name: pulumi.Input[str] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        deletion_protection: pulumi.Input[str] | None = None,
        force_destroy: pulumi.Input[bool] | None = None,
        final_backup: pulumi.Input[str | bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        create_timeout: pulumi.Input[str | float] | None = None,
        delete_timeout: pulumi.Input[str | float] | None = None,
        connection: Connection | Mapping[str, str] | None = None,
    ) -> None:
        """Declare a restored index.

        ``resource_name`` is the Pulumi resource name (also an auto-name's prefix); the inputs come
        as keywords or as one :class:`RestoredIndexArgs` (``args``), documented there (and below in
        ``help()``); ``opts`` are the resource options.

        Raises:
            TypeError: Both ``args`` and keywords were given, or ``backup_id`` is missing.
        """
        # The keywords are this call's locals: the declaration picks its inputs by name.
        self._declare(resource_name, args, locals(), opts)

    # END GENERATED
