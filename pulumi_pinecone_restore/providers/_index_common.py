"""Lifecycle pieces every provider of a serverless index shares.

Whatever made the index (a restore, a collection), once it exists it is the same object:
its managed inputs are ``tags`` and ``deletion_protection``, drift in them shows on refresh,
an update is one ``PATCH`` and a delete honours deletion protection and waits until the name
is free. The functions here take the provider's :class:`Runtime` for clock, sleep, schedule
and progress, so they stay free of provider state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi.dynamic import CheckFailure

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ForbiddenError,
    NotFoundError,
    RestoreFailedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.models import IndexModel
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.providers.base import ProgressThrottle, Runtime, is_unknown
from pulumi_pinecone_restore.validation import check_tags

__all__ = [
    "MANAGED_KEYS",
    "apply_settings",
    "check_force_destroy",
    "check_known",
    "check_tags_known",
    "clean_inputs",
    "delete_and_wait",
    "differs",
    "index_exists",
    "managed_drift",
    "stored_inputs",
    "update_changes",
    "update_index",
    "wait_index_ready",
]

# Inputs the user may omit; omitted, the server's value is shown but never diffed.
MANAGED_KEYS = ("tags", "deletion_protection")


# inputs ----------------------------------------------------------------------------------


def clean_inputs(news: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The inputs among ``keys`` that were given (``None`` means omitted)."""
    return {k: news[k] for k in keys if news.get(k) is not None}


