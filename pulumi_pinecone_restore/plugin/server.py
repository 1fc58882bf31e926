"""The ``pulumi-resource-pinecone-restore`` executable: the provider served over gRPC.

The engine starts the plugin with its own gRPC address as the first argument and reads the port
from the first line of stdout (:func:`main`, as ``pulumi.provider.experimental.server.main``
does). Three things are added to the SDK's server:

- **Errors as one message.** The SDK's servicer appends a Python traceback to every error. Here
  the errors this package raises on purpose (refusals, API errors, bad input, timeouts) reach
  the engine as one gRPC status whose message is the error's text, with property names as the
  schema spells them; only a bug (any other exception) keeps its traceback.
- **Partial creates.** :class:`~.provider.PartialCreateError` becomes Pulumi's
  ``ErrorResourceInitFailed`` status detail (id, properties, reason); the engine's ``Cancel``
  (Ctrl-C) makes each running create end that way at once.
- **Progress and lifetime.** Progress lines go to the engine's ``Log`` service with the
  resource's URN; the plugin exits when the engine is gone (its parent process died, or the
  engine's address stopped answering), instead of living on after a killed ``pulumi``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import grpc
import grpc.aio
from google.protobuf import any_pb2, empty_pb2, struct_pb2  # type: ignore[import-untyped]
from pulumi.provider.experimental import provider as sdk
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    plugin_pb2,
    provider_pb2,
    provider_pb2_grpc,
    status_pb2,
)

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.errors import PineconeRestoreError
from pulumi_pinecone_restore.plugin.provider import (
    PartialCreateError,
    PineconeRestoreProvider,
    camel_message,
)
from pulumi_pinecone_restore.plugin.watch import ENGINE_MISSES, engine_answers, watch_engine

__all__ = ["ENGINE_MISSES", "EngineLog", "PluginServicer", "main", "watch_engine"]

T = TypeVar("T")
R = TypeVar("R")
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
# The fields of the engine's request that each SDK request takes, in its argument order.
_FIELDS: dict[Callable[..., Any], tuple[str, ...]] = {
    sdk.CheckRequest: ("urn", "olds", "news", "randomSeed"),
    sdk.DiffRequest: ("urn", "id", "olds", "news", "ignoreChanges"),
    sdk.CreateRequest: ("urn", "properties", "timeout", "preview"),
    sdk.ReadRequest: ("urn", "id", "properties", "inputs"),
    sdk.UpdateRequest: ("urn", "id", "olds", "news", "timeout", "ignoreChanges", "preview"),
    sdk.DeleteRequest: ("urn", "id", "properties", "timeout"),
    sdk.InvokeRequest: ("tok", "args"),
}


class EngineLog:
    """Sends progress lines to the engine's ``Log`` service, attached to a resource.

    Args:
        address: The engine's gRPC address (the plugin's first argument).
    """

    def __init__(self, address: str) -> None:
        """Open the channel (lazily connected; a line that cannot be sent goes to stderr)."""
        self._address = address
        self._channel = grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)
        self._engine = engine_pb2_grpc.EngineStub(self._channel)

    def __call__(self, urn: str, message: str) -> None:
        """Log ``message`` at info level on the row of ``urn``."""
        try:
            self._engine.Log(
                engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn=urn),
                timeout=10,
            )
        except grpc.RpcError:
            # The engine relays a plugin's stderr as info lines (without the resource's row).
            sys.stderr.write(message + "\n")
            sys.stderr.flush()

    def alive(self) -> bool:
        """Whether the engine answers now (see :func:`.watch.engine_answers`)."""
        return engine_answers(self._address)


class PluginServicer(ProviderServicer):
    """The SDK's servicer with errors as one message and partial creates reported."""

    def _message(self, exc: BaseException) -> str:
        return camel_message(str(exc))

    async def _guard(self, context: Any, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except PartialCreateError as exc:
            await context.abort_with_status(self._init_failed(exc))
            raise  # abort_with_status raised already
        except (PineconeRestoreError, ValueError) as exc:
            # The engine shows the status message as the operation's error: one sentence.
            await context.abort(grpc.StatusCode.UNKNOWN, self._message(exc))
            raise

    async def _serve(
        self,
        context: Any,
        method: Callable[[R], Awaitable[T]],
        kind: Callable[..., R],
        request: Any,
    ) -> T:
        """``method`` on the SDK request of ``kind`` built from the engine's ``request``."""
        return await self._guard(context, lambda: method(_sdk_request(kind, request)))

    def _init_failed(self, exc: PartialCreateError) -> grpc.Status:
        reason = self._message(exc)
        detail = provider_pb2.ErrorResourceInitFailed(
            id=exc.resource_id,
            properties=PropertyValue.marshal_map(exc.properties),
            reasons=[reason],
        )
        status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=reason)
        packed = any_pb2.Any()
        packed.Pack(detail)
        status.details.append(packed)
        return _Status(
            code=grpc.StatusCode.UNKNOWN,
            details=reason,
            trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),),
        )

    async def GetPluginInfo(self, request: Any, context: Any) -> Any:  # noqa: N802
        """The package version."""
        del request, context
        return plugin_pb2.PluginInfo(version=self._version)

    async def Cancel(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Ctrl-C during ``pulumi up``: creates stop waiting (the engine waits for their answer)."""
        del request, context
        await self._provider.cancel()
        return empty_pb2.Empty()

    async def GetSchema(self, request: Any, context: Any) -> Any:  # noqa: N802
        """The package schema."""
        resp = await self._guard(
            context,
            lambda: self._provider.get_schema(sdk.GetSchemaRequest(request.version)),
        )
        return provider_pb2.GetSchemaResponse(schema=resp.schema or "")

    async def CheckConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Check the provider's settings."""
        return await self._check(self._provider.check_config, request, context)

    async def DiffConfig(self, request: Any, context: Any) -> Any:  # noqa: N802
        """A changed setting (another project) replaces nothing: resources keep their ids."""
        del request, context
        return provider_pb2.DiffResponse(changes=provider_pb2.DiffResponse.DIFF_UNKNOWN)

    async def Configure(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Take the provider's settings."""
        resp = await self._guard(
            context,
            lambda: self._provider.configure(
                sdk.ConfigureRequest(
                    dict(request.variables),
                    PropertyValue.unmarshal_map(request.args),
                    request.acceptSecrets,
                    request.acceptResources,
                )
            ),
        )
        return provider_pb2.ConfigureResponse(
            acceptSecrets=resp.accept_secrets,
            acceptResources=resp.accept_resources,
            acceptOutputs=resp.accept_outputs,
            supportsPreview=resp.supports_preview,
        )

    async def Check(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Check a resource's inputs."""
        return await self._check(self._provider.check, request, context)

    async def _check(
        self,
        method: Callable[[sdk.CheckRequest], Awaitable[sdk.CheckResponse]],
        request: Any,
        context: Any,
    ) -> Any:
        """CheckConfig and Check: the same request and answer, for settings or a resource."""
        return _check_response(await self._serve(context, method, sdk.CheckRequest, request))

    async def Diff(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Diff a resource."""
        resp = await self._serve(context, self._provider.diff, sdk.DiffRequest, request)
        changes = provider_pb2.DiffResponse.DIFF_UNKNOWN
        if resp.changes is not None:
            changes = (
                provider_pb2.DiffResponse.DIFF_SOME
                if resp.changes
                else provider_pb2.DiffResponse.DIFF_NONE
            )
        return provider_pb2.DiffResponse(
            replaces=resp.replaces,
            stables=resp.stables,
            deleteBeforeReplace=resp.delete_before_replace,
            changes=changes,
            diffs=resp.diffs,
            detailedDiff={
                k: provider_pb2.PropertyDiff(
                    kind=v.kind.value,  # type: ignore[arg-type] # same numbering as the proto
                    inputDiff=v.input_diff,
                )
                for k, v in resp.detailed_diff.items()
            },
            hasDetailedDiff=True,
        )

    async def Create(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Create a resource."""
        resp = await self._serve(context, self._provider.create, sdk.CreateRequest, request)
        return provider_pb2.CreateResponse(
            id=resp.resource_id or "", properties=PropertyValue.marshal_map(resp.properties)
        )

    async def Read(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Read (refresh or import) a resource."""
        resp = await self._serve(context, self._provider.read, sdk.ReadRequest, request)
        if not resp.resource_id:
            # Gone: no id and no property maps at all. The engine's import fails ("does not
            # exist") only when the outputs are nil; an empty map imported a ghost.
            return provider_pb2.ReadResponse()
        return provider_pb2.ReadResponse(
            id=resp.resource_id,
            properties=PropertyValue.marshal_map(resp.properties),
            inputs=PropertyValue.marshal_map(resp.inputs),
        )

    async def Update(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Update a resource in place."""
        resp = await self._serve(context, self._provider.update, sdk.UpdateRequest, request)
        return provider_pb2.UpdateResponse(properties=PropertyValue.marshal_map(resp.properties))

    async def Delete(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Delete a resource."""
        await self._serve(context, self._provider.delete, sdk.DeleteRequest, request)
        return empty_pb2.Empty()

    async def Invoke(self, request: Any, context: Any) -> Any:  # noqa: N802
        """Call a function (``getBackup``, ``getRestoreJob``)."""
        resp = await self._serve(context, self._provider.invoke, sdk.InvokeRequest, request)
        failures = [
            provider_pb2.CheckFailure(property=f.property, reason=f.reason) for f in resp.failures
        ]
        ret: dict[str, Any] = {"failures": failures}
        if resp.return_value:
            ret["return"] = PropertyValue.marshal_map(resp.return_value)
        return provider_pb2.InvokeResponse(**ret)


class _Status(grpc.Status):  # type: ignore[misc]
    """A gRPC status with details (grpc.Status is an abstract named-tuple-like class)."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing_metadata: Any) -> None:
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


def _sdk_request(kind: Callable[..., R], request: Any) -> R:
    """The SDK request of ``kind`` from the engine's: maps unmarshalled, lists copied."""
    values: list[Any] = []
    for name in _FIELDS[kind]:
        value = getattr(request, name)
        if isinstance(value, struct_pb2.Struct):
            value = PropertyValue.unmarshal_map(value)
        elif name == "ignoreChanges":
            value = list(value)
        values.append(value)
    return kind(*values)


def _check_response(resp: sdk.CheckResponse) -> Any:
    return provider_pb2.CheckResponse(
        inputs=PropertyValue.marshal_map(resp.inputs) if resp.inputs is not None else None,
        failures=[
            provider_pb2.CheckFailure(property=f.property, reason=f.reason)
            for f in resp.failures or []
        ],
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the provider: print the port, serve until the engine stops the plugin or goes.

    Args:
        argv: The arguments (default ``sys.argv[1:]``): the engine's address first.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="pulumi-resource-pinecone-restore",
        description="The pinecone-restore Pulumi provider plugin (started by the Pulumi engine).",
    )
    parser.add_argument("engine", help="the Pulumi engine's gRPC address")
    parser.add_argument("--logflow", action="store_true", help="ignored (engine flag)")
    parser.add_argument("--logtostderr", action="store_true", help="ignored (engine flag)")
    parser.add_argument("-v", dest="verbosity", default=None, help="ignored (engine flag)")
    known, _ = parser.parse_known_args(args)
    log = EngineLog(known.engine)
    provider = PineconeRestoreProvider(log)
    parent = os.getppid()
    threading.Thread(
        target=watch_engine,
        args=(parent, log.alive, lambda: os._exit(0)),
        name="engine-watch",
        daemon=True,
    ).start()

    async def serve() -> None:
        server = grpc.aio.server(options=_CHANNEL_OPTIONS)
        servicer = PluginServicer(args, __version__, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        # The engine ends a plugin with SIGINT (then SIGKILL): stop the server inside the loop,
        # so nothing is left for grpc to shut down while the interpreter exits.
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        await stopping.wait()
        await server.stop(grace=None)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
