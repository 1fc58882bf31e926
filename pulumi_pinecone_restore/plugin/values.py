"""Property values between the engine's wire form and the lifecycle's plain values.

The plugin receives ``PropertyValue`` maps with camelCase keys (the schema's names); the
lifecycle works on plain dicts with the declarations' snake_case names. Top-level keys are
renamed, and so are the keys of each member of a ``RestoredIndexSet`` (``members`` and
``clones`` hold RestoredIndex inputs and outputs); map values the user owns (``tags``) keep
their keys.

Values not known yet arrive as the wire sentinel string (the plugin does not accept output
values, so the engine sends unknowns that way), which is the lifecycle's one sentinel
(:data:`~pulumi_pinecone_restore.lifecycle.inputs.UNKNOWN`) already; a ``Computed`` value is
mapped onto it. Numbers
cross the wire as floats: whole ones come back as ``int`` (a dimension of 16 stays 16).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from pulumi_pinecone_restore.lifecycle.inputs import UNKNOWN
from pulumi_pinecone_restore.plugin.schema import camel, snake

__all__ = ["from_wire", "secret_keys", "to_wire"]

# Properties whose values are maps of objects named like a resource's properties.
_OBJECT_MAPS = frozenset({"members", "clones"})


def _plain(value: PropertyValue) -> Any:
    raw = value.value
    if isinstance(raw, Computed):
        return UNKNOWN
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    if isinstance(raw, Mapping):
        return {k: _plain(v) for k, v in raw.items()}
    if isinstance(raw, tuple):
        return [_plain(v) for v in raw]
    return raw


def from_wire(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Wire properties as the lifecycle's property bag (snake_case names, plain values)."""
    bag: dict[str, Any] = {}
    for key, value in props.items():
        name = snake(key)
        plain = _plain(value)
        if name in _OBJECT_MAPS and isinstance(plain, Mapping):
            plain = {
                k: {snake(n): v for n, v in m.items()} if isinstance(m, Mapping) else m
                for k, m in plain.items()
            }
        bag[name] = plain
    return bag


def secret_keys(props: Mapping[str, PropertyValue]) -> frozenset[str]:
    """The (snake_case) names of the properties that arrived secret, or holding a secret."""
    return frozenset(snake(k) for k, v in props.items() if v.contains_secret())


def _wire(value: Any) -> PropertyValue:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value)
    if isinstance(value, (int, float)):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(k): _wire(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return PropertyValue([_wire(v) for v in value])
    return PropertyValue(str(value))


def to_wire(bag: Mapping[str, Any], secrets: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A lifecycle property bag as wire properties (camelCase names).

    Args:
        bag: The lifecycle's values.
        secrets: Names whose values go back secret (they arrived secret).
    """
    props: dict[str, PropertyValue] = {}
    for name, value in bag.items():
        plain = value
        if name in _OBJECT_MAPS and isinstance(value, Mapping):
            plain = {
                k: {camel(n): v for n, v in m.items()} if isinstance(m, Mapping) else m
                for k, m in value.items()
            }
        wired = _wire(plain)
        props[camel(name)] = wired.with_secret(is_secret=True) if name in secrets else wired
    return props
