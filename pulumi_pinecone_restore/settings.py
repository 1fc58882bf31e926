"""Where the client finds its API key and controller host, and how it retries.

Precedence for each value: an explicit argument (e.g. the stack config ``pinecone:apiKey`` that a
provider's ``configure()`` receives), then the environment (``PINECONE_API_KEY``,
``PINECONE_CONTROLLER_HOST``), then the default host ``https://api.pinecone.io``.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any, NoReturn
from urllib.parse import urlsplit

import attrs

from pulumi_pinecone_restore.errors import ConfigurationError

__all__ = ["DEFAULT_CONTROLLER_HOST", "ClientSettings", "RetryPolicy", "normalize_controller_host"]

DEFAULT_CONTROLLER_HOST = "https://api.pinecone.io"
API_KEY_ENV = "PINECONE_API_KEY"
CONTROLLER_HOST_ENV = "PINECONE_CONTROLLER_HOST"

# Timeouts and retry numbers, in one place: the client, the lifecycle engine's re-sent starting
# request and the CLI all take theirs from here. An operation's time budget (a create_timeout)
# cuts every one of them to what remains of it (see ``polling.bounded``).
CONNECT_TIMEOUT = 5.0  # seconds to open a TCP (and TLS) connection
READ_TIMEOUT = 30.0  # seconds to wait for an answer once the request is sent
RETRY_ATTEMPTS = 5  # retries after the first try
BACKOFF_FACTOR = 0.5  # seconds; the n-th retry (n >= 2) waits factor * 2**(n-1)
BACKOFF_MAX = 20.0  # the longest backoff between two tries
MAX_RETRY_AFTER = 60.0  # the longest Retry-After honoured; longer ones are capped
#: Statuses answered before anything was done, or by a gateway: worth another try.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@attrs.frozen
class RetryPolicy:
    """How idempotent requests are retried on 429, 5xx and connection errors.

    Attributes:
        attempts: Retries after the first try (so ``attempts + 1`` requests at most).
        backoff_factor: urllib3 exponential backoff factor, seconds (0 turns waiting off).
        backoff_max: Longest single backoff, seconds.
        max_retry_after: Longest ``Retry-After`` honoured, seconds; longer values are capped.
        connect_attempts: Retries of a connection that could not be made at all (refused,
            unresolvable); ``None`` means ``attempts``. A command line sets it low to fail fast.
    """

    attempts: int = RETRY_ATTEMPTS
    backoff_factor: float = BACKOFF_FACTOR
    backoff_max: float = BACKOFF_MAX
    max_retry_after: float = MAX_RETRY_AFTER
    connect_attempts: int | None = None

    def backoff(self, retry: int) -> float:
        """Seconds to wait before the ``retry``-th retry (1-based): 0, then exponential, capped.

        The formula is urllib3's ``Retry.get_backoff_time`` (no wait before the first retry),
        so a re-sent starting request and a retried read wait alike.
        """
        if retry <= 1:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** (retry - 1)))


def _is_loopback(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def normalize_controller_host(value: str) -> str:
    """Return ``value`` as a base URL without trailing slash, refusing plain http off-machine.

    Args:
        value: ``https://host``, ``http://127.0.0.1:5080`` or a bare ``host[:port]``.

    Returns:
        The base URL. A bare host gets ``https://``, except loopback hosts, which get ``http://``
        (that is where the local emulator listens).

    Raises:
        ConfigurationError: The scheme is not http(s), or plain http points off this machine.
    """
    text = value.strip().rstrip("/")
    if not text:
        raise ConfigurationError("pinecone:controllerHost is empty; unset it or give a URL")
    if "://" not in text:
        host_only = urlsplit(f"//{text}").hostname or ""
        text = f"{'http' if _is_loopback(host_only) else 'https'}://{text}"
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(
            f"pinecone:controllerHost {value!r} is not an http(s) URL; "
            "use e.g. https://api.pinecone.io or http://127.0.0.1:5080"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        # The API key travels in a header: never send it in clear text over a network.
        raise ConfigurationError(
            f"pinecone:controllerHost {value!r} uses plain http to a non-loopback host; "
            "use https (plain http is allowed only for 127.0.0.1/localhost, e.g. the emulator)"
        )
    return text


@attrs.frozen
class ClientSettings:
    """Everything the control-plane client needs to talk to Pinecone.

    Attributes:
        api_key: The Pinecone API key; kept out of ``repr``, never logged, never pickled
            (pickling raises ``TypeError``).
        controller_host: Base URL of the control plane.
        connect_timeout: Seconds to wait for a TCP connection (cut to what remains of an
            operation's budget, see ``polling.bounded``).
        read_timeout: Seconds to wait for a response (cut the same way).
        retry: Retry policy for idempotent requests.
        pool_size: Connections kept per host; a caller that runs N calls at once asks for N.
    """

    api_key: str = attrs.field(repr=False)
    controller_host: str = attrs.field(
        default=DEFAULT_CONTROLLER_HOST, converter=normalize_controller_host
    )
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    retry: RetryPolicy = RetryPolicy()
    pool_size: int = 16

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None = None,
        controller_host: str | None = None,
        environ: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> ClientSettings:
        """Combine explicit values with the environment.

        Args:
            api_key: Explicit key (stack config ``pinecone:apiKey``); else ``PINECONE_API_KEY``.
            controller_host: Explicit host; else ``PINECONE_CONTROLLER_HOST``; else the default.
            environ: The environment to read; ``os.environ`` (read at call time) when ``None``.
            retry: Retry policy; the default when ``None``.

        Returns:
            The settings.

        Raises:
            ConfigurationError: No API key anywhere, or an unusable host.
        """
        if environ is None:
            environ = os.environ
        key = api_key or environ.get(API_KEY_ENV, "")
        if not key.strip():
            raise ConfigurationError(
                "no Pinecone API key: run `pulumi config set --secret pinecone:apiKey <key>` "
                f"or set the {API_KEY_ENV} environment variable"
            )
        host = controller_host or environ.get(CONTROLLER_HOST_ENV) or DEFAULT_CONTROLLER_HOST
        return cls(api_key=key.strip(), controller_host=host, retry=retry or RetryPolicy())

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        """Refuse pickling: a pickle would carry the API key in clear text."""
        raise TypeError(
            "ClientSettings holds the Pinecone API key and cannot be pickled; pickle the "
            "controller host and call ClientSettings.resolve() where the settings are needed"
        )

    def __copy__(self) -> ClientSettings:
        return self  # frozen: a copy would be the same value

    def __deepcopy__(self, memo: Mapping[int, Any]) -> ClientSettings:
        return self
