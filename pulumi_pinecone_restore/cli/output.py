"""What the CLI prints: results as a table or as JSON, and progress while it waits.

Results go to stdout, progress and errors to stderr, so ``--output json`` pipes cleanly. JSON
uses the API's own field names and shapes (an index has ``status.state`` and
``spec.serverless.region``, as ``GET /indexes/{name}`` answers); a table flattens them into
columns. Tables and progress are a few lines each: a table library (rich, tabulate) would add
more code to the wheel than it saves here.
"""

from __future__ import annotations

import enum
import json
import math
import re
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from pulumi_pinecone_restore.models import BackupModel, IndexModel, RestoreJobModel

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "BACKUP_COLUMNS",
    "INDEX_COLUMNS",
    "INDEX_DETAIL",
    "JOB_COLUMNS",
    "Format",
    "ProgressLine",
    "backup_json",
    "emit_list",
    "emit_object",
    "format_seconds",
    "index_json",
    "job_json",
    "printable",
]

TICK = 1.0  # seconds between redraws of the progress line on a terminal
# Off a terminal, a message that says nothing new is repeated at most this often (a CI log
# should show that the wait goes on, not one line per poll).
REPEAT_EVERY = 30.0
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The lifecycle puts the time waited and the budget into its progress lines, as
# "(elapsed 75s of 3600s)" or ", 1m15s of 1h budget"; the line shows them already.
_LIFECYCLE_CLOCK = re.compile(r" \(elapsed \d+s of \d+s\)$|, [\dhms]+ of [\dhms]+ budget")


class Format(enum.Enum):
    """How results are printed (``--output``)."""

    TABLE = "table"
    JSON = "json"


def index_json(index: IndexModel) -> dict[str, Any]:
    """An index in the shape ``GET /indexes/{name}`` gives it (the fields the client reads)."""
    serverless: dict[str, Any] = {"cloud": index.cloud, "region": index.region}
    if index.source_collection is not None:
        serverless["source_collection"] = index.source_collection
    body: dict[str, Any] = {
        "name": index.name,
        "dimension": index.dimension,
        "metric": index.metric,
        "host": index.host,
        "vector_type": index.vector_type,
        "deletion_protection": index.deletion_protection,
        "tags": dict(index.tags),
        "spec": {"serverless": serverless} if index.cloud is not None else {},
        "status": {"ready": index.ready, "state": index.state},
    }
    if index.index_id is not None:
        body["id"] = index.index_id
    return body


def backup_json(backup: BackupModel) -> dict[str, Any]:
    """A backup with the field names of ``GET /backups/{id}`` (the API's shape is flat)."""
    return attrs.asdict(backup)


def job_json(job: RestoreJobModel) -> dict[str, Any]:
    """A restore job with the field names of ``GET /restore-jobs/{id}``."""
    return attrs.asdict(job)


# A column: its header and where its value is in the API-shaped row ("status.state").
Column = tuple[str, str]
INDEX_COLUMNS: Sequence[Column] = (
    ("NAME", "name"),
    ("STATE", "status.state"),
    ("DIMENSION", "dimension"),
    ("METRIC", "metric"),
    ("CLOUD", "spec.serverless.cloud"),
    ("REGION", "spec.serverless.region"),
    ("PROTECTION", "deletion_protection"),
    ("HOST", "host"),
)
# `indexes describe` and `indexes configure` as a table: the list's columns and a few more.
INDEX_DETAIL: Sequence[Column] = (
    *INDEX_COLUMNS[:-1],
    ("READY", "status.ready"),
    ("VECTOR_TYPE", "vector_type"),
    ("TAGS", "tags"),
    ("ID", "id"),
    ("HOST", "host"),
)
BACKUP_COLUMNS: Sequence[Column] = (
    ("BACKUP_ID", "backup_id"),
    ("SOURCE_INDEX", "source_index_name"),
    ("NAME", "name"),
    ("STATUS", "status"),
    ("RECORDS", "record_count"),
    ("CREATED_AT", "created_at"),
)
JOB_COLUMNS: Sequence[Column] = (
    ("RESTORE_JOB_ID", "restore_job_id"),
    ("BACKUP_ID", "backup_id"),
    ("TARGET_INDEX", "target_index_name"),
    ("STATUS", "status"),
    ("PERCENT", "percent_complete"),
    ("CREATED_AT", "created_at"),
    ("COMPLETED_AT", "completed_at"),
)


