"""The process-local parts of a lifecycle run: credentials, client, clock, sleep, progress.

Nothing here is pickled: a provider keeps a :class:`Runtime` only in memory, so neither the API
key from the stack config nor an HTTP session can reach the state.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import os
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.errors import ConfigurationError
from pulumi_pinecone_restore.forecast import RestoreHistory
from pulumi_pinecone_restore.lifecycle.intents import Intents
from pulumi_pinecone_restore.polling import Cancellation, Deadline, Observation, PollSchedule
from pulumi_pinecone_restore.settings import KEY_HINT, ClientSettings, RetryPolicy

__all__ = [
    "CONFIG_API_KEY",
    "CONFIG_CONTROLLER_HOST",
    "CONFIG_OWNER_KEY",
    "OWNER_KEY_ENV",
    "ProgressThrottle",
    "Runtime",
    "Unfinished",
    "shared_client",
]

# Multiplies every sleep between polls (0 < scale <= 1). For an emulator whose lifecycles end
# after a few reads (tests, the demo): polls come sooner; deadlines and budgets are unchanged.
POLL_SCALE_ENV = "PINECONE_RESTORE_POLL_SCALE"
CONFIG_API_KEY = "pinecone:apiKey"
CONFIG_CONTROLLER_HOST = "pinecone:controllerHost"
# The owner key: what makes a new resource's nonce this user's (see `Runtime.nonce_for`).
CONFIG_OWNER_KEY = "pinecone:ownerKey"
OWNER_KEY_ENV = "PINECONE_RESTORE_OWNER_KEY"
OWNER_KEY_FILE = Path("pinecone-restore", "owner-key")  # under PULUMI_HOME (or ~/.pulumi)
# Creates started on this machine and not finished, by ownership mark (see `Unfinished`).
UNFINISHED_DIR = Path("pinecone-restore", "unfinished")
NONCE_LEN = 16
_KEYS: dict[Path, bytes] = {}
_KEYS_LOCK = threading.Lock()
PROGRESS_EVERY = 10.0  # seconds between progress lines while nothing changes
# Clients kept for reuse (their HTTP sessions and pools): a process serves one stack's few
# projects, so a handful is plenty; the least recently used one past that is closed and dropped,
# so keys and sessions do not stay for the process's life.
MAX_CLIENTS = 8

_CLIENTS: OrderedDict[tuple[str, str, RetryPolicy, int], ControlPlaneClient] = OrderedDict()
_CLIENTS_LOCK = threading.Lock()


def shared_client(settings: ClientSettings) -> ControlPlaneClient:
    """This process's client for these settings: reused while among the last ``MAX_CLIENTS``.

    Each distinct project, key and pool size gets one client (one HTTP session and pool),
    shared by every resource and thread that asks for it; the least recently used is closed
    when a new one would make more than ``MAX_CLIENTS`` (a closed client reconnects if a run
    still holding it calls again).
    """
    # A digest, not the key: the cache's keys then show no secret in a repr or a traceback.
    digest = hashlib.sha256(settings.api_key.encode()).hexdigest()
    key = (settings.controller_host, digest, settings.retry, settings.pool_size)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is not None:
            _CLIENTS.move_to_end(key)
            return client
        client = _CLIENTS[key] = ControlPlaneClient(settings)
        evicted = [_CLIENTS.popitem(last=False)[1] for _ in range(len(_CLIENTS) - MAX_CLIENTS)]
    for old in evicted:
        old.close()
    return client


def poll_sleep(environ: Mapping[str, str] | None = None) -> Callable[[float], None]:
    """``time.sleep``, scaled by ``PINECONE_RESTORE_POLL_SCALE`` when it is set.

    Raises:
        ConfigurationError: The variable is not a number in (0, 1].
    """
    raw = (os.environ if environ is None else environ).get(POLL_SCALE_ENV)
    if raw is None or not raw.strip():
        return time.sleep
    try:
        scale = float(raw)
    except ValueError:
        scale = math.nan
    if not 0.0 < scale <= 1.0:
        raise ConfigurationError(
            f"{POLL_SCALE_ENV}={raw!r}: give a number above 0 and at most 1, or unset it"
        )
    return lambda seconds: time.sleep(seconds * scale)


def _stderr_progress(message: str) -> None:
    # The engine shows each stderr line of a provider plugin as an info diagnostic during
    # `pulumi up`; this is the only channel a dynamic provider has to the person waiting.
    # A line that cannot be written (nobody reads stderr any more) never fails an operation.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


@attrs.define
class Runtime:
    """The process-local, never-pickled parts of a lifecycle run.

    Attributes:
        config: Stack config received by a provider's ``configure()``.
        environ: Environment to read credentials from.
        sleep: Sleep function (tests pass a no-op).
        clock: Monotonic clock.
        schedule: Poll schedule.
        history: The project's finished restores, read once for restore forecasts and kept
            (a set's members share it).
        progress: Where progress lines go.
        retry: Retry policy for the HTTP client (and for re-sending a starting POST).
        client_override: A ready client to use instead of one built from config (the CLI).
        observer: Called with the label, each observation and the deadline of every wait
            that follows an object (a restore's carries its forecast), for front ends that
            show more than the progress lines (the CLI).
        lookup_config: Reads any stack config key (a provider's ``configure()`` request), for
            a connection's ``api_key_config``.
        connection: The resource's explicit connection, if it has one.
        intents: What the running program said in its diffs (see :mod:`.intents`); a
            provider passes the process-wide record, anything else gets its own.
        calls_at_once: How many operations this process may run at once (the provider
            plugin serves many); the shared client keeps that many connections, so none is
            opened and thrown away under load ("connection pool is full").
        key_hint: Where this run's key is given, for the error when there is none (the
            plugin's explicit providers take it as ``apiKey``, not from stack config).
        before_finish: Called just before a create's last step marks its object finished
            (takes an index's pending tag off, ends a backup's note); a plugin whose Pulumi
            engine is gone exits there, so the next `pulumi up` still finds the object as
            its own unfinished attempt (see :mod:`pulumi_pinecone_restore.plugin.watch`).
        keep_pending: A create leaves its index marked unfinished (see
            ``lifecycle.index.PENDING_KEY``) for its caller to clear once a state records it
            (``Lifecycle.recorded``): a set's members, whose finished restores a set that failed
            or ran out of time leaves unrecorded for the next run to adopt.
    """

    config: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    environ: Mapping[str, str] = attrs.field(factory=lambda: os.environ, repr=False)
    sleep: Callable[[float], None] = attrs.field(factory=poll_sleep)
    clock: Callable[[], float] = time.monotonic
    schedule: PollSchedule = attrs.field(factory=PollSchedule)
    history: RestoreHistory = attrs.field(factory=RestoreHistory, repr=False)
    progress: Callable[[str], None] = _stderr_progress
    retry: RetryPolicy | None = None
    client_override: ControlPlaneClient | None = None
    lookup_config: Callable[[str], Any] | None = attrs.field(default=None, repr=False)
    connection: Connection | None = None
    observer: Callable[[str, Observation[Any], Deadline], None] | None = None
    intents: Intents = attrs.field(factory=Intents, repr=False)
    calls_at_once: int = 1
    key_hint: str = KEY_HINT
    keep_pending: bool = False
    before_finish: Callable[[], None] | None = attrs.field(default=None, repr=False)

    def with_connection(self, value: Any) -> Runtime:
        """This runtime for a resource whose ``connection`` input is ``value`` (or none)."""
        if value is None:
            return self if self.connection is None else attrs.evolve(self, connection=None)
        return attrs.evolve(self, connection=Connection.from_input(value))

    def _api_key(self) -> str | None:
        connection = self.connection
        if connection is None or (
            connection.api_key_config is None and connection.api_key_env is None
        ):
            return _config_str(self.config, CONFIG_API_KEY)
        if connection.api_key_env is not None:
            key = self.environ.get(connection.api_key_env, "")
            hint = f"set {connection.api_key_env} in the environment of `pulumi up`"
        else:
            config_key = str(connection.api_key_config)
            found = self.lookup_config(config_key) if self.lookup_config else None
            key = found if isinstance(found, str) else ""
            hint = f"run `pulumi config set --secret {config_key} <key>`"
        if not key.strip():
            raise ConfigurationError(f"connection: no API key in {connection.describe()}: {hint}")
        return key

    def client(self, *, concurrency: int = 1) -> ControlPlaneClient:
        """The control-plane client, from stack config first, then the environment.

        Args:
            concurrency: How many calls this run makes at once; the connection pool fits it.
        """
        if self.client_override is not None:
            return self.client_override
        host = self.connection.controller_host if self.connection is not None else None
        settings = ClientSettings.resolve(
            api_key=self._api_key(),
            controller_host=host or _config_str(self.config, CONFIG_CONTROLLER_HOST),
            environ=self.environ,
            retry=self.retry,
            key_hint=self.key_hint,
        )
        concurrency = max(concurrency, self.calls_at_once)
        if concurrency > settings.pool_size:
            settings = attrs.evolve(settings, pool_size=concurrency)
        return shared_client(settings)

    def nonce_for(self, seed: str | None) -> str:
        """The nonce of a new resource with ``seed``: a keyed hash, so the same user gets it again.

        A create that failed, timed out or was killed records nothing, so the next run's first
        check must find the same nonce (and mark) to adopt what it left; a stack with the same
        names in another backend, run by someone else, has another key and so other marks.
        The key is the stack config ``pinecone:ownerKey`` (secret), else
        ``PINECONE_RESTORE_OWNER_KEY``, else a random key kept in ``$PULUMI_HOME`` (default
        ``~/.pulumi``) ``/pinecone-restore/owner-key``, made on first use.

        Raises:
            ConfigurationError: No key is configured and the key file cannot be made.
        """
        key = _config_str(self.config, CONFIG_OWNER_KEY) or self.environ.get(OWNER_KEY_ENV)
        secret = key.encode() if key else _key_file(self.environ)
        digest = hmac.new(secret, (seed or "").encode(), hashlib.sha256).hexdigest()
        return digest[:NONCE_LEN]

    @property
    def unfinished(self) -> Unfinished:
        """The creates this machine started and did not finish (see :class:`Unfinished`)."""
        return Unfinished(Path(_pulumi_home(self.environ), UNFINISHED_DIR))

    def deadline(self, budget: float, cancel: Cancellation | None = None) -> Deadline:
        """A deadline ``budget`` seconds from now on this runtime's clock.

        Args:
            budget: Seconds from now.
            cancel: A cancellation shared with other operations (a set's members).
        """
        return Deadline(budget, clock=self.clock, cancel=cancel)

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy in force (the client's default when none was set)."""
        if self.client_override is not None:
            return self.client_override.settings.retry
        return self.retry or RetryPolicy()


def _pulumi_home(environ: Mapping[str, str]) -> str:
    """``$PULUMI_HOME``, else ``~/.pulumi``: where this user's key and notes are kept."""
    return environ.get("PULUMI_HOME") or str(Path(environ.get("HOME") or Path.home(), ".pulumi"))


def _key_file(environ: Mapping[str, str]) -> bytes:
    """This user's owner key, from its file (made with a random key on first use)."""
    path = Path(_pulumi_home(environ), OWNER_KEY_FILE)
    with _KEYS_LOCK:
        if path in _KEYS:
            return _KEYS[path]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                # Exclusive create: two plugins starting at once must not write two keys.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
            key = path.read_text().strip().encode()
        except OSError as exc:
            raise ConfigurationError(
                f"the owner key file {path} could not be made or read ({exc.strerror}); set the "
                f"stack config {CONFIG_OWNER_KEY} (`pulumi config set --secret "
                f"{CONFIG_OWNER_KEY} <random text>`) or {OWNER_KEY_ENV} instead"
            ) from exc
        if not key:
            raise ConfigurationError(
                f"the owner key file {path} is empty; delete it (a new one is made) or set "
                f"{CONFIG_OWNER_KEY}"
            )
        _KEYS[path] = key
        return key


def _config_str(config: Mapping[str, Any], key: str) -> str | None:
    value = config.get(key)
    return value if isinstance(value, str) and value else None


class ProgressThrottle:
    """Forwards a progress line when it says something new, or every ``every`` seconds."""

    def __init__(
        self, emit: Callable[[str], None], clock: Callable[[], float], every: float = PROGRESS_EVERY
    ) -> None:
        """Wrap ``emit``."""
        self._emit = emit
        self._clock = clock
        self._every = every
        self._last_key: str | None = None
        self._last_at = float("-inf")

    def __call__(self, key: str, message: str) -> None:
        """Emit ``message`` if ``key`` changed or enough time passed."""
        now = self._clock()
        if key != self._last_key or now - self._last_at >= self._every:
            self._last_key, self._last_at = key, now
            self._emit(message)


# What a process noted but could not write (a read-only home): kept for the process's creates.
_UNWRITTEN: dict[Path, dict[str, Any]] = {}
_UNFINISHED_LOCK = threading.Lock()


@attrs.frozen
class Unfinished:
    """Creates this machine started and did not finish, one note per ownership mark.

    An object whose kind cannot carry a mutable "unfinished" tag (a backup: immutable once
    taken) is adopted as a resource's own earlier attempt only when such a note says a create
    of its mark was started here and never finished. Without it, another object with the same
    mark is one that a state records (a renamed stack's, or an aliased resource's), which a
    new resource deriving the same mark must not take over. A note holds the ids that carried
    the mark before its first send (``spared``: never adopted, never swept as duplicates) and
    whether a send's answer was lost (only then can duplicates exist).

    Attributes:
        root: The folder of the notes (``$PULUMI_HOME/pinecone-restore/unfinished``).
    """

    root: Path

    def _path(self, mark: str) -> Path:
        return self.root / hashlib.sha256(mark.encode()).hexdigest()[:32]

    def note(self, mark: str) -> dict[str, Any] | None:
        """The note of an unfinished create of ``mark``, or ``None`` if there is none."""
        path = self._path(mark)
        with _UNFINISHED_LOCK:
            if path in _UNWRITTEN:
                return dict(_UNWRITTEN[path])
            try:
                found = json.loads(path.read_text())
            except (OSError, ValueError):
                return None
        return found if isinstance(found, dict) else None

    def spared(self, mark: str) -> frozenset[str] | None:
        """The ids an unfinished create of ``mark`` found before sending; ``None``: no create."""
        found = self.note(mark)
        if found is None:
            return None
        return frozenset(str(i) for i in found.get("spared") or ())

    def begin(self, mark: str, spared: Iterable[str], owner: str = "") -> None:
        """Note that a create of ``mark`` starts here, with the ids that already carry it.

        ``owner`` names the resource (its own notes of other marks are found by it, see
        :meth:`others`).
        """
        note = {"mark": mark, "owner": owner, "spared": sorted(set(spared)), "lost": False}
        self._write(mark, note)

    def others(self, owner: str, mark: str) -> list[dict[str, Any]]:
        """The notes of ``owner`` for marks other than ``mark``: its attempts with other inputs."""
        if not owner:
            return []
        try:
            paths = sorted(p for p in self.root.iterdir() if "." not in p.name)
        except OSError:
            paths = []
        found = []
        for path in paths:
            with _UNFINISHED_LOCK:
                try:
                    note = json.loads(path.read_text())
                except (OSError, ValueError):
                    continue
            if isinstance(note, dict) and note.get("owner") == owner and note.get("mark") != mark:
                found.append(note)
        return found

    def lost(self, mark: str) -> None:
        """Note that a send of the create of ``mark`` got no answer (it may have acted)."""
        found = self.note(mark)
        if found is not None and not found.get("lost"):
            self._write(mark, {**found, "lost": True})

    def end(self, mark: str) -> None:
        """The create of ``mark`` finished (a state records it) or left nothing: no note."""
        path = self._path(mark)
        with _UNFINISHED_LOCK:
            _UNWRITTEN.pop(path, None)
            # A note left behind only lets this resource adopt what carries its own mark.
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def _write(self, mark: str, note: dict[str, Any]) -> None:
        path = self._path(mark)
        with _UNFINISHED_LOCK:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}")
                partial.write_text(json.dumps(note))
                partial.replace(path)  # whole or not at all: a reader never sees half a note
            except OSError:
                # This process still knows it; a run killed now leaves its object unadopted
                # (named by the next run), never a stranger's adopted.
                _UNWRITTEN[path] = note
            else:
                _UNWRITTEN.pop(path, None)
