"""HTTP glue: a WSGI application that turns requests into `Emulator` calls and back.

It authenticates API requests, applies fault rules, counts requests per route, renders
`EmulatorError`s as Pinecone's error envelope, and serves the `/_emulator/` admin API (which
needs no key). Routing lives in `urls`; all rules about the data live in `models`.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from pulumi_pinecone_restore.emulator.clock import ManualClock, rfc3339
from pulumi_pinecone_restore.emulator.config import Behaviour, Timings
from pulumi_pinecone_restore.emulator.connections import ConnectionRegistry
from pulumi_pinecone_restore.emulator.exceptions import (
    EmulatorError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    UnauthenticatedError,
    UnprocessableError,
)
from pulumi_pinecone_restore.emulator.faults import FaultRule
from pulumi_pinecone_restore.emulator.urls import ADMIN_PREFIX, ADMIN_URLS, API_URLS, route_template

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from pulumi_pinecone_restore.emulator.models import Emulator

logger = logging.getLogger(__name__)

UNMATCHED_ROUTE = "<unmatched>"
#: The only API version served; see `_check_api_version`.
API_VERSION = "2025-04"
API_VERSION_HEADER = "X-Pinecone-API-Version"
#: WSGI environ key: how many requests this connection carried before the current one.
CONNECTION_REQUESTS_KEY = "pinecone_emulator.connection_requests"


class _DroppedConnectionError(ConnectionAbortedError):
    """Raised out of the WSGI app so werkzeug treats the connection as gone and sends nothing."""


def json_response(
    body: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Return a JSON response.

    Args:
        body: JSON-serialisable body.
        status: HTTP status.
        headers: Extra headers.
    """
    return Response(
        json.dumps(body), status=status, headers=dict(headers or {}), mimetype="application/json"
    )


def error_response(error: EmulatorError) -> Response:
    """Render an `EmulatorError` as `{"error": {"code", "message"}, "status"}`."""
    return json_response(error.to_json(), error.status)


def _empty(status: int) -> Response:
    # Delete endpoints answer 202 with no body at all; clients must not try to parse one.
    return Response(b"", status=status)


def _json_body(request: Request) -> object:
    data = request.get_data()
    if not data.strip():
        raise UnprocessableError(
            "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0"
        )
    try:
        return json.loads(data)
    except ValueError as exc:
        raise UnprocessableError(f"Failed to parse the request body as JSON: {exc}") from exc


def _page_args(request: Request) -> tuple[int | None, str | None]:
    raw_limit = request.args.get("limit")
    limit = None
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError as exc:
            raise InvalidArgumentError(f"limit must be an integer, got '{raw_limit}'.") from exc
    # The wire name is camelCase; there is no `pagination_token` query parameter.
    return limit, request.args.get("paginationToken") or None


def _drop_connection(environ: WSGIEnvironment) -> None:
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            logger.debug("socket already closed while dropping the connection")
    raise _DroppedConnectionError("fault injection dropped the connection")


Handler = Callable[..., Response]
#: Called with (method, path, status, body bytes) for every API response the app sends.
ResponseHook = Callable[[str, str, int, bytes], None]


