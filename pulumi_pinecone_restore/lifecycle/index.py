"""What every serverless-index resource shares, whatever made the index (a restore, a collection).

Once it exists an index is the same object: its managed inputs are ``tags`` and
``deletion_protection``, drift in them shows on refresh, an update is one ``PATCH``, and a
delete honours deletion protection and waits until the name is free.

Ownership. API 2025-04 shows no index id, so a name proves nothing. Every index this package
makes carries the tag ``pulumi-owner=<mark>`` from its very first request (the create itself):
the mark is a hash of the resource's seed (organization/project/stack/resource, ``owner_seed``),
kind, origin (backup, or collection/cloud/region) and nonce (``owner_nonce``). Seed and nonce
are made on the first check and kept in state after (see :func:`.inputs.identity`), so renames,
aliases and state moves keep the mark; the nonce makes it this resource's alone. It is checked
before anything acts on an index of that name: an index without our mark is never adopted (the
create refuses the name), changed (update refuses), deleted (delete refuses) or reported as ours
(refresh reports it gone). A mark can be copied, so an index whose shape (``SHAPE``) differs from
the state's is not ours either, whatever it carries. The mark is kept out of the ``tags`` input and
output and never removed by a ``PATCH``; it is recorded in the ``owner_mark`` output. A state
without ``owner_mark`` (made before marks, or imported) is checked by name only until its
next update, which puts the mark on.

Deleting, whether a destroy or a replacement: an index with deletion protection is deleted only
with ``force_destroy``; a replacement that could not delete the old index is refused by the
diff, at preview, before anything starts. With ``final_backup``, a backup of the index is taken
first and must be Ready before the index is deleted; if it cannot be taken, nothing is deleted.
A replacement's delete follows the running program's ``force_destroy`` / ``final_backup`` (see
:mod:`.intents`), a destroy its state's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ConflictError,
    DeletionProtectedError,
    NameTakenError,
    NotFoundError,
    NotOursError,
    TransportError,
    VanishedError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import ManagedSpec, Run, Started, top_inputs
from pulumi_pinecone_restore.lifecycle.final_backup import parse_final_backup, take_final_backup
from pulumi_pinecone_restore.lifecycle.inputs import input_prop
from pulumi_pinecone_restore.lifecycle.intents import Intent
from pulumi_pinecone_restore.models import BackupModel, IndexModel
from pulumi_pinecone_restore.polling import Deadline, bounded

__all__ = [
    "INDEX_OUTPUTS",
    "MARK_KEY",
    "PENDING_KEY",
    "IndexInputs",
    "IndexSpec",
    "delete_and_wait",
    "live_index",
    "user_tags",
]

I = TypeVar("I", bound="IndexInputs")  # noqa: E741 - the typed inputs
O = TypeVar("O")  # noqa: E741 - the observed object
H = TypeVar("H")
P = TypeVar("P")

INDEX_OUTPUTS = (
    "name",
    "host",
    "dimension",
    "metric",
    "vector_type",
    "cloud",
    "region",
    "state",
    "ready",
    "deletion_protection",
    "tags",
    "owner_mark",
)
# The tag that proves an index was made by this stack's resource (see the module docstring).
MARK_KEY = "pulumi-owner"
# The tag an index carries while its create has not finished: its first request puts it on,
# the create's last step takes it off. A marked index without it was made by a create that
# finished, which some state recorded: another stack or resource with this one's names (a
# stack renamed away from this name, a resource moved by an alias) manages it, so it is no
# earlier attempt of this resource to take over.
PENDING_KEY = "pulumi-owner-pending"
MARK_LEN = 20
MARK_NAMES_LEN = 10  # the part of a mark that hashes names only (see `index_mark`)
# The seed of restores the package's CLI starts (no stack's: `adopt_existing` may take them).
CLI_SEED = "pinecone-restore-cli"
# What an index is, besides its name: an index of our name whose shape differs from what the
# state holds is another object, whatever tag it carries (a mark can be copied).
SHAPE = ("dimension", "metric", "vector_type", "cloud", "region")


def index_mark(kind: str, seed: str | None, origin: list[Any], nonce: str | None) -> str:
    """The ``pulumi-owner`` value for a resource of ``kind`` (see :meth:`IndexSpec.mark`).

    Its first ``MARK_NAMES_LEN`` hex digits hash the names alone (kind, seed, origin), the rest
    also the nonce; without a nonce all of it hashes the names (the marks before nonces).
    """
    names = _digest([kind, seed or "", *origin])
    if not nonce:
        return names[:MARK_LEN]
    own = _digest([kind, seed or "", *origin, {"nonce": nonce}])
    return names[:MARK_NAMES_LEN] + own[: MARK_LEN - MARK_NAMES_LEN]


def same_names(mark: str | None, ours: str) -> bool:
    """Whether ``mark`` was made for the same names as ``ours`` (another nonce, or none)."""
    if not mark or len(mark) != MARK_LEN:
        return False
    return mark[:MARK_NAMES_LEN] == ours[:MARK_NAMES_LEN]


def _digest(parts: list[Any]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _tags(value: Any) -> dict[str, str]:
    tags = decl.tags(value)
    for key in (MARK_KEY, PENDING_KEY):
        if key in tags:
            raise ValueError(
                f"the tag key {key!r} is reserved: it marks indexes this stack made; remove it"
            )
    return tags


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags as the user sees them: without the ownership mark (and its create's pending tag)."""
    return {k: v for k, v in tags.items() if k not in (MARK_KEY, PENDING_KEY)}


