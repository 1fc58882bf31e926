"""The controller-host rule: the key goes where the URL was judged to point, and nowhere else.

A URL is judged once (``normalize_controller_host``); the connection is then made by requests
and urllib3, which parse the text again. These tests check the judgement against the corpus
(``CONTROLLER_HOST_BAD`` / ``CONTROLLER_HOST_VALID``), and check where connections really go
without leaving the machine: by recording the host and port urllib3 would open a connection
pool for, and by loopback listeners on different 127.x addresses that record who was reached.
Every door a host comes through is tried: ``ClientSettings`` (``ControlPlaneClient``), the
environment, the provider's stack config, ``Connection``, a stored ``connection`` input and the
CLI's ``--host`` and environment variable.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import urllib3.poolmanager
from corpus.inputs import CONTROLLER_HOST_BAD, CONTROLLER_HOST_VALID
from pulumi.dynamic import Config, ConfigureRequest
from support import run_cli
from unit.scripted_server import Answer, ScriptedServer, Seen, ServerFactory
from urllib3.util import parse_url

from pulumi_pinecone_restore import settings as settings_module
from pulumi_pinecone_restore.cli import main as cli_main
from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.errors import ConfigurationError
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider
from pulumi_pinecone_restore.settings import (
    ClientSettings,
    RetryPolicy,
    normalize_controller_host,
)

KEY = "canary-key-0c4f9e"
NO_RETRY = RetryPolicy(attempts=0, backoff_factor=0.0, connect_attempts=0)
EXIT_USAGE = 2
# "" at a door means "not given" (the default host is used), so doors are tried with the rest.
GIVEN_BAD = [(value, words) for value, words in CONTROLLER_HOST_BAD if value]

# Tricks over two loopback listeners ``{a}`` and ``{b}`` (host:port): parsers disagree on which
# one is meant. Loopback only, so a rule that let one through would still send nothing away.
LISTENER_TRICKS = [
    "http://{a}\\@{b}",  # issue 17: urlsplit sees {b}, urllib3 and requests connect to {a}
    "http://{a}\\@{b}/",
    "http://{b}@{a}",
    "http://{a}#@{b}",
    "http://{a}?@{b}",
    "http:\\\\{a}",
    "http://{a}/\\@{b}",
    "{a}\\@{b}",
]


class _PoolOpened(Exception):  # noqa: N818 - a signal, not an error
    """Raised instead of opening a connection pool: where it would have connected."""

    def __init__(self, scheme: str, host: str, port: int) -> None:
        super().__init__(scheme, host, port)
        self.where = (scheme, host, port)


@pytest.fixture(name="pool_recorder")
def _pool_recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make urllib3 report the pool it would create (scheme, host, port) instead of connecting."""

    def new_pool(
        _self: object, scheme: str, host: str, port: int, request_context: Any = None
    ) -> None:
        raise _PoolOpened(scheme, host, port)

    monkeypatch.setattr(urllib3.poolmanager.PoolManager, "_new_pool", new_pool)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="listeners")
def _listeners(scripted_server: ServerFactory) -> tuple[ScriptedServer, ScriptedServer]:
    """Two listeners on different loopback addresses, each recording what reaches it."""

    def script(_seen: Seen) -> Answer:
        return Answer()

    return scripted_server(script, "127.0.0.2"), scripted_server(script, "127.0.0.3")


# Pieces of URLs, joined at random into hosts: every one the rule accepts must connect where
# it was judged to (a fixed seed keeps the sample the same from run to run).
FUZZ_PIECES = [
    *("http://", "https://", "HTTP://", "127.0.0.1", "127.0.0.2", "localhost", "[::1]"),
    *("a.invalid", ":", "80", "5080", "@", "\\", "/", "//", "?", "#", "%2f", "%40", ".", ".."),
    *("[", "]", " ", "\t", "x", "0x7f", "1", "-", "_", "~", ";", ",", "=", "&", "'"),
    *("\u3002", "\uff0e", "\u2488"),
]
FUZZ_SAMPLES = 5000


def _client_for(host: str) -> ControlPlaneClient:
    return ControlPlaneClient(ClientSettings(api_key=KEY, controller_host=host, retry=NO_RETRY))


def _configured_provider(host: str) -> RestoredIndexProvider:
    provider = RestoredIndexProvider()
    provider.configure(
        ConfigureRequest(
            Config({"pinecone:apiKey": KEY, "pinecone:controllerHost": host}, "pinecone")
        )
    )
    return provider


def _door_client(host: str) -> None:
    _client_for(host).list_indexes()


def _door_resolve(host: str) -> None:
    settings = ClientSettings.resolve(api_key=KEY, controller_host=host, environ={})
    ControlPlaneClient(settings).list_indexes()


