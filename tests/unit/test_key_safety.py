"""The API key goes to the configured control plane only, and into no message, help or pickle."""

from __future__ import annotations

import copy
import inspect
import io
import json
import pickle
import pydoc
import traceback
from collections.abc import Callable
from typing import Any

import dill
import pytest
import requests
from support import NO_WAIT_RETRY
from unit.scripted_server import Answer, Script, Seen, ServerFactory

import pulumi_pinecone_restore
from pulumi_pinecone_restore.cli import main
from pulumi_pinecone_restore.client import REDACTED, ControlPlaneClient
from pulumi_pinecone_restore.errors import ApiError, ConfigurationError, TransportError
from pulumi_pinecone_restore.lookup import find_backup
from pulumi_pinecone_restore.settings import ClientSettings

KEY = "pcsk_canary_4Fq9zX2LmN7wQ8"
_JSON = {"Content-Type": "application/json"}


def _client(url: str) -> ControlPlaneClient:
    return ControlPlaneClient(ClientSettings(api_key=KEY, controller_host=url, retry=NO_WAIT_RETRY))


def _printable(exc: BaseException) -> str:
    """Everything a person or a log could see of ``exc``: str, repr, args, attributes, traceback."""
    return "\n".join(
        [
            str(exc),
            repr(exc),
            repr(exc.args),
            repr(vars(exc)),
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ]
    )


def _headers_text(seen: Seen) -> str:
    return "; ".join(f"{name}: {value}" for name, value in seen.headers.items())


def _echo_envelope(status: int, *, escape: bool = False) -> Script:
    """A server that answers ``status`` with Pinecone's error envelope quoting our headers."""

    def script(seen: Seen) -> Answer:
        body = json.dumps(
            {
                "error": {"code": "INVALID_ARGUMENT", "message": f"you sent {_headers_text(seen)}"},
                "status": status,
            }
        )
        if escape:  # the same key, spelled with JSON \u escapes
            body = body.replace(KEY, "".join(f"\\u{ord(c):04x}" for c in KEY))
        return Answer(status, body.encode(), _JSON)

    return script


def _echo_text(status: int) -> Script:
    """A server (or proxy) that answers ``status`` with plain text quoting our headers."""
    return lambda seen: Answer(
        status, f"denied: {_headers_text(seen)}".encode(), {"Content-Type": "text/plain"}
    )


def _echo_bare_message(status: int) -> Script:
    """A proxy that answers ``{"message": ...}`` quoting our headers."""
    return lambda seen: Answer(status, json.dumps({"message": _headers_text(seen)}).encode(), _JSON)


ECHOES: dict[str, Script] = {
    "400-envelope": _echo_envelope(400),
    "404-envelope": _echo_envelope(404),
    "401-envelope-escaped": _echo_envelope(401, escape=True),
    "500-text": _echo_text(500),
    "403-text": _echo_text(403),
    "429-bare-message": _echo_bare_message(429),
}


# redirects ---------------------------------------------------------------------------------

CALLS: dict[str, Callable[[ControlPlaneClient], object]] = {
    "GET": lambda c: c.list_indexes(),
    "POST": lambda c: c.create_index_from_backup("bkp_1", name="restored"),
    "PATCH": lambda c: c.configure_index("restored", deletion_protection="enabled"),
    "DELETE": lambda c: c.delete_backup("bkp_1"),
}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", sorted(CALLS))
def test_key_never_follows_a_redirect(
    scripted_server: ServerFactory, method: str, status: int
) -> None:
    """A redirect to another loopback port is an ApiError, and nothing reaches that port."""
    elsewhere = scripted_server(lambda _seen: Answer())
    redirector = scripted_server(
        lambda seen: Answer(status, b"", {"Location": f"{elsewhere.url}{seen.path}"})
    )
    with pytest.raises(ApiError) as info:
        CALLS[method](_client(redirector.url))
    assert info.value.status == status
    assert [s.headers.get("Api-Key") for s in redirector.seen] == [KEY]
    assert elsewhere.seen == []


def test_redirect_error_names_the_target_and_the_fix(scripted_server: ServerFactory) -> None:
    """The redirect error says where it pointed and that the controller host should change."""
    redirector = scripted_server(
        lambda _seen: Answer(302, b"", {"Location": "http://127.0.0.1:9/elsewhere"})
    )
    with pytest.raises(ApiError) as info:
        _client(redirector.url).list_indexes()
    assert "http://127.0.0.1:9/elsewhere" in str(info.value)
    assert "controllerHost" in str(info.value)


