"""``RestoredIndex``: a Pinecone serverless index restored from a backup, as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pulumi

from pulumi_pinecone_restore._resources import IndexResource
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider

__all__ = ["RestoredIndex", "RestoredIndexArgs"]


# BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
@attrs.define(kw_only=True)
class RestoredIndexArgs:
    """The inputs of a :class:`RestoredIndex`.

    Args:
        backup_id: (Required.) Id of a Ready backup in the same project (see `pinecone-restore
            backups list`). Changing it replaces the index.
        name: Index name (1-45 chars of a-z0-9-). Omitted: <resource-name>-<7 hex>, stable for as
            long as the origin (the backup; or the collection, cloud and region) stays the same.
            Changing it replaces the index.
        tags: Tags of the index. Omitted: left unmanaged (a restored index keeps the backup's tags).
            Updated in place; keys you remove are removed from the index.
        deletion_protection: "enabled" or "disabled". Omitted: Pinecone's default (disabled), left
            unmanaged. Updated in place.
        force_destroy: True lets `pulumi destroy` (or a replacement) turn deletion protection off
            and delete the index. A destroy reads it from the state, so `pulumi up` it first; a
            replacement takes it from the same program.
        final_backup: Take a backup of the index before `pulumi destroy` or a replacement deletes
            it, and delete only once it is Ready (its id is reported in the log; if it fails,
            nothing is deleted). A backup name (a unique suffix is added, so a second destroy never
            collides with the first) or true for <index-name>-final-<suffix>. Omitted: no backup.
        adopt_existing: True takes over an existing index of this name that no stack has marked (or
            that the pinecone-restore CLI restored), if it comes from the same origin (restored from
            this backup, or made from this collection in this cloud and region). This is the
            deliberate import: Pulumi cannot import a dynamic resource. An index marked by another
            resource is still refused, unless the mark is of this resource's own names made under
            another owner key (a failed run on another machine).
        create_timeout: Time budget for the create, including waiting for its source (seconds or
            e.g. "90m"; default 1 h). What is still being made when it runs out is resumed by the
            next `pulumi up` (a backup not Ready in time is deleted instead). Pulumi's
            customTimeouts never reach a dynamic provider, hence this input.
        delete_timeout: Time budget for deletion, including a final backup and, for a backup,
            waiting while a restore from it is pending (default 10 min).
        connection: Where this resource's API key and control plane are, instead of the stack's
            pinecone:apiKey / pinecone:controllerHost: a Connection(api_key_config=...,
            api_key_env=..., controller_host=...) naming a stack config key or an environment
            variable (never the key itself, which so never reaches the state).
    """

    backup_id: pulumi.Input[str]
    name: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    deletion_protection: pulumi.Input[str] | None = None
    force_destroy: pulumi.Input[bool] | None = None
    final_backup: pulumi.Input[str | bool] | None = None
    adopt_existing: pulumi.Input[bool] | None = None
    create_timeout: pulumi.Input[str | float] | None = None
    delete_timeout: pulumi.Input[str | float] | None = None
    connection: Connection | Mapping[str, str] | None = None


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
    def __init__(  # noqa: D417 - the inputs are documented once, on the Args class
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

        Each input is a keyword, as documented on :class:`RestoredIndexArgs`.

        Args:
            resource_name: The Pulumi resource name (also the prefix of an auto-name).
            args: All inputs as a :class:`RestoredIndexArgs`, instead of keywords.
            opts: Resource options (``protect``, ``ignore_changes``, ``depends_on``...).

        Raises:
            TypeError: Both ``args`` and keywords were given, or ``backup_id`` is missing.
        """
        # The keywords are this call's locals: the declaration picks its inputs by name.
        self._declare(resource_name, args, locals(), opts)

    # END GENERATED