@attrs.frozen
class IndexInputs(decl.CommonInputs):
    """The inputs every index resource has (a resource's class adds where it comes from)."""

    name: str = input_prop(
        doc="Index name (1-45 chars of a-z0-9-). Omitted: <resource-name>-<7 hex>, stable for as "
        "long as the origin (the backup; or the collection, cloud and region) stays the same. "
        "Changing it replaces the index.",
        parse=decl.index_name,
        replace=True,
    )
    tags: dict[str, str] | None = input_prop(  # noqa: RUF009 - an attrs field, not a value
        doc="Tags of the index. Omitted: left unmanaged (a restored index keeps the backup's "
        "tags). Updated in place; keys you remove are removed from the index.",
        parse=_tags,
        update=True,
        managed=True,
    )
    deletion_protection: str | None = input_prop(
        doc='"enabled" or "disabled". Omitted: Pinecone\'s default (disabled), left unmanaged. '
        "Updated in place.",
        parse=decl.deletion_protection,
        update=True,
        managed=True,
    )
    force_destroy: bool = input_prop(
        doc="True lets `pulumi destroy` (or a replacement) turn deletion protection off and "
        "delete the index. A destroy reads it from the state, so `pulumi up` it first; a "
        "replacement takes it from the same program.",
        parse=decl.flag,
        update=True,
        default=False,
    )
    final_backup: str | bool | None = input_prop(
        doc="Take a backup of the index before `pulumi destroy` or a replacement deletes it, "
        "and delete only once it is Ready (its id is reported in the log; if it fails, "
        "nothing is deleted). A backup name (a unique suffix is added, so a second destroy "
        "never collides with the first) or true for <index-name>-final-<suffix>. Omitted: "
        "no backup.",
        parse=parse_final_backup,
        update=True,
    )
    adopt_existing: bool = input_prop(
        doc="True takes over an existing index of this name that no stack has marked (or that "
        "the pinecone-restore CLI restored), if it comes from the same origin (restored from "
        "this backup, or made from this collection in this cloud and region). This is the "
        "deliberate import of a Python program, whose dynamic resources `pulumi import` cannot "
        "take (through the provider plugin, `pulumi import` works too). An index marked by "
        "another resource is still refused, unless the mark is of this resource's own names "
        "made under another owner key (a failed run on another machine).",
        parse=decl.flag,
        update=True,
        default=False,
    )


