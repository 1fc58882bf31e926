"""Start-with-reconcile, written once in the engine: adopt, back off, never send blindly."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from urllib3.util.retry import RequestHistory, Retry

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import Emulator, FaultRule, Timing
from pulumi_pinecone_restore.errors import ConnectError, NameTakenError, StartFailedError
from pulumi_pinecone_restore.lifecycle.engine import Lifecycle
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.models import RestoreStarted
from pulumi_pinecone_restore.settings import RetryPolicy

# Adoption, reconcile and cleanup under the live service's job 404s and lossy listings.
pytestmark = pytest.mark.job_faults

RESTORE_POST = "/backups/*/create-index"
POLICY = RetryPolicy(attempts=5, backoff_factor=0.5, backoff_max=20.0)


def urllib3_delays(policy: RetryPolicy, retries: int) -> list[float]:
    """The waits urllib3's Retry makes before each of ``retries`` retries of a GET."""
    retry = Retry(
        total=policy.attempts, backoff_factor=policy.backoff_factor, backoff_max=policy.backoff_max
    )
    delays = []
    for _ in range(retries):
        retry = retry.new(history=(*retry.history, RequestHistory("GET", "/x", None, 503, None)))
        delays.append(retry.get_backoff_time())
    return delays


def test_three_503s_on_the_post_are_absorbed_with_the_get_backoff(
    runtime: Runtime, backup_id: str, emulator: Emulator, sleeps: list[float]
) -> None:
    """A POST refused three times is re-sent after the waits a GET gets, not at once."""
    emulator.add_fault(FaultRule(method="POST", path=RESTORE_POST, status=503, times=3))
    life = Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, retry=POLICY))
    created = life.create({"backup_id": backup_id, "name": "patient"})
    assert created.outputs["state"] == "Ready"
    expected = [d for d in urllib3_delays(POLICY, 3) if d]
    assert sleeps[: len(expected)] == expected
    assert emulator.request_counts()["POST /backups/{backup_id}/create-index"] == 4


