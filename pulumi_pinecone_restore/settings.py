"""Where the client finds its API key and controller host, and how it retries.

Precedence for each value: an explicit argument (e.g. the stack config ``pinecone:apiKey`` that a
provider's ``configure()`` receives), then the environment (``PINECONE_API_KEY``,
``PINECONE_CONTROLLER_HOST``), then the default host ``https://api.pinecone.io``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any, NoReturn
from urllib.parse import urlsplit

import attrs
import requests
from urllib3.util import parse_url

from pulumi_pinecone_restore.errors import ConfigurationError

__all__ = [
    "CONTROLLER_HOST_CONFIG",
    "DEFAULT_CONTROLLER_HOST",
    "ClientSettings",
    "RetryPolicy",
    "normalize_controller_host",
]

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


CONTROLLER_HOST_CONFIG = "pinecone:controllerHost"
# Where a program gives its key (the stack config the Python resources read).
KEY_HINT = "run `pulumi config set --secret pinecone:apiKey <key>`"
_HOST_EXAMPLES = "give scheme://host[:port], e.g. https://api.pinecone.io or http://127.0.0.1:5080"
_SCHEMES = ("http", "https")
_SCHEME_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_SCHEME_WITHOUT_SLASHES = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")
_AUTHORITY = re.compile(r"(?P<host>\[[^\]]*\]|[^:\[\]]*)(?::(?P<port>[^:]*))?")
_PORT = re.compile(r"[0-9]{1,5}")
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
# WHATWG URL: a host whose last label is a number is an IPv4 address (so "127.1" or
# "2130706433" connect to 127.0.0.1); only the four-part decimal form is accepted for it.
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_HOST_NAME_MAX = 253
_PORT_MAX = 65535
_SHOWN_MAX = 120


def _is_loopback(host: str) -> bool:
    """Whether ``host`` (as urllib3 connects to it, IPv6 without brackets) is this machine.

    Only ``localhost`` itself and loopback addresses count: ``x.localhost`` is looked up in DNS
    by most resolvers and could point anywhere.
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(text: str) -> str:
    """``text`` for an error message: userinfo (where a key might be) hidden, length capped."""
    if "@" in text:
        head, _, tail = text.rpartition("@")
        scheme = _SCHEME_PREFIX.match(head)
        text = f"{scheme.group(0) if scheme else ''}[userinfo hidden]@{tail}"
    if len(text) > _SHOWN_MAX:
        text = text[:_SHOWN_MAX] + "..."
    return repr(text)


def _refused_character(text: str) -> str | None:
    """Why a character of ``text`` cannot be in a controller URL, or ``None``."""
    if "\\" in text:
        return (
            "contains a backslash, which URL parsers read differently (as part of the path, or "
            "as the end of the host); remove it"
        )
    for position, char in enumerate(text):
        if not "!" <= char <= "~":
            return (
                f"contains a control character, space or non-ASCII character ({char!r} at "
                f"position {position}); write the host in ASCII (xn-- form for a non-ASCII name)"
            )
    if "?" in text or "#" in text:
        return "has a query or fragment ('?' or '#'); give only scheme://host[:port]"
    if "@" in text:
        return (
            "contains userinfo (text before '@'); a controller URL never carries credentials "
            "(the API key travels in the Api-Key header), so remove everything up to the '@'"
        )
    if "%" in text:
        return "contains percent-encoding ('%'); write the host and path plainly"
    return None


def _host_and_port(authority: str) -> tuple[str, int | None, str]:
    """``(host, port, host as written in a URL)`` of ``authority``.

    Raises:
        ValueError: What is wrong with the host or the port.
    """
    match = _AUTHORITY.fullmatch(authority.lower())
    if match is None:
        raise ValueError(
            f"has no usable host[:port] ({authority!r}; an IPv6 address goes in brackets)"
        )
    host_text, port_text = match.group("host"), match.group("port")
    port = None
    if port_text is not None:
        if not _PORT.fullmatch(port_text) or not 1 <= int(port_text) <= _PORT_MAX:
            raise ValueError(
                f"has the port {port_text!r}; a port is a number from 1 to {_PORT_MAX}"
            )
        port = int(port_text)
    host = _host(host_text)
    return host, port, f"[{host}]" if ":" in host else host


