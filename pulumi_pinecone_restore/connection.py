"""An explicit connection: which Pinecone project (API key) and control plane a resource uses.

One program may manage indexes in several Pinecone projects. A generated Pulumi SDK does that
with an explicit ``Provider`` resource whose credentials are inputs; a dynamic provider has no
such resource, and an API key given as a resource input would be stored in the state (even if
encrypted). So a :class:`Connection` names *where* the key is, never the key itself: a stack
config key (set with ``pulumi config set --secret``) or an environment variable. Only those
names, and the controller host, are stored in the state; the provider reads the key when it
runs, exactly as it reads ``pinecone:apiKey``.

Example:
    >>> prod = Connection(api_key_config="pinecone-prod:apiKey")  # doctest: +SKIP
    >>> RestoredIndex("mirror", backup_id=bid, connection=prod)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from pulumi_pinecone_restore.errors import ConfigurationError
from pulumi_pinecone_restore.settings import normalize_controller_host

__all__ = ["Connection"]

_CONFIG_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}:[A-Za-z0-9_.-]{1,100}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_FIELDS = ("api_key_config", "api_key_env", "controller_host")


def _config_key(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and not (isinstance(value, str) and _CONFIG_KEY.fullmatch(value)):
        raise ValueError(
            f"api_key_config {value!r} is not a stack config key: use 'namespace:key', e.g. "
            "'pinecone-prod:apiKey' (set it with `pulumi config set --secret <key> <value>`)"
        )


def _env_name(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and not (isinstance(value, str) and _ENV_NAME.fullmatch(value)):
        raise ValueError(
            f"api_key_env {value!r} is not an environment variable name: use letters, digits "
            "and '_', not starting with a digit"
        )


def _host(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"controller_host must be a string, got {type(value).__name__}")  # noqa: TRY004
    try:
        return normalize_controller_host(value, source="controller_host")
    except ConfigurationError as exc:
        raise ValueError(str(exc)) from exc


@attrs.frozen
class Connection:
    """Where a resource finds its API key and control plane, instead of the stack defaults.

    Attributes:
        api_key_config: A stack config key holding the API key (``"pinecone-prod:apiKey"``);
            set it as a secret. At most one of this and ``api_key_env``; with neither, the
            default key (``pinecone:apiKey``, else ``PINECONE_API_KEY``) is used.
        api_key_env: An environment variable holding the API key (read where the provider
            runs, i.e. in the environment of ``pulumi up``).
        controller_host: The control-plane URL; default ``pinecone:controllerHost``, else
            ``PINECONE_CONTROLLER_HOST``, else ``https://api.pinecone.io``.

    Raises:
        ValueError: A field is malformed, or both key sources are given.
    """

    api_key_config: str | None = attrs.field(default=None, validator=_config_key)
    api_key_env: str | None = attrs.field(default=None, validator=_env_name)
    controller_host: str | None = attrs.field(default=None, converter=_host)

    def __attrs_post_init__(self) -> None:
        if self.api_key_config is not None and self.api_key_env is not None:
            raise ValueError("give api_key_config or api_key_env, not both")

    def to_input(self) -> dict[str, str]:
        """The resource input (names and host only; never a key)."""
        return {k: v for k in _FIELDS if (v := getattr(self, k)) is not None}

    @classmethod
    def from_input(cls, value: Any) -> Connection:
        """The connection a stored or given ``connection`` input describes.

        Raises:
            ValueError: Not a map of the known fields, or a field is malformed.
        """
        if isinstance(value, Connection):
            return value
        if not isinstance(value, Mapping):
            raise ValueError(  # noqa: TRY004
                "must be a Connection(api_key_config=..., api_key_env=..., controller_host=...)"
            )
        unknown = sorted(set(value) - set(_FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {unknown}; the fields are {list(_FIELDS)}")
        return cls(**{k: value.get(k) for k in _FIELDS})

    def describe(self) -> str:
        """Where the key comes from, for messages (never the key)."""
        if self.api_key_config is not None:
            return f"stack config {self.api_key_config!r}"
        if self.api_key_env is not None:
            return f"environment variable {self.api_key_env}"
        return "the default key (pinecone:apiKey, else PINECONE_API_KEY)"
