"""The dynamic provider behind ``RestoredIndexSet``: many restores in one resource.

Why one resource: the Python dynamic-provider plugin serves at most 4 calls at once for the whole
stack, and a create that follows a restore holds its slot until the index is ready, so eight
``RestoredIndex`` resources restore in two waves. One set resource runs all its restores
concurrently inside a single call, so cloning N indexes takes about as long as the slowest one.

Each member is a ``RestoredIndex`` in all but registration: the same checks, the same
create/adopt/wait/cleanup logic (a ``RestoredIndexProvider`` does the work per member), the same
update and delete rules. Members are keyed by a stable key (e.g. the source index name).

Transactions: if any member fails to create, the members this call created are deleted again
(an engine that records nothing must find nothing), then the error lists every failure. A member
that ran out of time is left to finish and is adopted by the next `pulumi up`, as for
``RestoredIndex``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_pinecone_restore.errors import PineconeRestoreError, WaitTimeoutError
from pulumi_pinecone_restore.providers.base import ProviderBase, is_unknown
from pulumi_pinecone_restore.providers.restored_index import RestoredIndexProvider

__all__ = ["MAX_PARALLEL", "RestoredIndexSetProvider", "SetOperationError"]

MAX_PARALLEL = 16  # restores followed at once by one set (the HTTP pool holds 16 connections)
T = TypeVar("T")


class SetOperationError(PineconeRestoreError):
    """Raised when one or more members of a set failed; lists each member's error."""


def _members(props: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    raw = props.get("members")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}


def _member_outs(props: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    raw = props.get("clones")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}