def test_redirect_target_is_redacted(scripted_server: ServerFactory) -> None:
    """A Location header that carries the key shows up redacted."""
    redirector = scripted_server(
        lambda _seen: Answer(302, b"", {"Location": f"http://127.0.0.1:9/?k={KEY}"})
    )
    with pytest.raises(ApiError) as info:
        _client(redirector.url).list_indexes()
    assert KEY not in _printable(info.value)
    assert REDACTED in str(info.value)


# echoed keys in messages -------------------------------------------------------------------


@pytest.mark.parametrize("echo", sorted(ECHOES))
def test_echoed_key_is_redacted_from_api_errors(scripted_server: ServerFactory, echo: str) -> None:
    """A server that copies our headers into its error body gets an error without the key."""
    server = scripted_server(ECHOES[echo])
    with pytest.raises(ApiError) as info:
        _client(server.url).list_indexes()
    assert KEY not in _printable(info.value)
    assert REDACTED in str(info.value)


def test_echoed_key_is_redacted_from_successful_bodies(scripted_server: ServerFactory) -> None:
    """A key echoed into a successful answer never reaches a model (so no output or state)."""
    server = scripted_server(
        lambda seen: Answer(
            200,
            json.dumps(
                {
                    "name": "restored",
                    "metric": "cosine",
                    "host": "h",
                    "status": {"ready": True},
                    "spec": {"serverless": {"cloud": "aws", "region": "us-east-1"}},
                    "tags": {"echo": seen.headers["Api-Key"], seen.headers["Api-Key"]: "x"},
                }
            ).encode(),
            _JSON,
        )
    )
    index = _client(server.url).describe_index("restored")
    assert KEY not in repr(index)
    assert index.tags == {"echo": REDACTED, REDACTED: "x"}


def test_key_in_a_transport_error_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection error whose text quotes the key becomes a TransportError without it."""
    client = _client("http://127.0.0.1:9")

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise requests.ConnectionError(f"proxy refused request with Api-Key {KEY}")

    monkeypatch.setattr(client._get_session(), "request", refuse)
    with pytest.raises(TransportError) as info:
        client.list_indexes()
    assert KEY not in _printable(info.value)
    assert REDACTED in str(info.value)


@pytest.mark.parametrize(
    "argv",
    [
        ["backups", "list"],
        ["indexes", "list"],
        ["jobs", "list"],
        ["jobs", "describe", "job-1"],
        ["restore", "bkp_1", "--name", "restored"],
        ["restore", "bkp_1", "--name", "restored", "--no-wait"],
        ["wait", "job-1", "--timeout", "1s"],
        ["backups", "describe", "bkp_1"],
        ["backups", "create", "src", "--name", "b"],
        ["indexes", "describe", "src"],
        ["indexes", "configure", "src", "--deletion-protection", "enabled"],
        ["indexes", "delete", "src", "--yes"],
    ],
    ids=lambda argv: "-".join(argv[:2]) + ("-no-wait" if "--no-wait" in argv else ""),
)
def test_cli_never_prints_an_echoed_key(
    scripted_server: ServerFactory, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Every CLI command run against a header-echoing server fails without printing the key."""
    server = scripted_server(_echo_envelope(400))
    status = main(["--host", server.url, *argv], environ={"PINECONE_API_KEY": KEY})
    captured = capsys.readouterr()
    assert status == 1
    assert KEY not in captured.out + captured.err
    assert REDACTED in captured.err


# help(), repr and pickles ------------------------------------------------------------------


def _documented(name: str) -> bool:
    obj = getattr(pulumi_pinecone_restore, name)
    return inspect.isclass(obj) or inspect.isroutine(obj)