def _host(text: str) -> str:
    """The canonical host (IPv6 without brackets).

    Raises:
        ValueError: ``text`` is not a DNS name, a four-part IPv4 address or a bracketed IPv6.
    """
    reason = (
        f"has the host {text!r}, which is neither a DNS name, a four-part decimal IPv4 "
        "address such as 127.0.0.1, nor an IPv6 address in brackets such as [::1]"
    )
    if text.startswith("[") and text.endswith("]"):
        try:
            return ipaddress.IPv6Address(text[1:-1]).compressed
        except ValueError:
            raise ValueError(reason) from None
    labels = text.split(".")
    if len(text) > _HOST_NAME_MAX or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(reason)
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return text
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise ValueError(reason) from None


def _path(text: str) -> str:
    """``text`` (``""`` or ``/a/b``) without trailing slashes.

    Raises:
        ValueError: A segment is empty, ``.``, ``..`` or holds other characters.
    """
    text = text.rstrip("/")
    segments = text.split("/")[1:]
    if any(s in {".", ".."} or not _SEGMENT.fullmatch(s) for s in segments):
        raise ValueError(
            f"has the path {text!r}, which is not plain: use /segments of letters, digits and "
            ". _ ~ - (no '.', '..' or '//'), or no path"
        )
    return text


def _views(url: str) -> dict[str, tuple[Any, ...]]:
    """``(scheme, userinfo, host, port)`` of ``url`` as each parser on the way to a socket sees it.

    requests prepares a URL with urllib3's ``parse_url`` and then picks the connection pool
    with ``urllib.parse``; urllib3 parses it again. A URL is only safe if all of them agree.
    """
    prepared = requests.Request("GET", f"{url}/indexes").prepare().url or ""
    views: dict[str, tuple[Any, ...]] = {}
    for name, text in (("the base URL", url), ("the request URL requests prepares", prepared)):
        split = urlsplit(text)
        views[f"urllib.parse, {name}"] = (
            split.scheme,
            split.username,
            split.hostname,
            split.port,
        )
        parsed = parse_url(text)
        host = parsed.host or ""
        views[f"urllib3, {name}"] = (
            parsed.scheme,
            parsed.auth,
            host[1:-1] if host.startswith("[") else host,
            parsed.port,
        )
    return views


def normalize_controller_host(value: str, *, source: str = CONTROLLER_HOST_CONFIG) -> str:
    """Return ``value`` as a canonical base URL, refusing anything that could connect elsewhere.

    The URL is held to a strict grammar (``scheme://host[:port][/path]``; no userinfo, query,
    fragment, backslash, percent-encoding, control or non-ASCII character; a numeric host only
    as a four-part IPv4 address), rebuilt from its parts, and then parsed again by each parser
    that requests and urllib3 use on the way to a socket: all of them must see the host and
    port it was judged by. Plain http is allowed only to this machine (``localhost``,
    ``127.0.0.0/8``, ``[::1]``), because the API key travels in a header.

    Args:
        value: ``https://host``, ``http://127.0.0.1:5080`` or a bare ``host[:port]``.
        source: Where the value came from, for messages (``--host``, an environment variable).

    Returns:
        The base URL without trailing slash. A bare host gets ``https://``, except loopback
        hosts, which get ``http://`` (that is where the local emulator listens).

    Raises:
        ConfigurationError: The value is not such a URL, or plain http points off this machine.
    """
    if not isinstance(value, str):
        raise ConfigurationError(f"{source} must be a string URL; {_HOST_EXAMPLES}")
    text = value.strip(" ")
    if not text:
        raise ConfigurationError(f"{source} is empty; unset it or {_HOST_EXAMPLES}")
    try:
        return _judge(text)
    except ValueError as exc:
        raise ConfigurationError(f"{source} {_shown(text)} {exc}") from None


