"""Many restores as one resource: every member runs the ``RestoredIndex`` lifecycle, at once.

Why one resource: the Python dynamic-provider plugin serves at most 4 calls at once for the whole
stack, and a create that follows a restore holds its slot until the index is ready. One set
runs its members concurrently inside a single call (a thread and a pooled connection per
member, at most ``max_concurrency`` at once, 50 by default), so cloning N indexes takes about
as long as the slowest one.

Time budget: every member's deadline starts when the set's create starts, so a member's
``create_timeout`` bounds the whole set, not one thread (a member waiting for a free slot
spends its budget too); the set's own ``create_timeout`` (optional) caps every member's.

Failing fast: the members share one :class:`~pulumi_pinecone_restore.polling.Cancellation`.
A member that fails (not one that runs out of time) signals it; every other member's wait and
request checks it, so they stop within a poll (their restores run on at Pinecone), and members
not yet started never start.

Transactions, member by member, and told truthfully (the error names each member's outcome:
finished, deleted again, still running and where, never started):

- create: a failed member deletes its own index (the ``RestoredIndex`` rule). If anything is
  left running (a member ran out of time, or was stopped while its restore ran), nothing else
  is deleted: the next ``pulumi up`` adopts every member and resumes waiting. Otherwise the
  members this call finished (or adopted: nothing records them either) are deleted again.
- update: a failure undoes only what cannot be recorded: members new to the set and
  replacements made next to their old index are deleted; a replacement that took its old
  index's name (the old one is gone) and in-place changes are kept, since the state still
  names them, and the next ``pulumi up`` converges the rest.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Literal, TypeVar

import attrs

from pulumi_pinecone_restore.connection import Connection
from pulumi_pinecone_restore.errors import (
    CancelledError,
    DeletionProtectedError,
    OperationError,
    RefusedError,
    SetOperationError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle.engine import (
    OPAQUE_ID_PREFIX,
    AnyLifecycle,
    Diff,
    Lifecycle,
)
from pulumi_pinecone_restore.lifecycle.index import PENDING_KEY
from pulumi_pinecone_restore.lifecycle.inputs import (
    contains_unknown,
    differs,
    duration,
    is_unknown,
    not_an_input,
)
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.runtime import Runtime
from pulumi_pinecone_restore.polling import Cancellation

__all__ = ["RestoreSet", "member_seed"]

T = TypeVar("T")
SET_BUDGET = "create_timeout"  # the set's own budget: a cap on every member's
SET_CONCURRENCY = "max_concurrency"  # members run at once, at most
#: Enough that a set of 50 runs at once (within 1.2x of one restore, see benchmarks/), few
#: enough that a set of hundreds neither opens hundreds of connections nor meets 429s.
DEFAULT_MAX_CONCURRENCY = 50
# Why a member is deleted: the advice for a protected one differs (see `_delete`).
REMOVED, REPLACED, DESTROYED = "removed", "replaced", "destroyed"
Bag = dict[str, Any]
SetInputKind = Literal["members", "duration", "count", "connection"]


@attrs.frozen
class SetInput:
    """One input of the set itself (each member's are ``RestoredIndex``'s).

    Every door reads it: ``check``, the reference page, the plugin schema (its JSON type from
    ``kind``) and ``RestoredIndexSet.__init__`` (its keyword and type, generated from ``kind``).

    Attributes:
        name: The input's name.
        doc: Its reference text.
        kind: What it holds: the members map, a duration, a count, or a ``Connection``.
        required: Whether the set needs it.
    """

    name: str
    doc: str
    kind: SetInputKind
    required: bool = False


#: The set's own inputs: what ``check`` accepts, and what docs/reference/RestoredIndexSet.md shows.
SET_INPUTS = (
    SetInput(
        "members",
        "Member key → the inputs of a RestoredIndex. A member without name is named "
        "<resource-name>-<key>-<hash>.",
        kind="members",
        required=True,
    ),
    SetInput(
        SET_BUDGET,
        'Time budget of the whole set (seconds or e.g. "90m"): every member\'s deadline starts '
        "with the set's create, and this caps each member's own create_timeout. Out of time, the "
        "create fails naming each member still restoring, deletes nothing, and the next "
        "`pulumi up` resumes them.",
        kind="duration",
    ),
    SetInput(
        SET_CONCURRENCY,
        f"How many members restore at once (a whole number from 1; default "
        f"{DEFAULT_MAX_CONCURRENCY}, which keeps a set of 50 within 1.2x of one restore). A "
        "member waiting for a free slot spends its create_timeout too. A member that fails stops "
        "the others within seconds, and the error names what became of each.",
        kind="count",
    ),
    SetInput(
        "connection",
        "Where the API key and control plane are, for every member (a Connection); a member "
        "cannot have its own.",
        kind="connection",
    ),
)
_SET_INPUTS = frozenset(i.name for i in SET_INPUTS)
_SET_KEYS = _SET_INPUTS | {"owner_seed", "auto_name_seed", "secret_inputs"}
# A secret `members` makes every output that holds a member's values secret.
SECRET_OUTPUTS = ("members", "clones", "hosts", "names")
_INTERNAL = frozenset({"owner_seed", "owner_nonce"})  # a member's identity: no member input


def member_seed(seed: Any, key: str) -> str | None:
    """The seed of one member: the set's, with the member key (names it ``<set>-<key>-…``)."""
    return f"{seed}-{key}" if isinstance(seed, str) and seed else None