def stored_inputs(outs: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The validated inputs kept in a resource's outputs (under ``inputs``)."""
    inputs = outs.get("inputs")
    return dict(inputs) if isinstance(inputs, Mapping) else clean_inputs(outs, keys)


# check -----------------------------------------------------------------------------------


def check_tags_known(tags: Any) -> str | None:
    """Check tags, skipping values that are not known yet."""
    if isinstance(tags, Mapping):
        # Values that are outputs of other resources are checked when they are known.
        tags = {k: v for k, v in tags.items() if not is_unknown(v)}
    return check_tags(tags)


def check_known(
    news: Mapping[str, Any],
    prop: str,
    rule: Callable[[Any], str | None],
    failures: list[CheckFailure],
) -> None:
    """Apply ``rule`` to ``news[prop]`` when it is given and known; record a failure."""
    value = news.get(prop)
    if value is None or is_unknown(value):
        return
    reason = rule(value)
    if reason:
        failures.append(CheckFailure(prop, f"{prop}: {reason}"))


def check_force_destroy(news: Mapping[str, Any], failures: list[CheckFailure]) -> None:
    """``force_destroy`` must be a boolean when given."""
    force = news.get("force_destroy")
    if force is not None and not is_unknown(force) and not isinstance(force, bool):
        failures.append(CheckFailure("force_destroy", "force_destroy must be true or false"))


# diff ------------------------------------------------------------------------------------


def differs(old: Any, new: Any) -> bool:
    """Whether ``new`` may differ from ``old`` (an unknown value may)."""
    if is_unknown(new):
        return True
    return bool(old != new)


def update_changes(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    keys: Iterable[str],
    inputs_keys: Iterable[str],
) -> list[str]:
    """The in-place-updatable keys among ``keys`` that changed.

    Managed keys (tags, protection) are compared with what the server has (the outputs), and
    only when the user gives them; the rest (budgets, ``force_destroy``) with stored inputs.
    """
    old_inputs = stored_inputs(olds, inputs_keys)
    changed = []
    for key in keys:
        new = news.get(key)
        if key in MANAGED_KEYS:
            if new is not None and differs(olds.get(key), new):
                changed.append(key)
        elif differs(old_inputs.get(key), new):
            changed.append(key)
    return changed


# read ------------------------------------------------------------------------------------


def managed_drift(inputs: Mapping[str, Any], index: IndexModel) -> dict[str, Any] | None:
    """Inputs to hand back on refresh so drift in managed inputs shows as a diff.

    Returns ``None`` when no inputs are known (an imported resource): nothing to compare.
    """
    if not inputs:
        return None
    drifted = dict(inputs)
    if "tags" in drifted:
        drifted["tags"] = dict(index.tags)
    if "deletion_protection" in drifted:
        drifted["deletion_protection"] = index.deletion_protection
    drifted["name"] = index.name
    return drifted


# update ----------------------------------------------------------------------------------


def apply_settings(
    client: ControlPlaneClient,
    name: str,
    current_tags: Mapping[str, str],
    desired_tags: Mapping[str, str] | None,
    protection: str | None,
) -> IndexModel | None:
    """Send one ``PATCH`` that makes tags and protection as desired; ``None`` if nothing to do.

    ``desired_tags=None`` leaves tags alone; ``protection=None`` leaves protection alone.
    """
    patch: dict[str, str] | None = None
    if desired_tags is not None and dict(current_tags) != dict(desired_tags):
        # PATCH merges tags; "" removes a key the user no longer wants.
        patch = {k: "" for k in current_tags if k not in desired_tags}
        patch.update({k: v for k, v in desired_tags.items() if current_tags.get(k) != v})
    if patch is None and protection is None:
        return None
    index = client.configure_index(name, deletion_protection=protection, tags=patch)
    return index or client.describe_index(name)


def update_index(
    client: ControlPlaneClient,
    name: str,
    olds: Mapping[str, Any],
    desired_tags: Mapping[str, str] | None,
    desired_protection: str | None,
    *,
    recreate_hint: str,
) -> IndexModel:
    """Apply tag and protection changes against the previous outputs ``olds``.

    Raises:
        NotFoundError: The index is gone; the message says to refresh, then ``recreate_hint``.
    """
    old_tags = olds.get("tags")
    current_tags: dict[str, str] = dict(old_tags) if isinstance(old_tags, Mapping) else {}
    protection = desired_protection
    if protection == olds.get("deletion_protection"):
        protection = None
    try:
        return apply_settings(
            client, name, current_tags, desired_tags, protection
        ) or client.describe_index(name)
    except NotFoundError as exc:
        raise NotFoundError(
            exc.status, exc.code,
            f"index {name!r} no longer exists; run `pulumi refresh` to drop it from the "
            f"stack, then `pulumi up` to {recreate_hint}",
            exc.method, exc.path,
        ) from exc


# create ----------------------------------------------------------------------------------


def wait_index_ready(
    runtime: Runtime,
    client: ControlPlaneClient,
    name: str,
    deadline: Deadline,
    *,
    label: str,
    failure: str,
) -> IndexModel:
    """Poll ``name`` until it is ``Ready``, with throttled progress lines.

    Raises:
        RestoreFailedError: The index ended ``InitializationFailed`` (message: ``failure``).
        WaitTimeoutError: The deadline passed first.
    """
    throttle = ProgressThrottle(runtime.progress, runtime.clock)

    def probe() -> IndexModel | None:
        index = client.describe_index(name)
        if index.state == "InitializationFailed":
            raise RestoreFailedError(failure)
        if index.ready and index.state == "Ready":
            return index
        throttle(index.state, f"{label}: index {index.state} (elapsed {deadline.elapsed:.0f}s)")
        return None

    return wait_for(
        probe, deadline=deadline, what=f"index {name} to become Ready",
        schedule=runtime.schedule, sleep=runtime.sleep,
    ).value


def describe_live_index(client: ControlPlaneClient, name: str) -> IndexModel | None:
    """The index, or ``None`` if it is gone or going (``Terminating``: deleted out of band)."""
    try:
        index = client.describe_index(name)
    except NotFoundError:
        return None
    return None if index.state == "Terminating" else index


def index_exists(client: ControlPlaneClient, name: str) -> bool:
    """Whether an index of that name exists (in any state)."""
    try:
        client.describe_index(name)
    except NotFoundError:
        return False
    return True


# delete ----------------------------------------------------------------------------------


def delete_and_wait(
    runtime: Runtime, client: ControlPlaneClient, name: str, budget: float, *, force: bool
) -> None:
    """Delete ``name`` (turning protection off only if ``force``) and wait until it is gone.

    An index that is already gone counts as deleted.

    Raises:
        ForbiddenError: Deletion protection is enabled and ``force`` is false.
        WaitTimeoutError: The index was still terminating when ``budget`` ran out.
    """
    try:
        index = client.describe_index(name)
    except NotFoundError:
        return
    if index.deletion_protection == "enabled":
        if not force:
            raise ForbiddenError(
                403, "FORBIDDEN",
                f"index {name!r} has deletion protection enabled, so it was not deleted. "
                'Either set deletion_protection="disabled" and run `pulumi up` first, or '
                "set force_destroy=True, run `pulumi up`, then destroy again",
                "DELETE", f"/indexes/{name}",
            )
        client.configure_index(name, deletion_protection="disabled")
    try:
        client.delete_index(name)
    except NotFoundError:
        return
    deadline = runtime.deadline(budget)

    def gone() -> bool | None:
        return True if not index_exists(client, name) else None

    try:
        wait_for(gone, deadline=deadline, what=f"index {name} to disappear",
                 schedule=runtime.schedule, sleep=runtime.sleep)
    except WaitTimeoutError as exc:
        raise WaitTimeoutError(
            f"index {name!r} is still terminating after {deadline.budget:.0f}s; it will "
            "disappear on its own. Run `pulumi refresh` later, or raise delete_timeout"
        ) from exc