def live_index(client: ControlPlaneClient, name: str) -> IndexModel | None:
    """The index, or ``None`` if it is gone or going (``Terminating``: deleted out of band)."""
    try:
        index = client.describe_index(name)
    except NotFoundError:
        return None
    return None if index.state == "Terminating" else index


def index_outputs(index: IndexModel) -> dict[str, Any]:
    """The outputs every index resource has."""
    return {
        "name": index.name,
        "host": index.host,
        "dimension": index.dimension,
        "metric": index.metric,
        "vector_type": index.vector_type,
        "cloud": index.cloud,
        "region": index.region,
        "state": index.state,
        "ready": index.ready,
        "deletion_protection": index.deletion_protection,
        "tags": user_tags(index.tags),
        "owner_mark": index.tags.get(MARK_KEY),
    }


def tag_patch(current: Mapping[str, str], desired: Mapping[str, str]) -> dict[str, str] | None:
    """The ``PATCH`` tags that turn ``current`` into ``desired`` (``""`` removes a key)."""
    if dict(current) == dict(desired):
        return None
    patch = {k: "" for k in current if k not in desired}
    patch.update({k: v for k, v in desired.items() if current.get(k) != v})
    return patch


def shape_changes(index: IndexModel, recorded: Mapping[str, Any]) -> list[str]:
    """What of ``SHAPE`` differs between the live index and the state (``recorded`` outputs).

    A value the state does not hold (older states, an import) proves nothing either way.
    """
    changed = []
    for key in SHAPE:
        then, now = recorded.get(key), getattr(index, key)
        if then is None or now is None:
            continue
        if isinstance(then, (int, float)) and isinstance(now, (int, float)):
            same = float(then) == float(now)  # numbers cross gRPC as floats: 8 comes back 8.0
        else:
            same = then == now
        if not same:
            changed.append(f"{key} {then!r} → {now!r}")
    return changed


def not_ours_reason(index: IndexModel, mark: str | None, recorded: Mapping[str, Any]) -> str | None:
    """Why the index of our name is not the one the state records, or ``None`` if it is."""
    if mark is not None and index.tags.get(MARK_KEY) != mark:
        return f"does not carry this stack's mark (tag {MARK_KEY}={mark})"
    changed = shape_changes(index, recorded)
    if changed:
        return (
            f"is not the index this stack made, though it carries its mark: its "
            f"{', '.join(changed)} since the state was written (a mark can be copied)"
        )
    return None


