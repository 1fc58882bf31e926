"""What the running program says about the objects a run deletes for it (replacements).

A provider's delete receives only the state of the object it deletes, and that state was
written by an earlier run. When the same run replaces a protected index, the program's new
``force_destroy=True`` or ``final_backup`` would never reach the delete of the old index: the
engine deletes the old object (a replacement's old half, or one left pending-delete by an
earlier failed run) with its old state. So every diff records the program's current inputs
here, and a delete in the same process looks for the program's word about the object it
deletes before falling back to the state:

- the exact state the diff compared against (same ownership mark): a replacement;
- or an object the same resource made from another origin (its mark is this resource's mark
  for that origin): one that an earlier run left pending-delete.

Only a diff adds to this record, so a ``pulumi destroy`` (which runs no diff) and a resource
removed from the program still go by their state alone. The record lives in the provider's
process (one per deployment) and is never written anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["PROCESS_INTENTS", "Intent", "Intents"]


@attrs.frozen
class Intent:
    """One diff's view of a resource: the program's inputs and the state they replace.

    Attributes:
        kind: The resource kind (``RestoredIndex``).
        mark: The ownership mark of the object in the state the diff compared against.
        inputs: The program's checked inputs, as raw values.
    """

    kind: str
    mark: str | None
    inputs: Mapping[str, Any]


class Intents:
    """The intents recorded in this process, newest last (thread-safe)."""

    def __init__(self) -> None:
        """An empty record."""
        self._lock = threading.Lock()
        self._seen: list[Intent] = []

    def record(self, intent: Intent) -> None:
        """Remember one diff's intent."""
        with self._lock:
            self._seen.append(intent)

    def find(self, kind: str, matches: Callable[[Intent], bool]) -> Intent | None:
        """The newest intent of ``kind`` that ``matches``, or ``None``."""
        with self._lock:
            seen = [i for i in self._seen if i.kind == kind]
        return next((i for i in reversed(seen) if matches(i)), None)


#: The record shared by every provider in a plugin process: a delete may come through another
#: provider instance than the diff (the state of an older run pickled its own).
PROCESS_INTENTS = Intents()