def test_a_post_that_keeps_failing_gives_up_with_its_own_error(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """When every send fails and none started anything, the error says so, with the cause."""
    emulator.add_fault(FaultRule(method="POST", path=RESTORE_POST, status=503, times=100))
    life = Lifecycle(RESTORED_INDEX, runtime)
    with pytest.raises(StartFailedError) as info:
        life.create({"backup_id": backup_id, "name": "never"})
    assert info.value.code == "START_FAILED"
    assert getattr(info.value.__cause__, "status", None) == 503
    sent = emulator.request_counts()["POST /backups/{backup_id}/create-index"]
    assert sent == runtime.retry_policy.attempts + 1


def test_the_backoff_stops_at_the_create_deadline(
    runtime: Runtime, backup_id: str, emulator: Emulator, sleeps: list[float]
) -> None:
    """No wait before a re-send goes past create_timeout."""
    emulator.add_fault(FaultRule(method="POST", path=RESTORE_POST, status=503, times=100))
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    life = Lifecycle(
        RESTORED_INDEX, attrs.evolve(runtime, retry=POLICY, clock=lambda: now[0], sleep=sleep)
    )
    with pytest.raises(StartFailedError):
        life.create({"backup_id": backup_id, "name": "hurried", "create_timeout": 2.5})
    assert sum(sleeps) <= 2.5


def test_start_twice_adopts_the_first(runtime: Runtime, backup_id: str) -> None:
    """Starting the same restore again (no wait in between) adopts the first one's job."""
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = {"backup_id": backup_id, "name": "twice"}
    first, second = life.start(inputs), life.start(inputs)
    assert (first.adopted, second.adopted) == (False, True)
    assert second.handle == first.handle


def test_an_adopted_restore_the_listing_lags_records_its_job(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A create that adopts a restore its first job listing left out still follows and records it.

    This is the second `pulumi up` after a killed one: the restore was started, nothing
    listed its job yet, and the live listing leaves a new job out for a moment.
    """
    emulator.set_timings(attrs.evolve(emulator.timings, restore=Timing(reads=4)))
    said: list[str] = []
    life = Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress=said.append))
    inputs = {"backup_id": backup_id, "name": "resumed"}
    first = life.start(inputs)
    created = life.create(inputs)
    assert created.outputs["restore_job_id"] == first.handle.job_id
    assert created.outputs["restore_job_status"] == "Completed"
    assert any(f"resuming restore job {first.handle.job_id}" in line for line in said)
    assert not any("restore job None" in line for line in said)
    assert emulator.request_counts()["POST /backups/{backup_id}/create-index"] == 2


def test_a_restore_adopted_after_it_completed_is_not_waited_for(
    runtime: Runtime, backup_id: str, emulator: Emulator, sleeps: list[float]
) -> None:
    """A run after the restore completed (the one that started it was stopped) ends at once.

    The listing that finds the job shows it Completed: the index is looked at without first
    sleeping the pace of a restore joined part-way (5 s), and the job is not asked again.
    """
    life = Lifecycle(RESTORED_INDEX, runtime)
    inputs = {"backup_id": backup_id, "name": "finished"}
    started = life.start(inputs)  # the run stopped here; the restore went on to complete
    assert started.handle.job_id is not None
    emulator.describe_restore_job(started.handle.job_id)  # one read completes it (FAST_TIMINGS)
    for _ in range(10):  # past the listing lag, as time would take it
        if any(j["restore_job_id"] == started.handle.job_id for j in listed(emulator)):
            break
    sleeps.clear()
    jobs_before = emulator.request_counts().get("GET /restore-jobs/{job_id}", 0)
    said: list[str] = []
    again = Lifecycle(RESTORED_INDEX, attrs.evolve(runtime, progress=said.append)).create(inputs)
    assert any("resuming restore job" in line for line in said)
    assert sleeps == []
    assert emulator.request_counts().get("GET /restore-jobs/{job_id}", 0) == jobs_before
    assert (again.id, again.outputs["ready"], again.outputs["restore_job_status"]) == (
        "finished",
        True,
        "Completed",
    )


def test_a_foreign_name_is_refused_without_a_fake_request(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """A 409 on a name we did not take is a local refusal, and that index is untouched."""
    emulator.seed_index(name="taken", dimension=3)
    with pytest.raises(NameTakenError) as info:
        Lifecycle(RESTORED_INDEX, runtime).create({"backup_id": backup_id, "name": "taken"})
    assert info.value.code == "NAME_TAKEN"
    assert not hasattr(info.value, "method")
    assert getattr(info.value.__cause__, "status", None) == 409
    assert emulator.describe_index("taken")["dimension"] == 3


@attrs.define
class _RefusedOnce(ControlPlaneClient):
    """A client whose first restore POST never leaves the machine (no connection)."""

    refused: int = 0

    def create_index_from_backup(self, backup_id: str, **kwargs: Any) -> RestoreStarted:
        """Raise ConnectError the first time, then send for real."""
        if not self.refused:
            self.refused += 1
            raise ConnectError("POST /backups/x/create-index was not sent: no connection")
        return super().create_index_from_backup(backup_id, **kwargs)


def test_a_post_that_was_never_sent_is_sent_again_without_looking(
    runtime: Runtime, backup_id: str, emulator: Emulator
) -> None:
    """After a ConnectError nothing can have started: the POST goes again, no lookup between."""
    client = _RefusedOnce(runtime.client().settings)
    life = Lifecycle(RESTORED_INDEX, runtime, client=client)
    life.create({"backup_id": backup_id, "name": "twice"})
    routes = [entry["route"] for entry in emulator.request_log()]
    assert routes[:2] == ["GET /backups/{backup_id}", "POST /backups/{backup_id}/create-index"]


def listed(emulator: Emulator) -> list[dict[str, Any]]:
    """One page of the restore-job listing."""
    return list(emulator.list_restore_jobs()["data"])
