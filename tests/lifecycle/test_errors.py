"""Errors: local decisions never pose as HTTP answers; API errors keep their real request."""

from __future__ import annotations

import inspect
import pickle

import pytest

from pulumi_pinecone_restore import errors
from pulumi_pinecone_restore.emulator import Emulator
from pulumi_pinecone_restore.errors import (
    ApiError,
    BackupFailedError,
    CollectionFailedError,
    DeletionProtectedError,
    ImportRefusedError,
    InputMismatchError,
    NotFoundError,
    OperationError,
    PineconeRestoreError,
    RefusedError,
    RestoreFailedError,
    error_for_response,
)
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime

LOCAL = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, (RefusedError, OperationError))
]


def test_deletion_protection_refusal_sends_no_delete(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """Refusing to delete a protected index is local: no DELETE was sent, none is claimed."""
    life = Lifecycle(RESTORED_INDEX, runtime)
    created = life.create(
        {"backup_id": backup_id, "name": "guarded", "deletion_protection": "enabled"}
    )
    emulator.reset_requests()
    with pytest.raises(DeletionProtectedError) as info:
        life.delete(created.id, created.outputs)
    assert info.value.code == "DELETION_PROTECTED"
    assert not isinstance(info.value, ApiError)
    assert "DELETE" not in str(info.value)
    assert not any(k.startswith("DELETE") for k in emulator.request_counts())


def test_dimension_mismatch_is_refused_before_any_post(
    runtime: Runtime, emulator: Emulator
) -> None:
    """A dimension that is not the collection's is a local refusal: no POST /indexes."""
    emulator.create_collection({"name": "snap", "source": _pod_index(emulator)})
    emulator.describe_collection("snap")  # one observation ends Initializing (FAST_TIMINGS)
    life = Lifecycle(COLLECTION_INDEX, runtime)
    with pytest.raises(InputMismatchError) as info:
        life.create(
            {
                "source_collection": "snap",
                "cloud": "aws",
                "region": "us-east-1",
                "dimension": 16,
                "name": "mismatch",
            }
        )
    assert info.value.code == "INPUT_MISMATCH"
    assert "POST /indexes" not in str(info.value)
    assert "POST /indexes" not in emulator.request_counts()


def test_import_of_a_plain_index_is_refused_not_a_404(runtime: Runtime, emulator: Emulator) -> None:
    """An index no restore made cannot be imported: a refusal, not a 404 nobody answered."""
    emulator.seed_index(name="plain", dimension=3)
    with pytest.raises(ImportRefusedError) as info:
        Lifecycle(RESTORED_INDEX, runtime).read("plain", {})
    assert not isinstance(info.value, NotFoundError)


def test_failures_of_restores_backups_and_collections_have_distinct_types() -> None:
    """A failed backup or collection is not reported as a failed restore, nor the reverse."""
    kinds = [RestoreFailedError, BackupFailedError, CollectionFailedError]
    for kind in kinds:
        assert [k for k in kinds if issubclass(kind, k)] == [kind]


def test_a_failed_restore_raises_restore_failed(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A restore job that ends Failed raises RestoreFailedError (and leaves nothing)."""
    emulator.fail_restores_from(backup_id)
    with pytest.raises(RestoreFailedError) as info:
        Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "doomed"})
    assert info.value.code == "RESTORE_FAILED"
    assert [i["name"] for i in emulator.list_indexes()["indexes"]] == ["prod-search"]


@pytest.mark.parametrize("cls", LOCAL, ids=lambda c: c.__name__)
def test_every_local_error_has_a_code_and_no_request(cls: type[PineconeRestoreError]) -> None:
    """Local errors carry a fixed code of their own and no HTTP method, path or status."""
    error = cls("what happened and what to do")
    assert isinstance(getattr(cls, "code", None), str)
    assert not {"method", "path", "status"} & set(vars(error))


@pytest.mark.parametrize(
    "cls",
    [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, PineconeRestoreError)
    ],
    ids=lambda c: c.__name__,
)
def test_every_error_pickles_and_unpickles(cls: type[PineconeRestoreError]) -> None:
    """Each error class survives pickling with its message and (for API errors) its request."""
    if issubclass(cls, ApiError):
        error: PineconeRestoreError = cls(
            409, "ALREADY_EXISTS", "taken", "POST", "/indexes", "req-123"
        )
    else:
        error = cls("what happened")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(again) is cls
    assert str(again) == str(error)
    assert vars(again) == vars(error)


def test_api_errors_keep_the_servers_request_id() -> None:
    """The request id a server sends is kept on the error and named in its message."""
    error = error_for_response(
        503,
        '{"error": {"code": "UNAVAILABLE", "message": "busy"}}',
        "GET",
        "/indexes/x",
        request_id="abc-123",
    )
    assert (error.status, error.code, error.method, error.path, error.request_id) == (
        503,
        "UNAVAILABLE",
        "GET",
        "/indexes/x",
        "abc-123",
    )
    assert "abc-123" in str(error)


def _pod_index(emulator: Emulator) -> str:
    """A pod-based index of dimension 8 (collections are made only of pod-based indexes)."""
    emulator.seed_index(name="pods", dimension=8, pod_type="p1.x1")
    return "pods"
