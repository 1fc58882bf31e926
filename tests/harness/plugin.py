"""The real dynamic-provider plugin, started and driven over gRPC the way the engine does it.

The engine launches ``python -u -m pulumi.dynamic <engine-address>`` (the ``pulumi-resource-
pulumi-python`` shim), reads the port from the first stdout line, and calls the ResourceProvider
service: Configure once, then Check/Diff/Create/Read/Update/Delete with properties serialized by
``pulumi.runtime.rpc.serialize_properties``. :class:`DynamicPluginProcess` does the same, and runs a
fake Engine service (:class:`FakeEngine`) at the address it passes so that any ``Log`` calls that
reach the engine are recorded.

What the engine would show a user is what this harness exposes: :class:`PluginRpcError` carries
the gRPC status code and details (the text ``pulumi up`` prints for a failed operation),
:attr:`DynamicPluginProcess.stderr` is the plugin's stderr (which the engine relays to the user
as info diagnostics for the dynamic plugin), and :attr:`DynamicPluginProcess.engine_logs` the Log
RPCs received.

Exception tree::

    PluginError
    ├── PluginStartError  the plugin did not print a port in time
    └── PluginRpcError    a gRPC call failed (status code + details)
"""

from __future__ import annotations

import asyncio
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from concurrent import futures
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import attrs
import grpc
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider as _sdk_serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc
from typing_extensions import Self

from harness.mocks import unwrap_secrets

PROVIDER_KEY = "__provider"
STARTUP_TIMEOUT = 20.0
"""Seconds to wait for the plugin to print its port."""
CALL_TIMEOUT = 60.0
"""Default deadline of one gRPC call, in seconds."""

DiffChanges = Literal["DIFF_UNKNOWN", "DIFF_NONE", "DIFF_SOME"]
_SEVERITIES = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}
# What a plugin inherits from the test process when the caller does not pass inherit_env.
_BASE_ENV_KEYS = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "SYSTEMROOT",
    "VIRTUAL_ENV",
    "PINECONE_RESTORE_POLL_SCALE",  # the suite's emulator ends lifecycles after a few reads
    "PULUMI_HOME",  # the owner key lives there: the suite's temporary one, never ~/.pulumi
)


class PluginError(Exception):
    """Base class of the plugin harness's errors."""


class PluginStartError(PluginError):
    """Raised when the plugin exits or stays silent instead of printing its port."""


class PluginRpcError(PluginError):
    """Raised when a gRPC call to the plugin fails.

    Attributes:
        method: The RPC, e.g. ``"Create"``.
        code: The gRPC status code (a provider exception arrives as ``UNKNOWN``).
        details: The status details: the message the engine would show the user.
    """

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        """Build the error.

        Args:
            method: The RPC that failed.
            code: Its gRPC status code.
            details: Its status details.
        """
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed with {code.name}: {details}")


@attrs.frozen
class LogMessage:
    """One ``Engine.Log`` call the fake engine received."""

    severity: str
    message: str
    urn: str
    stream_id: int
    ephemeral: bool
    at: float = 0.0  # time.monotonic() when it arrived


@attrs.frozen
class CheckResponse:
    """The plugin's answer to Check: the checked inputs and ``(property, reason)`` failures."""

    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@attrs.frozen
class DiffResponse:
    """The plugin's answer to Diff, as the engine receives it."""

    changes: DiffChanges
    replaces: list[str]
    delete_before_replace: bool


@attrs.frozen
class CreateResponse:
    """The plugin's answer to Create: the id and the outputs (with ``__provider``)."""

    id: str
    properties: dict[str, Any]


@attrs.frozen
class ReadResponse:
    """The plugin's answer to Read; an empty id means the resource is gone."""

    id: str
    properties: dict[str, Any]
    inputs: dict[str, Any] | None


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """An in-process Engine service that records Log calls, like the CLI would display them."""

    def __init__(self) -> None:
        """Start with no messages."""
        self.messages: list[LogMessage] = []
        self._lock = threading.Lock()

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:  # noqa: N802 - gRPC name
        """Record the ``LogRequest``; the gRPC context is unused."""
        del context
        with self._lock:
            self.messages.append(
                LogMessage(
                    severity=_SEVERITIES.get(request.severity, str(request.severity)),
                    message=request.message,
                    urn=request.urn,
                    stream_id=request.streamId,
                    ephemeral=request.ephemeral,
                    at=time.monotonic(),
                )
            )
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC name
        """Answer that there is no root resource (request and context are unused)."""
        del request, context
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC name
        """Accept and ignore a root resource (request and context are unused)."""
        del request, context
        return engine_pb2.SetRootResourceResponse()


