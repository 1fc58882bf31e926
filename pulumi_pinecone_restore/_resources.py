"""What the user-facing resource classes share: their registration, from the declarations.

Each resource class names its inputs as keyword parameters (for editors and type checkers);
which names exist, which are required and which outputs are registered come from the
resource's declaration (:mod:`pulumi_pinecone_restore.lifecycle`), and a test keeps the
signatures equal to it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Protocol, TypeVar

import attrs
import pulumi
from pulumi.dynamic import Resource, ResourceProvider
from typing_extensions import Self

from pulumi_pinecone_restore._reference import _ordered
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.lifecycle.inputs import user_props
from pulumi_pinecone_restore.validation import check_tag_nulls, parse_duration

__all__ = [
    "CommonArgs",
    "DeclaredResource",
    "Documented",
    "IndexArgs",
    "IndexResource",
    "doc_entry",
    "get_resource",
    "input_docs",
    "owner_seed",
    "resource_props",
    "secret_inputs",
    "with_inputs",
]


# BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit
@attrs.define(kw_only=True)
class CommonArgs:
    """The inputs of every resource.

    Args:
        create_timeout: Time budget for the create, including waiting for its source (seconds or
            e.g. "90m"; default 1 h). What is still being made when it runs out is resumed by the
            next `pulumi up` (a backup not Ready in time is deleted instead). A Python program sets
            it here, since customTimeouts never reach a dynamic provider; through the provider
            plugin, customTimeouts.create is the budget when it is set, in place of this input.
        delete_timeout: Time budget for deletion, including a final backup and, for a backup,
            waiting while a restore from it is pending (default 10 min).
        connection: Where this resource's API key and control plane are, instead of the stack's
            pinecone:apiKey / pinecone:controllerHost: a Connection(api_key_config=...,
            api_key_env=..., controller_host=...) naming a stack config key or an environment
            variable (never the key itself, which so never reaches the state).
    """

    create_timeout: pulumi.Input[str | float] | None = None
    delete_timeout: pulumi.Input[str | float] | None = None
    connection: Connection | Mapping[str, str] | None = None


@attrs.define(kw_only=True)
class IndexArgs(CommonArgs):
    """The inputs of every index resource; also those of :class:`CommonArgs`.

    Args:
        name: Index name (1-45 chars of a-z0-9-). Omitted: <resource-name>-<7 hex>, stable for as
            long as the origin (the backup; or the collection, cloud and region) stays the same.
            Changing it replaces the index.
        tags: Tags of the index. Omitted: left unmanaged (a restored index keeps the backup's tags).
            Updated in place; keys you remove are removed from the index.
        deletion_protection: "enabled" or "disabled". Omitted: Pinecone's default (disabled), left
            unmanaged. Updated in place.
        force_destroy: True lets `pulumi destroy` (or a replacement) turn deletion protection off
            and delete the index. A destroy reads it from the state, so `pulumi up` it first; a
            replacement takes it from the same program.
        final_backup: Take a backup of the index before `pulumi destroy` or a replacement deletes
            it, and delete only once it is Ready (its id is reported in the log; if it fails,
            nothing is deleted). A backup name (a unique suffix is added, so a second destroy never
            collides with the first) or true for <index-name>-final-<suffix>. Omitted: no backup.
        adopt_existing: True takes over an existing index of this name that no stack has marked (or
            that the pinecone-restore CLI restored), if it comes from the same origin (restored from
            this backup, or made from this collection in this cloud and region). This is the
            deliberate import of a Python program, whose dynamic resources `pulumi import` cannot
            take (through the provider plugin, `pulumi import` works too). An index marked by
            another resource is still refused, unless the mark is of this resource's own names made
            under another owner key (a failed run on another machine).
    """

    name: pulumi.Input[str] | None = None
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    deletion_protection: pulumi.Input[str] | None = None
    force_destroy: pulumi.Input[bool] | None = None
    final_backup: pulumi.Input[str | bool] | None = None
    adopt_existing: pulumi.Input[bool] | None = None


# END GENERATED


R = TypeVar("R", bound=Resource)
D = TypeVar("D", bound="DeclaredResource")
# Pulumi's customTimeouts keys → this package's budget inputs (a dynamic provider never sees
# customTimeouts, so they are mapped here, in the program).
_TIMEOUT_INPUTS = {"create": "create_timeout", "delete": "delete_timeout"}


class Documented(Protocol):
    """A declared input as a docstring shows it (a resource's ``Prop``, the set's ``SetInput``)."""

    @property
    def name(self) -> str: ...
    @property
    def doc(self) -> str: ...
    @property
    def required(self) -> object: ...


def input_docs(props: Iterable[Documented], indent: str, width: int = 100) -> list[str]:
    """Each input's ``name: text`` lines for a docstring's ``Args:`` section, wrapped.

    The generated ``...Args`` docstrings and, at import, each ``__init__``'s (for ``help()``)
    are made with it, so both show an input's declared text the same way.
    """
    lines = []
    for prop in props:
        text = " ".join(prop.doc.split())
        lines += doc_entry(
            prop.name, f"{'(Required.) ' if prop.required else ''}{text}", indent, width
        )
    return lines


def doc_entry(name: str, text: str, indent: str, width: int = 100) -> list[str]:
    """One ``name: text`` entry of a docstring section, wrapped with a hanging indent."""
    return textwrap.wrap(
        f"{name}: {text}",
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def with_inputs(doc: str, props: Iterable[Documented]) -> str:
    """An ``__init__`` docstring with an ``Args:`` section of ``props``, before ``Raises:``.

    The source keeps one copy of each input's text (the declaration; for a resource also
    generated into its ``...Args`` class); ``help()`` shows it here too, made from it.
    """
    head, raises, tail = doc.partition("\n        Raises:")
    args = "\n".join(["        Args:", *input_docs(props, " " * 12)])
    return f"{head}\n{args}\n{raises}{tail}"


def owner_seed(resource_name: str) -> str:
    """``organization/project/stack/resource``: the seed of a new resource's auto-name and mark.

    Read on the resource's first check only: after that its state's seed is kept (renames,
    aliases and state moves change this one), see :func:`~.lifecycle.inputs.identity`.
    """
    return (
        f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"
    )


def secret_inputs(given: Mapping[str, Any]) -> pulumi.Output[list[str]]:
    """The names of the inputs given as secrets (or holding one), as a plain output.

    A dynamic provider never sees which inputs are secret (its plugin accepts no secrets), and
    the engine re-marks only the outputs named like a secret input. This input tells the
    provider, so outputs that carry or derive from a secret are stored encrypted too.
    """

    async def names() -> list[str]:
        found = []
        for key, value in given.items():
            if value is not None and await pulumi.Output.from_input(value).is_secret():
                found.append(key)
        return sorted(found)

    async def known() -> bool:
        return True

    return pulumi.Output(set(), names(), known())


def resource_props(
    spec: AnySpec,
    resource_name: str,
    args: object | None,
    keywords: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None = None,
) -> dict[str, Any]:
    """The property bag a resource registers: every output, the given inputs, the seed.

    Resource options that a dynamic provider never receives are honoured or refused here:
    ``custom_timeouts`` become the ``create_timeout`` / ``delete_timeout`` inputs, and
    ``provider`` / ``providers`` (which a dynamic resource cannot use) are refused with the
    way to reach another project (``connection``).

    Args:
        spec: The resource's declaration.
        resource_name: The Pulumi resource name.
        args: An ``...Args`` object, or ``None`` when keywords are used.
        keywords: The keyword inputs (``None`` means not given).
        opts: The resource options the program passed.

    Raises:
        TypeError: Both ``args`` and keywords were given, a required input is missing, a tag
            has ``None`` as its value (Pulumi would drop it silently), an option cannot apply,
            or ``custom_timeouts`` contradicts a timeout input.
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
    dropped = check_tag_nulls(given.get("tags"))
    if dropped:
        raise TypeError(f"{spec.kind} {resource_name!r}: tags: {dropped}")
    connection = given.get("connection")
    if isinstance(connection, Connection):
        given["connection"] = connection.to_input()
    _apply_options(spec.kind, resource_name, given, opts)
    props: dict[str, Any] = dict.fromkeys(spec.output_names)
    props.update(given)
    props["owner_seed"] = owner_seed(resource_name)
    props["secret_inputs"] = secret_inputs(given)
    return props


