"""Pulumi mocks that route dynamic-resource registrations into the real provider.

Plain ``pulumi.runtime.set_mocks`` never runs provider code. :class:`ProviderRoutingMocks` keeps a
fake engine state keyed by URN and, for every registration of a dynamic resource, does what the
engine would do with the provider the program serialized into ``__provider``: deserialize it with
dill, ``configure`` it once, then ``check`` → ``create``, or ``check`` → ``diff`` → same /
``update`` / replace. Successive :meth:`ProviderRoutingMocks.up` calls behave like successive
``pulumi up`` runs of one stack; :meth:`~ProviderRoutingMocks.preview`,
:meth:`~ProviderRoutingMocks.refresh` and :meth:`~ProviderRoutingMocks.destroy` mirror the other
commands.

Engine rules emulated (and where they come from):

- A dynamic provider's ``ConfigureResponse`` says ``acceptSecrets=False``, so the engine strips
  secret wrappers before calling it; the mocks do the same (``__provider`` itself is a secret).
- Diff ``changes=None`` (DIFF_UNKNOWN) falls back to comparing old and new inputs.
- Create-before-delete replacement deletes the old resource at the end of the run, with the other
  deletions; ``delete_before_replace`` (from the diff or the resource option) deletes it first.
- Preview calls only ``check`` and ``diff``; a dynamic provider never supports preview, so
  ``create``/``update`` are not called and new outputs are unknown.
- The response to the program holds the provider's outputs only (minus ``__provider``): in a real
  ``pulumi up`` the SDK itself fills in inputs the outputs lack, and so it does here.
- Program config: ``pulumi.Config`` reads ``config`` plus ``program_config`` during a run.
- Providers: by default deserialized and configured in-process; a ``provider_factory`` (e.g.
  :func:`harness.plugin_backend.plugin_provider_factory`) sends every call to the real plugin.
- Resource options honoured: ``delete_before_replace``, ``ignore_changes`` (top-level keys),
  ``replace_on_changes`` (top-level keys), ``protect``, ``retain_on_delete``.

Exception tree::

    HarnessError
    ├── CheckFailedError        check returned failures (the engine fails the preview)
    └── ProtectedResourceError  a protected resource would be deleted or replaced
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import logging
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, Literal

import attrs
import dill
import pulumi
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.runtime import config as pulumi_config
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime._serialization import _deserialize
from pulumi.runtime.stack import massage, run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROVIDER_KEY = "__provider"
DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
STACK_TYPE = "pulumi:pulumi:Stack"

Step = Literal["create", "update", "replace", "same", "delete", "read"]
"""What the engine did (or, in preview, plans to do) with one URN."""

ProgramFn = Callable[[], Any]


class HarnessError(Exception):
    """Base class of the errors the emulated engine raises."""


class CheckFailedError(HarnessError):
    """Raised when a provider's ``check`` returns failures, as the engine fails the preview."""

    def __init__(self, urn: str, failures: list[tuple[str, str]]) -> None:
        """Build the error.

        Args:
            urn: The resource whose inputs failed.
            failures: ``(property, reason)`` pairs from ``CheckResult.failures``.
        """
        self.urn = urn
        self.failures = failures
        listed = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
        super().__init__(f"check failed for {urn}: {listed}")


class ProtectedResourceError(HarnessError):
    """Raised when a resource with ``protect=True`` would be deleted or replaced."""

    def __init__(self, urn: str, step: str) -> None:
        """Build the error.

        Args:
            urn: The protected resource.
            step: The step that was refused.
        """
        self.urn = urn
        super().__init__(f"{urn} is protected and cannot be {step}d")


@attrs.frozen
class ResourceOptionsSeen:
    """The engine-side resource options of a registration, as the monitor received them."""

    delete_before_replace: bool = False
    protect: bool = False
    retain_on_delete: bool = False
    ignore_changes: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()


@attrs.frozen
class ResourceState:
    """One resource in the emulated stack state, as the engine would checkpoint it.

    ``inputs`` and ``outputs`` keep ``__provider``, like the real state; :attr:`visible_outputs`
    drops it.
    """

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any] = attrs.field(repr=False)
    outputs: dict[str, Any] = attrs.field(repr=False)
    provider: str = attrs.field(repr=False)
    options: ResourceOptionsSeen = ResourceOptionsSeen()
    seq: int = 0
    external: bool = False

    @property
    def visible_outputs(self) -> dict[str, Any]:
        """The outputs without the serialized provider."""
        return _without_provider(self.outputs)

    @property
    def visible_inputs(self) -> dict[str, Any]:
        """The inputs without the serialized provider."""
        return _without_provider(self.inputs)


