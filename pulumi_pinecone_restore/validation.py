"""Input rules of the Pinecone API, checked before anything is sent.

Every ``check_*`` function takes one proposed value, as a program or the CLI gave it, and
returns a message that names what is wrong and how to fix it, or ``None`` when the value is
valid; it never raises. The providers attach the message to the property (a ``CheckFailure``)
so `pulumi preview` shows it.
Every pattern is matched against the whole value (``re.fullmatch``): ``$`` would let a trailing
newline through.

Rules from the API reference (2025-04): index and collection names are 1-45 characters of
``a-z0-9-`` that start and end with a letter or digit; tag keys are at most 80 characters of
letters, digits, ``_`` and ``-``; tag values at most 120 characters of letters, digits, space and
``; @ _ - . +``; dimension 1-20000; cloud ``aws``, ``gcp`` or ``azure``.

Rules of our own, where the reference is silent: a backup id is 1-128 characters of
``A-Za-z0-9_-`` (the live service hands out UUIDs, the spec's examples look like ``bkp_123abc``;
both fit, and the id can never spell a different URL path); a region is 1-64 characters of
``a-z0-9-``; backup names and descriptions hold no control characters (descriptions may hold
newlines and tabs); a time budget is at least :data:`MIN_DURATION` (1 s, the first poll of any
wait) and at most :data:`MAX_DURATION` (7 days), written as seconds or as h/m/s parts, each
unit at most once, largest first, without spaces (``"1h30m"``).

Backup names and descriptions have no length limit here: the API reference documents none, so
Pinecone judges them (a 400 is reported with its message) rather than a guess of ours.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = [
    "BACKUP_ID_MAX",
    "CLOUDS",
    "DELETION_PROTECTION_VALUES",
    "MAX_DIMENSION",
    "MAX_DURATION",
    "METRICS",
    "MIN_DURATION",
    "auto_index_name",
    "check_backup_id",
    "check_backup_name",
    "check_bool",
    "check_cloud",
    "check_collection_name",
    "check_deletion_protection",
    "check_description",
    "check_dimension",
    "check_index_name",
    "check_metric",
    "check_region",
    "check_tag_nulls",
    "check_tags",
    "check_trigger",
    "parse_duration",
]

INDEX_NAME_MAX = 45
_INDEX_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
TAG_KEY_MAX = 80
TAG_VALUE_MAX = 120
DELETION_PROTECTION_VALUES = ("enabled", "disabled")
BACKUP_ID_MAX = 128
REGION_MAX = 64
# API 2025-04 has closed enums for these; later versions open them (outputs accept anything).
CLOUDS = ("aws", "gcp", "azure")
METRICS = ("cosine", "euclidean", "dotproduct")
MAX_DIMENSION = 20_000
# Control characters, except tab/newline/carriage return which a description may contain.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DESCRIPTION_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A budget past a week is a typo (or "inf"): a wait that long is better resumed by `pulumi up`.
MAX_DURATION = 7 * 24 * 3600.0
# The first poll of any wait is 1 s after it starts: a shorter budget could only run out (and
# 1e-300 is a typo, not a plan).
MIN_DURATION = 1.0
_SECONDS = re.compile(r"[0-9]+(\.[0-9]+)?")
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# Each unit at most once, largest first: "1h30m", "90s"; never "1h1h", "1m1h" or "60 s".
_DURATION = re.compile(rf"(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m)?(?:(?P<s>{_NUMBER})s)?")
_LOOSE_DURATION = re.compile(rf"(?:{_NUMBER}[hms])+")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}
_DURATION_HINT = "use seconds (600) or h/m/s parts, largest first, e.g. '90s', '20m', '1h30m'"
AUTO_SUFFIX_LEN = 7


@attrs.frozen
class _Spelling:
    """Text of at most ``most`` characters, all of ``pattern``; ``problem`` says otherwise.

    ``problem`` is formatted with ``value`` (the text), ``most`` and any names the caller adds.
    """

    pattern: re.Pattern[str]
    most: int
    problem: str

    def __call__(self, value: str, **names: Any) -> str | None:
        if len(value) <= self.most and self.pattern.fullmatch(value):
            return None
        return self.problem.format(value=value, most=self.most, **names)


_BACKUP_HINT = "see `pinecone-restore backups list` for the ids of this project's backups"
_TAG_KEY = _Spelling(
    re.compile(r"[A-Za-z0-9_-]+"),
    TAG_KEY_MAX,
    "tag key {value!r} is invalid: at most {most} characters of letters, digits, '_' and '-'",
)
_TAG_VALUE = _Spelling(
    re.compile(r"[A-Za-z0-9;@_\-.+ ]*"),
    TAG_VALUE_MAX,
    "tag {key!r} value {value!r} is invalid: at most {most} characters of letters, digits, "
    "spaces and ; @ _ - . +",
)
_BACKUP_ID = _Spelling(
    re.compile(r"[A-Za-z0-9_-]+"),
    BACKUP_ID_MAX,
    "{value!r} is not a backup id: at most {most} letters, digits, '_' and '-' (a UUID, for "
    "example); " + _BACKUP_HINT,
)
_REGION = _Spelling(
    re.compile(r"[a-z0-9-]+"),
    REGION_MAX,
    "{value!r} is not a region: use the provider's lowercase name, e.g. 'us-east-1', "
    "'eastus2' or 'europe-west4'",
)


def _one_of(name: str, choices: tuple[str, ...], what: str) -> Callable[[Any], str | None]:
    """The check ``name``: it accepts only one of ``choices`` (closed enums of API 2025-04)."""
    first, *rest = choices
    accepted = f"{first!r} or {rest[0]!r}" if len(rest) == 1 else f"one of {', '.join(choices)}"

    def check(value: Any) -> str | None:
        if not isinstance(value, str) or value not in choices:
            return f"must be {accepted}, got {value!r}"
        return None

    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"Check {what} ({accepted}): what is accepted, or ``None`` when valid."
    return check


check_deletion_protection = _one_of(
    "check_deletion_protection", DELETION_PROTECTION_VALUES, "a deletion-protection value"
)
check_cloud = _one_of("check_cloud", CLOUDS, "a cloud")
check_metric = _one_of("check_metric", METRICS, "a similarity metric")


def check_index_name(value: Any) -> str | None:
    """Check an index name against Pinecone's rules (1-45 chars, ``a-z0-9-``, alnum ends)."""
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if not value:
        return "must not be empty; omit it to get an auto-generated name"
    if len(value) > INDEX_NAME_MAX:
        return f"{value!r} is {len(value)} characters; Pinecone allows at most {INDEX_NAME_MAX}"
    if not _INDEX_NAME.fullmatch(value):
        return (
            f"{value!r} is not a valid index name: use only lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def check_collection_name(value: Any) -> str | None:
    """Check a collection name (the same rules as an index name)."""
    if isinstance(value, str) and not value.strip():
        return "must name a Ready collection of this project (see GET /collections)"
    return check_index_name(value)


def check_tags(value: Any) -> str | None:
    """Check a tag map against Pinecone's key/value rules."""
    if not isinstance(value, Mapping):
        return f"must be a map of strings to strings, got {type(value).__name__}"
    for key, item in value.items():
        reason = _check_tag_key(key)
        if reason:
            return reason
        if not isinstance(item, str):
            return _tag_value_type(key, item)
        if item == "":
            # On the wire "" means "remove this key"; as a desired value it cannot be kept.
            return f"tag {key!r} has an empty value, which Pinecone treats as removal; omit the key"
        reason = _TAG_VALUE(item, key=key)
        if reason:
            return reason
    return None


def check_tag_nulls(value: Any) -> str | None:
    """Check a tag map, as a program gives it, for ``None`` values.

    Pulumi drops a ``None`` inside a map on its way to the provider, so ``{"env": None}``
    reaches check as ``{}`` (and would remove the tag). The resource classes call this before
    registering; everything else about tags is checked by :func:`check_tags` at check.

    Args:
        value: The tags the program passed (an ``Output`` or any non-map is left alone).

    Returns:
        What is wrong with the first ``None`` value, naming its key, or ``None``.
    """
    if isinstance(value, Mapping):
        for key, item in value.items():
            if item is None:
                return _tag_value_type(key, item)
    return None


def _tag_value_type(key: Any, item: Any) -> str:
    if item is None:
        # Pulumi drops a None inside a map on its way to the provider, so {"env": None} would
        # silently become {} (and remove the tag): say so instead.
        return (
            f"tag {key!r} has no value (None); give it a string, or leave the key out to have "
            "no such tag"
        )
    if isinstance(item, (list, tuple, Mapping)):
        kind = "map" if isinstance(item, Mapping) else "list"
        return (
            f"tag {key!r} has a {kind} as its value; a tag value is one string (at most "
            f"{TAG_VALUE_MAX} characters), e.g. join several with ';'"
        )
    return f"tag {key!r} must have a string value, got {type(item).__name__}"


def _check_tag_key(key: Any) -> str | None:
    if not isinstance(key, str) or not key:
        return f"tag key {key!r} must be a non-empty string"
    return _TAG_KEY(key)


def check_backup_id(value: Any) -> str | None:
    """Check a backup id: 1-128 characters of letters, digits, ``_`` and ``-``.

    The id goes into URL paths (``/backups/{id}``), so nothing that could spell another path
    (``/``, ``?``, ``#``, ``..``, ``%``) is accepted, whatever the client escapes.
    """
    if not isinstance(value, str):
        return (
            f"must be a string, the id of a Ready backup, got {type(value).__name__}; "
            f"{_BACKUP_HINT}"
        )
    if not value.strip():
        return f"is required: the id of a Ready backup; {_BACKUP_HINT}"
    return _BACKUP_ID(value)


def check_region(value: Any) -> str | None:
    """Check a cloud region name such as ``us-east-1`` (1-64 characters of ``a-z0-9-``)."""
    if not isinstance(value, str):
        return f"must be a string such as 'us-east-1', got {type(value).__name__}"
    return _REGION(value)


def check_dimension(value: Any) -> str | None:
    """Check a vector dimension: a whole number from 1 to 20000 (``8.0`` counts as 8).

    Numbers cross Pulumi's gRPC boundary as floats, so a whole float is a whole number.
    """
    whole = (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and float(value).is_integer()
    )
    if not whole:
        return f"must be a whole number, got {value!r}"
    if not 1 <= int(value) <= MAX_DIMENSION:
        return f"must be between 1 and {MAX_DIMENSION}, got {int(value)}"
    return None


def check_bool(value: Any) -> str | None:
    """Check a flag such as ``force_destroy``: ``true`` or ``false``, not a string or number."""
    if not isinstance(value, bool):
        return f"must be true or false, got {value!r}"
    return None


def check_backup_name(value: Any) -> str | None:
    """Check a backup name: a non-blank string without control characters.

    The API documents no other limit on backup names.
    """
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string; omit it for an unnamed backup"
    if _CONTROL.search(value):
        return f"{value!r} contains a control character (e.g. a newline); remove it"
    return None


def check_description(value: Any) -> str | None:
    """Check a backup description: a string; newlines and tabs allowed, other controls not."""
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if _DESCRIPTION_CONTROL.search(value):
        return f"{value!r} contains a control character; remove it"
    return None


def check_trigger(value: Any) -> str | None:
    """Check a backup ``trigger``: a string or a finite number (changing it takes a new backup)."""
    if isinstance(value, str):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            # NaN never equals itself, so every run would see a change and take a backup.
            return f"must be a finite number, got {value!r}"
        return None
    return f"must be a string or a number (e.g. a date), got {type(value).__name__}"


def parse_duration(value: Any) -> float:
    """Read a time budget: seconds as a number, or a duration such as ``"1h30m"``.

    Args:
        value: A number of seconds, a string of digits (``"600"``, ``"2.5"``) or of h/m/s
            parts (``"90s"``, ``"20m"``, ``"1h30m"``, ``"2.5h"``): each unit at most once,
            largest first, no spaces. It must be at least :data:`MIN_DURATION` (1 s, the
            first poll of any wait) and at most :data:`MAX_DURATION` (7 days).

    Returns:
        Seconds.

    Raises:
        ValueError: With a message that says what is accepted (also for ``nan``, ``inf``
            and numbers too large for a float).
    """
    if isinstance(value, bool):
        raise ValueError(f"must be a number of seconds or a duration; {_DURATION_HINT}")  # noqa: TRY004
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:
            seconds = math.inf
    elif isinstance(value, str) and value:
        seconds = _parse_duration_text(value)
    else:
        raise ValueError(
            f"must be a number of seconds or a duration, got {value!r}; {_DURATION_HINT}"
        )
    if math.isnan(seconds):
        raise ValueError(f"must be a number of seconds, got {value!r}")
    if seconds <= 0:
        raise ValueError(f"must be positive, got {value!r}")
    if seconds < MIN_DURATION:
        raise ValueError(
            f"{value!r} is shorter than the shortest budget, 1 second ('1s'): the first poll "
            "of a wait comes after 1 s, so a shorter budget could only run out; give e.g. '30m'"
        )
    if seconds > MAX_DURATION:
        raise ValueError(
            f"{value!r} is longer than the longest budget, 7 days ('168h'); give a shorter "
            "one: a wait that runs out of time leaves the work going on, and the next run "
            "takes it up again"
        )
    return seconds


def _parse_duration_text(value: str) -> float:
    if any(char.isspace() for char in value):
        raise ValueError(
            f"{value!r} contains a space or line break; write it without spaces, e.g. '60s'"
        )
    if _SECONDS.fullmatch(value):
        return float(value)
    match = _DURATION.fullmatch(value)
    if match and any(match.groupdict().values()):
        return sum(
            float(number) * _UNIT_SECONDS[unit]
            for unit, number in match.groupdict().items()
            if number is not None
        )
    if _LOOSE_DURATION.fullmatch(value):
        raise ValueError(
            f"{value!r} repeats a unit or gives them out of order; write each of h, m and s "
            "at most once, largest first, e.g. '1h30m'"
        )
    raise ValueError(f"{value!r} is not a duration; {_DURATION_HINT}")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", slug).strip("-")


def auto_index_name(resource_name: str, seed: str) -> str:
    """Derive a valid, stable index name from a resource name.

    The suffix is a hash of ``seed`` (organization, project, stack, resource name and backup id),
    so a preview shows the name that `pulumi up` will use, two stacks of one backend never pick
    the same name, and a new backup (a replacement created before the old index is deleted) gets
    a new name. It is derived once and then kept in state (renames do not change it).

    Args:
        resource_name: The Pulumi resource name (any characters).
        seed: Text that makes the suffix unique.

    Returns:
        A name that passes :func:`check_index_name`.
    """
    suffix = hashlib.sha256(seed.encode()).hexdigest()[:AUTO_SUFFIX_LEN]
    prefix = _slug(resource_name)[: INDEX_NAME_MAX - AUTO_SUFFIX_LEN - 1].strip("-") or "index"
    return f"{prefix}-{suffix}"
