"""Configuration values for the emulator: lifecycle timings, quotas and regions."""

from __future__ import annotations

import itertools
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
        backup_ready: backup `Pending` (or `Behaviour.backup_initial_status`) -> `Ready`.
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


_Points = tuple[tuple[float, float], ...]


def _check_points(_: object, __: attrs.Attribute[_Points], value: _Points) -> None:
    fractions = [point[0] for point in value]
    if len(value) < 2 or fractions[0] != 0.0 or fractions[-1] != 1.0:  # noqa: PLR2004
        raise ValueError("progress points must start at fraction 0.0 and end at 1.0")
    if any(b < a for a, b in itertools.pairwise(fractions)):
        raise ValueError("progress point fractions must not decrease")
    if any(not 0.0 <= percent <= 100.0 for _, percent in value):  # noqa: PLR2004
        raise ValueError("progress percentages must be within 0..100")


def _points(value: Any) -> _Points:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise TypeError("points must be a list of [fraction, percent] pairs")
    pairs: list[tuple[float, float]] = []
    for point in value:
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2  # noqa: PLR2004 - a pair
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in point)
        ):
            raise TypeError(f"progress point {point!r} is not a [fraction, percent] pair")
        pairs.append((float(point[0]), float(point[1])))
    return tuple(pairs)


