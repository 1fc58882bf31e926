"""The one adapter between the lifecycle engine and ``pulumi.dynamic`` (where property bags live).

A provider instance is pickled into the stack's state (``__provider``), so it holds nothing but
a class reference when pickled: credentials arrive later through ``configure()`` (stack config)
or the environment, and the HTTP client is made lazily, once per process.

Unknown inputs: through the real plugin a value that is not known yet (an output of another
resource, at preview) arrives as a ``pulumi.output.Unknown`` instance, at the top level or
inside maps and lists; under ``set_mocks`` it is the sentinel string ``rpc.UNKNOWN``, which is
the engine's one sentinel (:data:`~pulumi_pinecone_restore.lifecycle.inputs.UNKNOWN`) already.
So ``Unknown`` instances are mapped onto it on the way in, and nothing on the way out.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, ClassVar, ParamSpec, TypeVar

import attrs
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import wrap_rpc_secret

from pulumi_pinecone_restore.errors import ImportRefusedError, PineconeRestoreError
from pulumi_pinecone_restore.lifecycle.engine import AnyLifecycle, AnySpec, Lifecycle
from pulumi_pinecone_restore.lifecycle.inputs import UNKNOWN
from pulumi_pinecone_restore.lifecycle.inputs import is_unknown as is_engine_unknown
from pulumi_pinecone_restore.lifecycle.intents import PROCESS_INTENTS
from pulumi_pinecone_restore.lifecycle.runtime import (
    CONFIG_API_KEY,
    CONFIG_CONTROLLER_HOST,
    CONFIG_OWNER_KEY,
    Runtime,
    shared_client,
)
from pulumi_pinecone_restore.plugin.watch import engine_answers, watch_engine

__all__ = [
    "CONFIG_API_KEY",
    "CONFIG_CONTROLLER_HOST",
    "LifecycleProvider",
    "ProviderBase",
    "Runtime",
    "from_pulumi",
    "is_unknown",
    "plain_errors",
    "shared_client",
    "with_secrets",
]


# How long the check before a create's last step waits for the engine: a live one answers in
# milliseconds; a loaded machine must not end a live plugin there.
FINISH_CHECK_TIMEOUT = 5.0
_P = ParamSpec("_P")
_R = TypeVar("_R")


def plain_errors(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A provider step whose own errors reach `pulumi up` as their message, not a page of frames.

    ``pulumi.dynamic`` shows the traceback of whatever a provider raises. This package's errors
    already say what happened and what to do, so they leave the adapter without the frames
    below it and without their chain of causes (whose text they carry); the plugin's own two
    frames and this one remain. Any other exception (a defect) keeps its whole traceback.
    """

    @functools.wraps(method)
    def step(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except PineconeRestoreError as exc:
            raise exc.with_traceback(None) from None

    return step


_WATCHING = threading.Lock()
_WATCHED: list[int] = []  # the parent being watched, once the watch started


def _engine_address() -> str | None:
    """The Pulumi engine's address if this process is Pulumi's dynamic provider plugin.

    The engine starts it as ``python -m pulumi.dynamic <engine address>``.
    """
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) != "pulumi.dynamic.__main__":
        return None
    given = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    return given[0] if given else None


def _engine_bound() -> dict[str, Any]:
    """In Pulumi's dynamic provider plugin: the runtime settings that end it with its engine.

    A killed `pulumi` leaves the plugin running (the engine's child, in a process group of its
    own). It exits once the engine is gone (:func:`~..plugin.watch.watch_engine`), when a
    progress line finds nobody reading stderr, and before a create's last step if the engine
    is gone by then: a create it finished unseen would no longer be found by the next
    `pulumi up` as its own unfinished attempt. Elsewhere (tests, a program's own process):
    nothing.
    """
    address = _engine_address()
    if address is None:
        return {}
    with _WATCHING:
        if not _WATCHED:
            _WATCHED.append(os.getppid())
            threading.Thread(
                target=watch_engine,
                args=(_WATCHED[0], partial(engine_answers, address), _exit_now),
                name="engine-watch",
                daemon=True,
            ).start()
    parent = _WATCHED[0]

    def progress(message: str) -> None:
        try:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            _exit_now()  # the engine reads this plugin's stderr: it is gone

    def before_finish() -> None:
        if os.getppid() != parent or not engine_answers(address, FINISH_CHECK_TIMEOUT):
            _exit_now()

    return {"progress": progress, "before_finish": before_finish}


def _exit_now() -> None:
    """End this plugin at once, as a killed `pulumi` would have (no step half-recorded)."""
    os._exit(0)


def is_unknown(value: Any) -> bool:
    """Whether an input is not known yet (either representation Pulumi uses for it)."""
    return isinstance(value, Unknown) or is_engine_unknown(value)


