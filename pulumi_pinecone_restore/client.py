"""HTTP client for the Pinecone control plane (API 2025-04). Knows nothing of Pulumi.

Retries are urllib3's ``Retry`` on the requests adapter, not a loop of our own:

- ``GET``, ``PATCH`` and ``DELETE`` are idempotent here (PATCH sets absolute values) and are
  retried on 429, 500, 502, 503, 504, read errors and connection errors, honouring
  ``Retry-After``.
- ``POST`` creates things. It is retried only where the server certainly did nothing: a
  connection that never opened, and 429 (throttled before acting). A 5xx or a dropped
  response to a POST is raised, and callers reconcile (e.g. a 409 on the next try is resolved
  by finding the restore job the first try started).

The API key goes to the configured controller origin and nowhere else: redirects are never
followed (a 3xx is an error naming where it pointed), and every path segment taken from an
argument is percent-encoded, so no name or id can spell another endpoint. Nothing that comes
back carries the key either: it is replaced by ``[redacted]`` in every response body (errors
and successes alike, before parsing) and in every transport error, so a server that echoes
request headers cannot put it into a message, an output or the state.
"""

from __future__ import annotations

import json as jsonlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn
from urllib.parse import quote

import attrs
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.errors import ApiError, TransportError, error_for_response
from pulumi_pinecone_restore.models import (
    BackupModel,
    CollectionModel,
    IndexModel,
    Page,
    RestoreJobModel,
    RestoreStarted,
)
from pulumi_pinecone_restore.settings import ClientSettings, RetryPolicy

__all__ = ["API_VERSION", "REDACTED", "ControlPlaneClient"]

API_VERSION = "2025-04"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "PATCH", "DELETE"})
REDACTED = "[redacted]"
_MAX_BODY_IN_MESSAGE = 500
# Where a server (or the gateway in front of it) names the request, for support tickets.
_REQUEST_ID_HEADERS = ("x-request-id", "x-pinecone-request-id", "x-amzn-requestid")


class _PineconeRetry(Retry):
    """urllib3 Retry that also retries POST on 429, and caps ``Retry-After``."""

    def __init__(self, *args: Any, max_retry_after: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kw: Any) -> _PineconeRetry:
        kw.setdefault("max_retry_after", self.max_retry_after)
        new: _PineconeRetry = super().new(**kw)
        new.max_retry_after = self.max_retry_after
        return new

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST" and status_code == 429:  # noqa: PLR2004
            # A throttled POST was refused before the server acted, so sending it again is safe.
            return bool(self.total) and status_code in (self.status_forcelist or ())
        return super().is_retry(method, status_code, has_retry_after)

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.max_retry_after)


def _make_retry(policy: RetryPolicy) -> Retry:
    return _PineconeRetry(
        total=policy.attempts,
        connect=policy.attempts if policy.connect_attempts is None else policy.connect_attempts,
        read=policy.attempts,
        status=policy.attempts,
        other=0,
        allowed_methods=_IDEMPOTENT,
        status_forcelist=_RETRY_STATUSES,
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        respect_retry_after_header=True,
        # Hand the final 429/5xx back to us so it becomes a typed ApiError.
        raise_on_status=False,
        max_retry_after=policy.max_retry_after,
    )


