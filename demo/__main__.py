"""The demo stack: clone prod's indexes into staging, and restore one index for a preview.

Config (set by ``python3 dev.py demo``; all optional):
    pinecone:controllerHost  where the control plane is (the local emulator in the demo)
    pinecone:apiKey          the API key (secret)
    sourceIndexes            the prod indexes to clone (default: products, reviews, users)
    previewIndex             the prod index restored on its own for a preview environment
"""

from __future__ import annotations

import pulumi

from pulumi_pinecone_restore import CloneEnvironment, RestoredIndex, latest_backup_id

DEFAULT_SOURCES = ["products", "reviews", "users"]


def main() -> None:
    """Declare the demo stack."""
    config = pulumi.Config()
    sources: list[str] = config.get_object("sourceIndexes") or DEFAULT_SOURCES
    preview_source = config.get("previewIndex") or sources[0]

    # The latest Ready backup of each prod index. A newer backup on a later run would restore
    # the clones again; see docs/cloning.md for pinning instead.
    backups = {source: latest_backup_id(source_index_name=source) for source in sources}

    staging = CloneEnvironment(
        "staging",
        backups=backups,
        name_prefix="stg-",
        tags={"env": "staging"},
    )
    preview = RestoredIndex(
        "search-preview",
        backup_id=backups[preview_source],
        tags={"env": "preview", "source": preview_source},
        deletion_protection="disabled",
    )
    pulumi.export("staging_hosts", staging.hosts)
    pulumi.export("staging_names", staging.names)
    pulumi.export("preview_index", preview.name)
    pulumi.export("preview_host", preview.host)
    pulumi.export("preview_restore_job", preview.restore_job_id)


if __name__ == "__main__":
    main()
