"""SQLite persistence (stdlib `sqlite3`) so `--state FILE` survives emulator restarts.

The state is small, so every committed change rewrites it inside one transaction: one row per
object in `objects` (kind, key, creation sequence, JSON body) and a few rows in `meta`.
Lifecycle phases store their start time in epoch seconds, so with the wall clock an index that
was `Initializing` when the emulator stopped is judged by real elapsed time after a restart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import attrs

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
"""

#: Object kinds stored, in the order a snapshot lists them.
KINDS = ("indexes", "backups", "restore_jobs", "collections")


@attrs.define
class SqliteStore:
    """Reads and writes emulator snapshots in a SQLite file.

    A snapshot is `{"meta": {str: JSON}, "indexes": [record dict], "backups": [...],
    "restore_jobs": [...], "collections": [...]}`; each record dict has `seq` and a key field
    (`id`, or `name` for collections).

    Args:
        path: The database file; created (with its tables) if missing.
    """

    path: Path = attrs.field(converter=Path)
    _conn: sqlite3.Connection = attrs.field(init=False, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        """Open the database and create the tables."""
        # The emulator serialises access with its own lock; the connection is shared by the
        # server's worker threads, hence check_same_thread=False.
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        with self._conn:
            self._conn.executescript(_SCHEMA)

    def load(self) -> dict[str, Any] | None:
        """Return the stored snapshot, or None if nothing was saved yet."""
        with self._lock:
            meta_rows = self._conn.execute("SELECT key, value FROM meta").fetchall()
            if not meta_rows:
                return None
            snapshot: dict[str, Any] = {
                "meta": {key: json.loads(value) for key, value in meta_rows}
            }
            for kind in KINDS:
                rows = self._conn.execute(
                    "SELECT body FROM objects WHERE kind = ? ORDER BY seq", (kind,)
                ).fetchall()
                snapshot[kind] = [json.loads(body) for (body,) in rows]
            return snapshot

    def save(self, snapshot: dict[str, Any]) -> None:
        """Replace the stored state with `snapshot` atomically."""
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM meta")
            self._conn.execute("DELETE FROM objects")
            self._conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [(key, json.dumps(value)) for key, value in snapshot["meta"].items()],
            )
            self._conn.executemany(
                "INSERT INTO objects (kind, key, seq, body) VALUES (?, ?, ?, ?)",
                [
                    (kind, str(item.get("id", item.get("name"))), item["seq"], json.dumps(item))
                    for kind in KINDS
                    for item in snapshot[kind]
                ],
            )

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()