def _door_environment(host: str) -> None:
    environ = {"PINECONE_API_KEY": KEY, "PINECONE_CONTROLLER_HOST": host}
    ControlPlaneClient(ClientSettings.resolve(environ=environ)).list_indexes()


def _door_stack_config(host: str) -> None:
    _configured_provider(host).create({"backup_id": "bkp_1", "name": "idx"})


def _door_connection(host: str) -> None:
    Connection(api_key_env="PINECONE_API_KEY", controller_host=host)


def _door_stored_connection(host: str) -> None:
    provider = _configured_provider("https://api.pinecone.io")
    provider.create({"backup_id": "bkp_1", "name": "idx", "connection": {"controller_host": host}})


DOORS: dict[str, Callable[[str], None]] = {
    "ControlPlaneClient": _door_client,
    "ClientSettings.resolve": _door_resolve,
    "PINECONE_CONTROLLER_HOST": _door_environment,
    "pinecone:controllerHost": _door_stack_config,
    "Connection": _door_connection,
    "stored connection input": _door_stored_connection,
}


def _cli_status(host: str, *, via_env: bool) -> int:
    env = {"PINECONE_API_KEY": KEY}
    argv = ["indexes", "list"]
    if via_env:
        env["PINECONE_CONTROLLER_HOST"] = host
    else:
        argv = ["--host", host, *argv]
    if "\x00" in host:
        # No process is given a NUL byte in argv or environ (the OS refuses it): only a caller
        # of main() in Python can pass one, so that is where it is tried.
        return cli_main(argv, environ=env, out=io.StringIO(), err=io.StringIO())
    return run_cli(env, *argv)[0]


# -- the judgement --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "words"), CONTROLLER_HOST_BAD, ids=repr)
def test_bad_host_is_refused_saying_why(value: str, words: str) -> None:
    """Each host of the bad corpus is refused with a ConfigurationError giving its reason."""
    with pytest.raises(ConfigurationError) as info:
        normalize_controller_host(value)
    assert words in str(info.value)


@pytest.mark.parametrize(("value", "expected"), CONTROLLER_HOST_VALID, ids=repr)
def test_valid_host_becomes_its_canonical_base_url(value: str, expected: str) -> None:
    """Each host of the valid corpus becomes the base URL the corpus gives for it."""
    assert normalize_controller_host(value) == expected


@pytest.mark.parametrize(("value", "expected"), CONTROLLER_HOST_VALID, ids=repr)
def test_canonical_base_url_judges_to_itself(value: str, expected: str) -> None:
    """Judging a base URL again changes nothing (settings may judge a judged host)."""
    assert normalize_controller_host(expected) == expected


def test_refusal_hides_userinfo() -> None:
    """A key written into the URL's userinfo is not repeated in the refusal."""
    with pytest.raises(ConfigurationError) as info:
        normalize_controller_host("https://user:sk-canary-99@api.pinecone.io")
    assert "sk-canary-99" not in str(info.value)
    assert "userinfo" in str(info.value)


def test_refusal_names_the_environment_variable() -> None:
    """A bad host from PINECONE_CONTROLLER_HOST is refused under that name."""
    environ = {"PINECONE_API_KEY": KEY, "PINECONE_CONTROLLER_HOST": "http://a.invalid\\@x"}
    with pytest.raises(ConfigurationError, match=r"^PINECONE_CONTROLLER_HOST "):
        ClientSettings.resolve(environ=environ)


def test_refusal_names_the_explicit_host_source() -> None:
    """A caller of resolve() names its explicit host's source (a CLI flag, a config key)."""
    with pytest.raises(ConfigurationError, match=r"^--host "):
        ClientSettings.resolve(
            api_key=KEY, controller_host="http://a.invalid", host_source="--host"
        )


def test_hosts_that_parsers_read_differently_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """If urllib3 read a judged URL as another host, the URL would be refused naming both."""

    def other_host(text: str) -> Any:
        return parse_url(text)._replace(host="other.invalid")

    monkeypatch.setattr(settings_module, "parse_url", other_host)
    with pytest.raises(ConfigurationError, match=re.escape("other.invalid")):
        normalize_controller_host("http://127.0.0.1:5080")


def test_issue_trick_splits_the_standard_parsers() -> None:
    """The issue's URL really is read as two hosts by urllib.parse and urllib3 (a live trick)."""
    trick = "http://other.invalid:80\\@127.0.0.1:1"
    assert urlsplit(trick).hostname == "127.0.0.1"
    assert parse_url(trick).host == "other.invalid"


# -- where connections go -------------------------------------------------------------------


@pytest.mark.usefixtures("pool_recorder")
@pytest.mark.parametrize(("value", "expected"), CONTROLLER_HOST_VALID, ids=repr)
def test_connection_pool_is_opened_for_the_judged_host(value: str, expected: str) -> None:
    """urllib3 opens its pool for exactly the scheme, host and port the rule judged."""
    judged = urlsplit(expected)
    default_port = 443 if judged.scheme == "https" else 80
    with pytest.raises(_PoolOpened) as info:
        _client_for(value).list_indexes()
    assert info.value.where == (judged.scheme, judged.hostname, judged.port or default_port)


