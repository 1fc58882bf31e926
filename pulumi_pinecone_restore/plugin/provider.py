"""The ``pinecone-restore`` provider: Pulumi's provider protocol over the lifecycle engine.

A :class:`pulumi.provider.experimental.provider.Provider` whose every resource method is one
call of the lifecycle engine (:class:`~pulumi_pinecone_restore.lifecycle.engine.Lifecycle`, or
:class:`~pulumi_pinecone_restore.lifecycle.sets.RestoreSet` for a set): the same declarations,
validators and ownership rules as the dynamic resources, with property names in camelCase
(:mod:`.values`). What a dynamic provider cannot do happens here:

- the create request's ``timeout`` (``customTimeouts.create``) is the create's budget, and
  ``customTimeouts.delete`` the delete's;
- progress lines go to the engine's log with the resource's URN (its row in ``pulumi up``);
- a create that runs out of time raises :class:`PartialCreateError` with the index id, so the
  engine records the resource (Pulumi's resource-init-failure) and the next ``pulumi up``
  updates it, which continues the restore (:meth:`PineconeRestoreProvider.update`);
- each explicit provider resource is its own Pinecone project (``apiKey``/``controllerHost``).

The lifecycle blocks (HTTP, polling): each call runs in a thread of its own pool, so the gRPC
server serves many calls at once (a restore that waits an hour holds a thread, nothing else).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import attrs
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from pulumi_pinecone_restore.errors import (
    CancelledError,
    ConfigurationError,
    ImportRefusedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.engine import AnyLifecycle, AnySpec, Created, Lifecycle
from pulumi_pinecone_restore.lifecycle.index import MARK_KEY, IndexSpec
from pulumi_pinecone_restore.lifecycle.inputs import (
    contains_unknown,
    differs,
    is_unknown,
    user_props,
)
from pulumi_pinecone_restore.lifecycle.inputs import identity as decl_identity
from pulumi_pinecone_restore.lifecycle.runtime import (
    CONFIG_API_KEY,
    CONFIG_CONTROLLER_HOST,
    CONFIG_OWNER_KEY,
    Runtime,
)
from pulumi_pinecone_restore.lifecycle.sets import SET_BUDGET, SET_CONCURRENCY, RestoreSet
from pulumi_pinecone_restore.plugin.schema import (
    FUNCTION_ARGS_EXCLUDED,
    PACKAGE,
    PLUGIN_INPUT_EXCLUDED,
    ResourceKind,
    camel,
    resource_kinds,
    schema_json,
    snake,
    token,
)
from pulumi_pinecone_restore.plugin.values import from_wire, secret_keys, to_wire
from pulumi_pinecone_restore.polling import Cancellation
from pulumi_pinecone_restore.settings import normalize_controller_host

__all__ = [
    "PartialCreateError",
    "PineconeRestoreProvider",
    "camel_message",
    "owner_seed_of",
    "property_names",
]

T = TypeVar("T")
# The provider's settings (`pinecone-restore:<name>` or an explicit provider's inputs) and
# where the lifecycle's runtime reads each; the same keys as the dynamic resources' config.
SETTINGS = {
    "apiKey": CONFIG_API_KEY,
    "controllerHost": CONFIG_CONTROLLER_HOST,
    "ownerKey": CONFIG_OWNER_KEY,
}
SECRET_SETTINGS = frozenset({"apiKey", "ownerKey"})
DEFAULT_ORGANIZATION = "organization"
# Inputs this package sets itself (identity, secrecy); a program's values for them are dropped.
INTERNAL_INPUTS = ("owner_seed", "owner_nonce", "secret_inputs")
MAX_CALLS = 256  # threads for lifecycle calls: more than any engine's --parallel
Bag = dict[str, Any]
LogFn = Callable[[str, str], None]  # (urn, message)


class PartialCreateError(Exception):
    """Raised by create when the object exists but did not finish within the budget.

    The server turns it into Pulumi's ``ErrorResourceInitFailed``: the engine records the
    resource under ``resource_id`` with ``properties``, shows ``reason``, and the next
    ``pulumi up`` calls update on it.
    """

    def __init__(self, resource_id: str, properties: Mapping[str, Any], reason: str) -> None:
        """Record what was left running and why the create stopped."""
        super().__init__(reason)
        self.resource_id = resource_id
        self.properties = dict(properties)
        self.reason = reason


def owner_seed_of(urn: str, organization: str = DEFAULT_ORGANIZATION) -> str:
    """``organization/project/stack/resource`` from a URN: the seed of a new resource.

    ``urn:pulumi:<stack>::<project>::<type>::<name>``. A URN names no organization, and the
    engine tells a provider none: ``organization`` is what ``pulumi.get_organization()`` says
    on a DIY backend, so there the same program through either door gets the same auto-names.
    The seed is read on the first check only; the state's is kept after that.
    """
    parts = urn.split("::")
    stack = parts[0].rsplit(":", 1)[-1]
    return f"{organization}/{parts[1]}/{stack}/{parts[-1]}"


@functools.cache
def _input_names() -> frozenset[str]:
    """Every resource input's snake_case name."""
    return frozenset(
        p.name
        for kind in resource_kinds()
        if kind.spec is not None
        for p in user_props(kind.spec.inputs)
    )


