"""What every serverless-index resource shares, whatever made the index (a restore, a collection).

Once it exists an index is the same object: its managed inputs are ``tags`` and
``deletion_protection``, drift in them shows on refresh, an update is one ``PATCH``, and a
delete honours deletion protection and waits until the name is free.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    DeletionProtectedError,
    NotFoundError,
    VanishedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import (
    DEFAULT_CREATE_TIMEOUT,
    DEFAULT_DELETE_TIMEOUT,
    Run,
    Spec,
    top_inputs,
)
from pulumi_pinecone_restore.lifecycle.inputs import input_prop
from pulumi_pinecone_restore.models import IndexModel

__all__ = ["INDEX_OUTPUTS", "IndexInputs", "IndexSpec", "delete_and_wait", "live_index"]

I = TypeVar("I", bound="IndexInputs")  # noqa: E741 - the typed inputs
O = TypeVar("O")  # noqa: E741 - the observed object
H = TypeVar("H")

INDEX_OUTPUTS = (
    "name",
    "host",
    "dimension",
    "metric",
    "vector_type",
    "cloud",
    "region",
    "state",
    "ready",
    "deletion_protection",
    "tags",
)


@attrs.frozen
class IndexInputs:
    """The inputs every index resource has (a resource's class adds where it comes from)."""

    name: str = input_prop(
        doc="Index name (1-45 chars of a-z0-9-). Omitted: <resource-name>-<7 hex>, stable while "
        "the origin stays the same. Changing it replaces the index.",
        parse=decl.index_name,
        replace=True,
    )
    tags: dict[str, str] | None = input_prop(  # noqa: RUF009 - an attrs field, not a value
        doc="Tags of the index. Omitted: left unmanaged. Updated in place; keys you remove are "
        "removed from the index.",
        parse=decl.tags,
        update=True,
        managed=True,
    )
    deletion_protection: str | None = input_prop(
        doc='"enabled" or "disabled". Omitted: Pinecone\'s default (disabled), left unmanaged. '
        "Updated in place.",
        parse=decl.deletion_protection,
        update=True,
        managed=True,
    )
    create_timeout: float = input_prop(
        doc='Time budget for the create (seconds or e.g. "90m"; default 1 h).',
        parse=decl.duration,
        update=True,
        default=DEFAULT_CREATE_TIMEOUT,
    )
    delete_timeout: float = input_prop(
        doc="Time budget for deletion (default 10 min).",
        parse=decl.duration,
        update=True,
        default=DEFAULT_DELETE_TIMEOUT,
    )
    force_destroy: bool = input_prop(
        doc="True lets destroy (or a replacement) turn deletion protection off and delete the "
        "index. It is read from the state, so `pulumi up` it first.",
        parse=decl.flag,
        update=True,
        default=False,
    )
    owner_seed: str | None = input_prop(
        doc="project/stack/resource of the declaring program (set by the resource class).",
        parse=decl.text,
        internal=True,
    )


def live_index(client: ControlPlaneClient, name: str) -> IndexModel | None:
    """The index, or ``None`` if it is gone or going (``Terminating``: deleted out of band)."""
    try:
        index = client.describe_index(name)
    except NotFoundError:
        return None
    return None if index.state == "Terminating" else index


def index_outputs(index: IndexModel) -> dict[str, Any]:
    """The outputs every index resource has."""
    return {
        "name": index.name,
        "host": index.host,
        "dimension": index.dimension,
        "metric": index.metric,
        "vector_type": index.vector_type,
        "cloud": index.cloud,
        "region": index.region,
        "state": index.state,
        "ready": index.ready,
        "deletion_protection": index.deletion_protection,
        "tags": dict(index.tags),
    }


def tag_patch(current: Mapping[str, str], desired: Mapping[str, str]) -> dict[str, str] | None:
    """The ``PATCH`` tags that turn ``current`` into ``desired`` (``""`` removes a key)."""
    if dict(current) == dict(desired):
        return None
    patch = {k: "" for k in current if k not in desired}
    patch.update({k: v for k, v in desired.items() if current.get(k) != v})
    return patch


def delete_and_wait(run: Run, name: str, budget: float, *, force: bool) -> None:
    """Delete ``name`` (turning protection off only if ``force``) and wait until it is gone.

    Raises:
        DeletionProtectedError: Protection is on and ``force`` is false (nothing was sent).
        WaitTimeoutError: The index was still terminating when ``budget`` ran out.
    """
    client = run.client
    try:
        index = client.describe_index(name)
    except NotFoundError:
        return
    if index.deletion_protection == "enabled":
        if not force:
            raise DeletionProtectedError(
                f"index {name!r} has deletion protection enabled, so it was not deleted. "
                'Either set deletion_protection="disabled" and run `pulumi up` first, or '
                "set force_destroy=True, run `pulumi up`, then destroy again"
            )
        client.configure_index(name, deletion_protection="disabled")
    try:
        client.delete_index(name)
    except NotFoundError:
        return
    deadline = run.runtime.deadline(budget)

    def gone() -> bool | None:
        try:
            client.describe_index(name)
        except NotFoundError:
            return True
        return None

    try:
        run.wait(gone, deadline, f"index {name} to disappear")
    except WaitTimeoutError as exc:
        raise WaitTimeoutError(
            f"index {name!r} is still terminating after {deadline.budget:.0f}s; it will "
            "disappear on its own. Run `pulumi refresh` later, or raise delete_timeout"
        ) from exc


class IndexSpec(Spec[I, O, H]):
    """The parts of a :class:`~.engine.Spec` that are the same for every index resource."""

    unique_name: ClassVar[bool] = True
    origin_hint: ClassVar[str]  # how to make it again, for "gone" messages

    @abc.abstractmethod
    def index_of(self, obj: O) -> IndexModel:
        """The index inside an observed object."""

    @abc.abstractmethod
    def with_index(self, obj: O | None, index: IndexModel) -> O:
        """The observed object with a fresher index (``obj=None``: only the index is known)."""

    def label(self, inp: I) -> str:
        return f"{self.kind} {inp.name}"

    def finished(self, obj: O) -> str:
        return f"ready at {self.index_of(obj).host}"

    def vanished(self, inp: I) -> VanishedError:
        """The error for an index deleted out of band while this create waited for it."""
        return VanishedError(
            f"index {inp.name!r} was deleted by someone else while {self.label(inp)} was "
            f"waiting for it to become ready (it answered 404). Nothing of it is left. Run "
            f"`pulumi up` again to {self.origin_hint}; if it keeps vanishing, check who deletes "
            "indexes in this project"
        )

    def converge(self, run: Run, inp: I, obj: O) -> O:
        """Make tags and protection match the inputs (an adopted index has an earlier run's)."""
        index = self.index_of(obj)
        patch = tag_patch(index.tags, inp.tags) if inp.tags is not None else None
        protection = inp.deletion_protection
        if protection == index.deletion_protection:
            protection = None
        if patch is None and protection is None:
            return obj
        changed = run.client.configure_index(inp.name, deletion_protection=protection, tags=patch)
        return self.with_index(obj, changed or run.client.describe_index(inp.name))

    def common_outputs(self, given: Mapping[str, Any], index: IndexModel) -> dict[str, Any]:
        """The index's outputs and the inputs that are no outputs of their own."""
        return {**index_outputs(index), **top_inputs(self, given)}

    def describe(self, run: Run, id_: str, previous: Mapping[str, Any]) -> O | None:
        index = live_index(run.client, id_)
        return None if index is None else self.described(run, index, previous)

    def described(self, run: Run, index: IndexModel, previous: Mapping[str, Any]) -> O:
        """The observed object around a described index (a spec may look up more)."""
        del run, previous
        return self.with_index(None, index)

    def apply(self, run: Run, id_: str, olds: Mapping[str, Any], inp: I) -> O | None:
        """One ``PATCH`` with the tag and protection changes."""
        old_tags = olds.get("tags")
        current: dict[str, str] = dict(old_tags) if isinstance(old_tags, Mapping) else {}
        patch = tag_patch(current, inp.tags) if inp.tags is not None else None
        protection = inp.deletion_protection
        if protection == olds.get("deletion_protection"):
            protection = None
        try:
            if patch is None and protection is None:
                index = run.client.describe_index(id_)
            else:
                index = run.client.configure_index(
                    id_, deletion_protection=protection, tags=patch
                ) or run.client.describe_index(id_)
        except NotFoundError as exc:
            raise NotFoundError(
                exc.status,
                exc.code,
                f"index {id_!r} no longer exists; run `pulumi refresh` to drop it from the "
                f"stack, then `pulumi up` to {self.origin_hint}",
                exc.method,
                exc.path,
                exc.request_id,
            ) from exc
        return self.with_index(None, index)

    def remove(self, run: Run, id_: str, olds: Mapping[str, Any]) -> None:
        budget = decl.setting(self.inputs, olds, "delete_timeout", DEFAULT_DELETE_TIMEOUT)
        force = decl.setting(self.inputs, olds, "force_destroy", default=False)
        delete_and_wait(run, id_, budget, force=force)