@pytest.mark.usefixtures("pool_recorder")
def test_every_accepted_random_host_opens_its_pool_where_judged() -> None:
    """Of thousands of random URL-piece strings, each one accepted connects where judged."""
    rng = random.Random(17)  # noqa: S311 - a reproducible sample, not a secret
    accepted: list[tuple[str, tuple[str, str | None, int]]] = []
    for _ in range(FUZZ_SAMPLES):
        text = "".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 7)))
        try:
            judged = urlsplit(normalize_controller_host(text))
        except ConfigurationError:
            continue
        default_port = 443 if judged.scheme == "https" else 80
        accepted.append((text, (judged.scheme, judged.hostname, judged.port or default_port)))
    assert len(accepted) > FUZZ_SAMPLES // 100  # the sample does exercise accepted hosts
    for text, where in accepted:
        with pytest.raises(_PoolOpened) as info:
            _client_for(text).list_indexes()
        assert info.value.where == where, text


@pytest.mark.usefixtures("pool_recorder")
@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize(("value", "words"), GIVEN_BAD, ids=repr)
def test_bad_host_opens_no_connection_through_any_door(door: str, value: str, words: str) -> None:
    """Through every door, a bad host is refused before urllib3 opens any connection pool."""
    with pytest.raises((ConfigurationError, ValueError)) as info:
        DOORS[door](value)
    assert words in str(info.value)


@pytest.mark.usefixtures("pool_recorder")
@pytest.mark.parametrize("via_env", [False, True], ids=["--host", "PINECONE_CONTROLLER_HOST"])
@pytest.mark.parametrize(("value", "words"), GIVEN_BAD, ids=repr)
def test_cli_refuses_bad_host_before_connecting(value: str, words: str, via_env: bool) -> None:
    """The CLI exits with the usage status for a bad host, without opening a connection."""
    assert _cli_status(value, via_env=via_env) == EXIT_USAGE


@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize("template", LISTENER_TRICKS)
def test_trick_reaches_no_listener(
    listeners: tuple[ScriptedServer, ScriptedServer], door: str, template: str
) -> None:
    """A URL trick over two loopback listeners is refused at every door and reaches neither."""
    a, b = listeners
    with pytest.raises((ConfigurationError, ValueError)):
        DOORS[door](template.format(a=a.authority, b=b.authority))
    assert (a.seen, b.seen) == ([], [])


@pytest.mark.parametrize("via_env", [False, True], ids=["--host", "PINECONE_CONTROLLER_HOST"])
@pytest.mark.parametrize("template", LISTENER_TRICKS)
def test_cli_trick_reaches_no_listener(
    listeners: tuple[ScriptedServer, ScriptedServer], template: str, via_env: bool
) -> None:
    """The CLI refuses a URL trick over two loopback listeners and reaches neither."""
    a, b = listeners
    host = template.format(a=a.authority, b=b.authority)
    assert _cli_status(host, via_env=via_env) == EXIT_USAGE
    assert (a.seen, b.seen) == ([], [])


@pytest.mark.parametrize("form", ["http://{b}", "{b}", "http://{b}/", "HTTP://{b}"])
def test_accepted_host_reaches_only_the_judged_listener(
    listeners: tuple[ScriptedServer, ScriptedServer], form: str
) -> None:
    """An accepted host sends the key to the listener it names, and never to the other one."""
    a, b = listeners
    _client_for(form.format(b=b.authority)).list_indexes()
    assert a.seen == []
    assert [seen.headers.get("Api-Key") for seen in b.seen] == [KEY]


def test_cli_host_reaches_only_the_judged_listener(
    listeners: tuple[ScriptedServer, ScriptedServer],
) -> None:
    """``--host`` with a listener's address reaches that listener and not the other one."""
    a, b = listeners
    status, _, _ = run_cli({"PINECONE_API_KEY": KEY}, "--host", b.authority, "indexes", "list")
    assert status == 0
    assert (len(a.seen), len(b.seen)) == (0, 1)


@pytest.mark.parametrize("variable", ["http_proxy", "HTTP_PROXY", "all_proxy"])
def test_plain_http_to_loopback_never_goes_through_a_proxy(
    listeners: tuple[ScriptedServer, ScriptedServer],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """An http proxy in the environment is not used for the loopback host: the key stays here."""
    proxy, target = listeners
    monkeypatch.setenv(variable, proxy.url)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    _client_for(target.url).list_indexes()
    assert proxy.seen == []
    assert [seen.headers.get("Api-Key") for seen in target.seen] == [KEY]
