"""Input rules of the Pinecone API, checked before anything is sent.

Every check returns a message that names what is wrong and how to fix it, or ``None``; the
providers attach the message to the property (a ``CheckFailure``) so `pulumi preview` shows it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DELETION_PROTECTION_VALUES",
    "auto_index_name",
    "check_deletion_protection",
    "check_index_name",
    "check_tags",
    "parse_duration",
]

INDEX_NAME_MAX = 45
_INDEX_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
TAG_KEY_MAX = 80
TAG_VALUE_MAX = 120
_TAG_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TAG_VALUE = re.compile(r"^[A-Za-z0-9;@_\-.+ ]*$")
DELETION_PROTECTION_VALUES = ("enabled", "disabled")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
AUTO_SUFFIX_LEN = 7


def check_index_name(value: Any) -> str | None:
    """Check an index name against Pinecone's rules (1-45 chars, ``a-z0-9-``, alnum ends)."""
    if not isinstance(value, str):
        return f"must be a string, got {type(value).__name__}"
    if not value:
        return "must not be empty; omit it to get an auto-generated name"
    if len(value) > INDEX_NAME_MAX:
        return f"{value!r} is {len(value)} characters; Pinecone allows at most {INDEX_NAME_MAX}"
    if not _INDEX_NAME.match(value):
        return (
            f"{value!r} is not a valid index name: use only lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def check_tags(value: Any) -> str | None:
    """Check a tag map against Pinecone's key/value rules."""
    if not isinstance(value, Mapping):
        return f"must be a map of strings to strings, got {type(value).__name__}"
    for key, item in value.items():
        reason = _check_tag_key(key)
        if reason:
            return reason
        if not isinstance(item, str):
            return f"tag {key!r} must have a string value, got {type(item).__name__}"
        if item == "":
            # On the wire "" means "remove this key"; as a desired value it cannot be kept.
            return f"tag {key!r} has an empty value, which Pinecone treats as removal; omit the key"
        if len(item) > TAG_VALUE_MAX or not _TAG_VALUE.match(item):
            return (
                f"tag {key!r} value {item!r} is invalid: at most {TAG_VALUE_MAX} characters of "
                "letters, digits, spaces and ; @ _ - . +"
            )
    return None


def _check_tag_key(key: Any) -> str | None:
    if not isinstance(key, str) or not key:
        return f"tag key {key!r} must be a non-empty string"
    if len(key) > TAG_KEY_MAX or not _TAG_KEY.match(key):
        return (
            f"tag key {key!r} is invalid: at most {TAG_KEY_MAX} characters of letters, "
            "digits, '_' and '-'"
        )
    return None


def check_deletion_protection(value: Any) -> str | None:
    """Check a deletion-protection value (``enabled`` or ``disabled``)."""
    if value not in DELETION_PROTECTION_VALUES:
        return f"must be 'enabled' or 'disabled', got {value!r}"
    return None


def parse_duration(value: Any) -> float:
    """Read a time budget: seconds as a number, or a Go-style duration such as ``"1h30m"``.

    Args:
        value: A positive number of seconds or a string like ``"90s"``, ``"20m"``, ``"2h"``.

    Returns:
        Seconds.

    Raises:
        ValueError: With a message that says what is accepted.
    """
    if isinstance(value, bool):
        raise ValueError("must be a number of seconds or a duration like '30m'")  # noqa: TRY004
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace(" ", "")
        try:
            seconds = float(text)
        except ValueError:
            parts = _DURATION_PART.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text:
                raise ValueError(
                    f"{value!r} is not a duration; use seconds (600) or e.g. '90s', '20m', '1h30m'"
                ) from None
            unit = {"h": 3600.0, "m": 60.0, "s": 1.0}
            seconds = sum(float(n) * unit[u] for n, u in parts)
    else:
        raise ValueError(f"must be a number of seconds or a duration like '30m', got {value!r}")
    if seconds <= 0:
        raise ValueError(f"must be positive, got {value!r}")
    return seconds


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower())
    return re.sub(r"-{2,}", "-", slug).strip("-")


def auto_index_name(resource_name: str, seed: str) -> str:
    """Derive a valid, stable index name from a resource name.

    The suffix is a hash of ``seed`` (project, stack, resource name and backup id), so a preview
    shows the name that `pulumi up` will use, two stacks never pick the same name, and a new
    backup (a replacement created before the old index is deleted) gets a new name.

    Args:
        resource_name: The Pulumi resource name (any characters).
        seed: Text that makes the suffix unique.

    Returns:
        A name that passes :func:`check_index_name`.
    """
    suffix = hashlib.sha256(seed.encode()).hexdigest()[:AUTO_SUFFIX_LEN]
    prefix = _slug(resource_name)[: INDEX_NAME_MAX - AUTO_SUFFIX_LEN - 1].strip("-") or "index"
    return f"{prefix}-{suffix}"
