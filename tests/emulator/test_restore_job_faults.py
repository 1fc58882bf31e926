"""The restore duration model and the switchable faults of live restore jobs and their listing."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
import requests

from pulumi_pinecone_restore.emulator import (
    Behaviour,
    Emulator,
    ManualClock,
    NotFoundError,
    RestoreTiming,
    Timing,
    Timings,
)
from pulumi_pinecone_restore.models import parse_timestamp

TIMEOUT = 10


def _duration(job: dict[str, object]) -> float:
    done, began = parse_timestamp(str(job["completed_at"])), parse_timestamp(str(job["created_at"]))
    assert done is not None
    assert began is not None
    return (done - began).total_seconds()


def _restores(emu: Emulator, count: int, records: int = 0) -> list[str]:
    emu.seed_index(name="src", record_count=records)
    emu.seed_backup(source_index_name="src", backup_id="b-1")
    return [
        str(emu.create_index_from_backup("b-1", {"name": f"copy-{i}"})["restore_job_id"])
        for i in range(count)
    ]


def _walk(emu: Emulator, limit: int = 100) -> list[str]:
    """Every row a client walking the pages sees, in order, repeats included."""
    rows: list[str] = []
    token = None
    while True:
        page = emu.list_restore_jobs(limit=limit, pagination_token=token)
        rows += [job["restore_job_id"] for job in page["data"]]
        if not page["pagination"]:
            return rows
        token = page["pagination"]["next"]


def _fails(emu: Emulator, job_id: str) -> bool:
    try:
        emu.describe_restore_job(job_id)
    except NotFoundError:
        return True
    return False


def _emulator(clock: ManualClock, **changes: Any) -> Emulator:
    return Emulator(
        clock=clock,
        behaviour=attrs.evolve(Behaviour(), restore_listing_lag=Timing(), **changes),
    )


def test_restore_duration_grows_with_records(clock: ManualClock) -> None:
    """A restore lasts seconds + per_million_records x millions: 10 s + 20 s x 3 = 70 s."""
    emu = Emulator(
        clock=clock, timings=Timings(restore=RestoreTiming(seconds=10, per_million_records=20))
    )
    (job_id,) = _restores(emu, 1, records=3_000_000)
    clock.advance(69)
    assert emu.describe_restore_job(job_id)["status"] == "Pending"
    clock.advance(1)
    assert _duration(emu.describe_restore_job(job_id)) == 70


def test_restore_scatter_stays_within_its_bounds(clock: ManualClock) -> None:
    """With 10 % scatter every restore of a 100 s backup lasts 90 to 110 s, not all alike."""
    emu = Emulator(clock=clock, timings=Timings(restore=RestoreTiming(seconds=100, scatter=0.1)))
    jobs = _restores(emu, 8)
    clock.advance(200)
    durations = [_duration(emu.describe_restore_job(job)) for job in jobs]
    assert all(90 <= d <= 110 for d in durations)
    assert len(set(durations)) > 1


def test_restore_scatter_repeats_with_its_seed(clock: ManualClock) -> None:
    """Two emulators with the same seed draw the same durations."""
    seen = []
    for _ in range(2):
        emu = Emulator(
            clock=clock, timings=Timings(restore=RestoreTiming(seconds=100, scatter=0.1, seed=7))
        )
        jobs = _restores(emu, 3)
        clock.advance(200)
        seen.append([_duration(emu.describe_restore_job(job)) for job in jobs])
    assert seen[0] == seen[1]


def test_admin_timings_take_the_restore_duration_model(base_url: str) -> None:
    """PATCH /_emulator/timings accepts per_million_records, scatter and seed for restores."""
    body = {"restore": {"seconds": 5, "per_million_records": 2.5, "scatter": 0.1, "seed": 3}}
    answer = requests.patch(f"{base_url}/_emulator/timings", json=body, timeout=TIMEOUT).json()
    assert answer["restore"] == {**body["restore"], "reads": 0}


def test_admin_timings_refuse_a_scatter_of_one(base_url: str) -> None:
    """A scatter of 1 could make a restore take no time: 400."""
    body = {"restore": {"scatter": 1.0}}
    response = requests.patch(f"{base_url}/_emulator/timings", json=body, timeout=TIMEOUT)
    assert response.status_code == 400


def test_job_404_first_answers_404_then_the_job(clock: ManualClock) -> None:
    """job_404_first=2: two describes of a job answer 404, the third shows it."""
    emu = _emulator(clock, job_404_first=2)
    (job_id,) = _restores(emu, 1)
    for _ in range(2):
        with pytest.raises(NotFoundError):
            emu.describe_restore_job(job_id)
    assert emu.describe_restore_job(job_id)["restore_job_id"] == job_id


def test_job_404_rate_answers_some_describes_404(clock: ManualClock) -> None:
    """job_404_rate=0.5 fails some of 40 describes and serves the others."""
    emu = _emulator(clock, job_404_rate=0.5, fault_seed=1)
    (job_id,) = _restores(emu, 1)
    failed = sum(1 for _ in range(40) if _fails(emu, job_id))
    assert 5 < failed < 35


def test_listing_page_size_caps_the_page(clock: ManualClock) -> None:
    """listing_page_size=2 serves 2 rows a page although 100 were asked for."""
    emu = _emulator(clock, listing_page_size=2)
    _restores(emu, 5)
    page = emu.list_restore_jobs(limit=100)
    assert (len(page["data"]), page["pagination"] is not None) == (2, True)


def test_listing_max_pages_stops_early(clock: ManualClock) -> None:
    """listing_max_pages=2 with pages of 2 ends the walk after 4 of 7 jobs."""
    emu = _emulator(clock, listing_page_size=2, listing_max_pages=2)
    _restores(emu, 7)
    assert len(_walk(emu)) == 4


def test_listing_repeat_rows_overlaps_pages(clock: ManualClock) -> None:
    """listing_repeat_rows=1 shows each page's last row again atop the next page."""
    emu = _emulator(clock, listing_page_size=3, listing_repeat_rows=1)
    jobs = _restores(emu, 5)
    rows = _walk(emu)
    assert (len(rows), set(rows)) == (6, set(jobs))


