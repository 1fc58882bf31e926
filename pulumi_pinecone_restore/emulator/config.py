"""Configuration values for the emulator: lifecycle timings, quotas and regions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

#: Public serverless regions per cloud as listed in Pinecone's docs for API 2025-04.
DEFAULT_REGIONS: Mapping[str, tuple[str, ...]] = {
    "aws": ("us-east-1", "us-west-2", "eu-west-1"),
    "gcp": ("us-central1", "europe-west4"),
    "azure": ("eastus2",),
}


def _non_negative_float(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


def _non_negative_int(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


@attrs.frozen
class Timing:
    """How long one lifecycle transition takes.

    The transition happens once BOTH conditions hold: at least `seconds` have elapsed on the
    emulator's clock since the phase began, AND the object has been observed (described or
    listed) at least `reads` times while in that phase. `Timing()` means "immediately".

    Args:
        seconds: Clock seconds the phase lasts at least.
        reads: Number of observations that still see the old state.
    """

    seconds: float = attrs.field(default=0.0, converter=float, validator=_non_negative_float)
    reads: int = attrs.field(default=0, validator=_non_negative_int)

    def is_due(self, elapsed: float, reads: int) -> bool:
        """Return whether a phase that began `elapsed` seconds ago and was read `reads` times ends.

        Args:
            elapsed: Clock seconds since the phase began.
            reads: Observations made while in the phase.

        Returns:
            True when both thresholds are met.
        """
        return elapsed >= self.seconds and reads >= self.reads

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form used by the admin API."""
        return {"seconds": self.seconds, "reads": self.reads}

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> Timing:
        """Build a timing from `{"seconds": float, "reads": int}` (both optional).

        Raises:
            TypeError: If a value has the wrong type.
            ValueError: If a value is negative.
        """
        seconds = payload.get("seconds", 0.0)
        reads = payload.get("reads", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError("seconds must be a number")
        if isinstance(reads, bool) or not isinstance(reads, int):
            raise TypeError("reads must be an integer")
        return cls(seconds=seconds, reads=reads)


@attrs.frozen
class Timings:
    """The timing of every lifecycle the emulator models.

    Args:
        index_ready: `Initializing` -> `Ready` for a newly created index.
        index_terminate: `Terminating` -> gone after a delete.
        backup_ready: backup `Initializing` -> `Ready`.
        restore: restore job `Pending` -> `Completed`/`Failed`; the restored index becomes
            `Ready` at the same moment. Reads of the job and of the restored index both count.
        collection_ready: collection `Initializing` -> `Ready`.
    """

    index_ready: Timing = Timing()
    index_terminate: Timing = Timing()
    backup_ready: Timing = Timing()
    restore: Timing = Timing()
    collection_ready: Timing = Timing()

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form used by the admin API and the state dump."""
        return {field.name: getattr(self, field.name).to_json() for field in attrs.fields(Timings)}

    @classmethod
    def from_json(cls, payload: Mapping[str, Any], base: Timings | None = None) -> Timings:
        """Build timings from a JSON object, keeping `base` values for keys not given.

        Args:
            payload: e.g. `{"restore": {"seconds": 5}, "index_ready": {"reads": 2}}`.
            base: Timings whose values are kept for absent keys (default: all immediate).

        Raises:
            TypeError: On a wrong value type.
            ValueError: On an unknown lifecycle name or a negative value.
        """
        names = {field.name for field in attrs.fields(Timings)}
        unknown = set(payload) - names
        if unknown:
            raise ValueError(f"unknown lifecycle(s) {sorted(unknown)}; known: {sorted(names)}")
        changes: dict[str, Timing] = {}
        for name, value in payload.items():
            if not isinstance(value, Mapping):
                raise TypeError(f"{name} must be an object like {{'seconds': 0, 'reads': 0}}")
            changes[name] = Timing.from_json(value)
        return attrs.evolve(base or cls(), **changes)


@attrs.frozen
class Quotas:
    """Per-project limits; `None` means unlimited. Exceeding one answers 403 `FORBIDDEN`.

    Args:
        indexes: Maximum indexes (every state counts, including `Terminating`).
        backups: Maximum backups in the project.
        collections: Maximum collections in the project.
    """

    indexes: int | None = None
    backups: int | None = None
    collections: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form used by the state dump."""
        return attrs.asdict(self)