@functools.cache
def property_names() -> tuple[str, ...]:
    """Every snake_case name a message may mention (inputs and outputs), longest first."""
    names: set[str] = {"members", "clones", SET_BUDGET, SET_CONCURRENCY}
    for kind in resource_kinds():
        if kind.spec is not None:
            names.update(p.name for p in user_props(kind.spec.inputs))
            names.update(kind.spec.output_names)
    return tuple(sorted((n for n in names if "_" in n), key=len, reverse=True))


def camel_message(text: str) -> str:
    """A lifecycle message as a plugin user needs it: schema names, this package's config keys.

    The Python resources read ``pinecone:*`` config; the plugin ``pinecone-restore:*``.
    """
    for name in property_names():
        text = re.sub(rf"\b{name}\b", camel(name), text)
    # An input's value as a program of any language (YAML first) writes it, not as Python does.
    text = re.sub(
        r"\b([a-z][A-Za-z]*)=(True|False|\"[^\"]*\")",
        lambda m: (
            f"{m[1]}: {_PLAIN_VALUES.get(m[2], m[2])}" if snake(m[1]) in _input_names() else m[0]
        ),
        text,
    )
    return re.sub(r"\bpinecone:(apiKey|controllerHost|ownerKey)\b", rf"{PACKAGE}:\1", text)


_PLAIN_VALUES = {"True": "true", "False": "false"}


def _failure_text(prop: str, reason: str) -> str:
    """A check failure's text in schema names, its property as the program spelt it.

    A property the package does not have (a typo) is not among those :func:`camel_message`
    knows; it opens its own message, so it is given back in the program's spelling there.
    """
    if reason.startswith(f"{prop} "):
        reason = camel(prop) + reason[len(prop) :]
    return camel_message(reason)


def _string(value: PropertyValue | None) -> str | None:
    raw = None if value is None else value.value
    # A setting not known yet (preview) is no setting: nothing is sent before it is known.
    return raw if isinstance(raw, str) and raw and not is_unknown(raw) else None


def _no_connection(kind: str, name: str) -> str:
    return (
        f"{name} is not an input of {kind} in the {PACKAGE} package: declare an explicit "
        "pinecone-restore provider (apiKey, controllerHost) for another project and pass it "
        "as the resource's provider"
    )