def serialize_provider(provider: ResourceProvider) -> str:
    """Serialize a provider exactly as ``pulumi.dynamic.Resource.__init__`` does.

    Args:
        provider: The provider instance.

    Returns:
        The base64 dill string the program would put in ``__provider``.
    """
    serialized, _contains_secrets = _serialize(
        True,  # noqa: FBT003 - the SDK's positional allow_secrets flag
        _sdk_serialize_provider,
        provider,
    )
    return str(serialized)


def provider_props(provider: ResourceProvider | str, props: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``props`` with ``__provider`` set, as the engine sends them to the plugin.

    Args:
        provider: A provider instance, or an already serialized provider string.
        props: The resource properties.

    Returns:
        A new dict including ``__provider``.
    """
    serialized = provider if isinstance(provider, str) else serialize_provider(provider)
    return {**props, PROVIDER_KEY: serialized}


def _serialize_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    # The plugin itself does the same: a private event loop per serialization, so this is safe
    # from any thread and never touches the caller's loop.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def _deserialize_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True) or {})


def _urn_parts(urn: str) -> tuple[str, str]:
    parts = urn.split("::")
    if len(parts) < 4:
        return "", ""
    return parts[2].split("$")[-1], parts[3]


class DynamicPluginProcess:
    """``python -m pulumi.dynamic`` in a subprocess, with a typed client mirroring the engine.

    Every call method is thread-safe, so a test can issue concurrent calls (the plugin serves at
    most 4 at once). Usage::

        with DynamicPluginProcess(env={"PINECONE_API_KEY": "k"}, pythonpath=[tests_dir]) as plugin:
            plugin.configure({"toy:stateDir": str(tmp_path)})
            props = provider_props(CounterProvider(), {"name": "a", "value": 1})
            checked = plugin.check(urn, {}, props)
            created = plugin.create(urn, checked.inputs)
            plugin.delete(created.id, urn, created.properties)
        assert "k" not in plugin.stderr
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        pythonpath: Sequence[str | os.PathLike[str]] = (),
        inherit_env: bool = False,
        cwd: str | os.PathLike[str] | None = None,
        engine: bool = True,
        call_timeout: float = CALL_TIMEOUT,
        command: Sequence[str] | None = None,
    ) -> None:
        """Describe the plugin to start; :meth:`start` (or ``with``) starts it.

        Args:
            env: Extra environment variables for the plugin (e.g. ``PINECONE_API_KEY``).
            pythonpath: Directories the plugin must import the provider modules from; they go in
                ``PYTHONPATH``.
            inherit_env: Pass the whole test environment instead of only PATH, HOME and locale.
            cwd: The plugin's working directory (the engine uses the project directory).
            engine: Run a :class:`FakeEngine` and pass its address as argv[1], as the engine
                does; when False an unreachable address is passed.
            call_timeout: Deadline of each gRPC call, in seconds.
            command: The plugin's command line before the engine address (default: the
                dynamic plugin, ``python -u -m pulumi.dynamic``).
        """
        self._command = list(command or [sys.executable, "-u", "-m", "pulumi.dynamic"])
        self._extra_env = dict(env or {})
        self._pythonpath = [str(Path(p)) for p in pythonpath]
        self._inherit_env = inherit_env
        self._cwd = str(cwd) if cwd is not None else None
        self._use_engine = engine
        self._call_timeout = call_timeout
        self.engine = FakeEngine()
        self.accept_secrets = False
        self._engine_server: Any = None
        self._engine_address = "127.0.0.1:1"
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._stdout_lines: queue.Queue[bytes | None] = queue.Queue()
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._stderr_grew = threading.Condition()
        self._readers: list[threading.Thread] = []
        self.port = 0

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self) -> Self:
        """Start the plugin.

        Returns:
            This object.
        """
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the plugin and the fake engine."""
        self.close()

    @property
    def engine_address(self) -> str:
        """The address passed to the plugin as argv[1]."""
        return self._engine_address

    @property
    def engine_logs(self) -> list[LogMessage]:
        """The ``Engine.Log`` calls received so far."""
        return list(self.engine.messages)

    @property
    def stderr(self) -> str:
        """Everything the plugin wrote to stderr so far."""
        return "".join(self._stderr)

    def wait_for_stderr(self, text: str, timeout: float = 10.0) -> str:
        """Wait until ``text`` appears in the plugin's stderr, and return all of stderr.

        An RPC's reply can arrive before a reader thread has taken the lines the plugin wrote
        just before replying, so a test that expects a line waits for it.

        Raises:
            AssertionError: ``text`` did not appear within ``timeout`` seconds.
        """
        with self._stderr_grew:
            if not self._stderr_grew.wait_for(lambda: text in self.stderr, timeout):
                raise AssertionError(
                    f"{text!r} not in the plugin's stderr after {timeout}s:\n{self.stderr}"
                )
        return self.stderr

    @property
    def stdout(self) -> str:
        """Everything the plugin wrote to stdout after the port line."""
        return "".join(self._stdout)

    @property
    def returncode(self) -> int | None:
        """The plugin's exit status, or None while it runs."""
        return None if self._proc is None else self._proc.poll()

    def start(self) -> None:
        """Start the fake engine and the plugin, and connect to the port it prints.

        Raises:
            PluginStartError: When the plugin exits or prints no port within the timeout.
        """
        if self._use_engine:
            self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
            engine_pb2_grpc.add_EngineServicer_to_server(self.engine, self._engine_server)
            engine_port = self._engine_server.add_insecure_port("127.0.0.1:0")
            self._engine_server.start()
            self._engine_address = f"127.0.0.1:{engine_port}"
        # -u like the pulumi-resource-pulumi-python shim: the plugin writes its port without
        # flushing, so a block-buffered stdout would never deliver it.
        argv = [*self._command, self._engine_address]
        self._proc = subprocess.Popen(  # noqa: S603 - argv is fixed, no shell
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._build_env(),
            cwd=self._cwd,
        )
        assert self._proc.stdout is not None
        assert self._proc.stderr is not None
        self._readers = [
            threading.Thread(target=self._pump_stdout, args=(self._proc.stdout,), daemon=True),
            threading.Thread(target=self._pump_stderr, args=(self._proc.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            first = self._stdout_lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            first = None
        if first is None or not first.strip().isdigit():
            self.close()
            raise PluginStartError(
                f"the plugin printed no port (got {first!r}); stderr:\n{self.stderr}"
            )
        self.port = int(first.strip())
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        grpc.channel_ready_future(self._channel).result(timeout=STARTUP_TIMEOUT)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    def close(self) -> None:
        """Terminate the plugin, drain its output and stop the fake engine."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        for reader in self._readers:
            reader.join(timeout=5)
        self._readers = []
        if self._engine_server is not None:
            self._engine_server.stop(0)
            self._engine_server = None

    def _build_env(self) -> dict[str, str]:
        if self._inherit_env:
            env = dict(os.environ)
        else:
            env = {key: os.environ[key] for key in _BASE_ENV_KEYS if key in os.environ}
        env.update(self._extra_env)
        paths = [*self._pythonpath]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        if paths:
            env["PYTHONPATH"] = os.pathsep.join(paths)
        return env

    def _pump_stdout(self, stream: Any) -> None:
        first = True
        for line in iter(stream.readline, b""):
            if first:
                self._stdout_lines.put(line)
                first = False
            else:
                self._stdout.append(line.decode(errors="replace"))
        if first:
            self._stdout_lines.put(None)
        stream.close()

    def _pump_stderr(self, stream: Any) -> None:
        for line in iter(stream.readline, b""):
            with self._stderr_grew:
                self._stderr.append(line.decode(errors="replace"))
                self._stderr_grew.notify_all()
        stream.close()

    # ---------------------------------------------------------------- RPCs

    def stop_engine(self) -> None:
        """Stop the fake engine, as if the engine that started the plugin were gone."""
        if self._engine_server is not None:
            self._engine_server.stop(0)
            self._engine_server = None

    def wait(self, timeout: float) -> int:
        """Wait until the plugin exits by itself; returns its exit status.

        Raises:
            subprocess.TimeoutExpired: It still runs after ``timeout`` seconds.
        """
        if self._proc is None:
            raise PluginError("the plugin was never started")
        return self._proc.wait(timeout=timeout)

    def call(self, method: str, request: Any) -> Any:
        """Call any RPC with a ready request message (e.g. ``GetPluginInfo``, ``Invoke``).

        Raises:
            PluginRpcError: The call failed; its ``__cause__`` is the ``grpc.RpcError`` (with
                the trailing metadata that carries status details).
        """
        return self._call(method, request)

    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise PluginError("the plugin is not running; use start() or a with block")
        try:
            return getattr(self._stub, method)(request, timeout=self._call_timeout)
        except grpc.RpcError as exc:
            raise PluginRpcError(method, exc.code(), exc.details() or "") from exc

    def _props(self, props: Mapping[str, Any]) -> struct_pb2.Struct:
        # A plugin that answered acceptSecrets=False (the dynamic one does) gets plain values.
        plain = props if self.accept_secrets else unwrap_secrets(props)
        return _serialize_struct(plain)

    def _resource_call(self, method: str, urn: str, **fields: Any) -> Any:
        # A per-resource request carries the URN, the name and type in it, and property structs.
        type_, name = _urn_parts(urn)
        request = getattr(provider_pb2, f"{method}Request")(
            urn=urn,
            name=name,
            type=type_,
            **{k: self._props(v) if isinstance(v, Mapping) else v for k, v in fields.items()},
        )
        return self._call(method, request)

    def configure(self, config: Mapping[str, Any], *, secret_keys: Collection[str] = ()) -> bool:
        """Send the stack config, as the engine does once before any other call.

        The engine fills both ``variables`` (strings) and ``args`` (a struct in which secret
        values are wrapped); the Python plugin reads ``args`` and unwraps secrets.

        Args:
            config: Full config keys to values, e.g. ``{"pinecone:apiKey": "..."}``.
            secret_keys: The keys whose values are secret.

        Returns:
            The plugin's ``acceptSecrets`` answer (False for the Python dynamic plugin).
        """
        args = {
            key: rpc.wrap_rpc_secret(value) if key in secret_keys else value
            for key, value in config.items()
        }
        request = provider_pb2.ConfigureRequest(
            variables={key: str(value) for key, value in config.items()},
            args=_serialize_struct(args),
            acceptSecrets=True,
            acceptResources=True,
        )
        response = self._call("Configure", request)
        self.accept_secrets = bool(response.acceptSecrets)
        return self.accept_secrets

    # The resource RPCs take the engine's arguments: ``urn`` the resource's URN, ``id_`` its
    # id, ``olds``/``props`` its stored outputs (Check: its old inputs), ``news`` the checked
    # new inputs and ``inputs``/``old_inputs`` the stored inputs; property maps include
    # ``__provider`` where the engine sends it.

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckResponse:
        """Call Check; returns the checked inputs and failures."""
        response = self._resource_call("Check", urn, olds=olds, news=news)
        failures = [(f.property, f.reason) for f in response.failures]
        return CheckResponse(_deserialize_struct(response.inputs), failures)

    def diff(
        self,
        id_: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
    ) -> DiffResponse:
        """Call Diff; returns the diff the engine receives."""
        response = self._resource_call(
            "Diff", urn, id=id_, olds=olds, news=news, old_inputs=old_inputs or {}
        )
        changes: DiffChanges = provider_pb2.DiffResponse.DiffChanges.Name(response.changes)
        return DiffResponse(changes, list(response.replaces), bool(response.deleteBeforeReplace))

    def create(self, urn: str, props: Mapping[str, Any], *, timeout: float = 0) -> CreateResponse:
        """Call Create; returns the id and outputs."""
        response = self._resource_call("Create", urn, properties=props, timeout=timeout)
        return CreateResponse(response.id, _deserialize_struct(response.properties))

    def read(
        self,
        id_: str,
        urn: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadResponse:
        """Call Read (as ``pulumi refresh`` does); returns the id (empty when gone) and state."""
        response = self._resource_call("Read", urn, id=id_, properties=props, inputs=inputs or {})
        new_inputs = _deserialize_struct(response.inputs) if response.HasField("inputs") else None
        return ReadResponse(response.id, _deserialize_struct(response.properties), new_inputs)

    def update(
        self,
        id_: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call Update; returns the new outputs."""
        response = self._resource_call(
            "Update", urn, id=id_, olds=olds, news=news, old_inputs=old_inputs or {}
        )
        return _deserialize_struct(response.properties)

    def delete(
        self,
        id_: str,
        urn: str,
        props: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
    ) -> None:
        """Call Delete."""
        self._resource_call("Delete", urn, id=id_, properties=props, old_inputs=old_inputs or {})


__all__ = [
    "CheckResponse",
    "CreateResponse",
    "DiffResponse",
    "DynamicPluginProcess",
    "FakeEngine",
    "LogMessage",
    "PluginError",
    "PluginRpcError",
    "PluginStartError",
    "ReadResponse",
    "provider_props",
    "serialize_provider",
]
