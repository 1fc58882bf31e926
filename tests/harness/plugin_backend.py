"""Route :class:`~harness.mocks.ProviderRoutingMocks` into the real plugin instead of in-process.

The routing mocks normally deserialize each ``__provider`` with dill and call it in the test
process. With a :class:`PluginBackedProvider` factory they instead send every call over gRPC to a
running :class:`~harness.plugin.DynamicPluginProcess`, so a whole program runs "through the real
plugin" the way the engine runs it: values serialized with ``serialize_properties``, the provider
deserialized and configured by ``python -m pulumi.dynamic`` itself, errors as gRPC statuses.

Usage::

    with DynamicPluginProcess() as plugin:
        plugin.configure(stack_config, secret_keys={"pinecone:apiKey"})
        mocks = ProviderRoutingMocks(stack_config, provider_factory=plugin_provider_factory(plugin))
        mocks.up(program)
        mocks.destroy()

What the engine does differently and this cannot: values come back from gRPC as the protobuf
``Struct`` carries them, so integers arrive as floats (``16`` → ``16.0``), exactly as they reach
a dynamic provider under ``pulumi up``. An RPC failure raises
:class:`~harness.plugin.PluginRpcError` from the provider method, which fails the run like a
failed step fails ``pulumi up``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from harness.plugin import PROVIDER_KEY, DiffResponse, DynamicPluginProcess

SYNTHETIC_URN = "urn:pulumi:stack::project::pulumi-python:dynamic:Resource::plugin-backed"
"""The URN sent with every call: ``ResourceProvider`` methods do not receive the real one, and
the Python dynamic plugin reads neither URN nor name."""

_CHANGES: dict[str, bool | None] = {"DIFF_UNKNOWN": None, "DIFF_NONE": False, "DIFF_SOME": True}


class PluginBackedProvider(ResourceProvider):
    """A ``ResourceProvider`` whose every method is a gRPC call to the real dynamic plugin.

    Attributes:
        plugin: The running, already configured plugin.
        serialized: The ``__provider`` string the program registered; sent with every call so
            the plugin deserializes (and configures) the same provider the engine would.
    """

    # Never pickled: the mocks call it in-process; this only keeps the SDK's attribute honest.
    serialize_as_secret_always = False

    def __init__(
        self, plugin: DynamicPluginProcess, serialized: str, *, urn: str = SYNTHETIC_URN
    ) -> None:
        """Bind a plugin and a serialized provider.

        Args:
            plugin: A started plugin on which ``configure`` was called.
            serialized: The base64 dill string from ``__provider``.
            urn: The URN to send (the plugin ignores it).
        """
        self.plugin = plugin
        self.serialized = serialized
        self.urn = urn

    def _with_provider(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, PROVIDER_KEY: props.get(PROVIDER_KEY, self.serialized)}

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Call Check.

        Args:
            olds: The old inputs (``{}`` for a new resource).
            news: The new inputs.

        Returns:
            The checked inputs and one ``CheckFailure`` per failed property.

        Raises:
            PluginRpcError: The RPC failed.
        """
        response = self.plugin.check(
            self.urn, self._with_provider(olds) if olds else {}, self._with_provider(news)
        )
        failures = [CheckFailure(prop, reason) for prop, reason in response.failures]
        return CheckResult(response.inputs, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Call Diff.

        Args:
            id_: The resource id.
            olds: The stored outputs.
            news: The checked new inputs.

        Returns:
            The diff as the engine receives it (DIFF_UNKNOWN becomes ``changes=None``).

        Raises:
            PluginRpcError: The RPC failed.
        """
        response: DiffResponse = self.plugin.diff(
            id_, self.urn, self._with_provider(olds), self._with_provider(news)
        )
        return DiffResult(
            changes=_CHANGES[response.changes],
            replaces=response.replaces,
            delete_before_replace=response.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Call Create.

        Args:
            props: The checked inputs.

        Returns:
            The id and outputs.

        Raises:
            PluginRpcError: The RPC failed (the provider raised).
        """
        response = self.plugin.create(self.urn, self._with_provider(props))
        return CreateResult(response.id, response.properties)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Call Read.

        Args:
            id_: The resource id.
            props: The stored outputs.

        Returns:
            The id (empty when gone), outputs and optional new inputs.

        Raises:
            PluginRpcError: The RPC failed.
        """
        response = self.plugin.read(id_, self.urn, self._with_provider(props))
        return ReadResult(response.id, response.properties, response.inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Call Update.

        Args:
            id_: The resource id.
            olds: The stored outputs.
            news: The checked new inputs.

        Returns:
            The new outputs.

        Raises:
            PluginRpcError: The RPC failed.
        """
        outs = self.plugin.update(
            id_, self.urn, self._with_provider(olds), self._with_provider(news)
        )
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Call Delete.

        Args:
            id_: The resource id.
            props: The stored outputs.

        Raises:
            PluginRpcError: The RPC failed.
        """
        self.plugin.delete(id_, self.urn, self._with_provider(props))


def plugin_provider_factory(plugin: DynamicPluginProcess) -> Callable[[str], ResourceProvider]:
    """A ``provider_factory`` for :class:`~harness.mocks.ProviderRoutingMocks` that uses ``plugin``.

    Args:
        plugin: A started plugin on which ``configure`` was called (the engine configures a
            provider once, before any other call).

    Returns:
        A function from a serialized provider string to a :class:`PluginBackedProvider`.
    """

    def factory(serialized: str) -> ResourceProvider:
        return PluginBackedProvider(plugin, serialized)

    return factory


__all__ = ["SYNTHETIC_URN", "PluginBackedProvider", "plugin_provider_factory"]