def _judge(text: str) -> str:
    """The canonical URL of ``text``; raises ``ValueError`` saying what is wrong."""
    reason = _refused_character(text)
    if reason:
        raise ValueError(reason)
    prefix = _SCHEME_PREFIX.match(text)
    if prefix is None and _SCHEME_WITHOUT_SLASHES.match(text):
        raise ValueError(f"has a scheme without '//'; {_HOST_EXAMPLES}")
    scheme = prefix.group(1).lower() if prefix else None
    if scheme is not None and scheme not in _SCHEMES:
        raise ValueError(f"is not an http(s) URL; {_HOST_EXAMPLES}")
    authority, slash, path_text = text[prefix.end() if prefix else 0 :].partition("/")
    host, port, written = _host_and_port(authority)
    path = _path(slash + path_text)
    if scheme is None:
        scheme = "http" if _is_loopback(host) else "https"
    if scheme == "http" and not _is_loopback(host):
        # The API key travels in a header: never send it in clear text over a network.
        raise ValueError(
            "uses plain http to a non-loopback host; use https (plain http is allowed only "
            "for localhost, 127.0.0.0/8 and [::1], e.g. the emulator)"
        )
    url = f"{scheme}://{written}{'' if port is None else f':{port}'}{path}"
    judged = (scheme, None, host, port)
    for parser, seen in _views(url).items():
        if seen != judged:
            raise ValueError(
                f"is read as {_describe(judged)} here but as {_describe(seen)} by {parser}; "
                f"{_HOST_EXAMPLES}"
            )
    return url


def _describe(view: tuple[Any, ...]) -> str:
    scheme, userinfo, host, port = view
    return f"scheme {scheme!r}, host {host!r}, port {port!r}" + (
        ", with userinfo" if userinfo else ""
    )


def _check_api_key(key: object) -> None:
    """Refuse a key an HTTP header cannot carry, without showing it.

    A line break or other control character (a two-line secret, a key file with a comment)
    made requests refuse the header locally, with the key in its message.
    """
    if not isinstance(key, str):
        raise ConfigurationError(f"the Pinecone API key must be a string, got {type(key).__name__}")
    if any(not " " <= c <= "~" for c in key):
        raise ConfigurationError(
            "the Pinecone API key contains a line break, a control or a non-ASCII character, "
            "so it cannot be sent (nothing was sent); set it again to the key alone, on one "
            "line, as Pinecone shows it"
        )


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

    api_key: str = attrs.field(repr=False, validator=lambda _s, _a, key: _check_api_key(key))
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
        host_source: str = CONTROLLER_HOST_CONFIG,
        key_hint: str = KEY_HINT,
    ) -> ClientSettings:
        """Combine explicit values with the environment.

        Args:
            api_key: Explicit key (stack config ``pinecone:apiKey``); else ``PINECONE_API_KEY``.
            controller_host: Explicit host; else ``PINECONE_CONTROLLER_HOST``; else the default.
            environ: The environment to read; ``os.environ`` (read at call time) when ``None``.
            retry: Retry policy; the default when ``None``.
            host_source: What the explicit host is called in a refusal (e.g. ``--host``).
            key_hint: Where to give a key, when there is none (before the environment variable).

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
                f"no Pinecone API key: {key_hint} or set the {API_KEY_ENV} environment variable"
            )
        if controller_host:
            host = normalize_controller_host(controller_host, source=host_source)
        elif environ.get(CONTROLLER_HOST_ENV):
            host = normalize_controller_host(
                environ[CONTROLLER_HOST_ENV], source=CONTROLLER_HOST_ENV
            )
        else:
            host = DEFAULT_CONTROLLER_HOST
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