class RestoredIndexSetProvider(ProviderBase):
    """CRUD for a set of indexes restored from backups, followed concurrently."""

    def _member_provider(self) -> RestoredIndexProvider:
        member = RestoredIndexProvider()
        member.runtime = self.runtime
        return member

    def _run_all(
        self, jobs: Mapping[str, Callable[[], T]]
    ) -> tuple[dict[str, T], dict[str, BaseException]]:
        """Run one callable per member concurrently; collect results and errors by key."""
        results: dict[str, T] = {}
        errors: dict[str, BaseException] = {}
        if not jobs:
            return results, errors
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(jobs))) as pool:
            futures = {key: pool.submit(fn) for key, fn in jobs.items()}
        for key, future in futures.items():
            error = future.exception()
            if error is None:
                results[key] = future.result()
            else:
                errors[key] = error
        return results, errors

    # check / diff ----------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Check each member with the RestoredIndex rules; names must be unique in the set."""
        failures: list[CheckFailure] = []
        members = news.get("members")
        if is_unknown(members):
            return CheckResult(dict(news), [])
        if not isinstance(members, Mapping) or not members:
            return CheckResult(dict(news), [CheckFailure(
                "members", "members must be a non-empty map of key to restore inputs")])
        old_members = _members(_olds)
        member = self._member_provider()
        checked: dict[str, Any] = {}
        for key, value in members.items():
            if is_unknown(value):
                checked[str(key)] = value  # a whole member from another output: checked at up
                continue
            if not isinstance(value, Mapping):
                failures.append(CheckFailure("members", f"members[{key}] must be a map"))
                continue
            inputs = dict(value)
            seed = news.get("auto_name_seed")
            if inputs.get("name") is None and seed and not inputs.get("auto_name_seed"):
                # Auto-named members are named after the set and their key.
                inputs["auto_name_seed"] = f"{seed}-{key}"
            result = member.check(old_members.get(str(key), {}), inputs)
            checked[str(key)] = result.inputs
            failures.extend(
                CheckFailure("members", f"members[{key}]: {f.reason}") for f in result.failures
            )
        names = [str(m["name"]) for m in checked.values()
                 if isinstance(m, Mapping) and isinstance(m.get("name"), str)]
        duplicates = sorted({n for n in names if names.count(n) > 1 and not is_unknown(n)})
        if duplicates:
            failures.append(CheckFailure(
                "members", f"index names must be unique within the set: {', '.join(duplicates)}"))
        inputs = {k: v for k, v in news.items() if k in {"members", "auto_name_seed"}}
        inputs["members"] = checked
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Any member added, removed or changed is an in-place update of the set."""
        if is_unknown(news.get("members")):
            return DiffResult(changes=True, replaces=[], stables=[], delete_before_replace=False)
        old_outs, new_members = _member_outs(olds), _members(news)
        if set(old_outs) != set(new_members):
            return DiffResult(changes=True, replaces=[], stables=[], delete_before_replace=False)
        member = self._member_provider()
        changed = any(
            member.diff(str(old_outs[k].get("name")), old_outs[k], new_members[k]).changes
            for k in new_members
        )
        return DiffResult(changes=changed, replaces=[], stables=[], delete_before_replace=False)

    # create ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Restore every member concurrently; all succeed, or the ones made here are removed."""
        members = _members(props)
        member = self._member_provider()
        self.runtime.progress(f"RestoredIndexSet: restoring {len(members)} indexes concurrently")
        clones, errors = self._run_all({
            key: partial(_create_member, member, inputs) for key, inputs in members.items()
        })
        if errors:
            self._roll_back(clones, errors)
        return CreateResult(_set_id(clones), self._outputs(props, clones))

    def _roll_back(
        self, created: Mapping[str, dict[str, Any]], errors: Mapping[str, BaseException]
    ) -> None:
        """Delete members this call created, then raise one error describing every failure."""
        timed_out = any(isinstance(e, WaitTimeoutError) for e in errors.values())
        if not timed_out:
            member = self._member_provider()
            forced = {k: {**o, "inputs": {**o.get("inputs", {}), "force_destroy": True}}
                      for k, o in created.items()}
            _, cleanup_errors = self._run_all({
                key: partial(_delete_member, member, outs) for key, outs in forced.items()
            })
            errors = {**errors, **{f"{k} (cleanup)": e for k, e in cleanup_errors.items()}}
        lines = "\n".join(f"  - {key}: {exc}" for key, exc in sorted(errors.items()))
        tail = (
            "Members still restoring were left to finish: the next `pulumi up` adopts them."
            if timed_out
            else f"The {len(created)} member(s) restored by this attempt were deleted again, "
            "so nothing is left behind; fix the cause and run `pulumi up` again."
        )
        raise SetOperationError(f"{len(errors)} of the set's restores failed:\n{lines}\n{tail}")

    # read ------------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh every member; members deleted out of band drop out (and show as a diff)."""
        member = self._member_provider()
        old = _member_outs(props)
        results, errors = self._run_all({
            key: partial(member.read, str(outs.get("name")), outs) for key, outs in old.items()
        })
        if errors:
            raise SetOperationError(_error_lines("refresh", errors))
        clones = {k: dict(r.outs or {}) for k, r in results.items() if r.id}
        if not clones:
            return ReadResult(None, {})
        inputs = {"members": {k: dict(results[k].inputs or clones[k].get("inputs") or {})
                              for k in clones}}
        if props.get("auto_name_seed"):
            inputs["auto_name_seed"] = props["auto_name_seed"]
        return ReadResult(id_, self._outputs(props, clones), inputs)

    # update ----------------------------------------------------------------------------

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Create new members, replace or update changed ones, then delete removed ones."""
        member = self._member_provider()
        old, new = _member_outs(olds), _members(news)
        creates: dict[str, dict[str, Any]] = {}
        delete_first: dict[str, dict[str, Any]] = {}
        delete_after: dict[str, dict[str, Any]] = {k: o for k, o in old.items() if k not in new}
        updates: dict[str, dict[str, Any]] = {}
        kept: dict[str, dict[str, Any]] = {}
        for key, inputs in new.items():
            if key not in old:
                creates[key] = inputs
                continue
            diff = member.diff(str(old[key].get("name")), old[key], inputs)
            if diff.replaces:
                creates[key] = inputs
                (delete_first if diff.delete_before_replace else delete_after)[key] = old[key]
            elif diff.changes:
                updates[key] = inputs
            else:
                kept[key] = old[key]
        self._delete_members(delete_first)
        created, errors = self._run_all({
            key: partial(_create_member, member, inputs) for key, inputs in creates.items()
        })
        updated, update_errors = self._run_all({
            key: partial(_update_member, member, old[key], inputs)
            for key, inputs in updates.items()
        })
        if errors or update_errors:
            self._roll_back(created, {**errors, **update_errors})
        self._delete_members(delete_after)
        clones = {**kept, **updated, **created}
        return UpdateResult(self._outputs(news, clones))

    def _delete_members(self, members: Mapping[str, dict[str, Any]]) -> None:
        member = self._member_provider()
        _, errors = self._run_all({
            key: partial(_delete_member, member, outs) for key, outs in members.items()
        })
        if errors:
            raise SetOperationError(_error_lines("delete", errors))

    # delete ----------------------------------------------------------------------------

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete every member concurrently (each honouring its deletion protection)."""
        self._delete_members(_member_outs(props))

    @staticmethod
    def _outputs(props: Mapping[str, Any], clones: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
        outs: dict[str, Any] = {
            "members": _members(props) or {k: c.get("inputs", {}) for k, c in clones.items()},
            "clones": dict(clones),
            "hosts": {str(c["name"]): c.get("host") for c in clones.values()},
            "names": {k: c.get("name") for k, c in clones.items()},
        }
        if props.get("auto_name_seed"):
            outs["auto_name_seed"] = props["auto_name_seed"]
        return outs


def _create_member(member: RestoredIndexProvider, inputs: dict[str, Any]) -> dict[str, Any]:
    return dict(member.create(inputs).outs or {})


def _update_member(
    member: RestoredIndexProvider, old: dict[str, Any], inputs: dict[str, Any]
) -> dict[str, Any]:
    return dict(member.update(str(old.get("name")), old, inputs).outs or {})


def _delete_member(member: RestoredIndexProvider, outs: dict[str, Any]) -> None:
    member.delete(str(outs.get("name")), outs)


def _set_id(clones: Mapping[str, Mapping[str, Any]]) -> str:
    return ",".join(sorted(str(c.get("name")) for c in clones.values()))


def _error_lines(what: str, errors: Mapping[str, BaseException]) -> str:
    lines = "\n".join(f"  - {key}: {exc}" for key, exc in sorted(errors.items()))
    return f"{what} failed for {len(errors)} member(s):\n{lines}"
