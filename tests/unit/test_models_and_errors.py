"""Wire models tolerate newer API versions; errors are typed by status."""

from __future__ import annotations

import pickle

import pytest

from pulumi_pinecone_restore.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    ServerError,
    error_for_response,
)
from pulumi_pinecone_restore.models import BackupModel, IndexModel, Page, RestoreJobModel


def test_index_model_tolerates_unknown_fields_and_states() -> None:
    """Extra fields, a future state value and null tags are accepted."""
    index = IndexModel.from_json(
        {
            "name": "a",
            "host": "a-1.svc",
            "metric": "cosine",
            "dimension": 8,
            "spec": {"serverless": {"cloud": "aws", "region": "us-east-1", "read_capacity": {}}},
            "status": {"ready": False, "state": "Migrating"},
            "vector_type": "dense",
            "tags": None,
            "deletion_protection": "disabled",
            "schema": {"fields": {}},
        }
    )
    assert index.state == "Migrating"
    assert index.tags == {}
    assert index.cloud == "aws"


def test_backup_model_keeps_nulls_while_pending() -> None:
    """A pending backup's null counts stay None."""
    backup = BackupModel.from_json(
        {
            "backup_id": "b",
            "source_index_name": "s",
            "source_index_id": "i",
            "status": "Pending",
            "cloud": "aws",
            "region": "us-east-1",
            "dimension": None,
            "record_count": None,
        }
    )
    assert backup.dimension is None
    assert backup.record_count is None


def test_restore_job_open_vocabulary() -> None:
    """Only Completed, Failed and Cancelled end a job; unknown statuses are running."""
    base = {
        "restore_job_id": "j",
        "backup_id": "b",
        "target_index_name": "t",
        "target_index_id": "x",
        "created_at": "2025-01-01T00:00:00Z",
    }
    assert not RestoreJobModel.from_json({**base, "status": "InProgress"}).is_terminal
    assert RestoreJobModel.from_json({**base, "status": "Cancelled"}).is_terminal
    assert (
        RestoreJobModel.from_json(
            {**base, "status": "Completed", "percent_complete": 100}
        ).percent_complete
        == 100.0
    )


def test_missing_required_field_is_reported() -> None:
    """A response without a required id raises instead of carrying None."""
    with pytest.raises(ValueError, match="restore_job_id"):
        RestoreJobModel.from_json({"status": "Pending"})


def test_page_reads_null_and_missing_pagination() -> None:
    """Both a null and an absent pagination mean the last page."""
    assert Page.from_json({"data": [], "pagination": None}).next_token is None
    assert Page.from_json({"data": [{"a": 1}]}).next_token is None
    assert Page.from_json({"data": [], "pagination": {"next": "t"}}).next_token == "t"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (422, BadRequestError),
        (404, NotFoundError),
        (409, ConflictError),
        (503, ServerError),
        (418, ApiError),
    ],
)
def test_errors_are_typed_by_status(status: int, cls: type[ApiError]) -> None:
    """Each status family maps to its error class."""
    err = error_for_response(status, "", "GET", "/x")
    assert type(err) is cls
    assert err.status == status


def test_error_envelope_is_parsed() -> None:
    """Pinecone's code and message are carried on the error."""
    err = error_for_response(
        404,
        '{"error": {"code": "NOT_FOUND", "message": "Backup b not found."}, "status": 404}',
        "GET",
        "/backups/b",
    )
    assert err.code == "NOT_FOUND"
    assert err.api_message == "Backup b not found."
    assert "Backup b not found." in str(err)


def test_non_json_error_body_is_kept_short() -> None:
    """An HTML error page from a proxy becomes a truncated message, not a crash."""
    err = error_for_response(502, "<html>" + "x" * 2000, "GET", "/indexes")
    assert err.code is None
    assert len(err.api_message or "") <= 500


def test_an_explained_error_keeps_pinecone_s_message_verbatim() -> None:
    """Local advice goes into `hint`; `api_message` and the summary stay the server's words."""
    body = '{"error": {"code": "NOT_FOUND", "message": "Backup b not found."}, "status": 404}'
    err = error_for_response(404, body, "GET", "/backups/b", "rid-1").explained("check the id")
    assert isinstance(err, NotFoundError)
    assert (err.api_message, err.hint) == ("Backup b not found.", "check the id")
    assert "Backup b not found." in err.summary
    assert "check the id" not in err.summary
    assert str(err) == f"{err.summary}. check the id"


def test_an_explained_error_pickles_with_its_hint() -> None:
    """A hinted error survives pickling (a plugin may hand it across processes)."""
    err = error_for_response(403, "", "DELETE", "/indexes/a").explained("turn protection off")
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object
    assert (type(again), again.hint, str(again)) == (type(err), err.hint, str(err))