@attrs.define
class ControlPlaneClient:
    """A thread-safe client for one Pinecone project.

    The ``requests`` session is made on first use, so the client can be built anywhere and
    holds no socket until it talks. It cannot be pickled (it holds the API key).

    Every method that puts a name or id into the URL path raises ``ValueError`` for ``""``,
    ``"."`` or ``".."``, which URL normalisation would drop or climb.

    Args:
        settings: API key, host, timeouts, retry policy.
    """

    settings: ClientSettings
    _session: requests.Session | None = attrs.field(default=None, init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    @property
    def base_url(self) -> str:
        """The controller's base URL."""
        return self.settings.controller_host

    def _get_session(self) -> requests.Session:
        with self._lock:
            if self._session is None:
                session = requests.Session()
                adapter = HTTPAdapter(
                    max_retries=_make_retry(self.settings.retry),
                    pool_connections=4,
                    pool_maxsize=self.settings.pool_size,
                )
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                session.headers.update(
                    {
                        "Api-Key": self.settings.api_key,
                        "X-Pinecone-API-Version": API_VERSION,
                        "Accept": "application/json",
                        "User-Agent": f"pulumi-pinecone-restore/{__version__}",
                    }
                )
                self._session = session
            return self._session

    def close(self) -> None:
        """Close the pooled connections (a later call opens new ones)."""
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        url = f"{self.base_url}{path}"
        try:
            response = self._get_session().request(
                method,
                url,
                json=json,
                params=params,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                # requests re-sends session headers, the Api-Key among them, to wherever a
                # redirect points; the control plane never redirects, so nothing is followed.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # The exception text names the URL and the cause, never the headers; a proxy's
            # message might, so it is redacted here and the original is not chained (a
            # traceback would print its text unredacted).
            raise TransportError(
                f"{method} {path} got no answer from {self.base_url}: {type(exc).__name__}: "
                f"{self._redact(_short(exc))}"
            ) from None
        if response.is_redirect or response.is_permanent_redirect:
            self._raise_redirect(response, method, path)
        if not response.ok:
            raise error_for_response(
                response.status_code,
                self._redacted_body(response.text),
                method,
                path,
                request_id=_request_id(response.headers),
            )
        if not response.content:
            return None  # DELETEs answer 202 with no body
        try:
            data = response.json()
        except ValueError as exc:
            raise TransportError(
                f"{method} {path} answered HTTP {response.status_code} with a body that is not JSON"
            ) from exc
        return self._redact_json(data)

    def _raise_redirect(self, response: requests.Response, method: str, path: str) -> NoReturn:
        target = self._redact(response.headers.get("Location", "(no Location)"))
        raise ApiError(
            response.status_code,
            None,
            f"redirected to {target[:_MAX_BODY_IN_MESSAGE]}; redirects are not followed so "
            f"that the API key goes only to {self.base_url}. Set pinecone:controllerHost "
            "(or PINECONE_CONTROLLER_HOST) to the URL that answers directly",
            method,
            path,
        )

    def _redact(self, text: str) -> str:
        """``text`` with every occurrence of the API key replaced by ``[redacted]``."""
        key = self.settings.api_key
        return text.replace(key, REDACTED) if key else text

    def _redact_json(self, value: Any) -> Any:
        """A parsed JSON value with the API key redacted from every string and object key."""
        if isinstance(value, str):
            return self._redact(value)
        if isinstance(value, list):
            return [self._redact_json(item) for item in value]
        if isinstance(value, dict):
            return {self._redact(str(k)): self._redact_json(v) for k, v in value.items()}
        return value

    def _redacted_body(self, text: str) -> str:
        # Redact after parsing as well: JSON may spell the key with \u escapes.
        try:
            parsed = jsonlib.loads(text)
        except ValueError:
            return self._redact(text)
        return jsonlib.dumps(self._redact_json(parsed), ensure_ascii=False)

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        """Refuse pickling: the client holds the API key (in its settings and its session)."""
        raise TypeError(
            "ControlPlaneClient holds the Pinecone API key and cannot be pickled; pickle the "
            "controller host and build a client where it is needed"
        )

    # Indexes -------------------------------------------------------------------------------

    def list_indexes(self) -> list[IndexModel]:
        """List every index of the project (unpaginated)."""
        data = self._request("GET", "/indexes")
        raw = data.get("indexes") if isinstance(data, Mapping) else None
        return [IndexModel.from_json(i) for i in raw or [] if isinstance(i, Mapping)]

    def describe_index(self, name: str) -> IndexModel:
        """Describe one index.

        Raises:
            NotFoundError: No index of that name.
        """
        return IndexModel.from_json(self._request("GET", f"/indexes/{_segment(name)}"))

    def create_serverless_index(
        self,
        *,
        name: str,
        cloud: str,
        region: str,
        dimension: int | None = None,
        metric: str | None = None,
        vector_type: str | None = None,
        source_collection: str | None = None,
        deletion_protection: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> IndexModel:
        """Create a serverless index (``POST /indexes``), optionally from a collection.

        Raises:
            ConflictError: The name is taken.
            BadRequestError: Invalid values.
            ForbiddenError: Index quota reached.
            NotFoundError: Unknown cloud/region or collection.
        """
        serverless: dict[str, Any] = {"cloud": cloud, "region": region}
        if source_collection is not None:
            serverless["source_collection"] = source_collection
        body: dict[str, Any] = {"name": name, "spec": {"serverless": serverless}}
        optional = {
            "dimension": dimension,
            "metric": metric,
            "vector_type": vector_type,
            "deletion_protection": deletion_protection,
            "tags": dict(tags) if tags is not None else None,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return IndexModel.from_json(self._request("POST", "/indexes", json=body))

    def configure_index(
        self,
        name: str,
        *,
        deletion_protection: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> IndexModel | None:
        """Change deletion protection and/or tags (``PATCH``; tags merge, ``""`` removes a key).

        Returns:
            The index as the server describes it after the change, when it sends a body.
        """
        body: dict[str, Any] = {}
        if deletion_protection is not None:
            body["deletion_protection"] = deletion_protection
        if tags is not None:
            body["tags"] = dict(tags)
        data = self._request("PATCH", f"/indexes/{_segment(name)}", json=body)
        return IndexModel.from_json(data) if isinstance(data, Mapping) and "name" in data else None

    def delete_index(self, name: str) -> None:
        """Start deleting an index (it goes ``Terminating``, then disappears).

        Raises:
            ForbiddenError: Deletion protection is enabled.
            NotFoundError: No index of that name.
        """
        self._request("DELETE", f"/indexes/{_segment(name)}")

    # Backups -------------------------------------------------------------------------------

    def create_backup(
        self, index_name: str, *, name: str | None = None, description: str | None = None
    ) -> BackupModel:
        """Start a backup of a serverless index."""
        body = {k: v for k, v in {"name": name, "description": description}.items() if v}
        data = self._request("POST", f"/indexes/{_segment(index_name)}/backups", json=body)
        return BackupModel.from_json(data)

    def describe_backup(self, backup_id: str) -> BackupModel:
        """Describe one backup.

        Raises:
            NotFoundError: No backup with that id.
        """
        return BackupModel.from_json(self._request("GET", f"/backups/{_segment(backup_id)}"))

    def delete_backup(self, backup_id: str) -> None:
        """Delete a backup.

        Raises:
            PreconditionFailedError: A restore from it is still pending.
            NotFoundError: No backup with that id.
        """
        self._request("DELETE", f"/backups/{_segment(backup_id)}")

    def list_backups_page(
        self, *, index_name: str | None = None, limit: int = 100, token: str | None = None
    ) -> tuple[list[BackupModel], str | None]:
        """One page of backups, of one index or of the whole project."""
        path = "/backups" if index_name is None else f"/indexes/{_segment(index_name)}/backups"
        page = Page.from_json(self._request("GET", path, params=_page_params(limit, token)))
        return [BackupModel.from_json(i) for i in page.items], page.next_token

    def iter_backups(self, *, index_name: str | None = None) -> Iterator[BackupModel]:
        """Every backup, following pagination."""
        token: str | None = None
        while True:
            items, token = self.list_backups_page(index_name=index_name, token=token)
            yield from items
            if not token:
                return

    # Restores ------------------------------------------------------------------------------

    def create_index_from_backup(
        self,
        backup_id: str,
        *,
        name: str,
        tags: Mapping[str, str] | None = None,
        deletion_protection: str | None = None,
    ) -> RestoreStarted:
        """Start restoring a backup into a new index (``POST /backups/{id}/create-index``).

        Not retried on 5xx: a lost answer may hide a started restore; callers reconcile.

        Raises:
            NotFoundError: No such backup.
            ConflictError: An index with that name exists.
            PreconditionFailedError: The backup is not ready.
        """
        body: dict[str, Any] = {"name": name}
        if tags is not None:
            body["tags"] = dict(tags)
        if deletion_protection is not None:
            body["deletion_protection"] = deletion_protection
        data = self._request("POST", f"/backups/{_segment(backup_id)}/create-index", json=body)
        return RestoreStarted.from_json(data)

    def describe_restore_job(self, job_id: str) -> RestoreJobModel:
        """Describe one restore job.

        Raises:
            NotFoundError: No job with that id (the live service can say so briefly at first).
        """
        return RestoreJobModel.from_json(self._request("GET", f"/restore-jobs/{_segment(job_id)}"))

    def list_restore_jobs_page(
        self, *, limit: int = 100, token: str | None = None
    ) -> tuple[list[RestoreJobModel], str | None]:
        """One page of restore jobs."""
        data = self._request("GET", "/restore-jobs", params=_page_params(limit, token))
        page = Page.from_json(data)
        return [RestoreJobModel.from_json(i) for i in page.items], page.next_token

    def iter_restore_jobs(self) -> Iterator[RestoreJobModel]:
        """Every restore job of the project, following pagination."""
        token: str | None = None
        while True:
            items, token = self.list_restore_jobs_page(token=token)
            yield from items
            if not token:
                return

    # Collections ---------------------------------------------------------------------------

    def list_collections(self) -> list[CollectionModel]:
        """List the project's collections."""
        data = self._request("GET", "/collections")
        raw = data.get("collections") if isinstance(data, Mapping) else None
        return [CollectionModel.from_json(c) for c in raw or [] if isinstance(c, Mapping)]

    def describe_collection(self, name: str) -> CollectionModel:
        """Describe one collection."""
        return CollectionModel.from_json(self._request("GET", f"/collections/{_segment(name)}"))

    def create_collection(self, *, name: str, source: str) -> CollectionModel:
        """Create a collection from a pod-based index."""
        data = self._request("POST", "/collections", json={"name": name, "source": source})
        return CollectionModel.from_json(data)

    def delete_collection(self, name: str) -> None:
        """Delete a collection."""
        self._request("DELETE", f"/collections/{_segment(name)}")


def _segment(value: str) -> str:
    """``value`` as one percent-encoded URL path segment (``/``, ``?``, ``#``, ``%`` included).

    Raises:
        ValueError: ``value`` is empty, ``.`` or ``..``: URL normalisation would drop or
            climb such a segment, so it cannot name anything.
    """
    if not isinstance(value, str) or value in {"", ".", ".."}:
        raise ValueError(f"{value!r} cannot name an index, backup, job or collection")
    return quote(value, safe="")


def _page_params(limit: int, token: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit}
    if token:
        params["paginationToken"] = token  # camelCase on the wire
    return params


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:200]
    return None


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:300] + "..."  # noqa: PLR2004
