"""Every name or id the client puts into a URL path stays one percent-encoded segment."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from support import API_KEY, NO_WAIT_RETRY
from unit.scripted_server import Answer, Seen, ServerFactory

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer
from pulumi_pinecone_restore.errors import NotFoundError
from pulumi_pinecone_restore.settings import ClientSettings

HOSTILE = "../indexes/src-idx/backups?"
ENCODED = "..%2Findexes%2Fsrc-idx%2Fbackups%3F"

Call = Callable[[ControlPlaneClient, str], object]
CALLS: dict[str, tuple[Call, str]] = {
    "describe_index": (lambda c, v: c.describe_index(v), "/indexes/{}"),
    "configure_index": (
        lambda c, v: c.configure_index(v, deletion_protection="enabled"),
        "/indexes/{}",
    ),
    "delete_index": (lambda c, v: c.delete_index(v), "/indexes/{}"),
    "create_backup": (lambda c, v: c.create_backup(v), "/indexes/{}/backups"),
    "list_backups_page": (
        lambda c, v: c.list_backups_page(index_name=v),
        "/indexes/{}/backups?limit=100",
    ),
    "describe_backup": (lambda c, v: c.describe_backup(v), "/backups/{}"),
    "delete_backup": (lambda c, v: c.delete_backup(v), "/backups/{}"),
    "create_index_from_backup": (
        lambda c, v: c.create_index_from_backup(v, name="x"),
        "/backups/{}/create-index",
    ),
    "describe_restore_job": (lambda c, v: c.describe_restore_job(v), "/restore-jobs/{}"),
    "describe_collection": (lambda c, v: c.describe_collection(v), "/collections/{}"),
    "delete_collection": (lambda c, v: c.delete_collection(v), "/collections/{}"),
}
_NOT_FOUND = json.dumps(
    {"error": {"code": "NOT_FOUND", "message": "not found"}, "status": 404}
).encode()


def _client(url: str) -> ControlPlaneClient:
    return ControlPlaneClient(
        ClientSettings(api_key=API_KEY, controller_host=url, retry=NO_WAIT_RETRY)
    )


@pytest.mark.parametrize("call", sorted(CALLS))
def test_path_argument_is_one_encoded_segment(scripted_server: ServerFactory, call: str) -> None:
    """A value with '/', '..' and '?' reaches the server as one percent-encoded segment."""
    server = scripted_server(lambda _seen: Answer(404, _NOT_FOUND))
    method, template = CALLS[call]
    with pytest.raises(NotFoundError):
        method(_client(server.url), HOSTILE)
    assert [seen.path for seen in server.seen] == [template.format(ENCODED)]


@pytest.mark.parametrize("value", ["", ".", ".."])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_dot_segments_are_refused_before_sending(
    scripted_server: ServerFactory, call: str, value: str
) -> None:
    """An empty, '.' or '..' name would be dropped or climbed by URL normalisation: refused."""
    server = scripted_server(lambda _seen: Answer(404, _NOT_FOUND))
    method, _template = CALLS[call]
    with pytest.raises(ValueError, match="cannot name"):
        method(_client(server.url), value)
    assert server.seen == []


def test_hostile_backup_id_cannot_list_another_index_backups(
    server: EmulatorServer, emulator: Emulator
) -> None:
    """Against the emulator, the hostile id is an unknown backup, not the listing it spells."""
    emulator.seed_index(name="src-idx")
    emulator.seed_backup(source_index_name="src-idx", name="nightly")
    with pytest.raises(NotFoundError):
        _client(server.url).describe_backup(HOSTILE)
    assert not any(entry["route"].endswith("/backups") for entry in emulator.request_log())


def _backups_page(ids: list[str], token: str | None) -> bytes:
    rows = [{"backup_id": i, "source_index_name": "src", "status": "Ready"} for i in ids]
    return json.dumps({"data": rows, "pagination": {"next": token} if token else None}).encode()


def test_a_listing_whose_token_points_back_ends(scripted_server: ServerFactory) -> None:
    """Pages that hand out a token already followed end the walk, each row once.

    The live listings repeat rows and stop early; one that led back to a page it gave would
    otherwise be followed forever (`pinecone-restore backups list` has no deadline).
    """
    pages = {None: (["b1", "b2"], "t1"), "t1": (["b2", "b3"], "t2"), "t2": (["b3"], "t1")}

    def script(seen: Seen) -> Answer:
        token = seen.path.partition("paginationToken=")[2] or None
        ids, after = pages[token]
        return Answer(200, _backups_page(ids, after))

    server = scripted_server(script)
    listed = [b.backup_id for b in _client(server.url).iter_backups()]
    assert listed == ["b1", "b2", "b3"]
    assert len(server.seen) == 3  # the first page, t1, t2; t1 again is not asked for