def from_pulumi(props: Mapping[str, Any]) -> dict[str, Any]:
    """A property bag for the engine: no ``__provider``; every unknown, however nested, marked."""
    return {k: _engine_value(v) for k, v in props.items() if not str(k).startswith("__")}


def _engine_value(value: Any) -> Any:
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _engine_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_engine_value(v) for v in value]
    return value


def with_secrets(outputs: Mapping[str, Any], secret: Any) -> dict[str, Any]:
    """Outputs with those named in ``secret`` marked secret (the engine stores them encrypted).

    The dynamic plugin tells the engine it does not accept secrets, so the engine hands this
    provider plain values and re-marks only the outputs named like a secret input; what derives
    from one (a host that holds the secret name) is marked here, in the wire form.
    """
    return {
        k: wrap_rpc_secret(v) if k in secret and v is not None else v for k, v in outputs.items()
    }


class ProviderBase(ResourceProvider):
    """Shared plumbing of this package's dynamic providers.

    Subclasses carry no attributes of their own into pickles: ``__getstate__`` drops the
    runtime, so neither the API key from ``configure()`` nor a session can reach the state.
    """

    _runtime: Runtime | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._runtime = None

    @property
    def runtime(self) -> Runtime:
        """This process's runtime (made on first use)."""
        if self._runtime is None:
            # One record of the program's word per plugin process (see lifecycle.intents).
            self._runtime = Runtime(intents=PROCESS_INTENTS, **_engine_bound())
        return self._runtime

    @runtime.setter
    def runtime(self, value: Runtime) -> None:
        self._runtime = value

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack config (API key, controller host, owner key) in memory."""
        config: dict[str, Any] = {}
        for key in (CONFIG_API_KEY, CONFIG_CONTROLLER_HOST, CONFIG_OWNER_KEY):
            value = req.config.get(key)
            if value is not None:
                config[key] = value
        # A resource's explicit connection may name any stack config key for its API key; the
        # request is kept (in memory only) to read it then.
        self.runtime = attrs.evolve(self.runtime, config=config, lookup_config=req.config.get)


class LifecycleProvider(ProviderBase):
    """A dynamic provider that is one :class:`~pulumi_pinecone_restore.lifecycle.Spec`.

    Each method turns the property bags into the engine's values, calls the engine, and turns
    its typed answer into Pulumi's result type; nothing else happens here.
    """

    spec: ClassVar[AnySpec]

    def _life(self, props: Mapping[str, Any]) -> AnyLifecycle:
        """The lifecycle of this provider's spec for a resource with these inputs/outputs.

        Its ``connection`` is resolved when a request is first made: check and diff never
        need it (a malformed one is a check failure, not an error).
        """
        return Lifecycle(self.spec, self.runtime, connection=props.get("connection"))

    @plain_errors
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs per property at preview time (unknown values pass) and settle names."""
        inputs, failures = self._life(news).check(from_pulumi(_olds), from_pulumi(news))
        return CheckResult(inputs, [CheckFailure(p, r) for p, r in failures])

    @plain_errors
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare stored outputs with new inputs; an unknown replace key may replace."""
        diff = self._life(news).diff(from_pulumi(olds), from_pulumi(news))
        return DiffResult(
            changes=diff.changes,
            replaces=list(diff.replaces),
            stables=[],
            delete_before_replace=diff.delete_before_replace,
        )

    @plain_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Start (or adopt) the object and wait until it is ready."""
        created = self._life(props).create(from_pulumi(props))
        return CreateResult(created.id, with_secrets(created.outputs, created.secrets))

    @plain_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the object: gone → no id; else its outputs and (drifted) inputs."""
        life = self._life(props)
        read = life.read(id_, from_pulumi(props))
        if read.id is None and not any(props.get(k) is not None for k in self.spec.output_names):
            # A `.get(name, id)`: "gone" would reach Pulumi as an object with no outputs (this
            # plugin adds `__provider` to them), and every output would silently be None.
            raise ImportRefusedError(
                f"{self.spec.kind} {id_!r} does not exist in this project; check the id "
                "passed to .get()"
            )
        return ReadResult(read.id, read.outputs, read.inputs)

    @plain_errors
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Apply in-place changes (one PATCH for an index)."""
        # The new inputs say which project to talk to from now on.
        life = self._life(news)
        given = from_pulumi(news)
        outputs = life.update(_id, from_pulumi(olds), given)
        return UpdateResult(with_secrets(outputs, life.secret_outputs(given)))

    @plain_errors
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete the object and wait until it is gone."""
        self._life(props).delete(_id, from_pulumi(props))