def _check_import(
    kind: ResourceKind,
    life: AnyLifecycle,
    urn: str,
    outputs: Mapping[str, Any],
    inputs: Mapping[str, Any],
) -> None:
    """``pulumi import`` under the ownership rule: an index another resource marked is refused.

    An unmarked index may be imported (the user's deliberate take-over, as ``adoptExisting``),
    and so may one the package's CLI restored (its mark is no stack's); one carrying this
    resource's own mark is its own; any other mark is another stack's.

    Raises:
        ImportRefusedError: The index carries another resource's ownership mark.
    """
    mark = outputs.get("owner_mark")
    spec = kind.spec
    if mark is None or not isinstance(spec, IndexSpec):
        return
    # The identity this resource gets on its first check (the seed of its URN, its nonce).
    identity = decl_identity({}, {"owner_seed": owner_seed_of(urn)}, life.runtime.nonce_for)
    inp = life.typed({**inputs, **identity})
    # The CLI's mark is no stack's: such an index may be taken over, as with adoptExisting.
    if mark not in (spec.mark(inp), spec.cli_mark(inp)):
        raise ImportRefusedError(
            f"index {outputs.get('name')!r} carries the ownership mark of another stack or "
            f"resource (tag {MARK_KEY}={mark}), so it is not imported: that stack manages it. "
            "Import an index no stack has marked, or restore a new one"
        )


def _is_partial(spec: AnySpec, outputs: Mapping[str, Any]) -> bool:
    """A state recorded by a create that ran out of time: no output observed from the object.

    A partial create records the inputs (and an index's ownership mark) and leaves every
    other output empty; a finished create always fills them (host, status, ids...).
    """
    recorded = {p.name for p in user_props(spec.inputs)} | {"owner_mark"}
    observed = [name for name in spec.output_names if name not in recorded]
    return all(outputs.get(name) is None for name in observed)


