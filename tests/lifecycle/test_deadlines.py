"""Deadlines hold: every request and retry of an operation ends by its budget.

The hang scenario runs against the emulator's `hang` fault (a server that accepts a request and
never answers); how long it takes is measured in benchmarks/, not asserted here.
"""

from __future__ import annotations

import pytest
from support import API_KEY, FakeClock

from pulumi_pinecone_restore.client import ControlPlaneClient, _retry_after
from pulumi_pinecone_restore.emulator import Emulator, EmulatorServer, FaultRule
from pulumi_pinecone_restore.errors import (
    ConnectError,
    NotFoundError,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.polling import Deadline, bounded
from pulumi_pinecone_restore.settings import ClientSettings, RetryPolicy

HANG_JOBS = FaultRule(method="GET", path="/restore-jobs/*", hang=True)


@pytest.fixture(name="fake")
def _fake() -> FakeClock:
    return FakeClock()


def client_for(server: EmulatorServer, fake: FakeClock, **settings: object) -> ControlPlaneClient:
    """A client whose retries sleep on ``fake`` and wait as long as a server asks (up to 60 s)."""
    policy = RetryPolicy(attempts=3, backoff_factor=0.5, max_retry_after=60.0)
    values = {"api_key": API_KEY, "controller_host": server.url, "retry": policy, **settings}
    return ControlPlaneClient(ClientSettings(**values), sleep=fake.sleep)  # type: ignore[arg-type]


def restore_count(emulator: Emulator) -> int:
    """How many restore jobs the emulator holds."""
    return len(emulator.dump()["restore_jobs"])


def test_a_hanging_job_read_ends_the_create_as_a_timeout(
    runtime: Runtime, emulator: Emulator, backup_id: str
) -> None:
    """A create whose restore-job read hangs fails with TIMEOUT at its budget, not a 30 s read."""
    emulator.add_fault(HANG_JOBS)
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = {"backup_id": backup_id, "name": "held", "create_timeout": 1}
    try:
        with pytest.raises(WaitTimeoutError) as caught:
            life.create(life.check({}, inputs)[0])
    finally:
        emulator.clear_faults()
    assert caught.value.code == "TIMEOUT"
    assert isinstance(caught.value.__cause__, WaitTimeoutError)


def test_a_create_cut_short_by_a_hang_leaves_its_restore_to_the_next_run(
    runtime: Runtime, emulator: Emulator, backup_id: str
) -> None:
    """After a hang timed the create out, the next create adopts its restore: nothing orphaned."""
    emulator.add_fault(HANG_JOBS)
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = life.check({}, {"backup_id": backup_id, "name": "held", "create_timeout": 1})[0]
    try:
        with pytest.raises(WaitTimeoutError):
            life.create(inputs)
    finally:
        emulator.clear_faults()
    jobs = restore_count(emulator)
    created = life.create(inputs)
    assert (created.id, restore_count(emulator)) == ("held", jobs)


def test_a_retry_after_longer_than_the_budget_is_not_waited_for(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """A 429 asking for 60 s under a 10 s budget is raised at once: no sleep, one request."""
    emulator.add_fault(FaultRule(method="GET", path="/indexes", status=429, retry_after=60))
    with bounded(Deadline(10, clock=fake)), pytest.raises(RateLimitedError):
        client_for(server, fake).list_indexes()
    assert (fake.sleeps, sum(emulator.request_counts().values())) == ([], 1)


def test_a_retry_after_within_the_budget_is_honoured(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """A 429 asking for 3 s under a 10 s budget is retried after exactly 3 s."""
    emulator.add_fault(FaultRule(method="GET", path="/indexes", status=429, retry_after=3, times=1))
    with bounded(Deadline(10, clock=fake)):
        client_for(server, fake).list_indexes()
    assert fake.sleeps == [3.0]


def test_a_backoff_that_would_outlast_the_budget_stops_the_retries(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """With 1.5 s left, 503s are retried at once, then not after a 1 s and a 2 s backoff."""
    emulator.add_fault(FaultRule(method="GET", path="/indexes", status=503))
    with bounded(Deadline(1.5, clock=fake)), pytest.raises(ServerError):
        client_for(server, fake).list_indexes()
    assert fake.sleeps == [0.0, 1.0]


def test_a_spent_budget_sends_nothing(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """Once the budget is spent a request is not sent, and says so (ConnectError, budget)."""
    deadline = Deadline(1, clock=fake)
    fake.now = 1.0
    with bounded(deadline), pytest.raises(ConnectError) as caught:
        client_for(server, fake).list_indexes()
    assert (caught.value.out_of_budget, emulator.request_counts()) == (True, {})


def test_a_refused_connection_is_a_connect_error_that_sent_nothing(fake: FakeClock) -> None:
    """Nothing listening: ConnectError, whose request cannot have acted."""
    settings = ClientSettings(
        api_key=API_KEY,
        controller_host="http://127.0.0.1:9",  # discard port: nothing listens there
        retry=RetryPolicy(attempts=0),
    )
    with pytest.raises(ConnectError) as caught:
        ControlPlaneClient(settings, sleep=fake.sleep).list_indexes()
    assert caught.value.may_have_acted is False


def test_an_unanswered_post_is_a_read_timeout_that_may_have_acted(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """A POST that got no answer in time raises ReadTimeoutError and is not sent again."""
    emulator.add_fault(FaultRule(method="POST", path="/collections", hang=True, times=3))
    client = client_for(server, fake, read_timeout=0.2)
    try:
        with pytest.raises(ReadTimeoutError) as caught:
            client.create_collection(name="c", source="pod-index")
        fired = 3 - emulator.faults()[0]["remaining"]  # the request itself is still held
    finally:
        emulator.clear_faults()
    assert (caught.value.may_have_acted, fired) == (True, 1)


def test_transport_errors_keep_their_budget_flag_through_pickling() -> None:
    """A pickled ReadTimeoutError comes back with its class, message and out_of_budget flag."""
    import pickle  # noqa: PLC0415 - only this test pickles

    error = ReadTimeoutError("GET /x got no answer", out_of_budget=True)
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (type(again), str(again), again.out_of_budget) == (
        ReadTimeoutError,
        str(error),
        True,
    )


def test_a_create_bounds_its_starting_request(
    runtime: Runtime, emulator: Emulator, backup_id: str
) -> None:
    """A starting POST that hangs ends the create as a TIMEOUT that says it may have started."""
    emulator.add_fault(FaultRule(method="POST", path="/backups/*/create-index", hang=True))
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = life.check({}, {"backup_id": backup_id, "name": "held", "create_timeout": 1})[0]
    try:
        with pytest.raises(WaitTimeoutError) as caught:
            life.create(inputs)
    finally:
        emulator.clear_faults()
    assert isinstance(caught.value.__cause__, ReadTimeoutError)


def test_a_throttled_post_is_sent_again(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """A 429 to a POST was refused before acting: the client sends it again by itself."""
    emulator.add_fault(FaultRule(method="POST", path="/collections", status=429, times=1))
    with pytest.raises(NotFoundError):  # sent twice: the second reaches the (missing) source
        client_for(server, fake).create_collection(name="c", source="pod-index")
    assert emulator.request_counts()["POST /collections"] == 2


def test_a_post_answered_5xx_is_not_sent_again(
    server: EmulatorServer, emulator: Emulator, fake: FakeClock
) -> None:
    """A 503 to a POST may hide a started operation: raised after one send, for reconciling."""
    emulator.add_fault(FaultRule(method="POST", path="/collections", status=503))
    with pytest.raises(ServerError):
        client_for(server, fake).create_collection(name="c", source="pod-index")
    assert emulator.request_counts()["POST /collections"] == 1


def test_http_date_retry_after_is_understood() -> None:
    """A Retry-After given as an HTTP date in the past means no wait; junk means none given."""
    assert (_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), _retry_after("soon")) == (0.0, None)


def test_a_hanging_delete_request_ends_the_destroy_by_its_budget(
    runtime: Runtime, emulator: Emulator, backup_id: str
) -> None:
    """A DELETE the server holds ends as TIMEOUT within delete_timeout, and the index stays."""
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = {"backup_id": backup_id, "name": "held-delete", "delete_timeout": 1}
    created = life.create(life.check({}, inputs)[0])
    emulator.add_fault(FaultRule(method="DELETE", path="/indexes/*", hang=True))
    try:
        with pytest.raises(WaitTimeoutError) as caught:
            life.delete(created.id, created.outputs)
    finally:
        emulator.clear_faults()
    assert caught.value.code == "TIMEOUT"
    assert emulator.describe_index("held-delete")["name"] == "held-delete"
