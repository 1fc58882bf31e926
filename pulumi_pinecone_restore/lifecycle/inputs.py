"""Declared inputs: one attrs class per resource, one field per input, its rule in the field.

A resource's inputs class is the single source of its input names: the dynamic adapter checks
and diffs by it, the user-facing class registers by it, the CLI builds it directly. Each field
carries a :class:`Prop` (in ``metadata``) that says whether the input is required, how a value
is parsed (a parser raises ``ValueError`` with the reason), and whether a change replaces the
object or updates it in place.

Values that are not known yet (an output of another resource, at preview) are
:data:`UNKNOWN`, the one sentinel of the whole package: the string Pulumi's own protocol uses
for them, so a door maps only its object forms (``pulumi.output.Unknown``, ``Computed``) onto
it on the way in and nothing on the way out. Check skips an unknown
value (and unknown entries of maps and lists) and checks the rest; diff treats an unknown as a
possible change.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.validation import (
    auto_index_name,
    check_deletion_protection,
    check_index_name,
    check_tags,
    parse_duration,
)

__all__ = [
    "DEFAULT_CREATE_TIMEOUT",
    "DEFAULT_DELETE_TIMEOUT",
    "IDENTITY_KEYS",
    "UNKNOWN",
    "UNMANAGED_KEY",
    "CommonInputs",
    "Prop",
    "contains_unknown",
    "differs",
    "identity",
    "input_prop",
    "is_unknown",
    "not_an_input",
    "props_of",
    "unmanaged",
    "unmanaged_names",
]

T = TypeVar("T")
_META = "pinecone_restore_prop"
DEFAULT_CREATE_TIMEOUT = 3600.0
DEFAULT_DELETE_TIMEOUT = 600.0
# The internal inputs that make a resource itself: made on its first check, then read from its
# state forever after (see `identity`).
IDENTITY_KEYS = ("owner_seed", "owner_nonce")
# The output that names the managed inputs the program left out ("whatever the server has"): a
# refresh (whose read sees only outputs) keeps them out of the inputs it records, so a drift of
# an input nobody set is not announced as a change that `pulumi up` would make.
UNMANAGED_KEY = "unmanaged_inputs"
# An unknown property this long or longer may be part of an input's name (`collection`).
_PART_LEN = 4


# `pulumi.runtime.rpc.UNKNOWN`, also the plugin protocol's wire value (the engine stays
# Pulumi-free, so it is spelled here).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def is_unknown(value: Any) -> bool:
    """Whether ``value`` is the not-yet-known sentinel (not what it may hold)."""
    return isinstance(value, str) and value == UNKNOWN


def contains_unknown(value: Any) -> bool:
    """Whether ``value`` is unknown or holds an unknown (in a map value or list item)."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def known_part(value: Any) -> Any:
    """``value`` without its unknown parts (map entries and list items that are unknown).

    A list or map that holds an unknown is kept with its known part: its shape is known, so
    ``{"env": ["a", <unknown>]}`` is still checked (and refused) as a list where a string
    belongs.
    """
    if isinstance(value, Mapping):
        return {k: known_part(v) for k, v in value.items() if not is_unknown(v)}
    if isinstance(value, (list, tuple)):
        return [known_part(v) for v in value if not is_unknown(v)]
    return value


def differs(old: Any, new: Any) -> bool:
    """Whether ``new`` may differ from ``old`` (an unknown value, or one holding one, may)."""
    if contains_unknown(new):
        return True
    return bool(old != new)


@attrs.frozen
class Prop:
    """How one input behaves.

    Attributes:
        name: The input's name (the attrs field name).
        doc: One sentence for users (docstrings, reference docs).
        parse: Value → typed value; raises ``ValueError`` with the reason when it is bad.
        required: When set, the input is required and this says what to give.
        replace: A change replaces the object.
        update: A change is applied in place (or only recorded, for budgets).
        managed: Optional input whose omission means "whatever the server has": compared with
            the server's value (the outputs), and only when given.
        internal: Set by this package's own classes, never by users (never an output).
    """

    name: str
    doc: str
    parse: Callable[[Any], Any]
    required: str | None = None
    replace: bool = False
    update: bool = False
    managed: bool = False
    internal: bool = False


def input_prop(
    *,
    doc: str,
    parse: Callable[[Any], Any] = lambda value: value,
    required: str | None = None,
    default: Any = None,
    replace: bool = False,
    update: bool = False,
    managed: bool = False,
    internal: bool = False,
) -> Any:
    """Declare one input as an attrs field (keyword-only; ``default`` unless required)."""
    meta = {
        "doc": doc,
        "parse": parse,
        "required": required,
        "replace": replace,
        "update": update,
        "managed": managed,
        "internal": internal,
    }
    if required is not None:
        return attrs.field(kw_only=True, metadata={_META: meta})
    return attrs.field(kw_only=True, default=default, metadata={_META: meta})


def props_of(cls: type) -> tuple[Prop, ...]:
    """The declared inputs of an inputs class, in declaration order."""
    return tuple(
        Prop(name=f.name, **f.metadata[_META]) for f in attrs.fields(cls) if _META in f.metadata
    )


