"""The lifecycle of a Pinecone object made by one starting request, written once, without Pulumi.

A resource declares six things (a :class:`Spec`: its ``kind``, ``inputs`` and ``output_names``,
and the steps ``start``, ``watch`` and ``outputs``) and opts into the rest: by implementing
:class:`Reconciles` (find its own earlier attempt, discard a failed one), :class:`CustomRead`,
:class:`CustomUpdate` and :class:`CustomDelete` (as pulumi-go-provider's ``infer`` discovers
``CustomRead``...), or by overriding one of the :class:`Spec` hooks that have a default
(``prerequisite``, ``label``, ``schedule``, ``converge``...). Without them the engine does what
``infer`` does: read returns the state, update applies nothing remote, delete forgets. Every
step is typed by the spec's parameters: inputs ``I``, observed object ``O``, start handle ``H``,
prerequisite value ``P``. :class:`Lifecycle` runs them:

- check: the declared inputs, per property; unknown values pass; the identity (seed, nonce)
  and an omitted name are read from the previous inputs, and made only on the first check.
- diff: declared replace keys replace, update keys update; an unknown value may change; names
  that are unique force delete-before-replace only when the replacement keeps the name.
- create: wait for the prerequisite, then *start with reconcile*: send the one starting
  request; on a 409, or on an answer that was lost (5xx, no answer), look for this resource's
  own earlier attempt and adopt it; else back off (the client's retry policy) and send again,
  within the create deadline. Then follow the object until it is done, with progress lines.
  Transactional: an object that failed is discarded (only if it is ours) before the error is
  raised; one still running at the deadline is left to the next run (which adopts it) unless
  the spec discards on timeout.
- read: describe; gone → no id; drift in managed inputs comes back as inputs; no stored
  outputs → import.
- update: the spec's one in-place change (one ``PATCH`` for an index).
- delete: the spec's delete, waiting until it is really gone. Settings a delete reads
  (``force_destroy``...) come from the running program when a diff of this run recorded its
  word about the object (a replacement, see :mod:`.intents`), else from the state. A diff
  refuses a replacement whose delete could not happen (a protected index) before anything
  starts.

Errors: API errors pass through with their real request; every local decision raises a
:class:`~pulumi_pinecone_restore.errors.RefusedError` or an
:class:`~pulumi_pinecone_restore.errors.OperationError`.
"""

from __future__ import annotations

import abc
import secrets
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    CancelledError,
    ConflictError,
    ConnectError,
    ImportRefusedError,
    InputMismatchError,
    OperationError,
    PineconeRestoreError,
    RefusedError,
    ServerError,
    StartFailedError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.intents import Intent
from pulumi_pinecone_restore.lifecycle.runtime import ProgressThrottle, Runtime
from pulumi_pinecone_restore.polling import (
    Deadline,
    Observation,
    Schedule,
    bounded,
    current_deadline,
    pause,
    wait_for,
    wait_observing,
)
from pulumi_pinecone_restore.settings import RetryPolicy

__all__ = [
    "OPAQUE_ID_PREFIX",
    "AnyLifecycle",
    "AnySpec",
    "Created",
    "CustomDelete",
    "CustomRead",
    "CustomUpdate",
    "Diff",
    "Lifecycle",
    "ManagedSpec",
    "Read",
    "Reconciles",
    "Run",
    "Spec",
    "Started",
    "identity_of",
]

I = TypeVar("I", bound=decl.CommonInputs)  # noqa: E741 - the typed inputs
O = TypeVar("O")  # noqa: E741 - the object as observed (what outputs are built from)
H = TypeVar("H")  # what the starting request returned (ids of job, index...)
P = TypeVar("P")  # what the prerequisite's wait found (the backup, the collection; None: none)
T = TypeVar("T")

DEFAULT_CREATE_TIMEOUT = decl.DEFAULT_CREATE_TIMEOUT
OPAQUE_ID_PREFIX = "hidden-"  # the id of an object whose name is a secret input
LEGACY_INPUTS_KEY = "inputs"  # where releases before 0.2 kept a copy of the inputs
# The diff's one look at a replacement's source (retries included), before a delete-first.
SOURCE_CHECK_BUDGET = 60.0
# The live service may leave a just-started restore job out of `GET /restore-jobs` for a moment
# (the newer SDK's docs say so): a lookup that must find one lists again after these waits.
LISTING_LAG_DELAYS = (0.5, 1.0, 2.0, 4.0)
# The longest silence of a wait's progress lines while polls are far apart, in seconds.
QUIET = 60.0


