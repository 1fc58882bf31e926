"""The package's public names: complete, importable, and cheap to import."""

from __future__ import annotations

import subprocess
import sys

import pulumi_pinecone_restore
from pulumi_pinecone_restore import errors


def test_every_public_name_resolves() -> None:
    """Each name in __all__ is importable from the package root."""
    for name in pulumi_pinecone_restore.__all__:
        assert getattr(pulumi_pinecone_restore, name) is not None, name


def test_all_is_sorted_and_unique() -> None:
    """__all__ has no duplicates: the package's own names sorted, then the errors' ``__all__``."""
    names = pulumi_pinecone_restore.__all__
    own = names[: len(names) - len(errors.__all__)]
    assert (own, names[len(own) :], len(set(names))) == (sorted(own), errors.__all__, len(names))


def test_all_matches_the_lazy_table() -> None:
    """__all__ lists exactly the lazily loaded names plus the version."""
    assert set(pulumi_pinecone_restore.__all__) == {*pulumi_pinecone_restore._WHERE, "__version__"}


def test_resources_are_exported() -> None:
    """The resources users declare are on the surface."""
    for name in (
        "RestoredIndex",
        "RestoredIndexArgs",
        "IndexBackup",
        "CollectionIndex",
        "CloneEnvironment",
        "RestoredIndexSet",
        "latest_backup_id",
        "find_backup",
    ):
        assert name in pulumi_pinecone_restore.__all__


def loaded_after(*modules: str) -> tuple[bool, bool]:
    """Whether importing ``modules`` in a fresh interpreter loads Pulumi, and the providers."""
    code = (
        f"import sys, {', '.join(modules)}; "
        "print(any(m == 'pulumi' or m.startswith('pulumi.') for m in sys.modules), "
        "any('providers' in m for m in sys.modules))"
    )
    out = subprocess.run(  # noqa: S603  # our own interpreter, fixed code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0] == "True", out[1] == "True"


def test_emulator_import_does_not_load_pulumi() -> None:
    """Importing the emulator loads neither Pulumi nor the providers."""
    assert loaded_after("pulumi_pinecone_restore.emulator") == (False, False)


def test_lifecycle_engine_does_not_load_pulumi() -> None:
    """The lifecycle engine and the CLI that uses it run without Pulumi or the providers."""
    modules = (
        "pulumi_pinecone_restore.lifecycle.sets",
        "pulumi_pinecone_restore.lifecycle.backup",
        "pulumi_pinecone_restore.lifecycle.collection",
        "pulumi_pinecone_restore.cli",
    )
    assert loaded_after(*modules) == (False, False)
