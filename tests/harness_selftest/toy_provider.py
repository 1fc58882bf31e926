"""A small file-backed dynamic provider that exercises every part of the harnesses.

Each ``Counter`` is one JSON file in a directory named by the ``toy:stateDir`` config key, so the
plugin subprocess and the test share the "cloud" through the filesystem. The provider covers the
whole contract: per-property check failures, a replace-triggering property (``name``), an
updatable one (``value``), ``read`` reporting a vanished resource, ``delete``, a create that
raises (``fail``) and one that logs to the engine itself (``engine_log``).

The class lives in an importable module so dill pickles it by reference, like the real providers.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import grpc
import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

STATE_DIR_KEY = "toy:stateDir"
"""Config key naming the directory that holds one JSON file per counter."""

INPUT_KEYS = ("name", "value", "fail", "engine_log")


class ToyProviderError(Exception):
    """Raised when a toy operation is asked to fail, or its state directory is not configured."""


def _engine_log(message: str) -> None:
    """Send ``message`` to the engine's Log RPC at the address the engine gives the plugin."""
    # `python -m pulumi.dynamic <engine-address>`: the SDK ignores argv[1], so a provider that
    # wants its messages on the engine's Log RPC has to dial it itself.
    address = sys.argv[1] if len(sys.argv) > 1 else ""
    if not address:
        return
    with grpc.insecure_channel(address) as channel:
        engine_pb2_grpc.EngineStub(channel).Log(
            engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn="", ephemeral=True)
        )


class CounterProvider(ResourceProvider):
    """CRUD for counters stored as JSON files; holds no state, so it pickles to a few bytes."""

    _state_dir: Path | None = None

    def configure(self, req: ConfigureRequest) -> None:
        """Read the state directory from stack config."""
        state_dir = req.config.get(STATE_DIR_KEY)
        self._state_dir = Path(state_dir) if state_dir else None

    def _path(self, id_: str) -> Path:
        if self._state_dir is None:
            raise ToyProviderError(f"config {STATE_DIR_KEY} is not set")
        return self._state_dir / f"{id_}.json"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Report a missing name or a negative value against the property."""
        failures: list[CheckFailure] = []
        if not news.get("name"):
            failures.append(CheckFailure("name", "name is required"))
        value = news.get("value", 0)
        if not isinstance(value, (int, float)) or value < 0:
            failures.append(CheckFailure("value", "value must be a number >= 0"))
        inputs = {key: news[key] for key in INPUT_KEYS if key in news}
        inputs.setdefault("value", 0)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace when the name changes, update when the value changes."""
        replaces = ["name"] if olds.get("name") != news.get("name") else []
        changed = replaces or olds.get("value") != news.get("value")
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Write a new counter file."""
        pulumi.log.info(f"creating counter {props['name']}")
        if props.get("engine_log"):
            _engine_log(f"engine log: creating counter {props['name']}")
        if props.get("fail"):
            raise ToyProviderError(str(props["fail"]))
        id_ = f"{props['name']}-{uuid.uuid4().hex[:8]}"
        outs = {"name": props["name"], "value": props["value"], "pid": os.getpid()}
        self._path(id_).write_text(json.dumps(outs))
        return CreateResult(id_, {**outs, "path": str(self._path(id_))})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Read the counter file back; an empty id when it is gone."""
        path = self._path(id_)
        if not path.exists():
            return ReadResult("", {})
        stored = json.loads(path.read_text())
        outs = {**props, "value": stored["value"]}
        inputs = {"name": stored["name"], "value": stored["value"]}
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Rewrite the counter's value."""
        path = self._path(id_)
        stored = json.loads(path.read_text())
        stored["value"] = news["value"]
        path.write_text(json.dumps(stored))
        return UpdateResult({**stored, "path": str(path)})

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Remove the counter file; a missing file is already deleted."""
        self._path(id_).unlink(missing_ok=True)


class Counter(Resource, module="toy", name="Counter"):
    """A counter file managed by :class:`CounterProvider`."""

    name: pulumi.Output[str]
    value: pulumi.Output[int]
    path: pulumi.Output[str]
    pid: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        name: pulumi.Input[str],
        value: pulumi.Input[int] = 0,
        *,
        fail: str = "",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare a counter.

        Args:
            resource_name: The Pulumi resource name.
            name: The counter's name; changing it replaces the counter.
            value: The counter's value; changing it updates in place.
            fail: When set, create raises with this message.
            opts: Resource options.
        """
        props: dict[str, Any] = {"name": name, "value": value, "path": None, "pid": None}
        if fail:
            props["fail"] = fail
        super().__init__(CounterProvider(), resource_name, props, opts)


class Pair(pulumi.ComponentResource):
    """A component holding two counters, to show components route like the engine does."""

    first: Counter
    second: Counter

    def __init__(
        self, resource_name: str, value: int, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Declare the pair.

        Args:
            resource_name: The component's name.
            value: The value of both counters.
            opts: Resource options.
        """
        super().__init__("toy:index:Pair", resource_name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.first = Counter(f"{resource_name}-first", f"{resource_name}-first", value, opts=child)
        self.second = Counter(
            f"{resource_name}-second", f"{resource_name}-second", value, opts=child
        )
        self.register_outputs({"first": self.first.id, "second": self.second.id})