@pytest.mark.parametrize("name", [n for n in pulumi_pinecone_restore.__all__ if _documented(n)])
def test_help_shows_no_environment(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """help() of a public name prints no value of the environment (no ``os.environ`` default)."""
    monkeypatch.setenv("PINECONE_API_KEY", KEY)
    text = pydoc.plain(pydoc.render_doc(getattr(pulumi_pinecone_restore, name)))
    assert KEY not in text


@pytest.mark.parametrize(
    "module", ["cli", "client", "lookup", "settings", "validation", "emulator.cli"]
)
def test_module_help_shows_no_environment(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    """help() of a module whose functions read the environment prints none of it."""
    monkeypatch.setenv("PINECONE_API_KEY", KEY)
    text = pydoc.plain(pydoc.render_doc(f"pulumi_pinecone_restore.{module}"))
    assert KEY not in text


def test_repr_of_settings_and_client_hides_the_key(scripted_server: ServerFactory) -> None:
    """The settings and a client that has talked show no key in their repr."""
    server = scripted_server(lambda _seen: Answer())
    client = _client(server.url)
    client.list_indexes()
    assert KEY not in repr(client.settings)
    assert KEY not in repr(client)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_settings_refuse_to_be_pickled(protocol: int) -> None:
    """Pickling ClientSettings raises TypeError at every pickle protocol."""
    with pytest.raises(TypeError, match="API key"):
        pickle.dumps(ClientSettings(api_key=KEY), protocol=protocol)


def test_client_refuses_to_be_pickled(scripted_server: ServerFactory) -> None:
    """Pickling a ControlPlaneClient, before or after it has talked, raises TypeError."""
    server = scripted_server(lambda _seen: Answer())
    client = _client(server.url)
    with pytest.raises(TypeError, match="API key"):
        pickle.dumps(client)
    client.list_indexes()
    with pytest.raises(TypeError, match="API key"):
        pickle.dumps(client)


def test_refused_pickle_writes_no_key_to_its_stream() -> None:
    """A pickle stream that reaches the settings holds no byte of the key when it stops."""
    stream = io.BytesIO()
    with pytest.raises(TypeError):
        pickle.Pickler(stream).dump({"host": "h", "settings": ClientSettings(api_key=KEY)})
    assert KEY.encode() not in stream.getvalue()


def test_dill_refuses_the_settings_too() -> None:
    """dill, which Pulumi uses for dynamic providers, is refused like pickle."""
    with pytest.raises(TypeError, match="API key"):
        dill.dumps(ClientSettings(api_key=KEY))


def test_settings_still_copy() -> None:
    """Copies of the frozen settings are the settings themselves, so copying still works."""
    settings = ClientSettings(api_key=KEY)
    assert copy.copy(settings) is settings
    assert copy.deepcopy({"s": settings})["s"] is settings


# the environment is read at call time --------------------------------------------------------


def test_resolve_reads_the_environment_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``environ``, resolve() reads os.environ as it is when called."""
    monkeypatch.setenv("PINECONE_API_KEY", KEY)
    assert ClientSettings.resolve().api_key == KEY


def test_cli_reads_the_environment_at_call_time(
    scripted_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``environ``, the CLI takes key and host from os.environ when it runs."""
    server = scripted_server(lambda _seen: Answer())
    monkeypatch.setenv("PINECONE_API_KEY", KEY)
    monkeypatch.setenv("PINECONE_CONTROLLER_HOST", server.url)
    assert main(["indexes", "list"], out=io.StringIO()) == 0
    assert [s.headers.get("Api-Key") for s in server.seen] == [KEY]


def test_find_backup_reads_the_environment_at_call_time(
    scripted_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``environ`` or a client, find_backup takes key and host from os.environ."""
    server = scripted_server(
        lambda _seen: Answer(
            200,
            json.dumps(
                {
                    "backup_id": "bkp_1",
                    "source_index_name": "src",
                    "status": "Ready",
                }
            ).encode(),
            _JSON,
        )
    )
    monkeypatch.setenv("PINECONE_API_KEY", KEY)
    monkeypatch.setenv("PINECONE_CONTROLLER_HOST", server.url)
    assert find_backup(backup_id="bkp_1").backup_id == "bkp_1"
    assert [(s.path, s.headers.get("Api-Key")) for s in server.seen] == [("/backups/bkp_1", KEY)]


@pytest.mark.parametrize("bad", [f"{KEY}\n56789", f"{KEY}\tx", f"{KEY}\x00", f"{KEY}é"])
def test_a_key_no_header_can_carry_is_refused_before_sending_without_showing_it(
    scripted_server: ServerFactory, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    """A two-line key (or another control or non-ASCII character) is refused, unshown.

    requests refused such a header locally with the key in its message; the CLI printed it,
    blamed the network and retried.
    """
    server = scripted_server(lambda _seen: Answer(body=b'{"indexes": []}'))
    with pytest.raises(ConfigurationError) as info:
        ClientSettings.resolve(environ={"PINECONE_API_KEY": bad}, controller_host=server.url)
    with pytest.raises(ConfigurationError):
        ClientSettings(api_key=bad, controller_host=server.url)
    status = main(["--host", server.url, "indexes", "list"], environ={"PINECONE_API_KEY": bad})
    captured = capsys.readouterr()
    assert status == 2  # a bad setting: nothing was sent
    assert server.seen == []
    for text in (str(info.value), captured.out, captured.err):
        assert "canary" not in text
    assert "line break" in captured.err


def test_the_key_is_redacted_also_as_a_repr_quotes_it(scripted_server: ServerFactory) -> None:
    """A message quoting the key escaped (``repr``) is redacted too."""
    server = scripted_server(lambda _seen: Answer())
    client = ControlPlaneClient(
        ClientSettings(api_key="pcsk_canary\\x", controller_host=server.url)
    )
    assert client._redact("value: 'pcsk_canary\\\\x'") == f"value: '{REDACTED}'"
