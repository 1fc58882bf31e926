"""The transition helper (`emulator.models.state`) on its own, without an emulator."""

from __future__ import annotations

import pytest

from pulumi_pinecone_restore.emulator import Timing
from pulumi_pinecone_restore.emulator.models import state
from pulumi_pinecone_restore.emulator.records import CollectionRecord


def _collection(status: str = "Initializing", since: float = 100.0) -> CollectionRecord:
    return CollectionRecord(
        seq=1,
        name="c",
        source="s",
        dimension=8,
        environment="e",
        status=status,
        since=since,
        created_at=since,
    )


def _manager(records: list[CollectionRecord], timing: Timing) -> state.StateManager:
    """A manager of `records` whose Initializing ones become Ready after `timing`."""

    def ready(record: CollectionRecord, _: float) -> None:
        record.status = "Ready"

    manager = state.StateManager()
    manager.register(
        state.Managed(
            CollectionRecord,
            lambda: records,
            lambda r: timing if r.status == "Initializing" else None,
            ready,
        )
    )
    return manager


def test_a_phase_ends_at_its_durations_end_not_at_the_call_that_notices() -> None:
    """A 5 s phase noticed at 130 s ends, and the next phase begins, at 105 s."""
    record = _collection()
    assert _manager([record], Timing(seconds=5)).advance(130.0) is True
    assert (record.status, record.since) == ("Ready", 105.0)


def test_a_phase_with_reads_ends_at_the_read_that_met_the_count() -> None:
    """With `reads=2`, the phase ends at the second read's instant, after its duration ran out."""
    record = _collection()
    manager = _manager([record], Timing(seconds=1, reads=2))
    manager.read(record, 102.0)
    assert manager.advance(103.0) is False
    manager.read(record, 104.0)
    manager.advance(110.0)
    assert (record.status, record.since) == ("Ready", 104.0)


def test_a_read_counts_only_while_a_phase_is_under_way() -> None:
    """A settled record's reads are not counted."""
    record = _collection(status="Ready")
    _manager([record], Timing(reads=3)).read(record, 101.0)
    assert (record.reads, record.last_read_at) == (0, None)


def test_the_new_phase_starts_with_no_reads() -> None:
    """Ending a phase resets the record's reads for the next one."""
    record = _collection()
    manager = _manager([record], Timing(reads=1))
    manager.read(record, 101.0)
    manager.advance(101.0)
    assert (record.reads, record.last_read_at) == (0, None)


@pytest.mark.parametrize(
    ("timing", "reads", "at", "expected"),
    [
        (Timing(seconds=10), 0, 104.0, 0.4),
        (Timing(reads=4), 1, 104.0, 0.25),
        (Timing(seconds=10, reads=4), 3, 104.0, 0.4),
        (Timing(), 0, 104.0, 0.0),
    ],
)
def test_fraction_follows_the_laggard_of_time_and_reads(
    timing: Timing, reads: int, at: float, expected: float
) -> None:
    """How far a phase has come is the smaller of its time share and its read share."""
    record = _collection()
    record.reads = reads
    assert state.fraction(record, timing, at) == pytest.approx(expected)


def test_a_gate_of_reads_alone_opens_at_the_count() -> None:
    """`reached` with no duration opens once the reads reach the timing's count."""
    assert not state.reached(Timing(reads=2), reads=1)
    assert state.reached(Timing(reads=2), reads=2)
