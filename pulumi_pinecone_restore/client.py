"""HTTP client for the Pinecone control plane (API 2025-04). Knows nothing of Pulumi.

Retrying is one loop (``_request``), bounded by attempts *and* by the operation's time budget,
as hynek/stamina does; the numbers are :mod:`.settings`' named constants:

- ``GET``, ``PATCH`` and ``DELETE`` are idempotent here (PATCH sets absolute values) and are
  retried on 429, 500, 502, 503, 504, on a lost answer and on a connection that could not be
  made, waiting the backoff or the ``Retry-After`` the server asked for (capped).
- ``POST`` creates things. It is retried only where the server certainly did nothing: a
  connection that never opened (:class:`~.errors.ConnectError`), and 429 (throttled before
  acting). A 5xx or a lost answer to a POST is raised (:class:`~.errors.ReadTimeoutError` or
  another :class:`~.errors.TransportError` says it may have acted), and callers reconcile (e.g.
  a 409 on the next try is resolved by finding the restore job the first try started).
- Inside :func:`~.polling.bounded` (every create and every wait binds its deadline), each try's
  connect and read timeouts are cut to what remains of the budget, and so is each sleep between
  tries; nothing is sent once the budget is spent, and no retry starts whose sleep would not end
  before it. A request the budget cut short raises with ``out_of_budget`` set, so a wait reports
  it as its timeout. urllib3's ``Retry`` cannot do this (it sleeps inside ``urlopen`` and gives
  every try the same timeout), so the adapter itself never retries.

The API key goes to the configured controller origin and nowhere else: redirects are never
followed (a 3xx is an error naming where it pointed), and every path segment taken from an
argument is percent-encoded, so no name or id can spell another endpoint. Nothing that comes
back carries the key either: it is replaced by ``[redacted]`` in every response body (errors
and successes alike, before parsing) and in every transport error, so a server that echoes
request headers cannot put it into a message, an output or the state.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json as jsonlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote

import attrs
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util import Timeout

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore.errors import (
    ApiError,
    ConnectError,
    NotFoundError,
    ReadTimeoutError,
    TransportError,
    error_for_response,
)
from pulumi_pinecone_restore.models import (
    BackupModel,
    CollectionModel,
    IndexModel,
    Page,
    RestoreJobModel,
    RestoreStarted,
)
from pulumi_pinecone_restore.polling import Deadline, current_deadline, pause
from pulumi_pinecone_restore.settings import RETRY_STATUSES, ClientSettings

__all__ = ["API_VERSION", "REDACTED", "ControlPlaneClient"]

API_VERSION = "2025-04"
_T = TypeVar("_T")
_IDEMPOTENT = frozenset({"GET", "HEAD", "PATCH", "DELETE"})
REDACTED = "[redacted]"
_MAX_BODY_IN_MESSAGE = 500
# Where a server (or the gateway in front of it) names the request, for support tickets.
_REQUEST_ID_HEADERS = ("x-request-id", "x-pinecone-request-id", "x-amzn-requestid")
_RETRY_AFTER_STATUSES = frozenset({429, 503})  # where Retry-After is honoured (as urllib3)


@attrs.define
class ControlPlaneClient:
    """A thread-safe client for one Pinecone project.

    The ``requests`` session is made on first use, so the client can be built anywhere and
    holds no socket until it talks. It cannot be pickled (it holds the API key).

    Every method that puts a name or id into the URL path raises ``ValueError`` for ``""``,
    ``"."`` or ``".."``, which URL normalisation would drop or climb.

    Args:
        settings: API key, host, timeouts, retry policy.
        sleep: How to wait between tries (tests pass a fake); cut by the bound deadline.
    """

    settings: ClientSettings
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, kw_only=True, repr=False)
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
                    max_retries=0,  # _request retries, within the operation's budget
                    pool_connections=4,
                    pool_maxsize=self.settings.pool_size,
                )
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                if self.base_url.startswith("http://"):
                    # Plain http only ever goes to this machine (the settings refuse it elsewhere);
                    # an http_proxy from the environment would carry the key off it in clear text.
                    session.trust_env = False
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
        policy = self.settings.retry
        deadline = current_deadline()
        retries = connect_retries = 0
        while True:
            if deadline is not None:
                deadline.check(f"before sending {method} {path}")
            outcome = self._try(method, path, json=json, params=params, deadline=deadline)
            if not isinstance(outcome, _Failure):
                return outcome
            delay = self._retry_delay(method, outcome, retries + 1)
            connect = isinstance(outcome.error, ConnectError)
            limit = policy.connect_attempts if connect else None
            if (
                delay is None
                or retries >= policy.attempts
                or (limit is not None and connect_retries >= limit)
                or (deadline is not None and delay >= deadline.remaining)
            ):
                # Out of tries, or the sleep would outlast the budget: stop now, not at it.
                raise outcome.error
            retries += 1
            connect_retries += connect
            pause(delay, self.sleep)

    def _retry_delay(self, method: str, failure: _Failure, retry: int) -> float | None:
        """Seconds to wait before sending again, or ``None`` when the failure is not retried."""
        policy = self.settings.retry
        error = failure.error
        if isinstance(error, TransportError):
            if error.out_of_budget or (error.may_have_acted and method not in _IDEMPOTENT):
                return None
            return policy.backoff(retry)
        if error.status not in RETRY_STATUSES:
            return None
        if method not in _IDEMPOTENT and error.status != 429:  # noqa: PLR2004
            return None  # a 5xx to a POST may hide a started operation: the caller reconciles
        asked = failure.retry_after
        return policy.backoff(retry) if asked is None else min(asked, policy.max_retry_after)

    def _try(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
        deadline: Deadline | None,
    ) -> Any:
        """One try: the parsed answer, or how it failed (the caller retries or raises)."""
        timeout, cut = self._timeout(method, path, deadline)
        url = f"{self.base_url}{path}"
        try:
            response = self._get_session().request(
                method,
                url,
                json=json,
                params=params,
                timeout=timeout,
                # requests re-sends session headers, the Api-Key among them, to wherever a
                # redirect points; the control plane never redirects, so nothing is followed.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return _Failure(self._transport_error(method, path, exc, cut=cut))
        if response.is_redirect or response.is_permanent_redirect:
            self._raise_redirect(response, method, path)
        if not response.ok:
            error = error_for_response(
                response.status_code,
                self._redacted_body(response.text),
                method,
                path,
                request_id=_request_id(response.headers),
            )
            asked = None
            if response.status_code in _RETRY_AFTER_STATUSES:
                asked = _retry_after(response.headers.get("Retry-After"))
            return _Failure(error, asked)
        if not response.content:
            return None  # DELETEs answer 202 with no body
        try:
            data = response.json()
        except ValueError as exc:
            raise TransportError(
                f"{method} {path} answered HTTP {response.status_code} with a body that is not JSON"
            ) from exc
        return self._redact_json(data)

    def _timeout(self, method: str, path: str, deadline: Deadline | None) -> tuple[Any, bool]:
        """This try's timeouts, cut to the budget; whether the budget cut them."""
        connect, read = self.settings.connect_timeout, self.settings.read_timeout
        if deadline is None:
            return (connect, read), False
        left = deadline.remaining
        if left <= 0:
            raise ConnectError(
                f"{method} {path} was not sent: the operation's time budget "
                f"({deadline.budget:.0f}s) is spent",
                out_of_budget=True,
            )
        # `total` bounds connect and read together, so one try never outlasts the budget.
        cut = left < connect + read
        return Timeout(total=left, connect=min(connect, left), read=min(read, left)), cut

    def _transport_error(
        self, method: str, path: str, exc: requests.RequestException, *, cut: bool
    ) -> TransportError:
        # The exception text names the URL and the cause, never the headers; a proxy's
        # message might, so it is redacted here and the original is not chained (a
        # traceback would print its text unredacted).
        said = f"{type(exc).__name__}: {self._redact(_short(exc))}"
        if isinstance(exc, requests.ConnectTimeout) or _never_connected(exc):
            return ConnectError(
                f"{method} {path} was not sent: no connection to {self.base_url} ({said})",
                out_of_budget=cut and isinstance(exc, requests.ConnectTimeout),
            )
        if isinstance(exc, requests.ReadTimeout):
            return ReadTimeoutError(
                f"{method} {path} was sent to {self.base_url} but got no answer in time; the "
                f"server may have acted on it ({said})",
                out_of_budget=cut,
            )
        return TransportError(
            f"{method} {path} got no answer from {self.base_url}; the server may have acted "
            f"on it ({said})"
        )

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
        if not key:
            return text
        # Also as a repr shows it (escaped), should a message quote the header's value.
        return text.replace(key, REDACTED).replace(repr(key)[1:-1], REDACTED)

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
        """Every backup listed, following pagination, each id once."""
        return _each_once(
            lambda token: self.list_backups_page(index_name=index_name, token=token),
            lambda backup: backup.backup_id,
        )

    def backups_of(self, index_name: str) -> list[BackupModel]:
        """Every backup of index ``index_name``, also once the index is deleted.

        The per-index listing answers 404 for a deleted index, whose backups live on (they
        are what a restore needs then); the project's listing still has them.

        Raises:
            NotFoundError: The per-index listing's 404, when the project lists no backup of an
                index of that name either.
        """
        try:
            return list(self.iter_backups(index_name=index_name))
        except NotFoundError:
            found = [b for b in self.iter_backups() if b.source_index_name == index_name]
            if not found:
                raise
            return found

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
        """The restore jobs the listing shows, following pagination, each id once.

        Best effort, as the live listing is: it can leave jobs out, stop early and repeat
        rows across pages (repeats are dropped here). A job missing from it may exist.
        """
        return _each_once(
            lambda token: self.list_restore_jobs_page(token=token), lambda job: job.restore_job_id
        )

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


