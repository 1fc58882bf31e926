"""The HTTP surface with a real server in a thread, through `requests`."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from emulator.bodies import INDEX, TIMEOUT

from pulumi_pinecone_restore.emulator import Emulator, FaultRule, ManualClock, Timing, Timings


def test_missing_key_is_unauthenticated(base_url: str) -> None:
    """A request without Api-Key gets 401 UNAUTHENTICATED."""
    response = requests.get(f"{base_url}/indexes", timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


def test_wrong_key_is_unauthenticated(base_url: str) -> None:
    """A wrong Api-Key gets 401 with the error envelope."""
    response = requests.get(f"{base_url}/indexes", headers={"Api-Key": "x"}, timeout=TIMEOUT)
    assert response.json() == {
        "error": {"code": "UNAUTHENTICATED", "message": "Invalid API key."},
        "status": 401,
    }


def test_index_crud_status_codes(http: requests.Session, base_url: str) -> None:
    """Create 201, describe 200, configure 200, delete 202 with an empty body, then 404."""
    assert http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code == 201
    assert http.get(f"{base_url}/indexes/idx", timeout=TIMEOUT).status_code == 200
    patched = http.patch(f"{base_url}/indexes/idx", json={"tags": {"a": "b"}}, timeout=TIMEOUT)
    assert (patched.status_code, patched.json()["tags"]) == (200, {"a": "b"})
    deleted = http.delete(f"{base_url}/indexes/idx", timeout=TIMEOUT)
    assert (deleted.status_code, deleted.content) == (202, b"")
    missing = http.get(f"{base_url}/indexes/idx", timeout=TIMEOUT)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_list_indexes(http: requests.Session, base_url: str) -> None:
    """GET /indexes wraps the models in `indexes`."""
    http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    names = [i["name"] for i in http.get(f"{base_url}/indexes", timeout=TIMEOUT).json()["indexes"]]
    assert names == ["idx"]


@pytest.mark.parametrize("payload", [b"{not json", b"", b"[1, 2]"])
def test_malformed_body_is_422(http: requests.Session, base_url: str, payload: bytes) -> None:
    """Bodies that are not a JSON object are 422 UNPROCESSABLE_ENTITY."""
    response = http.post(
        f"{base_url}/indexes",
        data=payload,
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert (response.status_code, response.json()["error"]["code"]) == (
        422,
        "UNPROCESSABLE_ENTITY",
    )


def test_invalid_name_is_400(http: requests.Session, base_url: str) -> None:
    """An invalid index name is 400 INVALID_ARGUMENT."""
    response = http.post(f"{base_url}/indexes", json={**INDEX, "name": "Bad"}, timeout=TIMEOUT)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_ARGUMENT")


def test_duplicate_is_409(http: requests.Session, base_url: str) -> None:
    """A duplicate index name is 409 ALREADY_EXISTS."""
    http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    response = http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "ALREADY_EXISTS")


def test_backup_and_restore_flow(http: requests.Session, base_url: str, emulator: Emulator) -> None:
    """Backup 201, restore 202 with ids, restore job listing (after its lag) and describe."""
    emulator.seed_index(name="src")
    backup = http.post(f"{base_url}/indexes/src/backups", json={"name": "b"}, timeout=TIMEOUT)
    assert backup.status_code == 201
    backup_id = backup.json()["backup_id"]
    http.get(f"{base_url}/backups/{backup_id}", timeout=TIMEOUT)
    restore = http.post(
        f"{base_url}/backups/{backup_id}/create-index", json={"name": "copy"}, timeout=TIMEOUT
    )
    assert restore.status_code == 202
    job_id = restore.json()["restore_job_id"]
    lagging = http.get(f"{base_url}/restore-jobs", timeout=TIMEOUT).json()
    assert lagging["data"] == []  # the default listing lag: one listing misses a new job
    jobs = http.get(f"{base_url}/restore-jobs", timeout=TIMEOUT).json()
    assert [job["restore_job_id"] for job in jobs["data"]] == [job_id]
    assert jobs["pagination"] is None
    job = http.get(f"{base_url}/restore-jobs/{job_id}", timeout=TIMEOUT).json()
    assert job["status"] == "Completed"
    assert http.get(f"{base_url}/indexes/src/backups", timeout=TIMEOUT).status_code == 200
    assert http.get(f"{base_url}/backups", timeout=TIMEOUT).json()["data"][0]["name"] == "b"
    deleted = http.delete(f"{base_url}/backups/{backup_id}", timeout=TIMEOUT)
    assert (deleted.status_code, deleted.content) == (202, b"")


def test_restore_from_unready_backup_is_412(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """Restoring a backup that is still Initializing is 412 FAILED_PRECONDITION."""
    emulator.set_timings(Timings(backup_ready=Timing(seconds=60)))
    emulator.seed_index(name="src")
    backup_id = emulator.seed_backup(source_index_name="src", ready=False)["backup_id"]
    response = http.post(
        f"{base_url}/backups/{backup_id}/create-index", json={"name": "copy"}, timeout=TIMEOUT
    )
    assert (response.status_code, response.json()["error"]["code"]) == (
        412,
        "FAILED_PRECONDITION",
    )


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=ten", "paginationToken=zz"])
def test_bad_paging_params_are_400(http: requests.Session, base_url: str, query: str) -> None:
    """Bad limit or paginationToken values are 400 INVALID_ARGUMENT."""
    response = http.get(f"{base_url}/restore-jobs?{query}", timeout=TIMEOUT)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "INVALID_ARGUMENT")


def test_paging_over_http(http: requests.Session, base_url: str, emulator: Emulator) -> None:
    """The paginationToken from one page fetches the next over HTTP."""
    emulator.seed_index(name="src")
    for _ in range(3):
        emulator.seed_backup(source_index_name="src")
    first = http.get(f"{base_url}/backups", params={"limit": 2}, timeout=TIMEOUT).json()
    token = first["pagination"]["next"]
    second = http.get(
        f"{base_url}/backups", params={"limit": 2, "paginationToken": token}, timeout=TIMEOUT
    ).json()
    assert len(second["data"]) == 1
    assert second["pagination"] is None


def test_collections_over_http(http: requests.Session, base_url: str, emulator: Emulator) -> None:
    """Collections of a pod-based index: create 201, list, describe, delete 202."""
    emulator.seed_index(name="src", pod_type="p1.x1")
    created = http.post(
        f"{base_url}/collections", json={"name": "c", "source": "src"}, timeout=TIMEOUT
    )
    assert created.status_code == 201
    assert http.get(f"{base_url}/collections", timeout=TIMEOUT).json()["collections"][0]["name"]
    assert http.get(f"{base_url}/collections/c", timeout=TIMEOUT).json()["status"] == "Ready"
    assert http.delete(f"{base_url}/collections/c", timeout=TIMEOUT).status_code == 202


def test_unknown_route_and_method(http: requests.Session, base_url: str) -> None:
    """Unknown paths are 404 and unsupported methods 405, both in the envelope."""
    assert http.get(f"{base_url}/nothing", timeout=TIMEOUT).json()["status"] == 404
    assert http.put(f"{base_url}/indexes", timeout=TIMEOUT).json()["status"] == 405


def test_request_counters(http: requests.Session, base_url: str) -> None:
    """The admin API counts requests per route template and can reset them."""
    http.get(f"{base_url}/indexes/a", timeout=TIMEOUT)
    http.get(f"{base_url}/indexes/b", timeout=TIMEOUT)
    http.get(f"{base_url}/indexes", timeout=TIMEOUT)
    counts = requests.get(f"{base_url}/_emulator/requests", timeout=TIMEOUT).json()
    assert counts == {"GET /indexes": 1, "GET /indexes/{index_name}": 2}
    log = requests.get(f"{base_url}/_emulator/requests/log", timeout=TIMEOUT).json()["requests"]
    assert [entry["status"] for entry in log] == [404, 404, 200]
    requests.delete(f"{base_url}/_emulator/requests", timeout=TIMEOUT)
    assert requests.get(f"{base_url}/_emulator/requests", timeout=TIMEOUT).json() == {}


def test_admin_seed_state_and_reset(http: requests.Session, base_url: str) -> None:
    """Admin seed creates objects, state shows them, reset removes them."""
    seeded = requests.post(
        f"{base_url}/_emulator/seed",
        json={"indexes": [{"name": "a", "dimension": 4}], "backups": [{"source_index_name": "a"}]},
        timeout=TIMEOUT,
    ).json()
    assert seeded["backups"][0]["status"] == "Ready"
    demo = requests.post(f"{base_url}/_emulator/seed", json={"demo": True}, timeout=TIMEOUT)
    assert demo.status_code == 201
    state = requests.get(f"{base_url}/_emulator/state", timeout=TIMEOUT).json()
    assert [i["name"] for i in state["indexes"]] == ["a", "demo-source"]
    requests.post(f"{base_url}/_emulator/reset", timeout=TIMEOUT)
    assert http.get(f"{base_url}/indexes", timeout=TIMEOUT).json() == {"indexes": []}


def test_admin_timings_and_clock(base_url: str, http: requests.Session, clock: ManualClock) -> None:
    """Timings can be set over HTTP and the manual clock advanced to finish a phase."""
    timings = requests.put(
        f"{base_url}/_emulator/timings", json={"index_ready": {"seconds": 30}}, timeout=TIMEOUT
    ).json()
    assert timings["index_ready"] == {"seconds": 30.0, "reads": 0}
    http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    assert http.get(f"{base_url}/indexes/idx", timeout=TIMEOUT).json()["status"]["ready"] is False
    advanced = requests.post(
        f"{base_url}/_emulator/clock/advance", json={"seconds": 30}, timeout=TIMEOUT
    )
    assert advanced.json()["manual"] is True
    assert http.get(f"{base_url}/indexes/idx", timeout=TIMEOUT).json()["status"]["ready"] is True


def test_admin_bad_input_is_400(base_url: str) -> None:
    """Invalid admin payloads answer 400 in the error envelope."""
    response = requests.put(f"{base_url}/_emulator/timings", json={"bogus": {}}, timeout=TIMEOUT)
    assert response.status_code == 400
    response = requests.post(f"{base_url}/_emulator/faults", json={"path": "*"}, timeout=TIMEOUT)
    assert response.status_code == 400


def test_admin_fail_restores(http: requests.Session, base_url: str, emulator: Emulator) -> None:
    """The admin API marks a backup so its restores fail."""
    emulator.seed_index(name="src")
    backup_id = emulator.seed_backup(source_index_name="src")["backup_id"]
    marked = requests.post(
        f"{base_url}/_emulator/backups/{backup_id}/fail-restores", timeout=TIMEOUT
    )
    assert marked.status_code == 200
    http.post(f"{base_url}/backups/{backup_id}/create-index", json={"name": "c"}, timeout=TIMEOUT)
    index = http.get(f"{base_url}/indexes/c", timeout=TIMEOUT).json()
    assert index["status"]["state"] == "InitializationFailed"


def test_fault_429_with_retry_after(http: requests.Session, base_url: str) -> None:
    """An injected 429 carries Retry-After and fires only `times` times."""
    requests.post(
        f"{base_url}/_emulator/faults",
        json={"method": "GET", "path": "/indexes", "status": 429, "retry_after": 2, "times": 1},
        timeout=TIMEOUT,
    )
    first = http.get(f"{base_url}/indexes", timeout=TIMEOUT)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
    assert http.get(f"{base_url}/indexes", timeout=TIMEOUT).status_code == 200
    assert requests.get(f"{base_url}/_emulator/faults", timeout=TIMEOUT).json() == {"faults": []}


def test_fault_regex_5xx_without_touching_state(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """A plain fault answers its status and the action does not happen."""
    emulator.add_fault(FaultRule(method="POST", path=r"^/indexes$", status=503))
    response = http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    assert (response.status_code, response.json()["error"]["code"]) == (503, "UNAVAILABLE")
    emulator.clear_faults()
    assert http.get(f"{base_url}/indexes", timeout=TIMEOUT).json() == {"indexes": []}


def test_fault_after_action_creates_then_fails(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """An after-action fault performs the create but answers 500, so a retry sees 409."""
    emulator.add_fault(
        FaultRule(method="POST", path="/indexes", status=500, after_action=True, times=1)
    )
    assert http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code == 500
    assert http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code == 409


def test_fault_drop_closes_connection(http: requests.Session, base_url: str) -> None:
    """A drop fault closes the socket without a response."""
    requests.post(
        f"{base_url}/_emulator/faults",
        json={"path": "/indexes/*", "drop": True, "times": 1},
        timeout=TIMEOUT,
    )
    with pytest.raises(requests.ConnectionError):
        http.get(f"{base_url}/indexes/x", timeout=TIMEOUT)
    assert http.get(f"{base_url}/indexes/x", timeout=TIMEOUT).status_code == 404


def test_fault_drop_after_action(http: requests.Session, base_url: str, emulator: Emulator) -> None:
    """A drop after the action leaves the object created although the client saw no answer."""
    emulator.add_fault(FaultRule(method="POST", path="/indexes", drop=True, after_action=True))
    with pytest.raises(requests.ConnectionError):
        http.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT)
    emulator.clear_faults()
    assert http.get(f"{base_url}/indexes/idx", timeout=TIMEOUT).status_code == 200


def test_fault_delay_slows_the_response(
    http: requests.Session, base_url: str, emulator: Emulator
) -> None:
    """A delay fault holds the response for at least the delay, then answers normally."""
    emulator.add_fault(FaultRule(path="/indexes", delay=0.2, times=1))
    started = time.monotonic()
    assert http.get(f"{base_url}/indexes", timeout=TIMEOUT).status_code == 200
    assert time.monotonic() - started >= 0.2


def test_concurrent_creates_of_one_name(http: requests.Session, base_url: str) -> None:
    """Parallel creates of the same index yield exactly one 201 and the rest 409."""

    def create(_: int) -> int:
        with requests.Session() as session:
            session.headers.update(http.headers)
            return session.post(f"{base_url}/indexes", json=INDEX, timeout=TIMEOUT).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(create, range(16)))
    assert statuses == [201] + [409] * 15
