"""The dynamic provider behind ``RestoredIndexSet``: property bags in, the set engine out.

The set's lifecycle (every member a ``RestoredIndex``, all at once, truthful rollback) is
:mod:`pulumi_pinecone_restore.lifecycle.sets`. This class is kept at this path because stack
states pickle providers by module and class name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_pinecone_restore.errors import SetOperationError
from pulumi_pinecone_restore.lifecycle.sets import RestoreSet
from pulumi_pinecone_restore.providers.base import (
    ProviderBase,
    from_pulumi,
    plain_errors,
    with_secrets,
)

__all__ = ["RestoredIndexSetProvider", "SetOperationError"]


class RestoredIndexSetProvider(ProviderBase):
    """CRUD for a set of indexes restored from backups, followed concurrently."""

    def _restores(self, props: Mapping[str, Any]) -> RestoreSet:
        """The set's lifecycle, with its ``connection`` (resolved once it sends)."""
        return RestoreSet(self.runtime, connection=props.get("connection"))

    @plain_errors
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Check each member with the RestoredIndex rules; names must be unique in the set."""
        inputs, failures = self._restores(news).check(from_pulumi(_olds), from_pulumi(news))
        return CheckResult(inputs, [CheckFailure(p, r) for p, r in failures])

    @plain_errors
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Any member added, removed or changed is an in-place update of the set."""
        changed = self._restores(news).diff(from_pulumi(olds), from_pulumi(news))
        return DiffResult(changes=changed, replaces=[], stables=[], delete_before_replace=False)

    @plain_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Restore every member at once; all succeed, or the ones made here are removed."""
        given = from_pulumi(props)
        id_, outs = self._restores(props).create(given)
        return CreateResult(id_, with_secrets(outs, RestoreSet.secret_outputs(given)))

    @plain_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh every member; members deleted out of band drop out (and show as a diff)."""
        new_id, outs, inputs = self._restores(props).read(id_, from_pulumi(props))
        return ReadResult(new_id, outs, inputs)

    @plain_errors
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Create new members, replace or update changed ones, then delete removed ones."""
        given = from_pulumi(news)
        outs = self._restores(news).update(from_pulumi(olds), given)
        return UpdateResult(with_secrets(outs, RestoreSet.secret_outputs(given)))

    @plain_errors
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete every member at once (each honouring its deletion protection)."""
        self._restores(props).delete(from_pulumi(props))