def user_props(cls: type) -> tuple[Prop, ...]:
    """The inputs users give (internal ones left out)."""
    return tuple(p for p in props_of(cls) if not p.internal)


def unmanaged(cls: type, given: Mapping[str, Any]) -> dict[str, Any]:
    """``{UNMANAGED_KEY: [...]}``: the managed inputs ``given`` leaves out (none: empty)."""
    left = [p.name for p in user_props(cls) if p.managed and given.get(p.name) is None]
    return {UNMANAGED_KEY: left} if left else {}


def unmanaged_names(
    cls: type, outputs: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
) -> frozenset[str]:
    """The managed inputs the program left out: from the state's inputs, else from outputs."""
    if inputs:
        return frozenset(
            p.name for p in user_props(cls) if p.managed and inputs.get(p.name) is None
        )
    names = outputs.get(UNMANAGED_KEY)
    return frozenset(str(n) for n in names) if isinstance(names, (list, tuple)) else frozenset()


def check_bag(cls: type, news: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Check raw inputs against the declaration; unknown values pass and are kept.

    Args:
        cls: The inputs class.
        news: Raw inputs (``None`` means omitted).

    Returns:
        The given inputs (as given) and ``(property, reason)`` failures.
    """
    props = props_of(cls)
    names = {p.name for p in props}
    inputs: dict[str, Any] = {}
    failures: list[tuple[str, str]] = []
    for prop in props:
        value = news.get(prop.name)
        if value is None or (prop.required and isinstance(value, str) and not value.strip()):
            if prop.required:
                failures.append((prop.name, f"{prop.name} is required: {prop.required}"))
            continue
        inputs[prop.name] = value
        if is_unknown(value):
            continue
        try:
            prop.parse(known_part(value))
        except ValueError as exc:
            failures.append((prop.name, f"{prop.name}: {exc}"))
    known = [p.name for p in user_props(cls)]
    failures.extend(
        (key, not_an_input(key, known))
        for key, value in news.items()
        if key not in names and not key.startswith("__") and value is not None
    )
    return inputs, failures


def not_an_input(key: str, known: Iterable[str]) -> str:
    """The refusal of a property the resource does not have, with the likeliest one meant.

    A near spelling (``backupId``, ``tag``) or a part of a longer name (``collection`` for
    ``source_collection``) is suggested; the list of every input follows.
    """
    names = list(known)
    plain = key.replace("-", "_").lower()
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key).lstrip("_")
    guesses = [n for n in names if n in (plain, snake)]
    if len(plain) >= _PART_LEN:
        guesses += [n for n in names if plain in n or n in plain]
    guesses += difflib.get_close_matches(snake, names, n=1, cutoff=0.75)
    every = ", ".join(names)
    refused = f"{key} is not an input of this resource"
    if guesses:
        return f"{refused}; did you mean {guesses[0]}? Its inputs are: {every}"
    return f"{refused}; its inputs are: {every}"


def build(cls: type[T], inputs: Mapping[str, Any]) -> T:
    """The typed inputs from checked, fully known raw inputs.

    Raises:
        ValueError: An input is missing or bad (check was skipped); names the property.
    """
    values: dict[str, Any] = {}
    for prop in props_of(cls):
        value = inputs.get(prop.name)
        if value is None:
            if prop.required:
                raise ValueError(f"{prop.name} is required: {prop.required}")
            continue
        try:
            values[prop.name] = prop.parse(value)
        except ValueError as exc:
            raise ValueError(f"{prop.name}: {exc}") from exc
    return cls(**values)


def setting(cls: type, inputs: Mapping[str, Any], name: str, default: T) -> T:
    """One parsed input from stored inputs, or ``default`` when absent or unusable."""
    prop = next(p for p in props_of(cls) if p.name == name)
    value = inputs.get(name)
    if value is None:
        return default
    try:
        parsed: T = prop.parse(value)
    except ValueError:
        return default
    return parsed


# Parsers shared by the declarations -------------------------------------------------------


def rule(check: Callable[[Any], str | None]) -> Callable[[Any], Any]:
    """A parser from a ``value -> reason | None`` check (the value is kept as given)."""

    def parse(value: Any) -> Any:
        reason = check(value)
        if reason:
            raise ValueError(reason)
        return value

    return parse


def text(value: Any) -> str:
    """A string."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {type(value).__name__}")  # noqa: TRY004
    return value


def non_empty_text(value: Any) -> str:
    """A string with something in it."""
    if not text(value).strip():
        raise ValueError("must not be empty")
    return str(value)


def duration(value: Any) -> float:
    """A positive, finite time budget in seconds (number or ``"90m"``-style text)."""
    seconds = parse_duration(value)
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite duration, got {value!r}")
    return seconds


def flag(value: Any) -> bool:
    """A boolean."""
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")  # noqa: TRY004
    return value