def members_of(props: Mapping[str, Any], key: str = "members") -> dict[str, Bag]:
    """The members (or ``clones``) map of a property bag."""
    raw = props.get(key)
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}


def run_all(
    jobs: Mapping[str, Callable[[], T]], limit: int | None = None
) -> tuple[dict[str, T], dict[str, Exception]]:
    """Run one callable per member, at most ``limit`` at once; results and errors by member key."""
    results: dict[str, T] = {}
    errors: dict[str, Exception] = {}
    if not jobs:
        return results, errors
    workers = len(jobs) if limit is None else max(1, min(limit, len(jobs)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(fn) for key, fn in jobs.items()}
    for key, future in futures.items():
        error = future.exception()
        if error is None:
            results[key] = future.result()
        elif isinstance(error, Exception):
            errors[key] = error
        else:
            raise error
    return results, errors


# What became of each member, as SetOperationError.outcomes reports it.
FINISHED, DELETED, RUNNING, FAILED, STOPPED, NEVER_STARTED = (
    "finished",
    "deleted",
    "running",
    "failed",
    "stopped",
    "never started",
)


class _NeverStartedError(CancelledError):
    """A member whose turn came after the set was cancelled: it sent nothing."""


def concurrency(props: Mapping[str, Any]) -> int:
    """The set's ``max_concurrency`` (checked), or the default."""
    value = props.get(SET_CONCURRENCY)
    return value if isinstance(value, int) and value >= 1 else DEFAULT_MAX_CONCURRENCY


def _lines(errors: Mapping[str, BaseException]) -> str:
    return "\n".join(f"  - {key}: {exc}" for key, exc in sorted(errors.items()))


def _outcome(exc: BaseException) -> tuple[str, str]:
    """What became of a member that did not finish: its outcome kind, and a line saying so."""
    if isinstance(exc, _NeverStartedError):
        return NEVER_STARTED, str(exc)
    if not isinstance(exc, OperationError):
        return FAILED, f"failed: {exc}"
    verb = {WaitTimeoutError: "out of time", CancelledError: "stopped"}.get(type(exc), "failed")
    if exc.discarded:
        return DELETED, f"{verb}: {exc}"  # the error says what it deleted
    if exc.left_running:
        # The cause of a timeout says what it was waiting for; the advice is the set's.
        cause = exc.__cause__ if isinstance(exc.__cause__, WaitTimeoutError) else exc
        return RUNNING, f"still running: {exc.left_running}; {verb}: {cause}"
    if verb == "failed":
        return FAILED, f"failed: {exc}"
    return STOPPED, f"{verb} before starting anything: {exc}"


def _finished(outs: Mapping[str, Any]) -> str:
    return f"finished (index {outs.get('name')})"


def _outcomes(
    errors: Mapping[str, BaseException], finished: Mapping[str, tuple[str, str]]
) -> tuple[str, dict[str, str]]:
    """Each member's line (finished ones from ``finished``, the others by error), and kinds."""
    fates = {**{k: _outcome(e) for k, e in errors.items()}, **finished}
    lines = "\n".join(f"  - {key}: {line}" for key, (_, line) in sorted(fates.items()))
    return lines, {key: kind for key, (kind, _) in fates.items()}


@attrs.define
class RestoreSet:
    """The lifecycle of a set of ``RestoredIndex`` members, run side by side.

    Args:
        runtime: Client, clock, sleep, progress.
        connection: The set's ``connection`` input, resolved when a member first sends.
        stop: A cancellation of the whole run (the plugin's Cancel): it stops the members'
            creates as a member's failure does, and what they started is deleted again.
    """

    runtime: Runtime
    connection: Any = None
    stop: Cancellation | None = None

    def _member(self, count: int = 0, props: Mapping[str, Any] | None = None) -> AnyLifecycle:
        """The members' lifecycle; ``count`` members at once share one client sized for them."""
        members = attrs.evolve(self.runtime, keep_pending=True)
        if not count:
            return Lifecycle(RESTORED_INDEX, members, connection=self.connection)
        runtime = members.with_connection(self.connection)
        client = runtime.client(concurrency=max(min(count, concurrency(props or {})), 1))
        return Lifecycle(RESTORED_INDEX, runtime, client=client)

    # check / diff ------------------------------------------------------------------------

    def check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[Bag, list[tuple[str, str]]]:
        """Check each member by the RestoredIndex rules; names must be unique in the set."""
        inputs: Bag = {k: news[k] for k in ("members",) if k in news}
        inputs.update(_internal(olds, news))
        seed = inputs.get("owner_seed")
        # Outputs the resource class registers arrive as None; anything else given is a typo.
        failures: list[tuple[str, str]] = [
            (key, not_an_input(key, sorted(_SET_INPUTS)))
            for key, value in news.items()
            if key not in _SET_KEYS and not key.startswith("__") and value is not None
        ]
        failures += _check_own_inputs(news, inputs)
        members = news.get("members")
        if is_unknown(members):
            return inputs, failures
        if not isinstance(members, Mapping) or not members:
            failures.append(("members", "members must be a non-empty map of key to restore inputs"))
            return inputs, failures
        old_members = members_of(olds)
        member = self._member()
        checked: Bag = {}
        for key, value in members.items():
            if is_unknown(value):
                checked[str(key)] = value  # a whole member not known yet: checked once it is
                continue
            shape = _member_shape(value)
            if shape:
                failures.append(("members", f"members[{key}]{shape}"))
                continue
            given = dict(value)
            if given.get("owner_seed") is None and member_seed(seed, str(key)):
                given["owner_seed"] = member_seed(seed, str(key))
            old = old_members.get(str(key), {})
            if "owner_seed" not in old and member_seed(seed, str(key)):
                old = {**old, "owner_seed": member_seed(seed, str(key))}
            result, member_failures = member.check(old, given)
            checked[str(key)] = result
            failures.extend(
                ("members", f"members[{key}]: {reason}") for _, reason in member_failures
            )
        names = [
            m["name"]
            for m in checked.values()
            if isinstance(m, Mapping) and isinstance(m.get("name"), str)
        ]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            failures.append(
                ("members", f"index names must be unique within the set: {', '.join(duplicates)}")
            )
        inputs["members"] = checked
        return inputs, failures

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Whether anything changed; every change is an in-place update of the set."""
        members = news.get("members")
        if contains_unknown(members) or differs(olds.get("connection"), news.get("connection")):
            return True
        old_outs, new = members_of(olds, "clones"), members_of(news)
        _refuse_renamed_keys(old_outs, new)
        if set(old_outs) != set(new) or any(
            differs(olds.get(key), news.get(key)) for key in (SET_BUDGET, SET_CONCURRENCY)
        ):
            return True
        member = self._member()
        # Every member is diffed (no short cut): each diff may refuse a replacement that could
        # not delete its protected index, and records the program's word for its delete.
        return any([_diff(member, k, old_outs[k], new[k]).changes for k in new])  # noqa: C419

    # create ------------------------------------------------------------------------------

    def create(self, props: Mapping[str, Any]) -> tuple[str, Bag]:
        """Restore every member at once; all succeed, or what this call made is removed."""
        members = members_of(props)
        member = self._member(len(members), props)
        limit = concurrency(props)
        at_once = "at once" if limit >= len(members) else f"{limit} at a time"
        self.runtime.progress(f"RestoredIndexSet: restoring {len(members)} indexes {at_once}")
        created, errors = self._create(member, members, props.get(SET_BUDGET), limit)
        if errors:
            self._fail_create(member, created, errors, limit)
        self._recorded(member, created, limit)
        # The id is stored in plain text: a set whose members are secret gets an opaque one.
        id_ = f"{OPAQUE_ID_PREFIX}{secrets.token_hex(8)}" if self.secret_outputs(props) else None
        return id_ or _set_id(created), self.outputs(props, created)

    @staticmethod
    def secret_outputs(props: Mapping[str, Any]) -> tuple[str, ...]:
        """The outputs to store encrypted: all that hold members' values, if they are secret."""
        return SECRET_OUTPUTS if "members" in (props.get("secret_inputs") or ()) else ()

    def _create(
        self,
        member: AnyLifecycle,
        members: Mapping[str, Bag],
        budget: Any = None,
        limit: int = DEFAULT_MAX_CONCURRENCY,
        finish: Collection[str] = (),
    ) -> tuple[dict[str, Bag], dict[str, Exception]]:
        # Every deadline starts now: create_timeout bounds the whole set, not each thread; the
        # set's own budget caps each member's. One cancellation is shared by all of them but
        # those in `finish`: replacements whose old index was deleted first run to their end,
        # since stopping one (and deleting what it made) would leave neither index.
        cap = duration(budget) if budget is not None else None
        cancel = Cancellation() if self.stop is None else self.stop.child()
        typed = {key: member.typed(inputs) for key, inputs in members.items()}
        deadlines = {
            key: self.runtime.deadline(
                inp.create_timeout if cap is None else min(cap, inp.create_timeout),
                None if key in finish else cancel,
            )
            for key, inp in typed.items()
        }

        def one(key: str) -> Callable[[], Bag]:
            def job() -> Bag:
                if cancel.cancelled and key not in finish:
                    raise _NeverStartedError(f"never started: {cancel.reason}")
                try:
                    return member.create(members[key], deadline=deadlines[key]).outputs
                except (WaitTimeoutError, CancelledError):
                    raise  # out of time, or stopped: neither stops the others
                except Exception:
                    cancel.cancel(f"member {key} failed")
                    raise

            return job

        return run_all({key: one(key) for key in members}, limit)

    def _fail_create(
        self,
        member: AnyLifecycle,
        created: Mapping[str, Bag],
        errors: Mapping[str, Exception],
        limit: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        timeouts = {k: e for k, e in errors.items() if isinstance(e, WaitTimeoutError)}
        failed = {
            k: e for k, e in errors.items() if not isinstance(e, CancelledError | WaitTimeoutError)
        }
        total = len(errors) + len(created)
        if failed:
            head = f"{len(failed)} of the set's {total} members failed"
            if any(isinstance(e, CancelledError) for e in errors.values()):
                head += "; the others were stopped"
        else:
            head = (
                f"the set ran out of time: {len(timeouts)} of its {total} restores did not "
                "finish within create_timeout"
            )
        if timeouts:
            # Restores run on at Pinecone: keep everything, the next run adopts it all.
            lines, kinds = _outcomes(
                errors, {k: (FINISHED, f"{_finished(o)}; kept") for k, o in created.items()}
            )
            said = (
                f"{head}:\n{lines}\n"
                "Nothing else was deleted: the restores still running continue on Pinecone's "
                "side, and the next `pulumi up` adopts every member and resumes waiting. "
                + (
                    "Fix the cause of the failure and run `pulumi up` again."
                    if failed
                    else "Raise create_timeout if restores of these backups take longer."
                )
            )
            raise (SetOperationError(said, kinds) if failed else WaitTimeoutError(said))
        removed, cleanup = run_all(
            {key: _remove_forced(member, outs) for key, outs in created.items()}, limit
        )
        fates = {k: (DELETED, f"{_finished(created[k])}; deleted again") for k in removed}
        fates.update(
            {
                k: (RUNNING, f"{_finished(created[k])}; deleting it failed ({e})")
                for k, e in cleanup.items()
            }
        )
        left = ", ".join(sorted(str(created[k].get("name")) for k in cleanup))
        tail = (
            f"Deleting {left} failed: delete them by hand, nothing records them."
            if cleanup
            else "Nothing this attempt made is left behind."
        )
        lines, kinds = _outcomes(errors, fates)
        raise SetOperationError(
            f"{head}:\n{lines}\n{tail} Fix the cause and run `pulumi up` again.", kinds
        )

    # read --------------------------------------------------------------------------------

    def read(self, id_: str, props: Mapping[str, Any]) -> tuple[str | None, Bag, Bag | None]:
        """Refresh every member; members deleted out of band drop out (and show as a diff)."""
        old = members_of(props, "clones")
        member = self._member(len(old), props)
        results, errors = run_all(
            {key: _read(member, outs) for key, outs in old.items()}, concurrency(props)
        )
        if errors:
            raise SetOperationError(
                f"refresh failed for {len(errors)} member(s):\n{_lines(errors)}"
            )
        clones = {k: r.outputs for k, r in results.items() if r.id}
        if not clones:
            return None, {}, None
        inputs: Bag = {"members": {k: dict(results[k].inputs or {}) for k in clones}}
        if props.get("owner_seed"):
            inputs["owner_seed"] = props["owner_seed"]
        if props.get(SET_CONCURRENCY) is not None:
            inputs[SET_CONCURRENCY] = props[SET_CONCURRENCY]
        return id_, self.outputs(props, clones), inputs

    # update ------------------------------------------------------------------------------

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Bag:
        """Create new members, replace or update changed ones, then delete removed ones."""
        old, new = members_of(olds, "clones"), members_of(news)
        member = self._member(len(old) + len(new), news)
        limit = concurrency(news)
        plan = _Plan.of(member, old, new)
        deleted, first_errors = run_all(
            {
                key: _delete(member, outs, key, REPLACED, new)
                for key, outs in plan.delete_first.items()
            },
            limit,
        )
        if first_errors:
            # Those whose old index is gone get their replacement now (else neither index
            # stands); the rest of the plan waits for the next run.
            made, made_errors = self._create(
                member, {k: new[k] for k in deleted}, news.get(SET_BUDGET), limit, finish=deleted
            )
            self._fail_update(member, made, {}, {**first_errors, **made_errors}, deleted)
        created, create_errors = self._create(
            member,
            {k: new[k] for k in plan.creates},
            news.get(SET_BUDGET),
            limit,
            finish=plan.delete_first,
        )
        updated, update_errors = run_all(
            {key: _update(member, old[key], new[key]) for key in plan.updates}, limit
        )
        if create_errors or update_errors:
            errors = {**create_errors, **update_errors}
            self._fail_update(member, created, updated, errors, plan.delete_first)
        # A removed member that cannot be deleted (protection...) fails the update like any
        # member; what this attempt made is then deleted again (a failed update records
        # nothing, so a member it made and kept would be orphaned), but for a replacement
        # whose old index this same step deleted: it is all that is left of its member.
        deleted, delete_errors = run_all(
            {
                key: _delete(member, outs, key, REPLACED if key in new else REMOVED, new)
                for key, outs in plan.delete_after.items()
            },
            limit,
        )
        if delete_errors:
            gone = [*plan.delete_first, *(k for k in deleted if k in new)]
            self._fail_update(member, created, updated, delete_errors, gone)
        self._recorded(member, created, limit)
        clones = {**{k: old[k] for k in plan.kept}, **updated, **created}
        return self.outputs(news, clones)

    def _recorded(self, member: AnyLifecycle, created: Mapping[str, Bag], limit: int) -> None:
        """Every member made: the set's state records them, so their pending tags go.

        Until now they kept it: a set that failed or ran out of time leaves its finished
        members unrecorded, for the next run to adopt as its own attempts. A tag that cannot
        be taken off is reported and left: failing here would record nothing of the set.
        """
        if self.runtime.before_finish is not None:
            self.runtime.before_finish()
        _, errors = run_all(
            {key: partial(member.recorded, str(outs.get("name"))) for key, outs in created.items()},
            limit,
        )
        for key, exc in sorted(errors.items()):
            self.runtime.progress(
                f"RestoredIndexSet: member {key}: could not take the tag {PENDING_KEY} off "
                f"({exc}); the index is made and recorded. Remove the tag by hand: until then "
                "a new resource with this one's names would take the index over"
            )

    def _fail_update(
        self,
        member: AnyLifecycle,
        created: Mapping[str, Bag],
        updated: Mapping[str, Bag],
        errors: Mapping[str, Exception],
        replaced: Collection[str],
    ) -> None:
        """Fail the update: undo what the state cannot point to, keep the rest, say which.

        Undone: members new to the set, and replacements made next to an old index that
        still exists. Kept: replacements whose old index this update deleted (``replaced``),
        with their pending tag, since no state records them: the next run adopts them.
        """
        undo = {k: o for k, o in created.items() if k not in replaced}
        kept = {k: o for k, o in created.items() if k in replaced}
        removed, cleanup = run_all(
            {key: _remove_forced(member, outs) for key, outs in undo.items()}
        )
        lines, kinds = _outcomes(errors, {})
        said = [f"{len(errors)} member(s) did not finish:\n{lines}"]
        if removed:
            said.append(
                "Deleted again (made by this attempt, not recorded): "
                + ", ".join(sorted(str(undo[k].get("name")) for k in removed))
                + "."
            )
        if cleanup:
            said.append(f"Deleting these failed too; delete them by hand:\n{_lines(cleanup)}")
        if kept:
            said.append(
                "Kept (each replaced an index this update deleted and is restored from its "
                "new backup_id; keep that in the program, and the next `pulumi up` adopts "
                "it): " + ", ".join(sorted(str(o.get("name")) for o in kept.values())) + "."
            )
        if updated:
            said.append("Updated in place and kept: " + ", ".join(sorted(updated)) + ".")
        said.append(
            "The stack still records the set as before this update; run `pulumi up` "
            "again after fixing the cause, and it converges every member."
        )
        raise SetOperationError("\n".join(said), kinds)

    def _delete_all(
        self,
        member: AnyLifecycle,
        members: Mapping[str, Bag],
        limit: int = DEFAULT_MAX_CONCURRENCY,
        why: str = DESTROYED,
        program: Mapping[str, Bag] | None = None,
    ) -> None:
        deleted, errors = run_all(
            {key: _delete(member, outs, key, why, program) for key, outs in members.items()},
            limit,
        )
        if errors:
            said = f"delete failed for {len(errors)} member(s):\n{_lines(errors)}"
            if deleted:
                # The set is one resource: the stack keeps listing these until it is gone.
                said += (
                    "\nDeleted: "
                    + ", ".join(sorted(str(members[k].get("name")) for k in deleted))
                    + ". The stack still lists them: run `pulumi refresh` before a `pulumi up` "
                    "that should restore them"
                )
            raise SetOperationError(said)

    # delete ------------------------------------------------------------------------------

    def delete(self, props: Mapping[str, Any]) -> None:
        """Delete every member at once (each honouring its deletion protection)."""
        clones = members_of(props, "clones")
        self._delete_all(self._member(len(clones), props), clones, concurrency(props))

    @staticmethod
    def outputs(props: Mapping[str, Any], clones: Mapping[str, Bag]) -> Bag:
        """The set's outputs: members' inputs (without internal ones), outputs, hosts, names."""
        members = members_of(props) or {k: {} for k in clones}
        budget = {k: props[k] for k in (SET_BUDGET, SET_CONCURRENCY) if props.get(k) is not None}
        return {
            "connection": props.get("connection"),
            **budget,
            "members": {
                k: {n: v for n, v in m.items() if n not in _INTERNAL} for k, m in members.items()
            },
            "clones": dict(clones),
            "hosts": {str(c["name"]): c.get("host") for c in clones.values()},
            "names": {k: c.get("name") for k, c in clones.items()},
        }


def _internal(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Bag:
    """The set's internal inputs: its seed (the state's, see inputs.identity), secret inputs."""
    seed = (
        olds.get("owner_seed")
        or olds.get("auto_name_seed")
        or news.get("owner_seed")
        or news.get("auto_name_seed")
    )
    found: Bag = {} if seed is None else {"owner_seed": seed}
    if news.get("secret_inputs") is not None:
        found["secret_inputs"] = news["secret_inputs"]
    return found


def _refuse_renamed_keys(old: Mapping[str, Bag], new: Mapping[str, Bag]) -> None:
    """Refuse a new member that takes the index name of a member the same update removes.

    A member's key is part of its identity (its mark), so renaming a key is a new member
    beside a removed one: the new one would be refused the name at `pulumi up`, as another
    resource's, after the rest of the update ran. Said here, at preview, with the way out.
    """
    removed = {str(o.get("name")): k for k, o in old.items() if k not in new}
    for key, inputs in new.items():
        name = inputs.get("name") if isinstance(inputs, Mapping) else None
        if key in old or not isinstance(name, str) or name not in removed:
            continue
        raise RefusedError(
            f"member {key!r} takes the index name {name!r} of member {removed[name]!r}, which "
            "this update removes: a member's key is part of its identity, so this is a new "
            "index beside one to delete, and the name is still taken. Keep the key "
            f"{removed[name]!r}; or remove member {removed[name]!r} in one `pulumi up` and add "
            f"member {key!r} in the next (its index is restored anew); or give member "
            f"{key!r} another name"
        )


def _member_shape(value: Any) -> str | None:
    """What is wrong with a member's shape (as a message suffix), or ``None``."""
    if not isinstance(value, Mapping):
        return " must be a map"
    if value.get("connection") is not None:
        return ": connection is set once, on the set, not per member"
    return None


def _whole_number(value: Any) -> int:
    """``max_concurrency`` as an int (numbers cross the wire as floats), or ``ValueError``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"{value!r} is not a whole number of at least 1; give how many members may "
            f"restore at once (default {DEFAULT_MAX_CONCURRENCY})"
        )
    return value


# The set's own inputs besides `members`, each with its parser (which raises ValueError) and
# whether the parsed value replaces the given one (else the given one is kept as written).
_SET_OWN_INPUTS: tuple[tuple[str, Callable[[Any], Any], bool], ...] = (
    ("connection", Connection.from_input, False),
    (SET_BUDGET, duration, False),  # a cap on every member's create_timeout
    (SET_CONCURRENCY, _whole_number, True),
)


def _check_own_inputs(news: Mapping[str, Any], inputs: Bag) -> list[tuple[str, str]]:
    """Keep the set's own inputs (connection, budget, concurrency); refuse bad ones."""
    failures: list[tuple[str, str]] = []
    for name, parse, normalise in _SET_OWN_INPUTS:
        value = news.get(name)
        if value is None:
            continue
        inputs[name] = value
        if contains_unknown(value):
            continue
        try:
            parsed = parse(value)
        except ValueError as exc:
            failures.append((name, f"{name}: {exc}"))
            continue
        if normalise:
            inputs[name] = parsed
    return failures


@attrs.define
class _Plan:
    """What an update does with each member."""

    creates: list[str] = attrs.field(factory=list)
    updates: list[str] = attrs.field(factory=list)
    kept: list[str] = attrs.field(factory=list)
    delete_first: dict[str, Bag] = attrs.field(factory=dict)
    delete_after: dict[str, Bag] = attrs.field(factory=dict)

    @classmethod
    def of(cls, member: AnyLifecycle, old: Mapping[str, Bag], new: Mapping[str, Bag]) -> _Plan:
        plan = cls(delete_after={k: o for k, o in old.items() if k not in new})
        for key, inputs in new.items():
            if key not in old:
                plan.creates.append(key)
                continue
            diff = _diff(member, key, old[key], inputs)
            if diff.replaces:
                plan.creates.append(key)
                target = plan.delete_first if diff.delete_before_replace else plan.delete_after
                target[key] = old[key]
            elif diff.changes:
                plan.updates.append(key)
            else:
                plan.kept.append(key)
        return plan


def _diff(member: AnyLifecycle, key: str, old: Bag, inputs: Bag) -> Diff:
    """A member's diff; a refusal names the member as the set's (or environment's) program does."""
    try:
        return member.diff(old, inputs)
    except RefusedError as exc:
        raise type(exc)(
            f"member {key!r}: {exc} (in a CloneEnvironment, member {key!r} is the clone of "
            f"source {key!r}: backup_id is its entry in backups, and the environment's own "
            "force_destroy and deletion_protection apply to every clone)"
        ) from exc


def _remove_forced(member: AnyLifecycle, outs: Bag) -> Callable[[], None]:
    # Undoing what this call made: nothing was written to it yet, so no final backup.
    return lambda: member.delete(
        str(outs.get("name")), {**outs, "force_destroy": True, "final_backup": None}, undo=True
    )


def _delete(
    member: AnyLifecycle,
    outs: Bag,
    key: str,
    why: str,
    program: Mapping[str, Bag] | None = None,
) -> Callable[[], None]:
    """Delete a member; a protected one is refused with advice a set's program can follow.

    The delete settings (force_destroy, final_backup) are the program's for this member key
    when it still lists it (a replacement), else the state's: never another member's, though
    all share the set's mark. A removed member's force_destroy must be set while it is listed.
    """
    word = dict((program or {}).get(key) or {})

    def job() -> None:
        name = str(outs.get("name"))
        if why == REPLACED and word and member.made_for(name, word):
            # A failed run of this update deleted the old index and made this one: keep it.
            member.runtime.progress(
                f"RestoredIndexSet: member {key}: {name} is already its replacement (made by "
                "an earlier run that failed); it is kept and adopted"
            )
            return
        try:
            member.delete(name, outs, program=word)
        except DeletionProtectedError as exc:
            if exc.fact is None:
                raise
            clone = (
                "a CloneEnvironment's own force_destroy=True sets it on every clone, and its "
                "members are its sources"
            )
            advice = {
                REMOVED: "A removed member's force_destroy is read from the stack's state, so "
                f"set it while the member is listed: put member {key!r} back with "
                "force_destroy=True (its other inputs as before), run `pulumi up`, then remove "
                f"it and run `pulumi up` again ({clone})",
                REPLACED: f"Set force_destroy=True on member {key!r} in the same program (the "
                f"replacement then turns the old index's protection off and deletes it; {clone})",
                DESTROYED: "A destroy reads force_destroy from the stack's state: set "
                f"force_destroy=True on member {key!r}, run `pulumi up`, then `pulumi destroy` "
                f"again ({clone})",
            }[why]
            raise DeletionProtectedError(f"{exc.fact} {advice}") from exc

    return job


def _read(member: AnyLifecycle, outs: Bag) -> Callable[[], Any]:
    return lambda: member.read(str(outs.get("name")), outs)


def _update(member: AnyLifecycle, old: Bag, inputs: Bag) -> Callable[[], Bag]:
    return lambda: member.update(str(old.get("name")), old, inputs)


def _set_id(clones: Mapping[str, Mapping[str, Any]]) -> str:
    return ",".join(sorted(str(c.get("name")) for c in clones.values()))