def test_listing_drop_rate_leaves_rows_out(clock: ManualClock) -> None:
    """listing_drop_rate=0.5 leaves some of 20 jobs out of a complete walk."""
    emu = _emulator(clock, listing_drop_rate=0.5, fault_seed=2)
    _restores(emu, 20)
    assert 0 < len(_walk(emu)) < 20


def test_fault_knobs_are_off_by_default() -> None:
    """The default behaviour has none of the faults switched on."""
    knobs = Behaviour().to_json()
    assert (
        knobs["job_404_first"],
        knobs["job_404_rate"],
        knobs["listing_page_size"],
        knobs["listing_drop_rate"],
        knobs["listing_max_pages"],
        knobs["listing_repeat_rows"],
    ) == (0, 0.0, None, 0.0, None, 0)


def test_admin_behaviour_sets_the_faults(base_url: str, emulator: Emulator) -> None:
    """PATCH /_emulator/behaviour switches a fault on."""
    body = {"listing_drop_rate": 0.25, "listing_max_pages": 3, "job_404_first": 1}
    requests.patch(f"{base_url}/_emulator/behaviour", json=body, timeout=TIMEOUT).raise_for_status()
    behaviour = emulator.behaviour
    assert (
        behaviour.listing_drop_rate,
        behaviour.listing_max_pages,
        behaviour.job_404_first,
    ) == (0.25, 3, 1)


def test_admin_behaviour_refuses_a_rate_above_one(base_url: str) -> None:
    """A drop rate of 2 is no probability: 400."""
    response = requests.patch(
        f"{base_url}/_emulator/behaviour", json={"listing_drop_rate": 2}, timeout=TIMEOUT
    )
    assert response.status_code == 400


def test_progress_live_is_the_default_and_its_json_name() -> None:
    """The default progress is the live one, written "live" in JSON."""
    assert (Behaviour().progress, Behaviour().to_json()["progress"]) == (None, "live")
