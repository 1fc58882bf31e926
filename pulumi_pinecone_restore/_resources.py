"""What the user-facing resource classes share: their registration, from the declarations.

Each resource class names its inputs as keyword parameters (for editors and type checkers);
which names exist, which are required and which outputs are registered come from the
resource's declaration (:mod:`pulumi_pinecone_restore.lifecycle`), and a test keeps the
signatures equal to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from pulumi_pinecone_restore.lifecycle.engine import Spec
from pulumi_pinecone_restore.lifecycle.inputs import user_props

__all__ = ["IndexResource", "owner_seed", "resource_props"]


def owner_seed(resource_name: str) -> str:
    """``project/stack/resource``: seeds auto-names and ownership marks (never an output)."""
    return f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"


def resource_props(
    spec: Spec[Any, Any, Any],
    resource_name: str,
    args: object | None,
    keywords: Mapping[str, Any],
) -> dict[str, Any]:
    """The property bag a resource registers: every output, the given inputs, the seed.

    Args:
        spec: The resource's declaration.
        resource_name: The Pulumi resource name.
        args: An ``...Args`` object, or ``None`` when keywords are used.
        keywords: The keyword inputs (``None`` means not given).

    Raises:
        TypeError: Both ``args`` and keywords were given, or a required input is missing.
    """
    names = [p.name for p in user_props(spec.inputs)]
    given = {name: keywords.get(name) for name in names}
    if args is not None:
        if any(v is not None for v in given.values()):
            raise TypeError(f"{spec.kind}: pass either `args` or keyword inputs, not both")
        given = {name: getattr(args, name, None) for name in names}
    missing = [p.name for p in user_props(spec.inputs) if p.required and given[p.name] is None]
    if missing:
        raise TypeError(
            f"{spec.kind} {resource_name!r}: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} required"
        )
    props: dict[str, Any] = dict.fromkeys(spec.output_names)
    props.update(given)
    props["owner_seed"] = owner_seed(resource_name)
    return props


class IndexResource(Resource):
    """The outputs every index resource has (``RestoredIndex``, ``CollectionIndex``)."""

    name: pulumi.Output[str]
    """The index name."""
    host: pulumi.Output[str]
    """The data-plane host of the index, without scheme."""
    dimension: pulumi.Output[int | None]
    """Vector dimension (``None`` for sparse indexes)."""
    metric: pulumi.Output[str]
    """Similarity metric."""
    vector_type: pulumi.Output[str]
    """``dense`` or ``sparse``."""
    cloud: pulumi.Output[str]
    """Cloud of the index."""
    region: pulumi.Output[str]
    """Region of the index."""
    state: pulumi.Output[str]
    """``status.state`` at the last create/refresh/update."""
    ready: pulumi.Output[bool]
    """``status.ready`` at the last create/refresh/update."""
    deletion_protection: pulumi.Output[str]
    """Deletion protection as the server has it."""
    tags: pulumi.Output[dict[str, str]]
    """Tags as the server has them (without the ownership mark)."""
    owner_mark: pulumi.Output[str | None]
    """The value of the ``pulumi-owner`` tag that proves this stack made the index (the tag is
    kept out of ``tags``); ``None`` for a state that has no mark yet (imported, or older)."""
