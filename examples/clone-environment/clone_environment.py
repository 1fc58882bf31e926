"""Clone prod indexes into staging from backups, all restores running at once.

Config (``pulumi config set <key> <value>``):

- ``sourceIndexes``: JSON list of the prod indexes to clone (default ``["products", "reviews"]``).
- ``freshBackups``: ``true`` takes a new backup of every source with ``IndexBackup`` resources
  and clones from those; ``false`` (default) clones from each source's latest Ready backup.
- ``backupTrigger``: with ``freshBackups``, any string; changing it takes new backups (and so
  new clones) on the next ``pulumi up`` (default ``initial``).
- ``pinnedBackups``: JSON object source → backup id; those sources clone from that backup
  instead of the latest one (only when ``freshBackups`` is false).
- ``namePrefix``: prefix of the clone names (default ``stg-``).
- ``pinecone:apiKey`` (secret) and ``pinecone:controllerHost``: credentials and endpoint, read
  by the provider and by the backup lookup, never passed as resource inputs.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from pulumi_pinecone_restore import BackupNotFoundError, CloneEnvironment, IndexBackup, get_backup

DEFAULT_SOURCES = ("products", "reviews")


def _sources(config: pulumi.Config) -> list[str]:
    raw = config.get_object("sourceIndexes")
    if raw is None:
        return list(DEFAULT_SOURCES)
    if not isinstance(raw, list) or not raw or not all(isinstance(s, str) for s in raw):
        raise pulumi.RunError("config `sourceIndexes` must be a non-empty JSON list of names")
    return [str(source) for source in raw]


def _pinned(config: pulumi.Config) -> dict[str, str]:
    raw = config.get_object("pinnedBackups") or {}
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise pulumi.RunError("config `pinnedBackups` must be a JSON object of backup ids")
    return {str(source): backup_id for source, backup_id in raw.items()}


def _latest_backup_id(source: str) -> str:
    try:
        return get_backup(source_index_name=source).backup_id
    except BackupNotFoundError as exc:
        # The lookup says what it searched; add how to point this example at other indexes.
        raise pulumi.RunError(
            f"{exc}. Point this example at indexes of your project: pulumi config set "
            "sourceIndexes '[\"<index>\", ...]' (or pin backups with `pinnedBackups`)"
        ) from exc


def backups_to_clone(config: pulumi.Config) -> dict[str, pulumi.Input[str]]:
    """The backup id to clone each source index from, as the config asks.

    Args:
        config: The project's stack config.

    Returns:
        Source index name → backup id (an Output of an ``IndexBackup`` or of a lookup, or a
        pinned id).
    """
    sources = _sources(config)
    if config.get_bool("freshBackups"):
        trigger = config.get("backupTrigger") or "initial"
        # One IndexBackup per source: changing `trigger` replaces them, and the new ids flow
        # into the clone, which restores the changed members again.
        return {
            source: IndexBackup(
                f"backup-{source}",
                source_index_name=source,
                name=f"{source}-for-staging",
                trigger=trigger,
            ).backup_id
            for source in sources
        }
    pinned = _pinned(config)
    return {source: pinned.get(source) or _latest_backup_id(source) for source in sources}


def main() -> None:
    """Declare the clone of every source index and export its hosts and names."""
    config = pulumi.Config()
    staging = CloneEnvironment(
        "staging",
        backups=backups_to_clone(config),
        name_prefix=config.get("namePrefix") or "stg-",
        tags={"env": "staging"},
    )
    pulumi.export("hosts", staging.hosts)
    pulumi.export("names", staging.names)


if __name__ == "__main__":
    main()