def delete_and_wait(
    run: Run,
    name: str,
    budget: float,
    *,
    force: bool,
    mark: str | None,
    recorded: Mapping[str, Any] | None = None,
    final_backup: str | bool | None = None,
) -> BackupModel | None:
    """Delete ``name`` (turning protection off only if ``force``) and wait until it is gone.

    Args:
        run: Client and runtime.
        name: The index.
        budget: Seconds for the final backup and the deletion together.
        force: Turn deletion protection off first.
        mark: The ownership mark the index must carry (``None``: a state without one).
        recorded: The outputs the state holds: an index whose shape differs is not ours.
        final_backup: Take a backup first (see :func:`take_final_backup`); ``None`` or
            ``False``: none.

    Returns:
        The final backup, if one was taken.

    Raises:
        NotOursError: The index does not carry ``mark``, or differs from ``recorded`` in
            shape (nothing was sent).
        DeletionProtectedError: Protection is on and ``force`` is false (nothing was sent).
        BackupFailedError: The final backup failed (the index is untouched).
        WaitTimeoutError: The final backup was not Ready, or the index was still terminating,
            when ``budget`` ran out.
    """
    client = run.client
    try:
        index = client.describe_index(name)
    except NotFoundError:
        return None
    reason = not_ours_reason(index, mark, recorded or {})
    if reason is not None:
        raise NotOursError(
            f"index {name!r} {reason}, so this stack did not make it: it was deleted outside "
            "Pulumi and the name taken by someone else, or the tag was removed. It was not "
            "deleted. If it is not yours, run `pulumi refresh` (which drops it from the stack) "
            f"and destroy again; if it is yours, put the tag {MARK_KEY}={mark} back on it first"
        )
    if index.deletion_protection == "enabled" and not force:
        # Turned on outside the stack: an up with deletion_protection="disabled" would see no
        # change against the state (which says it is off) until a refresh records it.
        outside = recorded is not None and recorded.get("deletion_protection") != "enabled"
        refresh = (
            "run `pulumi refresh` (the state does not know it is on), then " if outside else ""
        )
        fact = (
            f"index {name!r} has deletion protection enabled"
            f"{' (turned on outside this stack)' if outside else ''}, so it was not deleted."
        )
        refused = DeletionProtectedError(
            f"{fact} Set force_destroy=True on its resource and run `pulumi up`: when a "
            "replacement left it behind, that up deletes it; for a destroy, run `pulumi "
            f"destroy` after that up. Or, for a destroy, {refresh}set "
            'deletion_protection="disabled" and run `pulumi up` first'
        )
        refused.fact = fact
        raise refused
    deadline = run.runtime.deadline(budget)
    backup = None
    if final_backup:
        backup = take_final_backup(run, name, final_backup, deadline)
    if not _send_delete(run, index, deadline):
        return backup

    def gone() -> bool | None:
        try:
            client.describe_index(name)
        except NotFoundError:
            return True
        return None

    try:
        run.wait(gone, deadline, f"index {name} to disappear")
    except WaitTimeoutError as exc:
        raise WaitTimeoutError(
            f"index {name!r} is still terminating after {deadline.budget:.0f}s; it will "
            "disappear on its own. Run `pulumi refresh` later, or raise delete_timeout"
        ) from exc
    return backup


def _send_delete(run: Run, index: IndexModel, deadline: Deadline) -> bool:
    """Lift protection if on and send the DELETE, within ``deadline``; ``False`` if gone."""
    name = index.name
    # The requests are bounded too, not only the wait: a server that holds the DELETE must not
    # keep a destroy past its delete_timeout (as a create's requests are bounded).
    try:
        with bounded(deadline):
            if index.deletion_protection == "enabled":
                run.client.configure_index(name, deletion_protection="disabled")
            run.client.delete_index(name)
    except NotFoundError:
        return False
    except TransportError as exc:
        if not exc.out_of_budget:
            raise
        raise WaitTimeoutError(
            f"index {name!r}: Pinecone did not answer the deletion within delete_timeout "
            f"({deadline.budget:.0f}s); it may still delete the index. Run `pulumi refresh` "
            "to see, then destroy again, or raise delete_timeout"
        ) from exc
    return True


