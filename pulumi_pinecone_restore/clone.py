"""Cloning an environment: many indexes restored at once, with a naming rule.

``RestoredIndexSet`` is the resource that restores a map of members concurrently (see
:mod:`pulumi_pinecone_restore.providers.restored_index_set` for why it is one resource).
``CloneEnvironment`` is the component most programs want: source index → backup in, a clone per
source out, named ``<prefix><source><suffix>`` and tagged with where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_pinecone_restore._resources import owner_seed, secret_inputs, with_inputs
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.lifecycle.sets import SET_INPUTS
from pulumi_pinecone_restore.providers.restored_index_set import RestoredIndexSetProvider
from pulumi_pinecone_restore.validation import INDEX_NAME_MAX, check_tag_nulls

__all__ = ["CloneEnvironment", "RestoredIndexSet", "clone_index_name"]

# This package's own type namespace: `pinecone:` belongs to the official Pinecone provider.
COMPONENT_TYPE = "pinecone-restore:index:CloneEnvironment"
# The type releases before 0.2 used; the alias keeps existing stacks (and the component's
# children, whose URNs include it) from being replaced.
_OLD_COMPONENT_TYPE = "pinecone:index:CloneEnvironment"
CLONE_SOURCE_TAG = "clone-source"
CLONE_BACKUP_TAG = "clone-backup"


def clone_index_name(source: str, *, prefix: str = "", suffix: str = "") -> str:
    """Name of the clone of ``source``: ``prefix + source + suffix``.

    Raises:
        ValueError: The result breaks Pinecone's 45-character limit; the message says by how much.
    """
    name = f"{prefix}{source}{suffix}"
    if len(name) > INDEX_NAME_MAX:
        raise ValueError(
            f"clone name {name!r} for source index {source!r} is {len(name)} characters; "
            f"Pinecone allows {INDEX_NAME_MAX}. Shorten name_prefix/name_suffix"
        )
    return name


def _clone_tags(tags: Mapping[str, str], source: str, backup_id: str) -> dict[str, str]:
    return {**tags, CLONE_SOURCE_TAG: source, CLONE_BACKUP_TAG: backup_id}


class RestoredIndexSet(Resource, module="pinecone", name="RestoredIndexSet"):
    """Several indexes restored from backups, followed concurrently as one resource.

    Each member takes the inputs of ``RestoredIndex``
    (``backup_id``, ``name``, ``tags``, ``deletion_protection``, ``create_timeout``,
    ``delete_timeout``, ``force_destroy``). Adding, removing or changing members updates the set
    in place; inside, each member is created, updated, replaced or deleted as a
    ``RestoredIndex`` would be.
    """

    members: pulumi.Output[dict[str, dict[str, Any]]]
    """The validated inputs of each member."""
    clones: pulumi.Output[dict[str, dict[str, Any]]]
    """Every output of each member (as ``RestoredIndex`` outputs), by member key."""
    hosts: pulumi.Output[dict[str, str]]
    """Index name → data-plane host."""
    names: pulumi.Output[dict[str, str]]
    """Member key → index name."""

    # BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
    def __init__(
        self,
        resource_name: str,
        members: pulumi.Input[Mapping[str, pulumi.Input[Mapping[str, Any]]]],
        opts: pulumi.ResourceOptions | None = None,
        *,
        create_timeout: pulumi.Input[str | float] | None = None,
        max_concurrency: pulumi.Input[int] | None = None,
        connection: Connection | Mapping[str, str] | None = None,
    ) -> None:
        """Declare the set.

        ``resource_name`` is the Pulumi resource name; ``opts`` are the resource options. The set's
        own inputs are documented where they are declared (``SET_INPUTS``), whence ``help()`` shows
        them below and docs/reference/RestoredIndexSet.md lists them.

        Raises:
            TypeError: ``provider``/``providers`` in ``opts`` (use ``connection``), or a member's
                tag has ``None`` as its value (Pulumi would drop it silently).
        """
        # The keywords are this call's locals: the declaration picks its inputs by name.
        self._declare(resource_name, locals(), opts)

    # END GENERATED

    def _declare(
        self, resource_name: str, given: Mapping[str, Any], opts: pulumi.ResourceOptions | None
    ) -> None:
        """Register the set with the given inputs (the generated ``__init__`` calls it)."""
        if opts is not None and (opts.provider is not None or opts.providers):
            raise TypeError(
                f"RestoredIndexSet {resource_name!r}: `provider`/`providers` cannot apply to a "
                "dynamic resource; pass connection=Connection(...) to use another project"
            )
        members = given["members"]
        for key, member in members.items() if isinstance(members, Mapping) else ():
            dropped = check_tag_nulls(member.get("tags") if isinstance(member, Mapping) else None)
            if dropped:
                raise TypeError(
                    f"RestoredIndexSet {resource_name!r}: members[{key}].tags: {dropped}"
                )
        connection = given["connection"]
        props: dict[str, Any] = {
            **{item.name: given[item.name] for item in SET_INPUTS if item.kind != "connection"},
            "connection": Connection.from_input(connection).to_input() if connection else None,
            "owner_seed": owner_seed(resource_name),
            "secret_inputs": secret_inputs({"members": members}),
            "clones": None,
            "hosts": None,
            "names": None,
        }
        super().__init__(RestoredIndexSetProvider(), resource_name, props, opts)


RestoredIndexSet.__init__.__doc__ = with_inputs(RestoredIndexSet.__init__.__doc__ or "", SET_INPUTS)


class CloneEnvironment(pulumi.ComponentResource):
    """Clone a set of source indexes (from their backups) into another environment.

    Example:
        >>> staging = CloneEnvironment(  # doctest: +SKIP
        ...     "staging",
        ...     backups={"products": products_backup_id, "reviews": reviews_backup_id},
        ...     name_prefix="stg-",
        ...     tags={"env": "staging"},
        ... )
        >>> pulumi.export("hosts", staging.hosts)  # doctest: +SKIP

    Attributes:
        hosts: Clone name → host.
        names: Source index name → clone name.
        clones: Source index name → every RestoredIndex output of its clone.
        index_set: The underlying :class:`RestoredIndexSet`.
    """

    hosts: pulumi.Output[dict[str, str]]
    names: pulumi.Output[dict[str, str]]
    clones: pulumi.Output[dict[str, dict[str, Any]]]

    def __init__(
        self,
        resource_name: str,
        *,
        backups: Mapping[str, pulumi.Input[str]],
        name_prefix: str = "",
        name_suffix: str = "",
        tags: Mapping[str, str] | None = None,
        deletion_protection: str | None = None,
        create_timeout: str | float | None = None,
        delete_timeout: str | float | None = None,
        force_destroy: bool | None = None,
        final_backup: str | bool | None = None,
        connection: Connection | Mapping[str, str] | None = None,
        max_concurrency: int | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the clones.

        Args:
            resource_name: The component name.
            backups: Source index name → backup id to clone it from (an id, or an output
                such as ``IndexBackup.backup_id`` or ``lookup.latest_backup_id(...)``).
            name_prefix: Prefix of each clone's name.
            name_suffix: Suffix of each clone's name (prefix and suffix must not both be empty).
            tags: Tags for every clone; ``clone-source`` and ``clone-backup`` are added.
            deletion_protection: For every clone, ``"enabled"`` or ``"disabled"``.
            create_timeout: Time budget of the whole clone: every restore starts at once and
                each must be ready within it.
            delete_timeout: Time budget of each deletion.
            force_destroy: Let destroy turn deletion protection off.
            final_backup: Back up each clone before it is deleted (a name, or ``True``; see
                :class:`~pulumi_pinecone_restore.RestoredIndexArgs`).
            connection: Where the API key and control plane of the clones are (see
                :class:`~pulumi_pinecone_restore.Connection`); default: the stack's.
            max_concurrency: How many clones restore at once (default 50); see
                :class:`RestoredIndexSet`.
            opts: Resource options for the component.

        Raises:
            ValueError: No backups, no prefix/suffix, or a clone name that would be too long.
            TypeError: A tag has ``None`` as its value (Pulumi would drop it silently).
        """
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=_OLD_COMPONENT_TYPE)]), opts
        )
        super().__init__(COMPONENT_TYPE, resource_name, None, opts)
        if not backups:
            raise ValueError(f"CloneEnvironment {resource_name!r}: backups must not be empty")
        dropped = check_tag_nulls(tags)
        if dropped:
            raise TypeError(f"CloneEnvironment {resource_name!r}: tags: {dropped}")
        if not name_prefix and not name_suffix:
            # Same-project clones need other names than their sources.
            raise ValueError(
                f"CloneEnvironment {resource_name!r}: give name_prefix or name_suffix, so clone "
                "names differ from their source indexes"
            )
        members: dict[str, Any] = {}
        for source, backup_id in backups.items():
            name = clone_index_name(source, prefix=name_prefix, suffix=name_suffix)
            member_tags = pulumi.Output.from_input(backup_id).apply(
                partial(_clone_tags, tags or {}, source)
            )
            member: dict[str, Any] = {"backup_id": backup_id, "name": name, "tags": member_tags}
            optional = {
                "deletion_protection": deletion_protection,
                "create_timeout": create_timeout,
                "delete_timeout": delete_timeout,
                "force_destroy": force_destroy,
                "final_backup": final_backup,
            }
            member.update({k: v for k, v in optional.items() if v is not None})
            members[source] = member
        self.index_set = RestoredIndexSet(
            f"{resource_name}-indexes",
            members,
            pulumi.ResourceOptions(parent=self),
            connection=connection,
            max_concurrency=max_concurrency,
        )
        self.hosts = self.index_set.hosts
        self.names = self.index_set.names
        self.clones = self.index_set.clones
        self.register_outputs({"hosts": self.hosts, "names": self.names})