@attrs.define
class EmulatorApp:
    """The WSGI application serving one `Emulator`.

    Args:
        emulator: The state to serve.
        response_hook: Optional observer of every API response (not admin ones), e.g. a test
            that validates bodies against the OpenAPI file; dropped connections are not seen.
        connections: The serving server's connections, for the admin idle-connection fault
            (None when the app is served some other way; that admin call then answers 412).
    """

    emulator: Emulator
    response_hook: ResponseHook | None = None
    connections: ConnectionRegistry | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one request (WSGI entry point)."""
        request = Request(environ)
        path = request.path
        if path == ADMIN_PREFIX or path.startswith(f"{ADMIN_PREFIX}/"):
            response = self._guard(lambda: self._admin(request))
        else:
            response = self._api(request, environ)
            if self.response_hook is not None:
                self.response_hook(
                    request.method, request.path, response.status_code, response.get_data()
                )
        return response(environ, start_response)

    def _refusal(self, request: Request) -> Response | None:
        """The 401 (bad key) or 400 (unsupported API version) a request gets, if any."""
        try:
            self._check_key(request)
            _check_api_version(request, strict=self.emulator.behaviour.strict_api_version)
        except EmulatorError as exc:
            return error_response(exc)
        return None

    def _check_key(self, request: Request) -> None:
        key = request.headers.get("Api-Key", "")
        if not secrets.compare_digest(key.encode(), self.emulator.api_key.encode()):
            # The spec only documents the wrong-key case; a missing key gets the same answer.
            raise UnauthenticatedError("Invalid API key.")

    @staticmethod
    def _guard(call: Callable[[], Response]) -> Response:
        try:
            return call()
        except EmulatorError as exc:
            return error_response(exc)
        # A bug in the emulator must still answer in the API's envelope, like the service's
        # 500 UNKNOWN, instead of werkzeug's HTML error page.
        except Exception:
            logger.exception("emulator failed while handling a request")
            return json_response(
                {"error": {"code": "UNKNOWN", "message": "Internal server error"}, "status": 500},
                500,
            )

    # ------------------------------------------------------------------ API

    def _api(self, request: Request, environ: WSGIEnvironment) -> Response:
        adapter = API_URLS.bind_to_environ(environ)
        method = request.method
        try:
            rule, args = adapter.match(return_rule=True)
        except (RouteNotFound, MethodNotAllowed) as exc:
            # Like the live gateway, the key is checked before the path means anything.
            unmatched = f"{method} {UNMATCHED_ROUTE}"
            response = self._refusal(request)
            if response is None and isinstance(exc, MethodNotAllowed):
                response = json_response(
                    {
                        "error": {
                            "code": "UNIMPLEMENTED",
                            "message": f"Method {method} is not allowed on {request.path}.",
                        },
                        "status": 405,
                    },
                    405,
                    {"Allow": ", ".join(sorted(exc.valid_methods or ()))},
                )
            if response is None:
                response = error_response(
                    NotFoundError(f"Not found: no route for {method} {request.path}.")
                )
            self.emulator.record_request(unmatched, request.path, response.status_code)
            return response
        route = f"{method} {route_template(_rule_path(rule))}"
        fault = self.emulator.take_fault(
            method, request.path, reused_connection=environ.get(CONNECTION_REQUESTS_KEY, 0) > 0
        )
        if fault is not None and fault.hang:
            self.emulator.hold(fault.delay or None)  # a hanging server, until released
        elif fault is not None and fault.delay > 0:
            time.sleep(fault.delay)  # a slow response, on the server's worker thread
        if fault is not None and not fault.after_action and (fault.drop or fault.status):
            response = None
        else:
            response = self._guard(lambda: self._call_api(str(rule.endpoint), request, args))
        if (
            fault is not None
            and (fault.drop or fault.status)
            and (response is None or fault.after_action)
        ):
            if fault.drop:
                self.emulator.record_request(route, request.path, None)
                _drop_connection(environ)
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            response = json_response(fault.error_body(), fault.status or 500, headers)
        assert response is not None  # noqa: S101 - every branch above produced one
        self.emulator.record_request(route, request.path, response.status_code)
        return response

    def _call_api(self, endpoint: str, request: Request, args: Mapping[str, Any]) -> Response:
        self._check_key(request)
        _check_api_version(request, strict=self.emulator.behaviour.strict_api_version)
        handler: Handler = getattr(self, f"_api_{endpoint}")
        return handler(request, **args)

    def _api_list_indexes(self, _: Request) -> Response:
        return json_response(self.emulator.list_indexes())

    def _api_create_index(self, request: Request) -> Response:
        return json_response(self.emulator.create_index(_json_body(request)), 201)

    def _api_create_index_for_model(self, request: Request) -> Response:
        return json_response(self.emulator.create_index_for_model(_json_body(request)), 201)

    def _api_describe_index(self, _: Request, index_name: str) -> Response:
        return json_response(self.emulator.describe_index(index_name))

    def _api_configure_index(self, request: Request, index_name: str) -> Response:
        # The spec says 202, but the Go SDK (tested against the live service) accepts only
        # 200 here, so the emulator answers 200 like the live service appears to.
        return json_response(self.emulator.configure_index(index_name, _json_body(request)), 200)

    def _api_delete_index(self, _: Request, index_name: str) -> Response:
        self.emulator.delete_index(index_name)
        return _empty(202)

    def _api_list_index_backups(self, request: Request, index_name: str) -> Response:
        limit, token = _page_args(request)
        return json_response(self.emulator.list_index_backups(index_name, limit, token))

    def _api_create_backup(self, request: Request, index_name: str) -> Response:
        return json_response(self.emulator.create_backup(index_name, _json_body(request)), 201)

    def _api_list_project_backups(self, request: Request) -> Response:
        limit, token = _page_args(request)
        return json_response(self.emulator.list_backups(limit, token))

    def _api_describe_backup(self, _: Request, backup_id: str) -> Response:
        return json_response(self.emulator.describe_backup(backup_id))

    def _api_delete_backup(self, _: Request, backup_id: str) -> Response:
        self.emulator.delete_backup(backup_id)
        return _empty(202)

    def _api_create_index_from_backup(self, request: Request, backup_id: str) -> Response:
        body = _json_body(request)
        return json_response(self.emulator.create_index_from_backup(backup_id, body), 202)

    def _api_list_restore_jobs(self, request: Request) -> Response:
        limit, token = _page_args(request)
        return json_response(self.emulator.list_restore_jobs(limit, token))

    def _api_describe_restore_job(self, _: Request, job_id: str) -> Response:
        return json_response(self.emulator.describe_restore_job(job_id))

    def _api_list_collections(self, _: Request) -> Response:
        return json_response(self.emulator.list_collections())

    def _api_create_collection(self, request: Request) -> Response:
        return json_response(self.emulator.create_collection(_json_body(request)), 201)

    def _api_describe_collection(self, _: Request, collection_name: str) -> Response:
        return json_response(self.emulator.describe_collection(collection_name))

    def _api_delete_collection(self, _: Request, collection_name: str) -> Response:
        self.emulator.delete_collection(collection_name)
        return _empty(202)

    # ------------------------------------------------------------------ admin

    def _admin(self, request: Request) -> Response:
        adapter = ADMIN_URLS.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except RouteNotFound as exc:
            raise NotFoundError(
                f"Not found: no admin route {request.method} {request.path}."
            ) from exc
        except MethodNotAllowed as exc:
            raise NotFoundError(
                f"Not found: no admin route {request.method} {request.path}."
            ) from exc
        handler: Handler = getattr(self, f"_admin_{endpoint}")
        try:
            return handler(request, **args)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"Invalid admin request: {exc}") from exc

    def _admin_health(self, _: Request) -> Response:
        return json_response({"status": "ok"})

    def _admin_reset(self, _: Request) -> Response:
        self.emulator.reset()
        return json_response({"reset": True})

    def _admin_seed(self, request: Request) -> Response:
        body = _admin_body(request)
        if body.get("demo"):
            backup_id = self.emulator.seed_demo()
            return json_response({"backup_id": backup_id}, 201)
        indexes = [self.emulator.seed_index(**spec) for spec in body.get("indexes", [])]
        backups = [self.emulator.seed_backup(**spec) for spec in body.get("backups", [])]
        return json_response({"indexes": indexes, "backups": backups}, 201)

    def _admin_list_faults(self, _: Request) -> Response:
        return json_response({"faults": self.emulator.faults()})

    def _admin_add_fault(self, request: Request) -> Response:
        body = _admin_body(request)
        specs = body.get("faults", [body])
        rules = [FaultRule.from_json(spec) for spec in specs]
        for rule in rules:
            self.emulator.add_fault(rule)
        return json_response({"faults": self.emulator.faults()}, 201)

    def _admin_clear_faults(self, _: Request) -> Response:
        self.emulator.clear_faults()
        return json_response({"faults": []})

    def _admin_get_timings(self, _: Request) -> Response:
        return json_response(self.emulator.timings.to_json())

    def _admin_set_timings(self, request: Request) -> Response:
        timings = Timings.from_json(_admin_body(request), base=self.emulator.timings)
        self.emulator.set_timings(timings)
        return json_response(timings.to_json())

    def _admin_get_clock(self, _: Request) -> Response:
        now = self.emulator.clock.now()
        manual = isinstance(self.emulator.clock, ManualClock)
        return json_response({"now": rfc3339(now), "epoch_seconds": now, "manual": manual})

    def _admin_advance_clock(self, request: Request) -> Response:
        clock = self.emulator.clock
        if not isinstance(clock, ManualClock):
            raise FailedPreconditionError(
                "The emulator runs on the wall clock; start it with --manual-clock to advance time."
            )
        seconds = _admin_body(request).get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidArgumentError('Body must be {"seconds": <number>}.')
        now = clock.advance(seconds)
        return json_response({"now": rfc3339(now), "epoch_seconds": now, "manual": True})

    def _admin_get_behaviour(self, _: Request) -> Response:
        return json_response(self.emulator.behaviour.to_json())

    def _admin_set_behaviour(self, request: Request) -> Response:
        body = _admin_body(request)
        # PUT replaces (keys not given take their defaults); PATCH changes only what is given.
        base = self.emulator.behaviour if request.method == "PATCH" else None
        if body.get("legacy") is True:
            body = {k: v for k, v in body.items() if k != "legacy"}
            base = Behaviour.legacy()
        behaviour = Behaviour.from_json(body, base=base)
        self.emulator.set_behaviour(behaviour)
        return json_response(behaviour.to_json())

    def _admin_cancel_restore(self, request: Request, job_id: str) -> Response:
        delete_index = _admin_body(request).get("delete_index", False)
        if not isinstance(delete_index, bool):
            raise InvalidArgumentError('"delete_index" must be true or false.')
        return json_response(self.emulator.cancel_restore(job_id, delete_index=delete_index))

    def _admin_connections(self, _: Request) -> Response:
        return json_response(self._registry().to_json())

    def _admin_close_idle_connections(self, _: Request) -> Response:
        closed = self._registry().close_idle()
        return json_response({"closed": closed, **self._registry().to_json()})

    def _registry(self) -> ConnectionRegistry:
        if self.connections is None:
            raise FailedPreconditionError(
                "This app is not served by EmulatorServer; it has no connections to manage."
            )
        return self.connections

    def _admin_fail_restores(self, _: Request, backup_id: str) -> Response:
        self.emulator.fail_restores_from(backup_id)
        return json_response({"backup_id": backup_id, "fail_restores": True})

    def _admin_state(self, _: Request) -> Response:
        return json_response(self.emulator.dump())

    def _admin_request_counts(self, _: Request) -> Response:
        return json_response(self.emulator.request_counts())

    def _admin_reset_requests(self, _: Request) -> Response:
        self.emulator.reset_requests()
        return json_response({})

    def _admin_request_log(self, _: Request) -> Response:
        return json_response({"requests": self.emulator.request_log()})


def _check_api_version(request: Request, *, strict: bool) -> None:
    """Serve 2025-04; refuse another version instead of answering in the wrong shapes.

    The docs say a request without the header gets the oldest still-supported version; the
    emulator knows only 2025-04, so a missing header gets that. What the live service does
    with a version it does not know is undocumented; a client that names any version but
    2025-04 would get shapes it does not expect here, so (when `strict`) it gets 400.
    """
    version = request.headers.get(API_VERSION_HEADER)
    if strict and version is not None and version.strip() != API_VERSION:
        raise InvalidArgumentError(
            f"Unsupported API version '{version}' in {API_VERSION_HEADER}; this emulator "
            f"serves {API_VERSION} only."
        )


def _rule_path(rule: Rule) -> str:
    return rule.rule


def _admin_body(request: Request) -> Mapping[str, Any]:
    if not request.get_data().strip():
        return {}
    body = _json_body(request)
    if not isinstance(body, dict):
        raise InvalidArgumentError("The admin API expects a JSON object.")
    return body