class PineconeRestoreProvider(Provider):
    """The plugin's provider: one instance per plugin process (one Pinecone project).

    Args:
        log: Sends a progress line to the engine, attached to a resource's URN.
        environ: Where ``PINECONE_API_KEY`` / ``PINECONE_CONTROLLER_HOST`` are read.
        runtime: A runtime to start from (tests pass one with a no-op sleep).
    """

    def __init__(
        self,
        log: LogFn,
        *,
        environ: Mapping[str, str] | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        """Make the provider; credentials arrive with ``configure``."""
        self._log = log
        base = runtime or Runtime()
        self._runtime = attrs.evolve(
            base,
            environ=os.environ if environ is None else environ,
            calls_at_once=max(base.calls_at_once, MAX_CALLS),  # all may share one client
        )
        self._kinds = {kind.token: kind for kind in resource_kinds()}
        self._pool = ThreadPoolExecutor(max_workers=MAX_CALLS, thread_name_prefix="call")
        # The engine's Cancel (Ctrl-C during `pulumi up`): every create stops waiting.
        self._stop = Cancellation(keep_started=True)
        self._explicit = False  # a provider resource of the program (see check_config)

    # plumbing ----------------------------------------------------------------------------

    async def _in_thread(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

    def _kind(self, urn_type: str) -> ResourceKind:
        kind = self._kinds.get(urn_type)
        if kind is None:
            raise ConfigurationError(
                f"{urn_type} is not a resource of the {PACKAGE} package; its resources are: "
                + ", ".join(sorted(self._kinds))
            )
        return kind

    def _runtime_for(self, urn: str) -> Runtime:
        return attrs.evolve(self._runtime, progress=partial(self._log, urn))

    async def cancel(self) -> None:
        """Ctrl-C during ``pulumi up``: every create stops waiting, and keeps what it started.

        A single object is reported as a partial create (recorded; the next ``pulumi up``
        resumes it), as when its time runs out. A set's members are deleted again, as after
        any failed set create, since a set records nothing for a create that fails. Deletes
        run to their end: one stopped half-way would leave state naming an index being deleted.
        """
        self._stop.cancel("the Pulumi run was cancelled (Ctrl-C)")

    # provider config ---------------------------------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        """The package schema (built from the declarations)."""
        del request
        return GetSchemaResponse(schema=schema_json())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        """The settings must be text; ``apiKey`` and ``ownerKey`` are kept secret."""
        # A default provider (`default`, `default_1_2_3`) reads the stack config; a provider
        # resource of the program reads only its own properties.
        provider_name = request.urn.rsplit("::", 1)[-1]
        self._explicit = bool(request.urn) and not (
            provider_name == "default" or provider_name.startswith("default_")
        )
        failures: list[CheckFailure] = []
        inputs: dict[str, PropertyValue] = {}
        for key, value in request.new_inputs.items():
            if key in SETTINGS:
                if value.value is not None and not isinstance(value.value, str):
                    failures.append(CheckFailure(key, f"{key} must be a string"))
                elif key == "controllerHost" and _string(value) is not None:
                    # The host rule of every client, judged now: a bad one fails the preview.
                    try:
                        normalize_controller_host(str(value.value), source=f"{PACKAGE}:{key}")
                    except ConfigurationError as exc:
                        failures.append(CheckFailure(key, str(exc)))
                inputs[key] = value.with_secret(is_secret=True) if key in SECRET_SETTINGS else value
            elif key == "version":
                inputs[key] = value
            else:
                failures.append(
                    CheckFailure(
                        key,
                        f"{key} is not a setting of the {PACKAGE} provider; its settings are: "
                        + ", ".join(SETTINGS),
                    )
                )
        return CheckResponse(inputs=inputs, failures=failures)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        """Keep this provider's project in memory: its key and control plane, else the env."""
        config: dict[str, str] = {}
        for arg, key in SETTINGS.items():
            value = _string(request.args.get(arg)) or request.variables.get(
                f"{PACKAGE}:config:{arg}"
            )
            if value:
                config[key] = value
        hint = (
            "set the apiKey property of this provider resource (an explicit provider reads no "
            "stack config)"
            if self._explicit
            else f"run `pulumi config set --secret {PACKAGE}:apiKey <key>`"
        )
        self._runtime = attrs.evolve(self._runtime, config=config, key_hint=hint)
        # No output values or resource references: unknowns arrive as the plain sentinel, and
        # create/update are not called at preview (outputs of a new resource stay unknown).
        return ConfigureResponse(
            accept_secrets=True,
            supports_preview=False,
            accept_resources=False,
            accept_outputs=False,
        )

    # check / diff ------------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        """Validate inputs per property (unknown values pass) and settle an omitted name."""
        kind = self._kind(request.type)
        news = from_wire(request.new_inputs)
        olds = from_wire(request.old_inputs)
        secrets = secret_keys(request.new_inputs)
        failures = [
            (name, _no_connection(kind.name, name))
            for name in PLUGIN_INPUT_EXCLUDED
            if news.pop(name, None) is not None
        ]
        # Identity and secrecy are this package's to set, never a program's: the seed comes
        # from the URN (the state's wins, see lifecycle.inputs.identity), the secret inputs
        # from what arrived secret.
        for internal in (*INTERNAL_INPUTS, "auto_name_seed"):
            news.pop(internal, None)
        news["owner_seed"] = owner_seed_of(request.urn)
        if secrets:
            news["secret_inputs"] = sorted(secrets)
        runtime = self._runtime_for(request.urn)
        if kind.spec is None:
            inputs, found = await self._in_thread(lambda: RestoreSet(runtime).check(olds, news))
        else:
            life = Lifecycle(kind.spec, runtime)
            inputs, found = await self._in_thread(lambda: life.check(olds, news))
        failures.extend(found)
        return CheckResponse(
            inputs=to_wire(inputs, secrets),
            failures=[CheckFailure(camel(p), _failure_text(p, reason)) for p, reason in failures],
        )

    async def diff(self, request: DiffRequest) -> DiffResponse:
        """Compare the stored outputs with the new inputs; replace keys replace."""
        kind = self._kind(request.type)
        olds = from_wire(request.old_state)
        news = from_wire(request.new_inputs)
        runtime = self._runtime_for(request.urn)
        if kind.spec is None:
            changed = await self._in_thread(lambda: RestoreSet(runtime).diff(olds, news))
            keys = [
                k
                for k in ("members", SET_BUDGET, SET_CONCURRENCY)
                if differs(olds.get(k), news.get(k))
            ] or ["members"]
            changed_keys = keys if changed else []
            return DiffResponse(
                changes=changed,
                diffs=[camel(k) for k in changed_keys],
                detailed_diff={
                    camel(k): PropertyDiff(PropertyDiffKind.UPDATE, input_diff=True)
                    for k in changed_keys
                },
            )
        # A delete-first replacement looks at its new source (an API call): off the loop.
        life = Lifecycle(kind.spec, runtime)
        diff = await self._in_thread(lambda: life.diff(olds, news))
        detail: dict[str, PropertyDiffKind] = {}
        for name in diff.replaces:
            detail[name] = (
                PropertyDiffKind.ADD_REPLACE
                if olds.get(name) is None
                else PropertyDiffKind.UPDATE_REPLACE
            )
        for name in diff.updates:
            if news.get(name) is None:
                detail[name] = PropertyDiffKind.DELETE
            elif olds.get(name) is None and not contains_unknown(news.get(name)):
                detail[name] = PropertyDiffKind.ADD
            else:
                detail[name] = PropertyDiffKind.UPDATE
        return DiffResponse(
            changes=diff.changes,
            replaces=[camel(n) for n in diff.replaces],
            delete_before_replace=diff.delete_before_replace,
            diffs=[camel(n) for n in detail],
            detailed_diff={camel(n): PropertyDiff(k, input_diff=True) for n, k in detail.items()},
        )

    # create / read / update / delete -----------------------------------------------------

    async def create(self, request: CreateRequest) -> CreateResponse:
        """Start (or adopt) the object and follow it until done, within the budget.

        The budget is ``customTimeouts.create`` when the program set one (the request's
        ``timeout``), else the ``createTimeout`` input (default 1 h).

        Raises:
            PartialCreateError: The budget ran out with the object still being made.
        """
        kind = self._kind(request.type)
        props = from_wire(request.properties)
        secrets = secret_keys(request.properties)
        runtime = self._runtime_for(request.urn)
        if kind.spec is None:
            if request.timeout > 0 and props.get(SET_BUDGET) is None:
                props[SET_BUDGET] = request.timeout
            restores = RestoreSet(runtime, stop=self._stop)
            set_id, outs = await self._in_thread(lambda: restores.create(props))
            hidden = secrets | set(RestoreSet.secret_outputs(props))
            return CreateResponse(resource_id=set_id, properties=to_wire(outs, hidden))
        life = Lifecycle(kind.spec, runtime)
        created = await self._create(life, props, request.timeout, secrets)
        return CreateResponse(
            resource_id=created.id,
            properties=to_wire(created.outputs, secrets | set(created.secrets)),
        )

    async def _create(
        self,
        life: AnyLifecycle,
        props: Bag,
        timeout: float,
        secrets: frozenset[str],
    ) -> Created:
        """``life.create`` within ``timeout`` (if the engine sent one, else ``createTimeout``).

        Out of time, or stopped by the engine's Cancel, with the object still being made: a
        partial create.
        """

        def run() -> Created:
            budget = timeout if timeout > 0 else life.typed(props).create_timeout
            return life.create(props, deadline=life.runtime.deadline(budget, self._stop))

        try:
            return await self._in_thread(run)
        except (WaitTimeoutError, CancelledError) as exc:
            # An object named by a secret input is not recorded under its name (the id is
            # plain text); the next up adopts it by its mark all the same.
            if exc.left_running_id is None or "name" in life.secret_outputs(props):
                raise
            partial_outs = {**dict.fromkeys(life.spec.output_names), **props}
            if isinstance(life.spec, IndexSpec):
                # The index carries this mark from its first request: recording it lets a
                # destroy or refresh of the partial state check it instead of the name alone.
                partial_outs["owner_mark"] = life.spec.mark(life.typed(props))
            raise PartialCreateError(
                exc.left_running_id, to_wire(partial_outs, secrets), camel_message(str(exc))
            ) from exc

    async def read(self, request: ReadRequest) -> ReadResponse:
        """Describe the object: gone → no id; else its outputs and (drifted) inputs.

        With no stored properties this is ``pulumi import``: the inputs are found from the
        object (for a restored index: the restore job that made it).
        """
        kind = self._kind(request.type)
        outputs = from_wire(request.properties)
        secrets = secret_keys(request.properties)
        runtime = self._runtime_for(request.urn)
        if kind.spec is None:
            restores = RestoreSet(runtime)
            new_id, outs, inputs = await self._in_thread(
                lambda: restores.read(request.resource_id, outputs)
            )
        else:
            life = Lifecycle(kind.spec, runtime)
            state_inputs = from_wire(request.inputs) if outputs else None
            read = await self._in_thread(
                lambda: life.read(request.resource_id, outputs, state_inputs)
            )
            new_id, outs, inputs = read.id, read.outputs, read.inputs
            if new_id is not None and not any(outputs.get(k) for k in kind.spec.output_names):
                _check_import(kind, life, request.urn, outs, inputs or {})
        if new_id is None:
            return ReadResponse(resource_id=None)
        stored_inputs = from_wire(request.inputs)
        if inputs is not None:
            # Identity and secrecy live in the state's inputs: a refresh keeps them.
            kept = {k: stored_inputs[k] for k in INTERNAL_INPUTS if k in stored_inputs}
            inputs = {**kept, **inputs}
        return ReadResponse(
            resource_id=new_id,
            properties=to_wire(outs, secrets),
            inputs=to_wire(inputs, secrets) if inputs is not None else request.inputs,
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        """Apply in-place changes; on a partial create's state, continue that create."""
        kind = self._kind(request.type)
        olds = from_wire(request.olds)
        news = from_wire(request.news)
        secrets = secret_keys(request.news)
        runtime = self._runtime_for(request.urn)
        if kind.spec is None:
            restores = RestoreSet(runtime, stop=self._stop)
            outs = await self._in_thread(lambda: restores.update(olds, news))
            hidden = secrets | set(RestoreSet.secret_outputs(news))
            return UpdateResponse(properties=to_wire(outs, hidden))
        life = Lifecycle(kind.spec, runtime)
        hidden = secrets | life.secret_outputs(news)
        if _is_partial(kind.spec, olds):
            # The last create ran out of time with the object still being made: the create
            # adopts it (find_attempt: our mark) and follows it to the end.
            created = await self._create(life, news, request.timeout, secrets)
            return UpdateResponse(properties=to_wire(created.outputs, hidden))
        outs = await self._in_thread(lambda: life.update(request.resource_id, olds, news))
        return UpdateResponse(properties=to_wire(outs, hidden))

    async def delete(self, request: DeleteRequest) -> None:
        """Delete the object and wait until it is gone (``customTimeouts.delete`` bounds it)."""
        kind = self._kind(request.type)
        props = from_wire(request.properties)
        if request.timeout > 0:
            props["delete_timeout"] = request.timeout
        runtime = self._runtime_for(request.urn)
        if kind.spec is None:
            restores = RestoreSet(runtime)
            await self._in_thread(lambda: restores.delete(props))
            return
        life = Lifecycle(kind.spec, runtime)
        await self._in_thread(lambda: life.delete(request.resource_id, props))

    # functions ---------------------------------------------------------------------------

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """``getBackup`` and ``getRestoreJob``: the lookups, with this provider's project."""
        from pulumi_pinecone_restore.invokes import get_restore_job  # noqa: PLC0415
        from pulumi_pinecone_restore.lookup import get_backup  # noqa: PLC0415

        functions: dict[str, Callable[..., Any]] = {
            token("getBackup"): get_backup,
            token("getRestoreJob"): get_restore_job,
        }
        fn = functions.get(request.tok)
        if fn is None:
            raise ConfigurationError(
                f"{request.tok} is not a function of the {PACKAGE} package; its functions are: "
                + ", ".join(functions)
            )
        args = {k: v for k, v in from_wire(request.args).items() if v is not None}
        accepted = set(inspect.signature(fn).parameters) - FUNCTION_ARGS_EXCLUDED
        unknown = sorted(set(args) - accepted)
        if unknown:
            known = ", ".join(sorted(camel(a) for a in accepted))
            return InvokeResponse(
                failures=[
                    CheckFailure(camel(a), f"{camel(a)} is not an argument; they are: {known}")
                    for a in unknown
                ]
            )
        client = self._runtime.client()
        found = await self._in_thread(lambda: fn(client=client, **args))
        return InvokeResponse(return_value=to_wire(attrs.asdict(found)))