@attrs.define
class Run:
    """One operation's client and runtime, with the waiting helpers specs use."""

    client: ControlPlaneClient
    runtime: Runtime

    def wait(self, probe: Callable[[], T | None], deadline: Deadline, what: str) -> T:
        """Poll ``probe`` on the runtime's schedule until it returns a value."""
        return wait_for(
            probe,
            deadline=deadline,
            what=what,
            schedule=self.runtime.schedule,
            sleep=self.runtime.sleep,
        ).value

    def follow(
        self,
        probe: Callable[[], Observation[T]],
        deadline: Deadline,
        what: str,
        label: str,
        *,
        schedule: Schedule | None = None,
    ) -> T:
        """Poll a progress-reporting ``probe``, with throttled progress lines, until done.

        A line says only what is known: the status, a percentage only when the API gave one,
        the time waited of the budget, and the expected duration when the observation
        carries a forecast, e.g. ``Pending, 3m10s of 1h budget, expected about 6m (4 earlier
        restores)``.

        Args:
            probe: One look at the operation.
            deadline: When to give up.
            what: What is waited for (for the timeout message).
            label: How lines name the resource.
            schedule: When to poll (default: the runtime's backoff).
        """
        throttle = ProgressThrottle(self.runtime.progress, self.runtime.clock)
        last: list[tuple[Observation[T], float]] = []
        said = [self.runtime.clock()]  # when the last line went out
        observer = self.runtime.observer

        def observe() -> Observation[T]:
            seen = probe()
            last[:] = [(seen, self.runtime.clock())]
            said[0] = last[0][1]
            if observer is not None:
                observer(label, seen, deadline)
            if seen.value is None and seen.status:
                key, line = progress_line(seen, deadline)
                throttle(key, f"{label}: {line}")
            return seen

        def sleep(seconds: float) -> None:
            # Polls may be minutes apart (a long restore before its window): a line at least
            # every QUIET seconds says the wait goes on, with what the last look saw. (The
            # wait may hand this sleep in slices, to check a set's cancellation between.)
            while seconds > 0:
                step = min(seconds, max(QUIET - (self.runtime.clock() - said[0]), 0.0))
                self.runtime.sleep(step)
                seconds -= step
                now = self.runtime.clock()
                if now - said[0] < QUIET:
                    continue
                said[0] = now
                if last and last[0][0].status:
                    seen, at = last[0]
                    _, line = progress_line(seen, deadline)
                    ago = duration_text(now - at)
                    self.runtime.progress(f"{label}: {line} (last checked {ago} ago)")

        return wait_observing(
            observe,
            deadline=deadline,
            what=what,
            schedule=schedule or self.runtime.schedule,
            sleep=sleep,
        ).value

    def say(self, message: str) -> None:
        """One progress line."""
        self.runtime.progress(message)

    def listed(self, find: Callable[[], list[T]]) -> list[T]:
        """What ``find`` (a filtered listing) returns, listing again while it finds nothing.

        Bounded by ``LISTING_LAG_DELAYS`` (a few seconds in all): a new restore job may be
        missing from the live service's first listings, but one that never shows is not there.

        Returns:
            The first non-empty result, or ``[]`` after the last attempt.
        """
        found = find()
        for delay in LISTING_LAG_DELAYS:
            if found:
                break
            pause(delay, self.runtime.sleep)  # cut to the bound deadline, woken by its cancel
            found = find()
        return found


@attrs.frozen
class Started(Generic[H]):
    """The object a create follows: started now, or found from an earlier attempt.

    Attributes:
        id: The resource id (index name, backup id).
        handle: What the spec needs to follow it (job id, index id...).
        adopted: Found from an earlier attempt rather than started now.
        sent: This create sent the starting request (``False``: found before sending any).
    """

    id: str
    handle: H
    adopted: bool = False
    sent: bool = True


@attrs.frozen
class Diff:
    """What changed between stored outputs and new inputs."""

    replaces: tuple[str, ...]
    updates: tuple[str, ...]
    delete_before_replace: bool

    @property
    def changes(self) -> bool:
        """Whether anything changed."""
        return bool(self.replaces or self.updates)


@attrs.frozen
class Created:
    """A finished create: the resource id and its outputs.

    Attributes:
        id: The resource id (an opaque one when the object's name is a secret input).
        outputs: Every output.
        secrets: The outputs to store encrypted (they carry or derive from a secret input).
    """

    id: str
    outputs: dict[str, Any]
    secrets: tuple[str, ...] = ()


@attrs.frozen
class Read:
    """A read: ``id`` is ``None`` when the object is gone; ``inputs`` carry drift (or import)."""

    id: str | None
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None


