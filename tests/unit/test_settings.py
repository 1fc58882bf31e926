"""Where credentials and the endpoint come from, and what is refused."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.errors import ConfigurationError
from pulumi_pinecone_restore.settings import ClientSettings, normalize_controller_host


def test_explicit_values_win_over_environment() -> None:
    """Stack config passed explicitly beats the environment."""
    settings = ClientSettings.resolve(
        api_key="from-config",
        controller_host="https://a.example",
        environ={"PINECONE_API_KEY": "from-env", "PINECONE_CONTROLLER_HOST": "https://b.example"},
    )
    assert settings.api_key == "from-config"
    assert settings.controller_host == "https://a.example"


def test_environment_is_the_fallback() -> None:
    """Without explicit values the environment is used, then the public default host."""
    settings = ClientSettings.resolve(environ={"PINECONE_API_KEY": "k"})
    assert settings.api_key == "k"
    assert settings.controller_host == "https://api.pinecone.io"


def test_missing_key_says_how_to_set_it() -> None:
    """No key anywhere raises a ConfigurationError naming both ways to provide it."""
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.resolve(environ={})
    assert "pinecone:apiKey" in str(info.value)
    assert "PINECONE_API_KEY" in str(info.value)


def test_api_key_is_not_in_repr() -> None:
    """The key never shows in the settings' repr."""
    settings = ClientSettings(api_key="sekrit-key-123")
    assert "sekrit-key-123" not in repr(settings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:5080", "http://127.0.0.1:5080"),
        ("localhost:5080/", "http://localhost:5080"),
        ("api.pinecone.io", "https://api.pinecone.io"),
        ("http://[::1]:9", "http://[::1]:9"),
        ("https://x.example/", "https://x.example"),
    ],
)
def test_hosts_are_normalized(value: str, expected: str) -> None:
    """Bare hosts get a scheme (http only for loopback) and lose trailing slashes."""
    assert normalize_controller_host(value) == expected


@pytest.mark.parametrize("value", ["http://api.pinecone.io", "http://10.0.0.5:80", "ftp://x", " "])
def test_unsafe_or_broken_hosts_are_refused(value: str) -> None:
    """Plain http off this machine, other schemes and blanks are refused."""
    with pytest.raises(ConfigurationError):
        normalize_controller_host(value)
