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


def _rate(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be a probability within 0..1, got {value}")


def _positive_or_none(_: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"{attribute.name} must be >= 1 (or null), got {value}")


#: The restore-job fault knobs of `Behaviour` and their JSON kinds (off by default).
_FAULT_KNOBS: Mapping[str, str] = {
    "job_404_first": "int",
    "job_404_rate": "float",
    "listing_page_size": "int?",
    "listing_drop_rate": "float",
    "listing_max_pages": "int?",
    "listing_repeat_rows": "int",
    "fault_seed": "int",
}


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


def _scatter(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{attribute.name} must be within 0 (inclusive) and 1, got {value}")


@attrs.frozen
class RestoreTiming(Timing):
    """How long a restore takes: a :class:`Timing` whose duration grows with the backup's size.

    A restore of a backup of ``record_count`` records lasts ``seconds + per_million_records *
    record_count / 1e6`` clock seconds, times a factor drawn per job from ``1 +- scatter``
    (uniformly, from a generator seeded with ``seed``), and needs ``reads`` reads as well.

    Args:
        seconds: The fixed part of every restore.
        reads: Observations that still see the job running.
        per_million_records: Seconds added per million records of the backup.
        scatter: Each job's duration is scaled by a factor within ``1 - scatter`` and
            ``1 + scatter`` (0: every restore of one backup takes as long).
        seed: Seeds the factors, so a run of restores is repeatable.
    """

    per_million_records: float = attrs.field(
        default=0.0, converter=float, validator=_non_negative_float
    )
    scatter: float = attrs.field(default=0.0, converter=float, validator=_scatter)
    seed: int = attrs.field(default=0, validator=_non_negative_int)

    @classmethod
    def of(cls, value: Timing) -> RestoreTiming:
        """``value`` as a restore timing (a plain :class:`Timing` gets no size or scatter)."""
        if isinstance(value, RestoreTiming):
            return value
        return cls(seconds=value.seconds, reads=value.reads)

    def duration(self, record_count: int, factor: float = 1.0) -> float:
        """Clock seconds a restore of ``record_count`` records lasts, for a job's ``factor``."""
        return (self.seconds + self.per_million_records * record_count / 1e6) * factor

    def phase(self, record_count: int, factor: float = 1.0) -> Timing:
        """The plain timing of one restore: its own duration, and this timing's reads."""
        return Timing(seconds=self.duration(record_count, factor), reads=self.reads)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form used by the admin API."""
        return {
            **super().to_json(),
            "per_million_records": self.per_million_records,
            "scatter": self.scatter,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> RestoreTiming:
        """Build from ``{"seconds", "reads", "per_million_records", "scatter", "seed"}``.

        Raises:
            TypeError: If a value has the wrong type.
            ValueError: If a value is out of range or a key is unknown.
        """
        known = {"seconds", "reads", "per_million_records", "scatter", "seed"}
        unknown = set(payload) - known
        if unknown:
            raise ValueError(
                f"unknown restore timing key(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        base = Timing.from_json({k: v for k, v in payload.items() if k in {"seconds", "reads"}})
        numbers = {}
        for name in ("per_million_records", "scatter"):
            value = payload.get(name, 0.0)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number")
            numbers[name] = value
        seed = payload.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError("seed must be an integer")
        return cls(seconds=base.seconds, reads=base.reads, seed=seed, **numbers)


def _restore_timing(value: Timing) -> RestoreTiming:
    return RestoreTiming.of(value)


@attrs.frozen
class Timings:
    """The timing of every lifecycle the emulator models.

    Args:
        index_ready: `Initializing` -> `Ready` for a newly created index.
        index_terminate: `Terminating` -> gone after a delete.
        backup_ready: backup `Pending` (or `Behaviour.backup_initial_status`) -> `Ready`.
        restore: restore job `Pending` -> `Completed`/`Failed`; the restored index becomes
            `Ready` at the same moment. Reads of the job and of the restored index both count.
            A :class:`RestoreTiming` (a plain `Timing` is taken as one without a size term).
        collection_ready: collection `Initializing` -> `Ready`.
    """

    index_ready: Timing = Timing()
    index_terminate: Timing = Timing()
    backup_ready: Timing = Timing()
    restore: RestoreTiming = attrs.field(default=RestoreTiming(), converter=_restore_timing)
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
            changes[name] = (
                RestoreTiming.from_json(value) if name == "restore" else Timing.from_json(value)
            )
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
    """How a running restore job's `percent_complete` rises, as a piecewise-linear curve (not live).

    The live service reports no percentage while a restore runs (`LIVE_PROGRESS`, the
    default `Behaviour.progress`); a curve is an opt-in for clients that read one.

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
        """0 the whole time until the job ends (a number, unlike the live service's none)."""
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


#: The `progress` value of the live service: no `percent_complete` (and no `completed_at`)
#: until the job is `Completed` (then 100 and set).
LIVE_PROGRESS = "live"

#: Named progress curves accepted by the admin API and the CLI. None of them is what the live
#: service does (see `LIVE_PROGRESS`): they are opt-in, for clients that read a percentage.
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
        progress: How `percent_complete` rises while a restore runs: `None` (the default,
            `"live"` in JSON) reports none, and no `completed_at`, until `Completed`, as the
            live service does; a `Progress` curve (not live) reports a rising percentage and
            `completed_at` on every end.
        backup_initial_status: The status a new backup has until it is `Ready` (`Pending` in
            the 2025-04 docs; `Initializing` in older emulator versions and some SDK tests).
        serverless_collections: Allow `POST /collections` from a serverless index (the live
            service refuses: collections are made of pod-based indexes, which only
            `seed_index(pod_type=...)` creates here).
        strict_api_version: Answer 400 to an `X-Pinecone-API-Version` other than `2025-04`
            (a missing header is served as 2025-04 either way).
        job_404_first: Faults, off by default. The first this many describes of every
            restore job answer 404 (a read of the job store that failed, as live).
        job_404_rate: ...and each later describe answers 404 with this probability.
        listing_page_size: `GET /restore-jobs` serves at most this many rows a page, whatever
            `limit` asks (`None`: as asked), so that the faults below bite on short lists.
        listing_drop_rate: Each row of a `GET /restore-jobs` page is left out with this
            probability (the page's token still moves past it).
        listing_max_pages: The page with this number (1 = the first) carries no token: the
            listing stops early although rows remain.
        listing_repeat_rows: Each page after the first starts with this many rows of the page
            before it again (offset pagination under a list that grew meanwhile).
        fault_seed: Seeds the draws of the rate faults, so a run is repeatable.
    """

    hide_jobs_of_deleted_indexes: bool = True
    restore_listing_lag: Timing = Timing(reads=1)
    newest_first: bool = True
    progress: Progress | None = None
    backup_initial_status: str = "Pending"
    serverless_collections: bool = False
    strict_api_version: bool = True
    job_404_first: int = attrs.field(default=0, validator=_non_negative_int)
    job_404_rate: float = attrs.field(default=0.0, validator=_rate)
    listing_page_size: int | None = attrs.field(default=None, validator=_positive_or_none)
    listing_drop_rate: float = attrs.field(default=0.0, validator=_rate)
    listing_max_pages: int | None = attrs.field(default=None, validator=_positive_or_none)
    listing_repeat_rows: int = attrs.field(default=0, validator=_non_negative_int)
    fault_seed: int = 0

    @classmethod
    def legacy(cls) -> Behaviour:
        """The emulator before it imitated these quirks.

        Every job listed at once and forever, oldest first, progress 0 until it is 100,
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
            "progress": LIVE_PROGRESS if self.progress is None else self.progress.to_json(),
            "backup_initial_status": self.backup_initial_status,
            "serverless_collections": self.serverless_collections,
            "strict_api_version": self.strict_api_version,
            **{name: getattr(self, name) for name in _FAULT_KNOBS},
        }

    @property
    def live_progress(self) -> bool:
        """Whether restore jobs report progress as the live service does (none until done)."""
        return self.progress is None

    @classmethod
    def from_json(cls, payload: Mapping[str, Any], base: Behaviour | None = None) -> Behaviour:
        """Build a behaviour from a JSON object, keeping `base` values for keys not given.

        `progress` is `"live"`, a preset name (`linear`, `silent`, `stall`, `uneven`) or
        `{"points": [[fraction, percent], ...]}`; `restore_listing_lag` is a timing object;
        the fault knobs are numbers (`listing_page_size`, `listing_max_pages` may be null).

        Raises:
            TypeError: On a wrong value type.
            ValueError: On an unknown key, preset or an inconsistent value.
        """
        names = {field.name for field in attrs.fields(Behaviour)}
        unknown = set(payload) - names
        if unknown:
            raise ValueError(f"unknown behaviour key(s) {sorted(unknown)}; known: {sorted(names)}")
        changes: dict[str, Any] = _flags(payload)
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


def _flags(payload: Mapping[str, Any]) -> dict[str, Any]:
    flags = (
        "hide_jobs_of_deleted_indexes",
        "newest_first",
        "serverless_collections",
        "strict_api_version",
    )
    changes: dict[str, Any] = {}
    for flag in flags:
        if flag in payload:
            if not isinstance(payload[flag], bool):
                raise TypeError(f"{flag} must be true or false")
            changes[flag] = payload[flag]
    for knob, kind in _FAULT_KNOBS.items():
        if knob in payload:
            changes[knob] = _knob(knob, payload[knob], kind)
    return changes


def _knob(name: str, value: object, kind: str) -> Any:
    if value is None and kind == "int?":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number")
    if kind in {"int", "int?"}:
        if not isinstance(value, int):
            raise TypeError(f"{name} must be an integer")
        return value
    return float(value)


def _progress(value: object) -> Progress | None:
    if value == LIVE_PROGRESS:
        return None
    if isinstance(value, str):
        if value not in PROGRESS_PRESETS:
            known = sorted(PROGRESS_PRESETS)
            raise ValueError(f"unknown progress preset {value!r}; known: {[LIVE_PROGRESS, *known]}")
        return PROGRESS_PRESETS[value]
    if isinstance(value, Mapping) and set(value) == {"points"}:
        return Progress(points=value["points"])
    raise TypeError("progress must be a preset name or {'points': [[fraction, percent], ...]}")
