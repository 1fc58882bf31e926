"""The process's clients: shared per settings, bounded, the evicted ones closed."""

from __future__ import annotations

from pulumi_pinecone_restore.lifecycle import runtime
from pulumi_pinecone_restore.settings import ClientSettings


def _settings(n: int) -> ClientSettings:
    return ClientSettings(api_key=f"key-{n}", controller_host=f"http://127.0.0.{n + 1}:9")


def test_one_client_per_settings_is_shared() -> None:
    """The same settings get the same client (one session and pool for every resource)."""
    assert runtime.shared_client(_settings(1)) is runtime.shared_client(_settings(1))


def test_clients_are_bounded_and_the_evicted_are_closed() -> None:
    """Past MAX_CLIENTS the least recently used client is dropped and its session closed."""
    first = runtime.shared_client(_settings(100))
    first._get_session()
    kept = runtime.shared_client(_settings(101))
    for n in range(runtime.MAX_CLIENTS):
        runtime.shared_client(_settings(102 + n))
        runtime.shared_client(_settings(101))  # used again: kept
    assert len(runtime._CLIENTS) <= runtime.MAX_CLIENTS
    assert runtime.shared_client(_settings(101)) is kept
    assert first._session is None
    assert runtime.shared_client(_settings(100)) is not first  # made again when asked again


def test_the_cache_shows_no_api_key() -> None:
    """The cache of clients holds a digest of each key, so its repr shows no key."""
    runtime.shared_client(_settings(7))
    assert "key-7" not in repr(runtime._CLIENTS)


def test_the_shared_pool_fits_the_calls_a_process_runs_at_once() -> None:
    """A runtime that runs N operations at once gets a client keeping N connections.

    The provider plugin serves up to ``MAX_CALLS`` at once: with a pool of the default 16,
    50 concurrent creates threw 34 connections away ("pool is full", benchmarks/client_cache).
    """
    from pulumi_pinecone_restore.plugin.provider import (  # noqa: PLC0415 - gRPC only here
        MAX_CALLS,
        PineconeRestoreProvider,
    )

    config = {"pinecone:apiKey": "key-pool", "pinecone:controllerHost": "http://127.0.0.9:9"}
    assert runtime.Runtime(config=config).client().settings.pool_size == 16
    assert runtime.Runtime(config=config, calls_at_once=64).client().settings.pool_size == 64
    plugin = PineconeRestoreProvider(lambda _urn, _message: None, environ={})
    assert plugin._runtime.calls_at_once == MAX_CALLS
