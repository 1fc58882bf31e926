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

from pulumi_pinecone_restore.lifecycle.engine import Spec
from pulumi_pinecone_restore.lifecycle.inputs import user_props

__all__ = ["owner_seed", "resource_props"]


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
