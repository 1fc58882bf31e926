"""Restore one Pinecone serverless index from a backup named in stack config.

Config (``pulumi config set <key> <value>``):

- ``backupId`` (required): the backup to restore.
- ``indexName``: the index name; omitted, ``restored-<7 hex>`` (stable while the backup stays).
- ``tags``: a JSON object of tags (``pulumi config set --path 'tags.env' staging``); omitted,
  ``{"env": "staging"}``.
- ``deletionProtection``: ``enabled`` or ``disabled`` (default ``disabled``).
- ``forceDestroy``: ``true`` lets ``pulumi destroy`` turn deletion protection off first.
- ``pinecone:apiKey`` (secret) and ``pinecone:controllerHost``: credentials and endpoint, read
  by the provider, never passed as resource inputs.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from pulumi_pinecone_restore import RestoredIndex

DEFAULT_TAGS = {"env": "staging"}


def _tags(config: pulumi.Config) -> dict[str, str]:
    raw = config.get_object("tags")
    if raw is None:
        return dict(DEFAULT_TAGS)
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise pulumi.RunError("config `tags` must be a JSON object of strings")
    return {str(key): value for key, value in raw.items()}


def main() -> None:
    """Declare the restored index and export its name, host and restore job id."""
    config = pulumi.Config()
    index = RestoredIndex(
        "restored",
        backup_id=config.require("backupId"),
        name=config.get("indexName"),
        tags=_tags(config),
        deletion_protection=config.get("deletionProtection") or "disabled",
        force_destroy=config.get_bool("forceDestroy"),
    )
    pulumi.export("name", index.name)
    pulumi.export("host", index.host)
    pulumi.export("restore_job_id", index.restore_job_id)


if __name__ == "__main__":
    main()