class IndexSpec(ManagedSpec[I, O, H, P]):
    """What every index resource shares: all opt-in steps, done once for indexes.

    An index resource declares what any resource must (``kind``, ``inputs``,
    ``output_names``, ``start``, ``watch``, ``outputs``) and ``name_origin``; the rest here has
    a default for an observed object that is the :class:`~..models.IndexModel` itself and a
    start that returns no handle. A resource that follows more than the index (a restore job)
    overrides :meth:`index_of`, :meth:`with_index` and :meth:`handle_of`.
    """

    unique_name: ClassVar[bool] = True
    # The host is `<name>-<project>.svc...`: it carries the name.
    derived: ClassVar[Mapping[str, tuple[str, ...]]] = {"name": ("host",)}
    origin_hint: ClassVar[str] = "create it again"  # how to make it again, for "gone" messages
    delete_settings: ClassVar[tuple[str, ...]] = ("force_destroy", "final_backup", "delete_timeout")

    def index_of(self, obj: O) -> IndexModel:
        """The index inside an observed object (default: the object is the index)."""
        assert isinstance(obj, IndexModel), obj  # noqa: S101 - a spec with another O overrides
        return obj

    def with_index(self, obj: O | None, index: IndexModel) -> O:
        """The observed object with a fresher index (``obj=None``: only the index is known)."""
        del obj
        return index  # type: ignore[return-value]  # O is IndexModel unless overridden

    def label(self, inp: I) -> str:
        # Progress lines end up in the engine's update log: a secret name stays out of them.
        secret = "name" in (inp.secret_inputs or ())
        return f"{self.kind} {'<secret name>' if secret else inp.name}"

    def finished(self, obj: O) -> str:
        return f"ready at {self.index_of(obj).host}"

    def vanished(self, inp: I) -> VanishedError:
        """The error for an index deleted out of band while this create waited for it."""
        return VanishedError(
            f"index {inp.name!r} was deleted by someone else while {self.label(inp)} was "
            f"waiting for it to become ready (it answered 404). Nothing of it is left. Run "
            f"`pulumi up` again to {self.origin_hint}; if it keeps vanishing, check who deletes "
            "indexes in this project"
        )

    def origin(self, inp: I) -> list[Any]:
        """The inputs that say where the index comes from (they seed its mark and name)."""
        return [getattr(inp, key) for key in self.name_origin or ()]

    def mark(self, inp: I) -> str:
        """This resource's ownership mark for these inputs.

        A hash of the kind, the seed, the origin and the resource's nonce: the nonce (random,
        made on the first check, kept in state) makes the mark unique to this resource, though
        another stack in another backend or organisation has the same names. Without a nonce
        (the CLI's restores) it is the older mark of the seed and origin alone.
        """
        return index_mark(self.kind, inp.owner_seed, self.origin(inp), inp.owner_nonce)

    def cli_mark(self, inp: I) -> str:
        """The mark the package's CLI puts on what it restores from this origin (no stack's)."""
        return index_mark(self.kind, CLI_SEED, self.origin(inp), None)

    def start_tags(self, inp: I, base: Mapping[str, str]) -> dict[str, str]:
        """The tags to create with: the user's (else ``base``), plus the mark."""
        tags = dict(inp.tags) if inp.tags is not None else user_tags(base)
        return {**tags, MARK_KEY: self.mark(inp), PENDING_KEY: "1"}

    def handle_of(self, run: Run, inp: I, index: IndexModel) -> H:
        """The handle of an adopted index (what following it needs; default: none)."""
        del run, inp, index
        return None  # type: ignore[return-value]  # H is None unless overridden

    def find_attempt(self, run: Run, inp: I, *, lost_answer: bool) -> Started[H] | None:
        """The index of this name if it carries this resource's mark (an earlier attempt).

        With ``adopt_existing``, also an index that carries no mark at all and comes from the
        same origin: the user's deliberate take-over; converging then puts the mark on it.
        """
        index = live_index(run.client, inp.name)
        if index is None:
            return None
        mark = index.tags.get(MARK_KEY)
        if (mark == self.mark(inp) and self.unfinished(inp, index)) or (
            inp.adopt_existing and self.adoptable(inp, mark) and self.same_origin(run, inp, index)
        ):
            return Started(inp.name, self.handle_of(run, inp, index), adopted=True)
        return None

    def unfinished(self, inp: I, index: IndexModel) -> bool:
        """Whether an index with this resource's mark is an attempt no state recorded.

        Its create never finished, or finished unrecorded (a set's member: see
        ``Runtime.keep_pending``): the pending tag is on. Or the package's CLI made it (no state
        records a CLI restore; running it again takes its own).
        """
        return PENDING_KEY in index.tags or inp.owner_seed == CLI_SEED

    def recorded(self, run: Run, id_: str) -> None:
        """Take the pending tag off: a state records the index now."""
        run.client.configure_index(id_, tags={PENDING_KEY: ""})

    def adoptable(self, inp: I, mark: str | None) -> bool:
        """Whether ``adopt_existing`` may take an index with ``mark`` (its origin checked apart).

        No mark; the mark of the package's CLI (its restores are no stack's); or the mark of a
        resource with this one's names but another nonce: what a `pulumi up` of this stack that
        failed under another owner key left (or a same-named stack's in another backend: the
        user who sets ``adopt_existing`` says which).
        """
        return (
            mark is None
            or mark == self.cli_mark(inp)
            or mark == self.mark(inp)  # made by a finished create of these names (see above)
            or same_names(mark, self.mark(inp))
        )

    def same_origin(self, run: Run, inp: I, index: IndexModel) -> bool:
        """Whether an unmarked index was made from this resource's origin (for adoption)."""
        del run, inp, index
        return False

    def name_taken(self, run: Run, inp: I, conflict: ConflictError) -> NameTakenError | None:
        try:
            existing = run.client.describe_index(inp.name)
        except NotFoundError:
            return None  # the index of that name vanished meanwhile: the name is free again
        mark = existing.tags.get(MARK_KEY)
        if existing.state == "Terminating":
            why = "is still being deleted; run `pulumi up` again once it is gone"
        elif self.adoptable(inp, mark) and inp.adopt_existing:
            # The user asked for the take-over already: say why it was not done, nothing else.
            why = (
                f"{self._whose(inp, mark)}, but it was not made from this resource's origin, so "
                "`adopt_existing` does not take it over; it is left untouched. Choose another "
                "`name`, or point this resource at the origin that index was made from"
            )
        elif mark == self.mark(inp):
            rename = self._rename_hint(inp)
            why = (
                f"{self._whose(inp, mark)}; it is left untouched. {rename[0].upper()}"
                f"{rename[1:]}. Only if no stack manages that index any more (its stack was "
                "removed), set adopt_existing=True to take it over"
            )
        elif self.adoptable(inp, mark):
            why = (
                f"{self._whose(inp, mark)}; it is left untouched. If it is the index you want "
                "this stack to manage, set adopt_existing=True (it is taken over if it was made "
                f"from this resource's origin); else {self._rename_hint(inp)}, or delete that "
                "index if it is not needed"
            )
        elif (origin := self._cli_origin(run, inp, mark)) is not None:
            take = (
                "and adopt_existing (set already) takes it over"
                if inp.adopt_existing
                else "and set adopt_existing=True"
            )
            why = (
                f"was restored by the `pinecone-restore` CLI (no stack's) from {origin}, not "
                "from this resource's; it is left untouched. To manage it here, point this "
                f"resource at {origin} {take}; else {self._rename_hint(inp)}"
            )
        else:
            why = (
                f"carries another resource's mark (tag {MARK_KEY}={mark}), so this stack did "
                f"not make it; it is left untouched. Either {self._rename_hint(inp)}, or delete "
                "that index if it is not needed"
            )
        return NameTakenError(f"an index named {inp.name!r} already exists and {why}")

    def made_from(self, run: Run, name: str) -> I | None:
        """Inputs naming the origin the index ``name`` was made from, if it can be found."""
        del run, name
        return None

    def _cli_origin(self, run: Run, inp: I, mark: str | None) -> str | None:
        """The origin (in words) of an index the package's CLI made from another origin."""
        found = self.made_from(run, inp.name) if mark else None
        if found is None or self.cli_mark(found) != mark:
            return None
        keys = self.name_origin or ()
        return ", ".join(f"{key} {getattr(found, key)!r}" for key in keys)

    def _rename_hint(self, inp: I) -> str:
        keys = (*(self.name_origin or ()), "owner_seed", "name")
        if self._auto_named({key: getattr(inp, key) for key in keys}):
            # Omitting `name` is what the user did: the same names derive the same name.
            return "give this resource a `name` of its own"
        return "choose another `name` (or omit it for an auto-name)"

    def _auto_named(self, inputs: Mapping[str, Any]) -> bool:
        """Whether the name in ``inputs`` is the one derived for them (the program set none)."""
        origin, seed = self.name_origin, inputs.get("owner_seed")
        if origin is None or not seed:
            return False
        derived = decl.auto_name(seed, [inputs.get(k) for k in origin], {}, [None])
        return bool(derived == inputs.get("name"))

    def _whose(self, inp: I, mark: str | None) -> str:
        if mark is None:
            return "carries no stack's mark"
        if mark == self.cli_mark(inp):
            return "was restored by the `pinecone-restore` CLI (no stack's)"
        if mark == self.mark(inp):
            return (
                "carries this resource's own mark, but a create that finished made it, so a "
                "stack's state records it: another resource with this one's project, stack and "
                "name manages it (a stack renamed away from this name, or a resource moved by "
                "an alias, keeps the names it was made under), or a `pulumi up` was killed "
                "just as it finished"
            )
        return (
            f"carries the mark of a resource with this one's project, stack, name and origin "
            f"but made under another owner key ({MARK_KEY}={mark}): a stack with the same names "
            "in another backend made it, or a `pulumi up` of this stack that failed before it "
            "recorded the index ran elsewhere (another machine or CI runner; share the key "
            "with `pinecone:ownerKey` so such runs resume each other)"
        )

    def discard(self, run: Run, inp: I, started: Started[H]) -> bool:
        index = live_index(run.client, inp.name)
        if index is None or index.tags.get(MARK_KEY) != self.mark(inp):
            return False
        delete_and_wait(run, inp.name, inp.delete_timeout, force=True, mark=self.mark(inp))
        return True

    def desired_tags(
        self, inp: I, current: Mapping[str, str], mark: str, *, pending: bool = False
    ) -> dict[str, str] | None:
        """The ``PATCH`` tags that give the index the user's tags and keep (or put) the mark.

        The pending tag goes (the create is done, see PENDING_KEY) unless ``pending`` keeps it.
        """
        kept = {PENDING_KEY: current[PENDING_KEY]} if pending and PENDING_KEY in current else {}
        if inp.tags is not None:
            return tag_patch(current, {**inp.tags, MARK_KEY: mark, **kept})
        patch = {} if current.get(MARK_KEY) == mark else {MARK_KEY: mark}
        if PENDING_KEY in current and not kept:
            patch[PENDING_KEY] = ""
        return patch or None

    def converge(self, run: Run, inp: I, obj: O, started: Started[H]) -> O:
        """Make tags and protection match the inputs (an adopted index has an earlier run's)."""
        index = self.index_of(obj)
        keep = run.runtime.keep_pending
        patch = self.desired_tags(inp, index.tags, self.mark(inp), pending=keep)
        protection = inp.deletion_protection
        if protection == index.deletion_protection:
            protection = None
        if patch is None and protection is None:
            return obj
        changed = run.client.configure_index(inp.name, deletion_protection=protection, tags=patch)
        return self.with_index(obj, changed or run.client.describe_index(inp.name))

    def common_outputs(self, given: Mapping[str, Any], index: IndexModel) -> dict[str, Any]:
        """The index's outputs and the inputs that are no outputs of their own."""
        return {**index_outputs(index), **top_inputs(self, given)}

    def describe(self, run: Run, id_: str, previous: Mapping[str, Any]) -> O | None:
        index = live_index(run.client, id_)
        if index is None:
            return None
        reason = not_ours_reason(index, previous.get("owner_mark") or None, previous)
        if reason is not None:
            run.say(
                f"{self.kind} {id_}: the index of that name {reason}; it is not the one this "
                "stack made, which is gone"
            )
            return None
        return self.described(run, index, previous)

    def described(self, run: Run, index: IndexModel, previous: Mapping[str, Any]) -> O:
        """The observed object around a described index (a spec may look up more)."""
        del run, previous
        return self.with_index(None, index)

    def apply(self, run: Run, id_: str, olds: Mapping[str, Any], inp: I) -> O | None:
        """One ``PATCH`` with the tag and protection changes, after checking the mark."""
        try:
            index = run.client.describe_index(id_)
            recorded = olds.get("owner_mark")
            reason = not_ours_reason(index, recorded or None, olds)
            if reason is not None:
                raise NotOursError(
                    f"index {id_!r} {reason}, so this stack did not make it; it was not "
                    "changed. Run `pulumi refresh` to drop it from the stack, then `pulumi up` "
                    f"to {self.origin_hint}"
                )
            # A state without a mark (older, or imported) gets one now.
            patch = self.desired_tags(inp, index.tags, str(recorded or self.mark(inp)))
            protection = inp.deletion_protection
            if protection == index.deletion_protection:
                protection = None
            if patch is not None or protection is not None:
                index = run.client.configure_index(
                    id_, deletion_protection=protection, tags=patch
                ) or run.client.describe_index(id_)
        except NotFoundError as exc:
            raise exc.explained(
                f"index {id_!r} no longer exists; run `pulumi refresh` to drop it from the "
                f"stack, then `pulumi up` to {self.origin_hint}",
            ) from exc
        return self.with_index(None, index)

    def remove(self, run: Run, id_: str, olds: Mapping[str, Any]) -> None:
        budget = decl.setting(self.inputs, olds, "delete_timeout", decl.DEFAULT_DELETE_TIMEOUT)
        force = decl.setting(self.inputs, olds, "force_destroy", default=False)
        final: str | bool | None = decl.setting(self.inputs, olds, "final_backup", None)
        mark = olds.get("owner_mark")
        delete_and_wait(
            run, id_, budget, force=force, mark=mark or None, recorded=olds, final_backup=final
        )

    def replace_refusal(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], replaces: tuple[str, ...]
    ) -> DeletionProtectedError | None:
        """A replacement of an index protected in the state, without ``force_destroy``.

        Refused at the diff (so at preview, and before `pulumi up` starts the new index): the
        replacement would make the new index and then fail to delete the old one.
        """
        force = news.get("force_destroy")
        if olds.get("deletion_protection") != "enabled" or force is True:
            return None
        known = [key for key in replaces if not decl.contains_unknown(news.get(key))]
        if decl.contains_unknown(force) or not known:
            return None  # a possible replacement: `pulumi up` diffs again once it is known
        name = olds.get("name")
        # An auto-name follows its origin: the program changed that, not the name.
        auto = "name" in replaces and len(replaces) > 1 and self._auto_named(news)
        changed = ", ".join(key for key in replaces if not (auto and key == "name"))
        return DeletionProtectedError(
            f"{self.kind} {name!r}: changing {changed} replaces the index"
            f"{' (its auto-name follows it)' if auto else ''}, and the replacement "
            f"would have to delete index {name!r}, which has deletion protection enabled. "
            "Nothing was started. Either set force_destroy=True in the same program (the "
            "replacement then turns the old index's protection off and deletes it; add "
            "final_backup=True to keep a backup of it), or turn protection off first: set "
            f'deletion_protection="disabled" with {changed} as before, run `pulumi up`, then '
            f"change {changed}"
        )

    def intent(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Intent | None:
        """The program's inputs, as a delete of this run reads them (only when all known)."""
        if decl.contains_unknown(dict(news)):
            return None
        return Intent(self.kind, olds.get("owner_mark") or None, dict(news))

    def intent_covers(self, intent: Intent, olds: Mapping[str, Any]) -> bool:
        """Whether the program's resource made this index.

        It did if the index carries the mark of the state its diff compared against (a
        replacement), or its own mark for this index's origin (an index that an earlier run
        left pending-delete).
        """
        mark = olds.get("owner_mark")
        if not mark:
            return False
        if intent.mark == mark:
            return True
        origin = {key: olds.get(key) for key in self.name_origin or ()}
        if not origin or any(value is None for value in origin.values()):
            return False
        # An index made before the resource had a nonce carries the mark of its names alone.
        variants = ({**intent.inputs, **origin}, {**intent.inputs, **origin, "owner_nonce": None})
        for variant in variants:
            try:
                inp = decl.build(self.inputs, variant)
            except ValueError:
                return False
            if self.mark(inp) == mark:
                return True
        return False