def _apply_options(
    kind: str, resource_name: str, given: dict[str, Any], opts: pulumi.ResourceOptions | None
) -> None:
    if opts is None:
        return
    if opts.provider is not None or opts.providers:
        raise TypeError(
            f"{kind} {resource_name!r}: `provider`/`providers` cannot apply to this resource (a "
            "dynamic provider has no provider resource); to use another Pinecone project, pass "
            "connection=Connection(api_key_config=..., controller_host=...)"
        )
    timeouts = opts.custom_timeouts
    if timeouts is None:
        return
    for option, prop in _TIMEOUT_INPUTS.items():
        value = getattr(timeouts, option, None)
        if not value:
            continue
        explicit = given.get(prop)
        if explicit is None:
            given[prop] = value
        elif _seconds(explicit) != _seconds(value):
            raise TypeError(
                f"{kind} {resource_name!r}: custom_timeouts.{option}={value!r} contradicts "
                f"{prop}={explicit!r}; give one of them"
            )
    if getattr(timeouts, "update", None):
        pulumi.log.warn(
            f"{kind} {resource_name!r}: custom_timeouts.update has no effect: an update is one "
            "request, not a wait"
        )


def _seconds(value: Any) -> float | None:
    try:
        return parse_duration(value)
    except ValueError:
        return None  # unknown yet, or bad: check reports a bad one against its property