def names(value: Any) -> tuple[str, ...]:
    """A list of property names."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of property names, got {value!r}")
    return tuple(value)


def connection(value: Any) -> dict[str, str]:
    """A connection input (``Connection`` or its map), as stored: names and host only."""
    return Connection.from_input(value).to_input()


@attrs.frozen
class CommonInputs:
    """The inputs every resource has: its time budgets and the program's seed."""

    create_timeout: float = input_prop(
        doc='Time budget for the create, including waiting for its source (seconds or e.g. "90m"; '
        "default 1 h). What is still being made when it runs out is resumed by the next "
        "`pulumi up` (a backup not Ready in time is deleted instead). A Python program sets "
        "it here, since customTimeouts never reach a dynamic provider; through the provider "
        "plugin, customTimeouts.create is the budget when it is set, in place of this input.",
        parse=duration,
        update=True,
        default=DEFAULT_CREATE_TIMEOUT,
    )
    delete_timeout: float = input_prop(
        doc="Time budget for deletion, including a final backup and, for a backup, waiting while "
        "a restore from it is pending (default 10 min).",
        parse=duration,
        update=True,
        default=DEFAULT_DELETE_TIMEOUT,
    )
    connection: Mapping[str, str] | None = input_prop(
        doc="Where this resource's API key and control plane are, instead of the stack's "
        "pinecone:apiKey / pinecone:controllerHost: a Connection(api_key_config=..., "
        "api_key_env=..., controller_host=...) naming a stack config key or an environment "
        "variable (never the key itself, which so never reaches the state).",
        parse=connection,
        update=True,
    )
    owner_seed: str | None = input_prop(
        doc="organization/project/stack/resource of the program that first declared it (set by "
        "the resource class; kept from the state after that).",
        parse=text,
        internal=True,
    )
    secret_inputs: tuple[str, ...] | None = input_prop(
        doc="The inputs the program gave as secrets (set by the resource class): outputs that "
        "carry or derive from them are stored encrypted.",
        parse=names,
        internal=True,
    )
    owner_nonce: str | None = input_prop(
        doc="A token made on the first check (a hash of the seed keyed by the owner key) and "
        "kept from the state after that: it makes the ownership mark this resource's own ('' "
        "for none: the CLI's restores).",
        parse=text,
        internal=True,
    )


index_name = rule(check_index_name)
deletion_protection = rule(check_deletion_protection)


def tags(value: Any) -> dict[str, str]:
    """A tag map that Pinecone accepts."""
    reason = check_tags(value)
    if reason:
        raise ValueError(reason)
    return {str(k): str(v) for k, v in value.items()}


def identity(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    nonce_for: Callable[[str | None], str],
) -> dict[str, str]:
    """Who the resource is: its seed and nonce, as the state holds them, else made now.

    As Pulumi's own autonaming, identity lives in state: once a resource has one, its previous
    inputs carry it, so a stack or project rename, an alias or ``pulumi state move`` (which
    change the seed a program would give now) keep the auto-name and the ownership mark. A
    state from before nonces keeps its seed and gets a nonce (the mark on its object is the
    recorded ``owner_mark``, which does not change). ``news`` may bring a nonce of its own
    (``""``: none, for the CLI, whose restores are no stack's).

    Args:
        olds: The previous inputs (empty on a resource's first check).
        news: The inputs the program gives now.
        nonce_for: Makes the nonce of a resource with this seed that has none yet (the
            runtime's keyed hash, so that a run after a failed create finds the same one).

    Returns:
        ``owner_seed`` (when one is known) and ``owner_nonce``.
    """
    found: dict[str, str] = {}
    seed = _text_or_none(olds.get("owner_seed")) or _text_or_none(olds.get("auto_name_seed"))
    seed = seed or _text_or_none(news.get("owner_seed"))
    if seed is not None:
        found["owner_seed"] = seed
    nonce = olds.get("owner_nonce")
    if not isinstance(nonce, str) or not nonce:
        given = news.get("owner_nonce")
        nonce = given if isinstance(given, str) else nonce_for(seed)
    found["owner_nonce"] = nonce
    return found


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def auto_name(seed: Any, origin: list[Any], olds: Mapping[str, Any], old_origin: list[Any]) -> Any:
    """The name of an input set without ``name``: ``<resource-name>-<7 hex>``.

    Kept from the previous inputs while the origin stays the same, whatever the seed a program
    would give now (identity lives in state); new when the origin changes (so a replacement can
    exist next to the old object); unknown while the origin is.

    Args:
        seed: The resource's seed (see :func:`identity`: the state's, once it has one).
        origin: The inputs the name derives from, now.
        olds: The previous inputs.
        old_origin: The same inputs, as the previous inputs held them.
    """
    old_name = olds.get("name")
    if old_origin == origin and isinstance(old_name, str) and old_name:
        return old_name
    if any(contains_unknown(v) for v in origin):
        return UNKNOWN
    seed = seed if isinstance(seed, str) and seed else "index"
    resource_name = seed.rsplit("/", 1)[-1]
    return auto_index_name(resource_name, "/".join([seed, *map(str, origin)]))