@attrs.frozen
class RunResult:
    """What one program run produced.

    Attributes:
        exports: Resolved ``pulumi.export`` values (unknowns in preview resolve to ``None``).
        value: The resolved value the program function returned.
        steps: The step per URN of dynamic resources ("create", "update", "replace", "same",
            "delete", "read"); in preview, the planned step.
        preview: Whether this was a preview.
    """

    exports: dict[str, Any]
    value: Any
    steps: dict[str, Step]
    preview: bool


@attrs.frozen
class _Request:
    urn: str
    options: ResourceOptionsSeen
    is_read: bool


class _RoutingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that tells the mocks the URN and options of the registration in flight."""

    def __init__(self, mocks: ProviderRoutingMocks) -> None:
        super().__init__(mocks)
        self._routing = mocks

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # Unlike the SDK's MockMonitor, follow the engine: the stack is not part of a child's
        # type, and a nested child's type carries its whole parent chain.
        parent_type = parent.split("::")[2] if parent else ""
        if parent_type and parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
        # The SDK settings are ContextVars that the executor threads running registrations do
        # not inherit, so take stack and project from the harness rather than get_stack().
        return f"urn:pulumi:{self._routing.stack}::{self._routing.project}::{type_}::{name}"

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        options = ResourceOptionsSeen(
            delete_before_replace=bool(request.deleteBeforeReplace),
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            ignore_changes=tuple(request.ignoreChanges),
            replace_on_changes=tuple(request.replaceOnChanges),
        )
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._routing._in_flight(_Request(urn, options, is_read=False)):
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._routing._in_flight(_Request(urn, ResourceOptionsSeen(), is_read=True)):
            return super().ReadResource(request)  # type: ignore[no-untyped-call]


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.INFO)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self._sink.append(f"{record.levelname.lower()}: {record.getMessage()}")


class ProviderRoutingMocks(pulumi_mocks.Mocks):
    """Mocks plus an emulated engine state, so programs drive their real dynamic providers.

    Usage::

        mocks = ProviderRoutingMocks({"pinecone:apiKey": "k"}, project="p", stack="dev")
        first = mocks.up(program)            # check + create
        plan = mocks.preview(program2)       # check + diff only: plan.steps[urn] == "update"
        mocks.up(program2)                   # check + diff + update
        mocks.refresh()                      # read every resource, drop the vanished
        mocks.destroy()                      # delete in reverse creation order
        assert ("create", urn) in mocks.operations
    """

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        *,
        project: str = "project",
        stack: str = "stack",
        program_config: Mapping[str, Any] | None = None,
        secret_keys: Collection[str] = (),
        provider_factory: Callable[[str], ResourceProvider] | None = None,
    ) -> None:
        """Create an empty stack.

        Args:
            config: Stack config as the plugin's ``Config`` sees it, full keys such as
                ``"pinecone:apiKey"``; handed to every provider's ``configure``, and also
                readable by the program with ``pulumi.Config``.
            project: The Pulumi project name (URNs, and ``Config`` keys without a namespace).
            stack: The stack name (URNs).
            program_config: More stack config that only the program reads, full keys such as
                ``"restore-index:backupId"``. Values that are not strings are JSON-encoded, as
                ``pulumi config set --path``/``--json`` stores them for ``Config.get_object``.
            secret_keys: Keys of ``config``/``program_config`` that ``pulumi.Config`` reports
                as secret.
            provider_factory: Builds the provider for a serialized ``__provider`` string instead
                of dill + ``configure`` in-process (e.g. to call the real plugin over gRPC, see
                :mod:`harness.plugin_backend`); called once per distinct string.
        """
        self.config: dict[str, Any] = dict(config or {})
        self.program_config: dict[str, str] = {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in {**self.config, **(program_config or {})}.items()
        }
        self.secret_keys = list(secret_keys)
        self._provider_factory = provider_factory
        self.project = project
        self.stack = stack
        self.operations: list[tuple[str, str]] = []
        """Every provider call, in order, as ``(method, urn)``; method is one of check, diff,
        create, update, delete, read."""
        self.logs: list[str] = []
        """Messages the program and the providers logged with ``pulumi.log`` ("info: ...")."""
        self._state: dict[str, ResourceState] = {}
        self._providers: dict[str, ResourceProvider] = {}
        self._lock = threading.RLock()
        self._local = threading.local()
        self._seq = itertools.count(1)
        self._registered: set[str] = set()
        self._steps: dict[str, Step] = {}
        self._pending_deletes: list[ResourceState] = []
        self._preview = False
        self._logger = logging.getLogger(f"{__name__}.{id(self)}")
        self._logger.setLevel(logging.DEBUG)
        self._logger.propagate = False
        self._logger.addHandler(_ListHandler(self.logs))

    # ---------------------------------------------------------------- public API

    @property
    def state(self) -> dict[str, ResourceState]:
        """A copy of the current state, keyed by URN."""
        with self._lock:
            return dict(self._state)

    def by_name(self, name: str) -> ResourceState:
        """Return the resource state with the given logical name.

        Args:
            name: The resource's Pulumi name.

        Returns:
            Its state.

        Raises:
            KeyError: When no resource in state has that name.
        """
        for res in self.state.values():
            if res.name == name:
                return res
        raise KeyError(f"no resource named {name!r} in state")

    def urn(self, type_: str, name: str, parents: tuple[str, ...] = ()) -> str:
        """Compute a URN the way the mock monitor does.

        Args:
            type_: The resource type, e.g. ``pulumi-python:dynamic/toy:Counter``.
            name: The resource name.
            parents: Types of the ancestors, outermost first, excluding the stack.

        Returns:
            The URN.
        """
        qualified = "$".join((*parents, type_))
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"

    def up(self, program: ProgramFn) -> RunResult:
        """Run ``program`` like ``pulumi up``: register, then delete what it no longer declares.

        Args:
            program: A function declaring resources; it may return a value (Outputs allowed).

        Returns:
            The run's exports, returned value and steps.
        """
        return self.run(program, preview=False, prune=True)

    def preview(self, program: ProgramFn) -> RunResult:
        """Run ``program`` like ``pulumi preview``: only check and diff, state untouched.

        Args:
            program: A function declaring resources.

        Returns:
            The run; ``steps`` holds the plan, including "delete" for undeclared resources.
        """
        return self.run(program, preview=True, prune=True)

    def run(self, program: ProgramFn, *, preview: bool = False, prune: bool = True) -> RunResult:
        """Run ``program`` once under fresh mocks and wait for every registration and output.

        Args:
            program: A function declaring resources; it may return a value (Outputs allowed).
            preview: Emulate a preview (check and diff only).
            prune: Call :meth:`finish_run` afterwards (delete what was not declared).

        Returns:
            The run's exports, returned value and steps.
        """
        with self._lock:
            self._registered = set()
            self._steps = {}
            self._pending_deletes = []
            self._preview = preview
        holder: dict[str, Any] = {}
        failed: list[BaseException] = []
        previous_loop = _current_event_loop()
        loop = asyncio.new_event_loop()
        # After a failed run, every Output depending on the failed registration holds the same
        # exception and asyncio would log it again when the loop is collected; the run already
        # raised it, so only a successful run keeps the default handler.
        loop.set_exception_handler(
            lambda lp, ctx: None if failed else lp.default_exception_handler(ctx)
        )
        asyncio.set_event_loop(loop)
        # Config is a ContextVar whose default dict is shared: set a fresh one for the run (the
        # program body runs in a task that copies this context) and put the old one back after.
        config_token = pulumi_config.CONFIG.set(dict(self.program_config))
        secrets_token = pulumi_config._SECRET_KEYS.set(set(self.secret_keys))
        try:
            # The root stack is a ContextVar that set_mocks only fills when empty: clear it so
            # every run gets a new Stack (and its own exports), as every `pulumi up` does.
            pulumi_settings.ROOT.set(None)
            pulumi_mocks.set_mocks(
                self,
                project=self.project,
                stack=self.stack,
                preview=preview,
                logger=self._logger,
                monitor=_RoutingMonitor(self),
            )
            pulumi_settings.SETTINGS.outputs.clear()

            def body() -> None:
                result = pulumi.Output.from_input(program())
                holder["value"] = _sync_await(result.future())

            _sync_await(run_pulumi_func(body))
            root = pulumi_settings.get_root_resource()
            exported: dict[str, Any] = getattr(root, "outputs", {})
            # One future per export: an unknown value (preview) resolves to None on its own
            # instead of turning the whole dict unknown.
            exports = {
                key: _sync_await(pulumi.Output.from_input(massage(value, [])).future())
                for key, value in exported.items()
            }
        except BaseException as exc:
            failed.append(exc)
            raise
        finally:
            pulumi_config._SECRET_KEYS.reset(secrets_token)
            pulumi_config.CONFIG.reset(config_token)
            pulumi_settings.ROOT.set(None)
            loop.close()
            asyncio.set_event_loop(previous_loop)
        if prune:
            self.finish_run()
        return RunResult(
            exports=exports,
            value=holder.get("value"),
            steps=dict(self._steps),
            preview=preview,
        )

    def finish_run(self) -> None:
        """End a run: delete replaced resources, then those the program no longer declared.

        In preview nothing is called; the deletions are recorded as planned steps.

        Raises:
            ProtectedResourceError: When a protected resource would be deleted.
        """
        self._provider_settings()
        with self._lock:
            for old in self._pending_deletes:
                self._delete(old, record_step=False)
            self._pending_deletes = []
            gone = [res for res in self._state.values() if res.urn not in self._registered]
            for res in sorted(gone, key=lambda r: r.seq, reverse=True):
                self._delete(res, record_step=True)

    def refresh(self) -> dict[str, Step]:
        """Call ``read`` for every managed resource, like ``pulumi refresh``.

        An empty id drops the resource from state; returned ``inputs`` replace the stored ones.

        Returns:
            The step per URN: "same", "update" (outputs or inputs changed) or "delete".
        """
        steps: dict[str, Step] = {}
        self._provider_settings()
        with self._lock:
            for res in sorted(self._state.values(), key=lambda r: r.seq):
                provider = self._provider(res.provider)
                self.operations.append(("read", res.urn))
                result = provider.read(res.id, _plain(res.outputs))
                if not result.id:
                    del self._state[res.urn]
                    steps[res.urn] = "delete"
                    continue
                outs = {**(result.outs or {}), PROVIDER_KEY: res.provider}
                inputs = res.inputs
                if result.inputs is not None:
                    inputs = {**result.inputs, PROVIDER_KEY: res.provider}
                changed = outs != res.outputs or inputs != res.inputs
                steps[res.urn] = "update" if changed else "same"
                self._state[res.urn] = attrs.evolve(
                    res, id=str(result.id), outputs=outs, inputs=inputs
                )
        return steps

    def destroy(self) -> list[str]:
        """Delete every managed resource in reverse creation order, like ``pulumi destroy``.

        Returns:
            The URNs removed from state, in deletion order.

        Raises:
            ProtectedResourceError: When a protected resource is in the stack.
        """
        self._provider_settings()
        with self._lock:
            order = sorted(self._state.values(), key=lambda r: r.seq, reverse=True)
            for res in order:
                self._delete(res, record_step=False)
            return [res.urn for res in order]

    # ---------------------------------------------------------------- Mocks interface

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], None]:
        """Answer invokes with an empty result (the providers under test make none).

        Args:
            args: The invoke.

        Returns:
            An empty result and no failures.
        """
        del args
        return {}, None

    def new_resource(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        """Route a registration: dynamic resources go to their provider, others echo inputs.

        Args:
            args: The registration as the mock monitor saw it.

        Returns:
            The id and output properties for the program.
        """
        request: _Request | None = getattr(self._local, "request", None)
        if request is None:  # called outside our monitor, e.g. by a hand-made MockMonitor
            request = _Request(self.urn(args.typ, args.name), ResourceOptionsSeen(), is_read=False)
        if not args.typ.startswith(DYNAMIC_TYPE_PREFIX):
            if request.is_read:
                return args.resource_id, args.inputs
            return (f"{args.name}_id" if args.custom else ""), args.inputs
        with self._lock:
            self._registered.add(request.urn)
            if request.is_read or args.resource_id:
                return self._read_external(request, args)
            return self._register(request, args)

    # ---------------------------------------------------------------- engine emulation

    @contextlib.contextmanager
    def _in_flight(self, request: _Request) -> Iterator[None]:
        self._local.request = request
        self._provider_settings()
        try:
            yield
        finally:
            self._local.request = None

    def _provider_settings(self) -> None:
        # SDK settings are ContextVars, and the executor threads that run registrations do not
        # inherit the test thread's context: set the ones provider code reads (pulumi.log goes
        # to the engine, is_dry_run, project) in the calling thread.
        settings = pulumi_settings.SETTINGS
        settings.engine = pulumi_mocks.MockEngine(self._logger)
        settings.project = self.project
        settings.stack = self.stack
        settings.dry_run = self._preview

    def _provider(self, serialized: str) -> ResourceProvider:
        provider = self._providers.get(serialized)
        if provider is None and self._provider_factory is not None:
            provider = self._provider_factory(serialized)
            self._providers[serialized] = provider
        if provider is None:
            # Same steps as pulumi.dynamic.__main__.get_provider: dill.loads under the SDK's
            # deserialization context, then configure once per distinct provider string.
            provider = _deserialize(
                lambda: dill.loads(base64.b64decode(serialized))  # noqa: S301 - our own test pickle
            )
            assert isinstance(provider, ResourceProvider)
            provider.configure(ConfigureRequest(Config(dict(self.config), self.project)))
            self._providers[serialized] = provider
        return provider

    def _check(
        self, urn: str, provider: ResourceProvider, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        self.operations.append(("check", urn))
        result = provider.check(_plain(olds), dict(news))
        if result.failures:
            raise CheckFailedError(urn, [(f.property, f.reason) for f in result.failures])
        return dict(result.inputs)

    def _register(
        self, request: _Request, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        urn = request.urn
        news = unwrap_secrets(args.inputs)
        serialized = news[PROVIDER_KEY]
        provider = self._provider(serialized)
        prior = self._state.get(urn)
        if prior is not None:
            # The engine applies ignore_changes before Check: ignored keys keep their old value.
            for key in request.options.ignore_changes:
                if key in prior.inputs:
                    news[key] = prior.inputs[key]
                else:
                    news.pop(key, None)
        checked = self._check(urn, provider, prior.inputs if prior else {}, news)
        checked[PROVIDER_KEY] = serialized
        if prior is None:
            self._steps[urn] = "create"
            if self._preview:
                return "", _without_provider(checked)
            return self._create(request, args, provider, checked)

        self.operations.append(("diff", urn))
        diff = provider.diff(prior.id, _plain(prior.outputs), _plain(checked))
        step = _classify(diff.changes, diff.replaces, prior.inputs, checked, request.options)
        self._steps[urn] = step
        if step == "replace" and prior.options.protect:
            raise ProtectedResourceError(urn, "replace")
        if self._preview:
            return _preview_response(step, prior, checked)
        delete_first = bool(diff.delete_before_replace) or request.options.delete_before_replace
        return self._apply(
            step,
            request,
            args,
            provider=provider,
            prior=prior,
            checked=checked,
            delete_first=delete_first,
        )

    def _apply(
        self,
        step: Step,
        request: _Request,
        args: pulumi_mocks.MockResourceArgs,
        *,
        provider: ResourceProvider,
        prior: ResourceState,
        checked: dict[str, Any],
        delete_first: bool,
    ) -> tuple[str | None, dict[str, Any]]:
        urn = request.urn
        if step == "same":
            self._state[urn] = attrs.evolve(prior, inputs=checked, options=request.options)
            return prior.id, prior.visible_outputs
        if step == "update":
            self.operations.append(("update", urn))
            result = provider.update(prior.id, _plain(prior.outputs), _plain(checked))
            serialized = checked[PROVIDER_KEY]
            outs = {**(result.outs or {}), PROVIDER_KEY: serialized}
            self._state[urn] = attrs.evolve(
                prior, inputs=checked, outputs=outs, provider=serialized, options=request.options
            )
            return prior.id, _without_provider(outs)
        if delete_first:
            self._delete(prior, record_step=False)
        else:
            # Create-before-delete: the engine deletes the replaced resource at the end of the run.
            self._pending_deletes.append(prior)
        return self._create(request, args, provider, checked)

    def _create(
        self,
        request: _Request,
        args: pulumi_mocks.MockResourceArgs,
        provider: ResourceProvider,
        checked: dict[str, Any],
    ) -> tuple[str | None, dict[str, Any]]:
        self.operations.append(("create", request.urn))
        result = provider.create(_plain(checked))
        return self._record(request, args, str(result.id), checked, result.outs)

    def _record(
        self,
        request: _Request,
        args: pulumi_mocks.MockResourceArgs,
        id_: str,
        inputs: dict[str, Any],
        outs: Mapping[str, Any] | None,
        *,
        external: bool = False,
    ) -> tuple[str, dict[str, Any]]:
        # Checkpoint a created or read resource; its outputs keep __provider, as real state does.
        serialized = inputs[PROVIDER_KEY]
        outputs = {**(outs or {}), PROVIDER_KEY: serialized}
        self._state[request.urn] = ResourceState(
            urn=request.urn,
            type=args.typ,
            name=args.name,
            id=id_,
            inputs=inputs,
            outputs=outputs,
            provider=serialized,
            options=ResourceOptionsSeen() if external else request.options,
            seq=next(self._seq),
            external=external,
        )
        return id_, _without_provider(outputs)

    def _read_external(
        self, request: _Request, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        props = unwrap_secrets(args.inputs)
        serialized = props[PROVIDER_KEY]
        provider = self._provider(serialized)
        self._steps[request.urn] = "read"
        self.operations.append(("read", request.urn))
        result = provider.read(str(args.resource_id), _plain(props))
        if not result.id:
            raise HarnessError(f"{request.urn}: resource {args.resource_id!r} does not exist")
        return self._record(request, args, str(result.id), props, result.outs, external=True)

    def _delete(self, res: ResourceState, *, record_step: bool) -> None:
        if record_step:
            self._steps[res.urn] = "delete"
        if self._preview:
            return
        if res.options.protect and not res.external:
            raise ProtectedResourceError(res.urn, "delete")
        # External (read) resources and retained ones leave state without a provider call.
        if not res.external and not res.options.retain_on_delete:
            self.operations.append(("delete", res.urn))
            self._provider(res.provider).delete(res.id, _plain(res.outputs))
        current = self._state.get(res.urn)
        if current is not None and current.seq == res.seq:
            del self._state[res.urn]


def _classify(
    changes: bool | None,
    replaces: list[str] | None,
    old_inputs: dict[str, Any],
    new_inputs: dict[str, Any],
    options: ResourceOptionsSeen,
) -> Step:
    if changes is None:
        # DIFF_UNKNOWN: the engine falls back to its own comparison of old and new inputs.
        changes = old_inputs != new_inputs
    if not changes:
        return "same"
    replace_keys = set(replaces or ())
    replace_keys |= {
        key for key in options.replace_on_changes if old_inputs.get(key) != new_inputs.get(key)
    }
    return "replace" if replace_keys else "update"


def _current_event_loop() -> asyncio.AbstractEventLoop | None:
    # Each run gets its own loop; the caller's loop (e.g. another test's) is put back afterwards.
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None


def _preview_response(
    step: Step, prior: ResourceState, checked: dict[str, Any]
) -> tuple[str | None, dict[str, Any]]:
    # The dynamic plugin does not support preview, so the engine calls neither Create nor
    # Update: outputs it cannot know (a replacement's, an update's computed ones) stay unknown.
    if step == "same":
        return prior.id, prior.visible_outputs
    if step == "update":
        return prior.id, {**prior.visible_outputs, **_without_provider(checked)}
    return "", _without_provider(checked)


def _without_provider(props: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in props.items() if key != PROVIDER_KEY}


def _plain(props: Mapping[str, Any]) -> dict[str, Any]:
    # Each provider call gets its own copy, as each gRPC call deserializes a fresh dict.
    plain: dict[str, Any] = unwrap_secrets(props)
    return plain


def unwrap_secrets(value: Any) -> Any:
    """``value`` with every secret wrapper (at any depth) replaced by the plain value."""
    if rpc.is_rpc_secret(value):
        return unwrap_secrets(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {key: unwrap_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap_secrets(item) for item in value]
    return value