def get_resource(
    cls: type[R],
    spec: AnySpec,
    provider: ResourceProvider,
    *,
    resource_name: str,
    id_: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None,
    connection: Connection | Mapping[str, str] | None,
) -> R:
    """An existing object as a read-only resource (``opts.id``): what ``X.get(...)`` returns.

    Args:
        cls: The resource class.
        spec: Its declaration (the outputs to register).
        provider: Its dynamic provider.
        resource_name: The name in this program.
        id_: The object's id.
        opts: Resource options.
        connection: Where the API key and control plane are, if not the stack's defaults.

    Returns:
        The resource; its outputs resolve once the engine has read the object.
    """
    merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id_))
    props: dict[str, Any] = dict.fromkeys(spec.output_names)
    props.update(dict.fromkeys(p.name for p in user_props(spec.inputs)))
    if connection is not None:
        props["connection"] = Connection.from_input(connection).to_input()
    instance = cls.__new__(cls)
    Resource.__init__(instance, provider, resource_name, props, merged)
    return instance


class DeclaredResource(Resource):
    """A resource class made from a declaration: it can also look up an existing object.

    Subclasses set ``spec`` (their declaration) and ``provider_class`` (their dynamic provider).
    """

    spec: ClassVar[AnySpec]
    provider_class: ClassVar[type[ResourceProvider]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A declared class's ``__init__`` documents every input, from the declaration."""
        super().__init_subclass__(**kwargs)
        init = vars(cls).get("__init__")
        if "spec" in vars(cls) and init is not None and init.__doc__:
            init.__doc__ = with_inputs(init.__doc__, _ordered(user_props(cls.spec.inputs)))

    def _declare(
        self,
        resource_name: str,
        args: object | None,
        keywords: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        """Register the resource with the given inputs (the generated ``__init__`` calls it)."""
        props = resource_props(self.spec, resource_name, args, keywords, opts)
        super().__init__(self.provider_class(), resource_name, props, opts)

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],  # noqa: A002  # the name every generated Pulumi SDK uses
        opts: pulumi.ResourceOptions | None = None,
        *,
        connection: Connection | Mapping[str, str] | None = None,
    ) -> Self:
        """Look up an existing object by its id, without managing it.

        Like ``get`` of a generated Pulumi SDK: the object is read (and read again on every
        ``pulumi up``), and nothing is created, changed or deleted. To manage an index that no
        stack made, declare it with ``adopt_existing=True`` instead (``pulumi import`` cannot
        import a dynamic resource; see the README).

        Args:
            resource_name: A unique name for the looked-up resource in this program.
            id: The object's id (for an index: its name; for a backup: its backup id).
            opts: Resource options.
            connection: Where the API key and control plane are, if not the stack's defaults.

        Returns:
            The resource, with every output read from Pinecone.
        """
        return get_resource(
            cls,
            cls.spec,
            cls.provider_class(),
            resource_name=resource_name,
            id_=id,
            opts=opts,
            connection=connection,
        )


class IndexResource(DeclaredResource):
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