class Spec(abc.ABC, Generic[I, O, H, P]):
    """What one resource declares; the :class:`Lifecycle` does the rest.

    Required: ``kind``, ``inputs``, ``output_names`` and the steps :meth:`start`,
    :meth:`watch` and :meth:`outputs`. Everything else is opt-in: the interfaces
    :class:`Reconciles`, :class:`CustomRead`, :class:`CustomUpdate`, :class:`CustomDelete`, and
    the hooks below that have a default.

    Class attributes:
        kind: The resource's name in messages (``RestoredIndex``).
        inputs: The typed inputs class (see :mod:`.inputs`).
        output_names: Every output, in order (the user-facing class declares the same).
        unique_name: Names are unique in the project (indexes): a replacement keeping the name
            must wait until the old object is gone.
        name_origin: Inputs that seed an auto-generated ``name``; ``None``: no auto-name.
        discard_on_timeout: A create that runs out of time deletes what it started (else the
            next run adopts it).
        timeout_hint: Said after "raise create_timeout" when a create runs out of time (e.g.
            how long such objects can take).
        look_first: Look for an earlier attempt before the first start (objects whose names
            are not unique get no 409 to tell that one exists).
        derived: Input → the outputs (besides its own namesake) that carry or derive from it:
            a secret input makes them secret too.
        delete_settings: Inputs the delete reads that the running program's word overrides
            (see :mod:`.intents`); empty: a delete goes by its state alone.
    """

    kind: ClassVar[str]
    inputs: type[I]
    output_names: ClassVar[tuple[str, ...]]
    unique_name: ClassVar[bool] = False
    name_origin: ClassVar[tuple[str, ...] | None] = None
    discard_on_timeout: ClassVar[bool] = False
    timeout_hint: ClassVar[str] = ""
    look_first: ClassVar[bool] = False
    derived: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    delete_settings: ClassVar[tuple[str, ...]] = ()

    # required ----------------------------------------------------------------------------

    @abc.abstractmethod
    def start(self, run: Run, inp: I, prerequisite: P) -> Started[H]:
        """Send the one starting request."""

    @abc.abstractmethod
    def watch(
        self, run: Run, inp: I, started: Started[H], prerequisite: P
    ) -> Callable[[], Observation[O]]:
        """A probe that follows the started object until it is done (raises if it failed)."""

    @abc.abstractmethod
    def outputs(
        self, given: Mapping[str, Any], obj: O, previous: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Every output; ``previous`` holds the last outputs, for what was not looked up."""

    # hooks with a default ----------------------------------------------------------------

    def prerequisite(self, run: Run, inp: I) -> Callable[[], Observation[P]] | None:
        """A probe of what must be ready before the start (a backup, a collection), or None."""
        del run, inp
        return None

    def label(self, inp: I) -> str:
        """How progress lines and errors name this object before it has an id."""
        name = getattr(inp, "name", None)
        return f"{self.kind} {name}" if name else self.kind

    def summary(self, inp: I, started: Started[H]) -> str:
        """What was started (or found), for the first progress line."""
        del inp
        return started.id

    def finished(self, obj: O) -> str:
        """The last progress line's news (e.g. where the index is)."""
        del obj
        return "ready"

    def schedule(self, run: Run, inp: I, started: Started[H], prerequisite: P) -> Schedule | None:
        """When to poll the started object (default: the runtime's backoff); called once."""
        del run, inp, started, prerequisite
        return None

    def converge(self, run: Run, inp: I, obj: O, started: Started[H]) -> O:
        """Make an adopted or finished object match the inputs (e.g. tags); default: as is."""
        del run, inp, started
        return obj

    def recorded(self, run: Run, id_: str) -> None:
        """What a create made is recorded now (a set's, once every member is); default: none.

        A create whose runtime has ``keep_pending`` leaves its object marked as unfinished,
        for its caller to clear here once a state holds it.
        """
        del run, id_

    def drift(self, stored: Mapping[str, Any], outputs: Mapping[str, Any]) -> dict[str, Any]:
        """Stored inputs with managed ones set to the server's values (refresh shows drift)."""
        drifted = dict(stored)
        for prop in decl.props_of(self.inputs):
            if prop.managed and outputs.get(prop.name) is not None:
                drifted[prop.name] = outputs[prop.name]
        return drifted

    def replace_refusal(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], replaces: tuple[str, ...]
    ) -> RefusedError | None:
        """Why a replacement cannot delete the old object (raised by diff), or ``None``."""
        del olds, news, replaces
        return None

    def intent(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Intent | None:
        """What a diff records of the program's word about the object in ``olds``."""
        del olds, news
        return None

    def intent_covers(self, intent: Intent, olds: Mapping[str, Any]) -> bool:
        """Whether ``intent`` speaks for the object whose state is ``olds``."""
        del intent, olds
        return False


# opt-in steps ------------------------------------------------------------------------------


class Reconciles(abc.ABC, Generic[I, H]):
    """Opt-in: the create reconciles (adopts its own earlier attempt, discards a failed one).

    Without it a create never adopts: a 409 refuses the name, a lost answer is sent again, and
    a failed object is left where it is.
    """

    @abc.abstractmethod
    def find_attempt(self, run: Run, inp: I, *, lost_answer: bool) -> Started[H] | None:
        """This resource's own earlier attempt (or the one a lost answer hid), if any."""

    @abc.abstractmethod
    def discard(self, run: Run, inp: I, started: Started[H]) -> bool:
        """Delete what a failed create left, if it is ours; whether something was deleted."""

    def name_taken(self, run: Run, inp: I, conflict: ConflictError) -> RefusedError | None:
        """After a 409 with no attempt of ours: the refusal, or ``None`` if the name is free."""
        del run, inp
        return RefusedError(str(conflict))


class CustomRead(abc.ABC, Generic[O]):
    """Opt-in: read describes the object (refresh, drift, import); without it, state stands."""

    @abc.abstractmethod
    def describe(self, run: Run, id_: str, previous: Mapping[str, Any]) -> O | None:
        """The object under ``id_`` as it is now, or ``None`` when it is gone (or not ours)."""

    @abc.abstractmethod
    def import_inputs(self, run: Run, obj: O) -> tuple[dict[str, Any], O]:
        """An object read without prior state (an import): its inputs, and it, looked up."""


class CustomUpdate(abc.ABC, Generic[I, O]):
    """Opt-in: an in-place update; without it an update changes only the stored inputs."""

    @abc.abstractmethod
    def apply(self, run: Run, id_: str, olds: Mapping[str, Any], inp: I) -> O | None:
        """The in-place update; ``None`` when nothing is sent (only budgets changed)."""


class CustomDelete(abc.ABC):
    """Opt-in: delete the object; without it a delete only drops it from the state."""

    @abc.abstractmethod
    def remove(self, run: Run, id_: str, olds: Mapping[str, Any]) -> None:
        """Delete the object and wait until it is gone; gone already counts as deleted."""


class ManagedSpec(
    Spec[I, O, H, P],
    Reconciles[I, H],
    CustomRead[O],
    CustomUpdate[I, O],
    CustomDelete,
):
    """A spec that opts into every step (each of this package's resources does)."""


AnySpec = Spec[Any, Any, Any, Any]


@attrs.define
class Lifecycle(Generic[I, O, H, P]):
    """Runs a :class:`Spec`'s lifecycle against the control plane (the one way to get one).

    Args:
        spec: The resource's declaration.
        runtime: Client, clock, sleep, progress.
        connection: The resource's ``connection`` input: where its API key and control plane
            are (resolved when a request is first made, so check and diff never need it).
        client: A client to use instead of the runtime's (a set shares one sized for it).
    """

    spec: Spec[I, O, H, P]
    runtime: Runtime
    _connection: Any = attrs.field(default=None, kw_only=True, repr=False)
    _client: ControlPlaneClient | None = attrs.field(default=None, kw_only=True, repr=False)

    def _run(self) -> Run:
        if self._client is not None:
            return Run(self._client, self.runtime)
        runtime = self.runtime.with_connection(self._connection)
        return Run(runtime.client(), runtime)

    # inputs ------------------------------------------------------------------------------

    def check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Check raw inputs per property and settle an omitted name.

        Returns:
            The checked inputs and ``(property, reason)`` failures.
        """
        # Outputs the resource class registers arrive as None (omitted); one given a value is
        # no input (e.g. `tags` of an IndexBackup) and is refused like any unknown property.
        inputs, failures = decl.check_bag(self.spec.inputs, news)
        # Identity lives in state: the previous inputs' seed and nonce win over the program's.
        inputs.update(decl.identity(olds, news, self.runtime.nonce_for))
        origin = self.spec.name_origin
        if origin is not None and inputs.get("name") is None:
            inputs["name"] = decl.auto_name(
                inputs.get("owner_seed"),
                [news.get(k) for k in origin],
                olds,
                [olds.get(k) for k in origin],
            )
        return inputs, failures

    def typed(self, inputs: Mapping[str, Any]) -> I:
        """The typed inputs of checked raw ones."""
        return decl.build(self.spec.inputs, inputs)

    def stored(self, outputs: Mapping[str, Any]) -> dict[str, Any]:
        """The user's inputs as the last outputs hold them."""
        legacy = outputs.get(LEGACY_INPUTS_KEY)
        if isinstance(legacy, Mapping):
            return {k: v for k, v in legacy.items() if v is not None}
        return {
            p.name: outputs[p.name]
            for p in decl.user_props(self.spec.inputs)
            if outputs.get(p.name) is not None
        }

    # diff --------------------------------------------------------------------------------

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Compare the last outputs with new (checked) inputs."""
        stored = self.stored(olds)
        replaces: list[str] = []
        updates: list[str] = []
        for prop in decl.user_props(self.spec.inputs):
            new = news.get(prop.name)
            if prop.managed:
                # Omitted means "whatever the server has": only a given value can differ.
                changed = new is not None and decl.differs(olds.get(prop.name), new)
            else:
                changed = decl.differs(stored.get(prop.name), new)
            if changed and prop.replace:
                replaces.append(prop.name)
            elif changed and prop.update:
                updates.append(prop.name)
        if replaces:
            refusal = self.spec.replace_refusal(olds, news, tuple(replaces))
            if refusal is not None:
                raise refusal
        intent = self.spec.intent(olds, news)
        if intent is not None:
            self.runtime.intents.record(intent)
        same_name = not decl.differs(olds.get("name"), news.get("name"))
        # The old object must go first when the replacement would be taken for it: an index
        # that keeps its (unique) name, or an object found by a mark that no replace key
        # changed (only `pulumi up --replace` replaces that). Else the new one comes first.
        delete_first = same_name if self.spec.unique_name else not replaces
        if replaces and delete_first:
            self._check_source_first(olds, news)
        return Diff(
            replaces=tuple(replaces),
            updates=tuple(updates),
            delete_before_replace=delete_first,
        )

    def _check_source_first(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> None:
        """A replacement that deletes the old object first: its new source must be usable.

        Pulumi deletes, then creates; a create that cannot start (a mistyped backup id, a
        dimension that is not the collection's) would leave nothing. One look at the source
        (what the create's first poll does) refuses it at the diff, so at preview, before
        anything is deleted. A value not known yet is looked at when `pulumi up` diffs again.

        Raises:
            InputMismatchError: The source does not exist, failed, or contradicts the inputs.
        """
        if decl.contains_unknown(dict(news)):
            return
        inp = self.typed(news)
        run = self._run()
        probe = self.spec.prerequisite(run, inp)
        if probe is None:
            return
        try:
            with bounded(self.runtime.deadline(SOURCE_CHECK_BUDGET)):
                probe()
        except TransportError:
            raise  # not an answer about the source: says itself what to do
        except PineconeRestoreError as exc:
            kind, name = self.spec.kind, olds.get("name")
            raise InputMismatchError(
                f"{self.spec.label(inp)}: this replacement deletes {kind} {name!r} first (the "
                f"name stays the same), and the new one could not be made: {exc}. Nothing was "
                "deleted; fix the input and run `pulumi up` again"
            ) from exc

    # create ------------------------------------------------------------------------------

    def start(self, inputs: Mapping[str, Any], *, deadline: Deadline | None = None) -> Started[H]:
        """Wait for the prerequisite, then start (or adopt) without following the object."""
        run = self._run()
        inp = self.typed(inputs)
        deadline = deadline or self.runtime.deadline(inp.create_timeout)
        with bounded(deadline):
            prerequisite = self._prerequisite(run, inp, self.spec.label(inp), deadline)
            return self._start(run, inp, prerequisite, deadline)

    def create(self, inputs: Mapping[str, Any], *, deadline: Deadline | None = None) -> Created:
        """Start (or adopt) the object, follow it until done, and return its outputs.

        Args:
            inputs: Checked inputs (what :meth:`check` returned); typed here, once.
            deadline: A deadline shared with other creates (a set); default: create_timeout.
        """
        given = dict(inputs)
        inp = self.typed(given)
        deadline = deadline or self.runtime.deadline(inp.create_timeout)
        # Every request of the create, retries included, ends by the deadline (see `bounded`);
        # only the cleanup of a failed create may outlast it (`_discard` lifts the bound).
        with bounded(deadline):
            return self._create(given, inp, deadline)

    def _create(self, given: dict[str, Any], inp: I, deadline: Deadline) -> Created:
        run = self._run()
        spec = self.spec
        label = spec.label(inp)
        prerequisite = self._prerequisite(run, inp, label, deadline)
        started = self._start(run, inp, prerequisite, deadline)
        verb = "resuming" if started.adopted else "started"
        run.say(f"{label}: {verb} {spec.summary(inp, started)}")
        try:
            schedule = spec.schedule(run, inp, started, prerequisite)
            obj = run.follow(
                spec.watch(run, inp, started, prerequisite),
                deadline,
                f"{label} to be ready",
                label,
                schedule=schedule,
            )
        except WaitTimeoutError as exc:
            discarded = spec.discard_on_timeout and self._discard(run, inp, started, exc)
            timeout = WaitTimeoutError(self._timed_out(inp, started, str(exc), discarded))
            if not discarded:
                timeout.left_running = self._where(inp, started)
                timeout.left_running_id = started.id  # a plugin records it (partial create)
            raise timeout from exc
        except CancelledError as exc:
            if deadline.cancel is not None and deadline.cancel.keep_started:
                raise self._stopped(run, inp, started, exc) from exc
            # Stopped because another member of a set failed: the create fails, so what it
            # started is deleted (if ours), as for any failure; if that fails, it runs on.
            if self._discard(run, inp, started, exc):
                raise _discarded(exc, started.id) from exc
            raise
        except OperationError as exc:
            if deadline.cancel is not None:
                # Those sharing this deadline (a set's members) stop now, not after the cleanup.
                deadline.cancel.cancel(f"{label} failed")
            if self._discard(run, inp, started, exc):
                raise _discarded(exc, started.id) from exc
            raise
        # The object is made: its last step (tags, protection, the pending tag off) runs to its
        # end even when a set's member failed meanwhile, or the object would be reported as
        # never started, and nothing would delete it.
        if self.runtime.before_finish is not None:
            self.runtime.before_finish()
        with bounded(deadline.without_cancel()):
            obj = spec.converge(run, inp, obj, started)
        outputs = {
            **spec.outputs(given, obj, {}),
            **identity_of(given),
            **decl.unmanaged(spec.inputs, given),
        }
        hidden = self.secret_outputs(given)
        # The last line's news may carry a secret (a host holds the index name).
        run.say(f"{label}: {'ready' if hidden else spec.finished(obj)}")
        # The id is stored in plain text: an object whose id is its (secret) name gets another.
        opaque = spec.unique_name and "name" in hidden
        id_ = f"{OPAQUE_ID_PREFIX}{secrets.token_hex(8)}" if opaque else started.id
        return Created(id_, outputs, tuple(sorted(k for k in hidden if k in outputs)))

    def made_for(self, id_: str, inputs: Mapping[str, Any]) -> bool:
        """Whether the object ``id_`` is already these inputs' own unfinished attempt.

        For instance the replacement that a failed run of the same update made (its mark,
        not yet recorded by a state): deleting it as the old object would lose it.
        """
        spec = self.spec
        if not isinstance(spec, Reconciles):
            return False
        found = self._find(self._run(), self.typed(dict(inputs)), lost_answer=False)
        return found is not None and found.id == id_

    def recorded(self, id_: str) -> None:
        """Clear what marks the object ``id_`` (a create's) as unfinished: a state holds it."""
        self.spec.recorded(self._run(), id_)

    def secret_outputs(self, given: Mapping[str, Any]) -> frozenset[str]:
        """The outputs that carry or derive from the inputs given as secrets."""
        hidden = given.get("secret_inputs") or ()
        found = set(hidden)
        for name in hidden:
            found.update(self.spec.derived.get(name, ()))
        return frozenset(found)

    def target(self, id_: str, outputs: Mapping[str, Any]) -> str:
        """The object an id names: an index's name from its outputs (its id may be opaque)."""
        name = outputs.get("name")
        if self.spec.unique_name and isinstance(name, str) and name:
            return name
        return id_

    def _prerequisite(self, run: Run, inp: I, label: str, deadline: Deadline) -> P:
        probe = self.spec.prerequisite(run, inp)
        if probe is None:
            return None  # type: ignore[return-value]  # a spec without one has P = None
        try:
            return run.follow(probe, deadline, f"the source of {label} to be ready", label)
        except WaitTimeoutError as exc:
            raise WaitTimeoutError(
                f"{exc}. Nothing was created. Run `pulumi up` again once the source of {label} "
                "is Ready, or raise create_timeout"
            ) from exc

    def _start(self, run: Run, inp: I, prerequisite: P, deadline: Deadline) -> Started[H]:
        """Send the starting request, backing off between sends, within the deadline."""
        try:
            return self._send(run, inp, prerequisite, deadline)
        except TransportError as exc:
            if not exc.out_of_budget:
                raise
            sent = (
                "Nothing was sent"
                if not exc.may_have_acted
                else "The last request may have reached Pinecone; if it started anything, the "
                "next `pulumi up` finds it (by this resource's mark) and resumes waiting"
            )
            raise WaitTimeoutError(
                f"{self.spec.label(inp)}: the {deadline.budget:.0f}s budget ran out while "
                f"starting ({exc}). {sent}. Run `pulumi up` again, or raise create_timeout"
            ) from exc

    def _send(self, run: Run, inp: I, prerequisite: P, deadline: Deadline) -> Started[H]:
        spec = self.spec
        if spec.look_first and isinstance(spec, Reconciles):
            found = spec.find_attempt(run, inp, lost_answer=False)
            if found is not None:
                return attrs.evolve(found, sent=False)
        last: PineconeRestoreError | None = None
        sent = 0
        for delay in _post_delays(self.runtime.retry_policy):
            if delay:
                if deadline.remaining <= delay:
                    break
                deadline.check(f"starting {spec.label(inp)}")
                pause(delay, self.runtime.sleep)
            sent += 1
            outcome = self._attempt(run, inp, prerequisite)
            if isinstance(outcome, Started):
                return outcome
            last = outcome
        raise StartFailedError(
            f"could not start {spec.label(inp)}: {sent} attempt(s) failed and none of them "
            f"started anything (checked after each); the last answer: {last}. Run it again "
            "later; nothing was left behind"
        ) from last

    def _attempt(self, run: Run, inp: I, prerequisite: P) -> Started[H] | PineconeRestoreError:
        """One send, reconciled: what it started or found, or the error to resend after."""
        spec = self.spec
        try:
            return spec.start(run, inp, prerequisite)
        except ConflictError as exc:
            found = self._find(run, inp, lost_answer=False)
            if found is not None:
                return found
            refusal = (
                spec.name_taken(run, inp, exc)
                if isinstance(spec, Reconciles)
                else RefusedError(str(exc))
            )
            if refusal is not None:
                raise refusal from exc
            return exc  # the name was freed meanwhile
        except ConnectError as exc:
            if exc.out_of_budget:
                raise
            return exc  # never sent: nothing can have started, so send again without looking
        except (ServerError, TransportError) as exc:
            if isinstance(exc, TransportError) and exc.out_of_budget:
                raise  # no time left to look: `_start` says what may be left
            # The request may or may not have acted: look before sending it again.
            found = self._find(run, inp, lost_answer=True)
            return exc if found is None else found

    def _find(self, run: Run, inp: I, *, lost_answer: bool) -> Started[H] | None:
        """The spec's own-attempt lookup, which a set's cancellation does not interrupt.

        After a send that may have acted, not looking could leave a started object nobody
        follows; found, it is followed (and a cancelled create deletes it, as it should).
        """
        spec = self.spec
        if not isinstance(spec, Reconciles):
            return None
        deadline = current_deadline()
        with bounded(None if deadline is None else deadline.without_cancel()):
            return spec.find_attempt(run, inp, lost_answer=lost_answer)

    def _where(self, inp: I, started: Started[H]) -> str:
        """What was started, and where, for an error that leaves it running."""
        return f"{self.spec.kind} {started.id!r} ({self.spec.summary(inp, started)})"

    def _timed_out(self, inp: I, started: Started[H], detail: str, discarded: bool) -> str:
        """What happened and what to do when the create ran out of time."""
        where, hint = self._where(inp, started), self.spec.timeout_hint
        if discarded:
            return (
                f"{detail}. {where} was not ready in time, and it was deleted: Pulumi records "
                "nothing for a create that fails, so it would have been left as an orphan. "
                f"Raise create_timeout{hint} and run `pulumi up` again to start anew"
            )
        if not isinstance(self.spec, Reconciles):
            return (
                f"{detail}. {where} was left running; run `pulumi up` again to resume waiting, "
                f"or raise create_timeout{hint}"
            )
        return (
            f"{detail}. {where} continues on Pinecone's side and nothing was deleted. Run "
            "`pulumi up` again: this resource finds it (only one with its ownership mark) and "
            f"resumes waiting. Raise create_timeout if it needs longer{hint}"
        )

    def _stopped(
        self, run: Run, inp: I, started: Started[H], cause: CancelledError
    ) -> OperationError:
        """A create stopped by a cancellation that keeps what it started: as out of time.

        The object runs on and is reported (``left_running_id``) for the caller to record; a
        spec that discards on timeout deletes it instead.
        """
        where = self._where(inp, started)
        if self.spec.discard_on_timeout and self._discard(run, inp, started, cause):
            return _discarded(
                CancelledError(
                    f"{cause}. {where} was not ready, and it was deleted: Pulumi records "
                    "nothing for a create that fails. Run `pulumi up` again to start anew"
                ),
                started.id,
            )
        resume = (
            "this resource finds it (only one with its ownership mark) and resumes waiting"
            if isinstance(self.spec, Reconciles)
            else "it resumes waiting"
        )
        error = CancelledError(
            f"{cause}. {where} continues on Pinecone's side and nothing was deleted. "
            f"Run `pulumi up` again: {resume}"
        )
        error.left_running = where
        error.left_running_id = started.id
        return error

    def _discard(self, run: Run, inp: I, started: Started[H], cause: OperationError) -> bool:
        """Delete what a failed create left (if ours); whether something was deleted.

        Runs outside the create's deadline: a cleanup cut short by the budget that the create
        ran out of would leave an orphan.
        """
        label = self.spec.label(inp)
        spec = self.spec
        if not isinstance(spec, Reconciles):
            return False
        try:
            with bounded(None):
                removed = spec.discard(run, inp, started)
        except PineconeRestoreError as exc:
            error = type(cause)(
                f"{cause}. Deleting what it left ({self.spec.summary(inp, started)}, "
                f"{self.spec.kind} {started.id!r}) also failed ({exc}); delete it by hand, "
                "since nothing records it"
            )
            error.left_running = self._where(inp, started)
            raise error from exc
        if removed:
            run.say(f"{label}: deleted {started.id}, which did not finish")
        return removed

    # read --------------------------------------------------------------------------------

    def read(
        self, id_: str, outputs: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
    ) -> Read:
        """Describe the object; report it gone, or its outputs and (drifted) inputs.

        Args:
            id_: The object's id.
            outputs: The state's outputs (none: an import).
            inputs: The state's inputs, when the caller has them (a plugin); they say which
                managed inputs the program left out, as the outputs' ``UNMANAGED_KEY`` does.
        """
        spec = self.spec
        left = decl.unmanaged_names(spec.inputs, outputs, inputs)
        stored = self.stored(outputs)
        if not isinstance(spec, CustomRead):
            if not any(outputs.get(k) is not None for k in spec.output_names):
                raise ImportRefusedError(f"{spec.kind} cannot be imported: it is never read")
            given = {k: v for k, v in stored.items() if k not in left}
            return Read(id_, dict(outputs), {**given, **identity_of(outputs)})
        run = self._run()
        obj = spec.describe(run, self.target(id_, outputs), outputs)
        if obj is None:
            return Read(None, {}, None)
        if not any(outputs.get(k) is not None for k in spec.output_names):
            inputs, found = spec.import_inputs(run, obj)
            return Read(id_, spec.outputs(inputs, found, {}), inputs)
        # The identity rides in the outputs too: a refresh replaces the stored inputs with
        # what read returns, and the read sees only the outputs.
        kept = identity_of(outputs)
        unset = {decl.UNMANAGED_KEY: sorted(left)} if left else {}
        fresh = {**self.spec.outputs(stored, obj, outputs), **kept, **unset}
        # A managed input the program left out stays out: its drift is the server's business.
        drifted = {k: v for k, v in self.spec.drift(stored, fresh).items() if k not in left}
        return Read(id_, fresh, {**drifted, **kept})

    # update ------------------------------------------------------------------------------

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """Apply the in-place changes; returns the new outputs."""
        inp = self.typed(news)
        spec = self.spec
        obj = (
            spec.apply(self._run(), self.target(id_, olds), olds, inp)
            if isinstance(spec, CustomUpdate)
            else None
        )
        if obj is None:
            return {
                **{k: olds.get(k) for k in self.spec.output_names},
                **top_inputs(self.spec, news),
                **identity_of(news),
                **decl.unmanaged(spec.inputs, news),
            }
        return {
            **self.spec.outputs(news, obj, olds),
            **identity_of(news),
            **decl.unmanaged(spec.inputs, news),
        }

    # delete ------------------------------------------------------------------------------

    def delete(
        self,
        id_: str,
        olds: Mapping[str, Any],
        *,
        undo: bool = False,
        program: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete the object and wait until it is gone.

        The delete settings come from the running program when a diff of this run spoke for
        the object (it replaces it, or an earlier run left it pending-delete), else from the
        state ``olds``.

        Args:
            id_: The object's id.
            olds: Its state (the last outputs).
            undo: Undoing what this run just made (a failed create's cleanup): the settings in
                ``olds`` only.
            program: The program's inputs for this object, from a caller that knows them (a
                set, for its member): they are the program's word, not the diffs' record
                (whose marks a set's members share); empty: the program has none (a removed
                member, a destroy), so the state's settings.
        """
        spec = self.spec
        if not isinstance(spec, CustomDelete):
            return  # nothing remote to delete: the state forgets it
        run = self._run()
        settings = {**dict(olds), **self.stored(olds)}
        said: Mapping[str, Any] | None = None
        if program is not None:
            said = program or None
        elif spec.delete_settings and not undo:
            found = self.runtime.intents.find(spec.kind, lambda i: spec.intent_covers(i, settings))
            said = found.inputs if found is not None else None
        if said is not None and not undo:
            word = {name: said.get(name) for name in spec.delete_settings}
            changed = sorted(n for n, v in word.items() if decl.differs(settings.get(n), v))
            settings.update(word)
            if changed:
                run.say(
                    f"{spec.kind} {id_}: deleting with the program's {', '.join(changed)} "
                    "(this run replaces it), not the state's"
                )
        spec.remove(run, self.target(id_, olds), settings)


AnyLifecycle = Lifecycle[Any, Any, Any, Any]


def duration_text(seconds: float) -> str:
    """``seconds`` as people say it: ``45s``, ``3m10s``, ``6m``, ``1h``, ``1h05m``."""
    total = round(max(seconds, 0.0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"


def progress_line(seen: Observation[Any], deadline: Deadline) -> tuple[str, str]:
    """A progress line of what ``seen`` says, and the part of it that is news (the key).

    No number appears that the API did not give or the forecast did not compute: a percentage
    only when the observation has one, an expectation only with a forecast.
    """
    pct = f" {seen.percent:.0f}%" if seen.percent is not None else ""
    line = (
        f"{seen.status}{pct}, {duration_text(deadline.elapsed)} of "
        f"{duration_text(deadline.budget)} budget"
    )
    forecast = seen.forecast
    if forecast is not None:
        earlier = "earlier restore" if forecast.history == 1 else "earlier restores"
        line += (
            f", expected about {duration_text(forecast.expected)} ({forecast.history} {earlier})"
        )
    return f"{seen.status}{pct}", line


def _post_delays(policy: RetryPolicy) -> tuple[float, ...]:
    """Delays before each send of a starting request: the client's backoff for idempotent calls.

    :meth:`~..settings.RetryPolicy.backoff`: nothing before the first retry, ``factor *
    2**(n-1)`` (capped) before the n-th after that; a POST that reconciled to "nothing
    started" waits as a retried read does.
    """
    return (0.0, *(policy.backoff(retry) for retry in range(1, policy.attempts + 1)))


def _discarded(cause: OperationError, id_: str) -> OperationError:
    """``cause``, saying that what the create started (``id_``) was deleted again."""
    error = type(cause)(f"{cause}. Deleted {id_} again, since it did not finish")
    error.discarded = id_
    return error


def identity_of(bag: Mapping[str, Any]) -> dict[str, Any]:
    """The identity (seed, nonce) that a bag of inputs or outputs holds."""
    return {k: bag[k] for k in decl.IDENTITY_KEYS if bag.get(k) is not None}


def top_inputs(spec: AnySpec, given: Mapping[str, Any]) -> dict[str, Any]:
    """User inputs that are not outputs of their own (budgets, flags, trigger)."""
    names = set(spec.output_names)
    return {
        p.name: given[p.name]
        for p in decl.user_props(spec.inputs)
        if p.name not in names and given.get(p.name) is not None
    }