def printable(text: str) -> str:
    """``text`` with control characters escaped as Python would write them.

    What a server sends must neither break a table's lines nor reach a terminal as an escape
    sequence.
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _cell(row: Mapping[str, Any], path: str) -> str:
    value: Any = row
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if value is None:
        return "-"
    if isinstance(value, Mapping):
        text = ",".join(f"{k}={v}" for k, v in sorted(value.items())) or "-"
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return printable(text)


def _json(out: TextIO, value: Any) -> None:
    json.dump(value, out, indent=2, default=str)
    out.write("\n")


def emit_list(
    fmt: Format, out: TextIO, rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]
) -> None:
    """Print rows: a JSON array, or a table with one line per row (``(none)`` when empty)."""
    if fmt is Format.JSON:
        _json(out, list(rows))
        return
    if not rows:
        out.write("(none)\n")
        return
    cells = [[_cell(row, path) for _, path in columns] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (h, _) in enumerate(columns)]
    lines = [[h for h, _ in columns], *cells]
    out.writelines(
        "  ".join(text.ljust(widths[i]) for i, text in enumerate(line)).rstrip() + "\n"
        for line in lines
    )


def emit_object(
    fmt: Format, out: TextIO, value: Mapping[str, Any], columns: Sequence[Column] | None = None
) -> None:
    """Print one object: JSON, or ``key  value`` lines (the given columns, else every key)."""
    if fmt is Format.JSON:
        _json(out, dict(value))
        return
    pairs = (
        [(h.lower(), _cell(value, path)) for h, path in columns]
        if columns is not None
        else [(key, _cell(value, key)) for key in value]
    )
    width = max((len(k) for k, _ in pairs), default=0)
    out.writelines(f"{key.ljust(width)}  {text}\n" for key, text in pairs)


def format_seconds(seconds: float) -> str:
    """A duration as a person reads it: ``45s``, ``12m05s``, ``1h02m``."""
    total = int(max(seconds, 0.0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class ProgressLine:
    """Shows progress while a command waits, with the elapsed time and the budget.

    On a terminal, one line rewritten in place and redrawn every second (the elapsed time moves
    even while Pinecone reports nothing new); elsewhere (CI logs, files) one plain line per
    message, a repeated one at most every :data:`REPEAT_EVERY` seconds. Use it as a context
    manager: leaving ends the line and stops the redraws.

    The expected duration is a hook for a forecast: whoever knows how long the wait should
    take (a restore-duration forecast) calls :meth:`expect`, and the line shows it beside the
    budget. Nothing here guesses one.
    """

    def __init__(
        self,
        stream: TextIO,
        budget: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        tick: float = TICK,
    ) -> None:
        """Write to ``stream``; ``budget`` is the wait's time budget in seconds, if it has one."""
        self._stream = stream
        self._tty = stream.isatty()
        self._clock = clock
        self._started = clock()
        self._budget = budget
        self._expected: float | None = None
        self._message = ""
        self._printed_at = -math.inf
        self._shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._tick = tick
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> Self:
        if self._tty:
            self._ticker = threading.Thread(target=self._redraw, name="progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done()

    def __call__(self, message: str) -> None:
        """Show ``message`` (without a lifecycle's elapsed/budget suffix: the line shows them)."""
        text = printable(_LIFECYCLE_CLOCK.sub("", message))
        with self._lock:
            if self._tty:
                self._message = text
                self._write(newline=False)
            elif text != self._message or self._clock() - self._printed_at >= REPEAT_EVERY:
                self._message, self._printed_at = text, self._clock()
                self._write(newline=True)

    def expect(self, seconds: float | None) -> None:
        """Show ``seconds`` as the expected total duration of this wait (``None``: unknown)."""
        with self._lock:
            self._expected = seconds

    def done(self) -> None:
        """Stop redrawing and end the in-place line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self._tty and self._shown:
                self._stream.write("\n")
                self._stream.flush()
                self._shown = False

    def _clock_text(self) -> str:
        parts = [format_seconds(self._clock() - self._started)]
        if self._budget is not None:
            parts.append(f"of {format_seconds(self._budget)}")
        if self._expected is not None:
            parts.append(f"expected ~{format_seconds(self._expected)}")
        return "[" + " ".join(parts) + "]"

    def _write(self, *, newline: bool) -> None:
        text = f"{self._clock_text()} {self._message}"
        if newline:
            self._stream.write(text + "\n")
        else:
            # Cut to the terminal's width: a wrapped line cannot be rewritten in place.
            width = shutil.get_terminal_size().columns - 1
            self._stream.write("\r\x1b[K" + text[:width])
        self._stream.flush()
        self._shown = True

    def _redraw(self) -> None:
        while not self._stop.wait(self._tick):
            with self._lock:
                if self._message:
                    self._write(newline=False)