@attrs.frozen
class Progress:
    """How a running restore job's `percent_complete` rises, as a piecewise-linear curve.

    The curve maps the fraction of the restore's duration that has passed (0.0 at the 202,
    1.0 when it is due) to a percentage; between points it is interpolated linearly. The
    fraction is measured on the restore `Timing`: with `seconds`, elapsed clock time over
    `seconds`; with `reads`, reads so far over `reads`; with both, the smaller of the two
    (the job needs both). A running job never reports 100: that is left to `Completed`.

    Args:
        points: `(fraction, percent)` pairs from `(0.0, p0)` to `(1.0, p1)`, fractions not
            decreasing; a vertical step is two points with the same fraction.
    """

    points: tuple[tuple[float, float], ...] = attrs.field(
        default=((0.0, 0.0), (1.0, 100.0)), converter=_points, validator=_check_points
    )

    @classmethod
    def linear(cls) -> Progress:
        """Progress proportional to time (the default)."""
        return cls()

    @classmethod
    def silent(cls) -> Progress:
        """No progress reported until the job ends (0 the whole time), as some SDK docs say."""
        return cls(points=((0.0, 0.0), (1.0, 0.0)))

    @classmethod
    def stall(cls, at: float = 40.0, start: float = 0.2, end: float = 0.8) -> Progress:
        """Rise to `at` percent by fraction `start`, stay there until `end`, then finish.

        Args:
            at: The percentage the job stalls at.
            start: Fraction of the duration when the stall begins.
            end: Fraction of the duration when it resumes.
        """
        return cls(points=((0.0, 0.0), (start, at), (end, at), (1.0, 100.0)))

    @classmethod
    def uneven(cls) -> Progress:
        """A fast start, a slow middle and a fast end: a poor basis for a linear forecast."""
        return cls(points=((0.0, 0.0), (0.1, 50.0), (0.9, 60.0), (1.0, 100.0)))

    def percent(self, fraction: float) -> float:
        """Return the percentage at `fraction` of the duration (clamped to 0..1), below 100.

        Args:
            fraction: Elapsed share of the restore's duration.
        """
        fraction = min(max(fraction, 0.0), 1.0)
        value = self.points[-1][1]
        for (f0, p0), (f1, p1) in itertools.pairwise(self.points):
            if f0 <= fraction <= f1:
                value = p1 if f1 == f0 else p0 + (p1 - p0) * (fraction - f0) / (f1 - f0)
                break
        # 100 belongs to Completed; a job still Pending shows a hair less.
        return round(min(value, 99.9), 1)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form used by the admin API."""
        return {"points": [list(point) for point in self.points]}


#: Named progress curves accepted by the admin API and the CLI.
PROGRESS_PRESETS: Mapping[str, Progress] = {
    "linear": Progress.linear(),
    "silent": Progress.silent(),
    "stall": Progress.stall(),
    "uneven": Progress.uneven(),
}


@attrs.frozen
class Behaviour:
    """How closely the emulator imitates the live service where it is unkind to clients.

    The defaults follow what Pinecone's docs and SDKs describe; tests that need the simpler
    behaviour of earlier emulator versions switch each knob off explicitly (`Behaviour.legacy()`).

    Args:
        hide_jobs_of_deleted_indexes: Restore jobs whose target index was deleted (from the
            accepted DELETE on, i.e. `Terminating` or gone) are left out of `GET /restore-jobs`,
            and `GET /restore-jobs/{id}` answers 404, as the newer SDK's docs describe.
        restore_listing_lag: A new restore job is missing from `GET /restore-jobs` until this
            timing holds, counted from the 202: `seconds` of clock time and `reads` listings
            that left it out. Describing the job works at once. `Timing()` lists it at once.
        newest_first: Backups and restore jobs are listed newest first (otherwise oldest
            first); indexes and collections always in creation order.
        progress: How `percent_complete` rises while a restore runs.
        backup_initial_status: The status a new backup has until it is `Ready` (`Pending` in
            the 2025-04 docs; `Initializing` in older emulator versions and some SDK tests).
        serverless_collections: Allow `POST /collections` from a serverless index (the live
            service refuses: collections are made of pod-based indexes, which only
            `seed_index(pod_type=...)` creates here).
        strict_api_version: Answer 400 to an `X-Pinecone-API-Version` other than `2025-04`
            (a missing header is served as 2025-04 either way).
    """

    hide_jobs_of_deleted_indexes: bool = True
    restore_listing_lag: Timing = Timing(reads=1)
    newest_first: bool = True
    progress: Progress = Progress()
    backup_initial_status: str = "Pending"
    serverless_collections: bool = False
    strict_api_version: bool = True

    @classmethod
    def legacy(cls) -> Behaviour:
        """The emulator before it imitated these quirks.

        Every job listed at once and forever, oldest first, progress jumping from 0 to 100,
        backups starting `Initializing`, collections of serverless indexes allowed.
        """
        return cls(
            hide_jobs_of_deleted_indexes=False,
            restore_listing_lag=Timing(),
            newest_first=False,
            progress=Progress.silent(),
            backup_initial_status="Initializing",
            serverless_collections=True,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form used by the admin API and the state dump."""
        return {
            "hide_jobs_of_deleted_indexes": self.hide_jobs_of_deleted_indexes,
            "restore_listing_lag": self.restore_listing_lag.to_json(),
            "newest_first": self.newest_first,
            "progress": self.progress.to_json(),
            "backup_initial_status": self.backup_initial_status,
            "serverless_collections": self.serverless_collections,
            "strict_api_version": self.strict_api_version,
        }

    @classmethod
    def from_json(cls, payload: Mapping[str, Any], base: Behaviour | None = None) -> Behaviour:
        """Build a behaviour from a JSON object, keeping `base` values for keys not given.

        `progress` is a preset name (`linear`, `silent`, `stall`, `uneven`) or
        `{"points": [[fraction, percent], ...]}`; `restore_listing_lag` is a timing object.

        Raises:
            TypeError: On a wrong value type.
            ValueError: On an unknown key, preset or an inconsistent value.
        """
        names = {field.name for field in attrs.fields(Behaviour)}
        unknown = set(payload) - names
        if unknown:
            raise ValueError(f"unknown behaviour key(s) {sorted(unknown)}; known: {sorted(names)}")
        changes: dict[str, Any] = {}
        flags = (
            "hide_jobs_of_deleted_indexes",
            "newest_first",
            "serverless_collections",
            "strict_api_version",
        )
        for flag in flags:
            if flag in payload:
                if not isinstance(payload[flag], bool):
                    raise TypeError(f"{flag} must be true or false")
                changes[flag] = payload[flag]
        if "restore_listing_lag" in payload:
            lag = payload["restore_listing_lag"]
            if not isinstance(lag, Mapping):
                raise TypeError("restore_listing_lag must be an object like {'reads': 1}")
            changes["restore_listing_lag"] = Timing.from_json(lag)
        if "progress" in payload:
            changes["progress"] = _progress(payload["progress"])
        if "backup_initial_status" in payload:
            status = payload["backup_initial_status"]
            if not isinstance(status, str) or not status or status == "Ready":
                raise ValueError("backup_initial_status must be a status other than Ready")
            changes["backup_initial_status"] = status
        return attrs.evolve(base or cls(), **changes)


def _progress(value: object) -> Progress:
    if isinstance(value, str):
        if value not in PROGRESS_PRESETS:
            known = sorted(PROGRESS_PRESETS)
            raise ValueError(f"unknown progress preset {value!r}; known: {known}")
        return PROGRESS_PRESETS[value]
    if isinstance(value, Mapping) and set(value) == {"points"}:
        return Progress(points=value["points"])
    raise TypeError("progress must be a preset name or {'points': [[fraction, percent], ...]}")