@attrs.frozen
class _Failure:
    """A try that failed: the error to raise, and the wait its answer asked for, if any."""

    error: ApiError | TransportError
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), or ``None`` if absent or unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    return max(seconds, 0.0) if seconds == seconds else None  # noqa: PLR0124 - NaN


def _never_connected(exc: requests.RequestException) -> bool:
    """Whether a connection error happened before anything was sent (refused, unresolvable)."""
    if not isinstance(exc, requests.ConnectionError) or not exc.args:
        return False
    inner = exc.args[0]
    return isinstance(inner, MaxRetryError) and isinstance(inner.reason, NewConnectionError)


def _segment(value: str) -> str:
    """``value`` as one percent-encoded URL path segment (``/``, ``?``, ``#``, ``%`` included).

    Raises:
        ValueError: ``value`` is empty, ``.`` or ``..``: URL normalisation would drop or
            climb such a segment, so it cannot name anything.
    """
    if not isinstance(value, str) or value in {"", ".", ".."}:
        raise ValueError(f"{value!r} cannot name an index, backup, job or collection")
    return quote(value, safe="")


def _each_once(
    page: Callable[[str | None], tuple[list[_T], str | None]], key: Callable[[_T], str]
) -> Iterator[_T]:
    """Every item of every page, following the tokens, each key once (live listings repeat rows).

    A token handed out before ends the walk: a listing that points back at a page it already
    gave would otherwise be followed forever (a command without a deadline never returns).
    """
    seen: set[str] = set()
    followed: set[str] = set()
    token: str | None = None
    while True:
        items, token = page(token)
        for item in items:
            if key(item) not in seen:
                seen.add(key(item))
                yield item
        if not token or token in followed:
            return
        followed.add(token)


def _page_params(limit: int, token: str | None) -> dict[str, Any]:
    if token:
        # The token carries the page size it was made with; another one sent beside it
        # would skip or repeat rows of the live (offset-paginated) listings.
        return {"paginationToken": token}  # camelCase on the wire
    return {"limit": limit}


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:200]
    return None


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:300] + "..."  # noqa: PLR2004
