"""What every provider of this package shares: configuration, the client, progress, budgets.

A provider instance is pickled into the stack's state (``__provider``), so it holds nothing
but a class reference when pickled: credentials arrive later through ``configure()`` (stack
config) or the environment, and the HTTP client is made lazily, once per process.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from pulumi.dynamic import CheckFailure, ConfigureRequest, ResourceProvider
from pulumi.output import Unknown

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.polling import Deadline, PollSchedule
from pulumi_pinecone_restore.settings import ClientSettings, RetryPolicy
from pulumi_pinecone_restore.validation import parse_duration

__all__ = [
    "CONFIG_API_KEY",
    "CONFIG_CONTROLLER_HOST",
    "UNKNOWN",
    "ProviderBase",
    "Runtime",
    "is_unknown",
]

CONFIG_API_KEY = "pinecone:apiKey"
CONFIG_CONTROLLER_HOST = "pinecone:controllerHost"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi.runtime.rpc.UNKNOWN, preview-time value
PROGRESS_EVERY = 10.0  # seconds between progress lines while nothing changes

_CLIENTS: dict[tuple[str, str, RetryPolicy], ControlPlaneClient] = {}
_CLIENTS_LOCK = threading.Lock()


def is_unknown(value: Any) -> bool:
    """Tell whether an input is not known yet (an output of another resource, at preview).

    The real plugin deserializes such a value as a ``pulumi.output.Unknown`` instance (it
    passes ``keep_unknowns=True``); under ``set_mocks`` it is the sentinel string.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def shared_client(settings: ClientSettings) -> ControlPlaneClient:
    """Return this process's client for these settings (one HTTP session per process)."""
    key = (settings.controller_host, settings.api_key, settings.retry)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = ControlPlaneClient(settings)
        return client


def _stderr_progress(message: str) -> None:
    # The engine shows each stderr line of a provider plugin as an info diagnostic during
    # `pulumi up`; this is the only channel a dynamic provider has to the person waiting.
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@attrs.define
class Runtime:
    """The process-local, never-pickled parts of a provider.

    Attributes:
        config: Stack config received by ``configure()``.
        environ: Environment to read credentials from.
        sleep: Sleep function (tests pass a no-op).
        clock: Monotonic clock.
        schedule: Poll schedule.
        progress: Where progress lines go.
        retry: Retry policy for the HTTP client.
    """

    config: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    environ: Mapping[str, str] = attrs.field(factory=lambda: os.environ, repr=False)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    schedule: PollSchedule = attrs.field(factory=PollSchedule)
    progress: Callable[[str], None] = _stderr_progress
    retry: RetryPolicy | None = None
    client_override: ControlPlaneClient | None = None

    def client(self) -> ControlPlaneClient:
        """The control-plane client, from stack config first, then the environment."""
        if self.client_override is not None:
            return self.client_override
        settings = ClientSettings.resolve(
            api_key=_config_str(self.config, CONFIG_API_KEY),
            controller_host=_config_str(self.config, CONFIG_CONTROLLER_HOST),
            environ=self.environ,
            retry=self.retry,
        )
        return shared_client(settings)

    def deadline(self, budget: float) -> Deadline:
        """A deadline ``budget`` seconds from now on this runtime's clock."""
        return Deadline(budget, clock=self.clock)


def _config_str(config: Mapping[str, Any], key: str) -> str | None:
    value = config.get(key)
    return value if isinstance(value, str) and value else None


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
            self._runtime = Runtime()
        return self._runtime

    @runtime.setter
    def runtime(self, value: Runtime) -> None:
        self._runtime = value

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack config (``pinecone:apiKey``, ``pinecone:controllerHost``) in memory."""
        config: dict[str, Any] = {}
        for key in (CONFIG_API_KEY, CONFIG_CONTROLLER_HOST):
            value = req.config.get(key)
            if value is not None:
                config[key] = value
        self.runtime = attrs.evolve(self.runtime, config=config)


def check_budget(
    news: Mapping[str, Any], prop: str, failures: list[CheckFailure]
) -> float | None:
    """Validate a time-budget input, appending a failure for ``prop`` when it is bad."""
    value = news.get(prop)
    if value is None or is_unknown(value):
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        failures.append(CheckFailure(prop, f"{prop}: {exc}"))
        return None


def budget_of(props: Mapping[str, Any], prop: str, default: float) -> float:
    """Read an already validated time budget, or the default."""
    value = props.get(prop)
    if value is None:
        return default
    try:
        return parse_duration(value)
    except ValueError:
        return default


class ProgressThrottle:
    """Forwards a progress line when it says something new, or every ``every`` seconds."""

    def __init__(
        self, emit: Callable[[str], None], clock: Callable[[], float], every: float = PROGRESS_EVERY
    ) -> None:
        """Wrap ``emit``."""
        self._emit = emit
        self._clock = clock
        self._every = every
        self._last_key: str | None = None
        self._last_at = float("-inf")

    def __call__(self, key: str, message: str) -> None:
        """Emit ``message`` if ``key`` changed or enough time passed."""
        now = self._clock()
        if key != self._last_key or now - self._last_at >= self._every:
            self._last_key, self._last_at = key, now
            self._emit(message)
