"""The dynamic provider behind ``CollectionIndex``: a serverless index created from a collection.

This is the other migration path off pod-based indexes: pod index → collection → a serverless
index made by ``POST /indexes`` with ``spec.serverless.source_collection``.

- check: validates every input per property at preview time (unknown values pass).
- diff: ``source_collection``, ``cloud``, ``region``, ``dimension``, ``metric``, ``name`` →
  replace; tags, deletion protection, budgets → in-place update. The replacement is created
  first whenever its name differs from the old one (an auto-name changes with the collection,
  cloud and region); when the name stays, the old index must be deleted first.
- create: waits for the collection to be ``Ready``, checks the dimension, ``POST /indexes``,
  then waits for the index. Transactional: an index that ends ``InitializationFailed`` is
  deleted. A 409 (or a lost answer to the POST) is resolved by adopting the index of that name
  only if it was made *from this collection in this cloud/region* (what an interrupted earlier
  ``pulumi up`` leaves); any other index of that name is left alone.
- read/update/delete: as for ``RestoredIndex`` (see :mod:`._index_common`).

Omitted ``dimension`` and ``metric`` take the collection's dimension and Pinecone's default
metric (``cosine``) and are not managed afterwards: only a value the user gives can trigger a
replacement. Omitted ``tags``/``deletion_protection`` are likewise unmanaged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PineconeRestoreError,
    RestoreFailedError,
    ServerError,
    TransportError,
    WaitTimeoutError,
)
from pulumi_pinecone_restore.models import CollectionModel, IndexModel
from pulumi_pinecone_restore.polling import Deadline, wait_for
from pulumi_pinecone_restore.providers._index_common import (
    apply_settings,
    check_force_destroy,
    check_known,
    check_tags_known,
    clean_inputs,
    delete_and_wait,
    describe_live_index,
    differs,
    managed_drift,
    stored_inputs,
    update_changes,
    update_index,
    wait_index_ready,
)
from pulumi_pinecone_restore.providers.base import (
    UNKNOWN,
    ProviderBase,
    budget_of,
    check_budget,
    is_unknown,
)
from pulumi_pinecone_restore.validation import (
    auto_index_name,
    check_deletion_protection,
    check_index_name,
)

__all__ = [
    "CLOUDS",
    "DEFAULT_CREATE_TIMEOUT",
    "DEFAULT_DELETE_TIMEOUT",
    "INPUT_KEYS",
    "METRICS",
    "OUTPUT_KEYS",
    "CollectionIndexProvider",
]

DEFAULT_CREATE_TIMEOUT = 3600.0
DEFAULT_DELETE_TIMEOUT = 600.0
POST_RECONCILE_ATTEMPTS = 3
MAX_DIMENSION = 20_000
# API 2025-04 (the version this package speaks) has closed enums for these; later versions open
# them, which is why outputs accept any value while check rejects a typo at preview.
METRICS = ("cosine", "euclidean", "dotproduct")
CLOUDS = ("aws", "gcp", "azure")

INPUT_KEYS = (
    "source_collection",
    "cloud",
    "region",
    "dimension",
    "metric",
    "name",
    "tags",
    "deletion_protection",
    "create_timeout",
    "delete_timeout",
    "force_destroy",
    "auto_name_seed",
)
OUTPUT_KEYS = (
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
    "source_collection",
)
# The name is seeded by the keys that identify the index's origin (see _auto_name).
_NAME_SEED_KEYS = ("source_collection", "cloud", "region")
_REPLACE_KEYS = ("source_collection", "cloud", "region", "name")
_USER_VALUE_REPLACE_KEYS = ("dimension", "metric")  # compared only when given
_UPDATE_KEYS = ("tags", "deletion_protection", "create_timeout", "delete_timeout", "force_destroy")


@attrs.frozen
class _Desired:
    """Validated inputs."""

    source_collection: str
    cloud: str
    region: str
    dimension: int | None
    metric: str | None
    name: str
    tags: dict[str, str] | None
    deletion_protection: str | None
    create_timeout: float
    delete_timeout: float
    force_destroy: bool

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> _Desired:
        tags = inputs.get("tags")
        return cls(
            source_collection=str(inputs["source_collection"]),
            cloud=str(inputs["cloud"]),
            region=str(inputs["region"]),
            dimension=_as_dimension(inputs.get("dimension")),
            metric=inputs.get("metric"),
            name=str(inputs["name"]),
            tags=dict(tags) if isinstance(tags, Mapping) else None,
            deletion_protection=inputs.get("deletion_protection"),
            create_timeout=budget_of(inputs, "create_timeout", DEFAULT_CREATE_TIMEOUT),
            delete_timeout=budget_of(inputs, "delete_timeout", DEFAULT_DELETE_TIMEOUT),
            force_destroy=bool(inputs.get("force_destroy")),
        )

    @property
    def label(self) -> str:
        return f"CollectionIndex {self.name}"

    def matches(self, index: IndexModel) -> bool:
        """Whether ``index`` is what creating these inputs makes (so an earlier run made it)."""
        return (
            index.source_collection == self.source_collection
            and index.cloud == self.cloud
            and index.region == self.region
            and self.dimension in (None, index.dimension)
            and self.metric in (None, index.metric)
        )


def _clean(news: Mapping[str, Any]) -> dict[str, Any]:
    return clean_inputs(news, INPUT_KEYS)


def _stored(outs: Mapping[str, Any]) -> dict[str, Any]:
    return stored_inputs(outs, INPUT_KEYS)


class CollectionIndexProvider(ProviderBase):
    """CRUD for a serverless index created from a Pinecone collection."""

    # check -----------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs per property and settle the index name.

        An omitted ``name`` becomes ``<resource-name>-<7 hex>``, derived from the stack, the
        resource name, the collection, the cloud and the region: kept while those stay the
        same, new when one changes (so the replacement can exist next to the old index).
        """
        failures: list[CheckFailure] = []
        inputs = _clean(news)
        _check_required(news, "source_collection",
                        "the name of a Ready collection (see GET /collections)", failures)
        _check_required(news, "cloud", f"one of {', '.join(CLOUDS)}", failures)
        _check_required(news, "region", "e.g. us-east-1, where the index is created", failures)
        check_known(news, "cloud", _check_cloud, failures)
        check_known(news, "dimension", _check_dimension, failures)
        if _as_dimension(news.get("dimension")) is not None:
            inputs["dimension"] = _as_dimension(news["dimension"])
        check_known(news, "metric", _check_metric, failures)

        name = news.get("name")
        if name is not None and not is_unknown(name):
            reason = check_index_name(name)
            if reason:
                failures.append(CheckFailure("name", f"name: {reason}"))
        elif name is None:
            inputs["name"] = self._auto_name(_olds, news)

        check_known(news, "tags", check_tags_known, failures)
        check_known(news, "deletion_protection", check_deletion_protection, failures)
        check_budget(news, "create_timeout", failures)
        check_budget(news, "delete_timeout", failures)
        check_force_destroy(news, failures)
        return CheckResult(inputs, failures)

    @staticmethod
    def _auto_name(olds: Mapping[str, Any], news: Mapping[str, Any]) -> str:
        seed = news.get("auto_name_seed") or "index"
        origin = [news.get(k) for k in _NAME_SEED_KEYS]
        old_name = olds.get("name")
        if (
            olds.get("auto_name_seed") == seed
            and [olds.get(k) for k in _NAME_SEED_KEYS] == origin
            and isinstance(old_name, str)
        ):
            return old_name
        unknown = next((v for v in origin if is_unknown(v)), None)
        if unknown is not None:
            # Whatever the name will be, it is not known before its origin is.
            return UNKNOWN
        resource_name = str(seed).rsplit("/", 1)[-1]
        return auto_index_name(resource_name, "/".join([str(seed), *map(str, origin)]))

    # diff ------------------------------------------------------------------------------

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare stored outputs with new inputs; only managed inputs can differ."""
        old_inputs = _stored(olds)
        replaces = [k for k in _REPLACE_KEYS if differs(old_inputs.get(k), news.get(k))]
        # Omitted dimension/metric mean "whatever the index has": only a given value can differ.
        replaces += [
            k for k in _USER_VALUE_REPLACE_KEYS
            if news.get(k) is not None and differs(olds.get(k), news.get(k))
        ]
        changes = replaces + update_changes(olds, news, _UPDATE_KEYS, INPUT_KEYS)
        return DiffResult(
            changes=bool(changes),
            replaces=replaces,
            stables=[],
            # Names are unique: a replacement under the same name can exist only after the
            # old index is gone. With a new name (auto-names change with the collection,
            # cloud and region) the new index is created first, for no downtime.
            delete_before_replace=bool(replaces) and "name" not in replaces,
        )

    # create ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the index from the collection and wait until it is ready."""
        desired = _Desired.from_inputs(props)
        client = self.runtime.client()
        deadline = self.runtime.deadline(desired.create_timeout)
        try:
            collection = self._wait_collection_ready(client, desired, deadline)
        except WaitTimeoutError as exc:
            raise WaitTimeoutError(
                f"{exc}. Nothing was created. Run `pulumi up` again once collection "
                f"{desired.source_collection!r} is Ready, or raise create_timeout"
            ) from exc
        _check_dimension_matches(desired, collection)
        adopted = self._create_or_adopt(client, desired)
        self.runtime.progress(
            f"{desired.label}: {'resuming' if adopted else 'creating'} index from collection "
            f"{desired.source_collection} in {desired.cloud}/{desired.region}"
        )
        try:
            index = wait_index_ready(
                self.runtime, client, desired.name, deadline, label=desired.label,
                failure=f"index {desired.name!r} created from collection "
                f"{desired.source_collection!r} ended InitializationFailed",
            )
        except RestoreFailedError:
            self._discard_failed_index(client, desired)
            raise
        except WaitTimeoutError as exc:
            raise WaitTimeoutError(_timeout_message(desired, str(exc))) from exc
        # An adopted index was made with the inputs of an earlier run: converge on these.
        protection = desired.deletion_protection
        if protection == index.deletion_protection:
            protection = None
        index = apply_settings(client, desired.name, index.tags, desired.tags, protection) or index
        self.runtime.progress(f"{desired.label}: ready at {index.host}")
        return CreateResult(desired.name, _outputs(_clean(props), index))

    def _wait_collection_ready(
        self, client: ControlPlaneClient, desired: _Desired, deadline: Deadline
    ) -> CollectionModel:
        def probe() -> CollectionModel | None:
            try:
                collection = client.describe_collection(desired.source_collection)
            except NotFoundError as exc:
                raise NotFoundError(
                    exc.status, exc.code,
                    f"collection {desired.source_collection!r} does not exist in this project; "
                    "check source_collection (GET /collections lists them; a collection is made "
                    "from a pod-based index with POST /collections)",
                    exc.method, exc.path,
                ) from exc
            if collection.status == "Ready":
                return collection
            if collection.status in {"Terminating", "Failed", "InitializationFailed"}:
                raise RestoreFailedError(
                    f"collection {desired.source_collection!r} is {collection.status} and "
                    "cannot be used; point source_collection at a Ready collection"
                )
            self.runtime.progress(
                f"{desired.label}: waiting for collection {desired.source_collection} "
                f"({collection.status})"
            )
            return None

        return wait_for(
            probe, deadline=deadline,
            what=f"collection {desired.source_collection} to become Ready",
            schedule=self.runtime.schedule, sleep=self.runtime.sleep,
        ).value

    def _create_or_adopt(self, client: ControlPlaneClient, desired: _Desired) -> bool:
        """Send the create, or find the index an earlier attempt made. Returns adopted."""
        last_error: PineconeRestoreError | None = None
        for _ in range(POST_RECONCILE_ATTEMPTS):
            try:
                client.create_serverless_index(
                    name=desired.name,
                    cloud=desired.cloud,
                    region=desired.region,
                    dimension=desired.dimension,
                    metric=desired.metric,
                    source_collection=desired.source_collection,
                    deletion_protection=desired.deletion_protection,
                    tags=desired.tags,
                )
            except ConflictError as exc:
                last_error = exc
                if self._adoptable(client, desired, exc):
                    return True
                continue  # the index of that name vanished meanwhile: the name is free again
            except (ServerError, TransportError) as exc:
                # The POST may or may not have created the index: look before sending it again.
                last_error = exc
                if self._adoptable(client, desired, exc):
                    return True
                continue  # verifiably nothing was created, so sending again is safe
            except NotFoundError as exc:
                raise NotFoundError(
                    exc.status, exc.code,
                    f"creating index {desired.name!r} answered 404 ({exc.api_message}): either "
                    f"cloud/region {desired.cloud}/{desired.region} is not available to this "
                    f"project, or collection {desired.source_collection!r} was just deleted",
                    exc.method, exc.path,
                ) from exc
            return False
        raise PineconeRestoreError(
            f"could not create index {desired.name!r} from collection "
            f"{desired.source_collection!r} after {POST_RECONCILE_ATTEMPTS} attempts: "
            f"{last_error}"
        ) from last_error

    @staticmethod
    def _adoptable(
        client: ControlPlaneClient, desired: _Desired, cause: ApiError | TransportError
    ) -> bool:
        """Whether the index of our name is ours; False if there is none; raises if foreign."""
        try:
            existing = client.describe_index(desired.name)
        except NotFoundError:
            return False
        if existing.state != "Terminating" and desired.matches(existing):
            return True
        why = (
            "is still being deleted; run `pulumi up` again once it is gone"
            if existing.state == "Terminating"
            else f"was not created from collection {desired.source_collection!r} in "
            f"{desired.cloud}/{desired.region} by an earlier run; it is left untouched. Choose "
            "another `name` (or omit it for an auto-name), or delete that index if it is not "
            "needed"
        )
        message = f"an index named {desired.name!r} already exists and {why}"
        if isinstance(cause, ApiError):
            raise ConflictError(409, "ALREADY_EXISTS", message, cause.method, cause.path) from cause
        raise ConflictError(409, "ALREADY_EXISTS", message, "POST", "/indexes") from cause

    def _discard_failed_index(self, client: ControlPlaneClient, desired: _Desired) -> None:
        """Delete the index that failed to initialize, but only if it is ours."""
        try:
            index = client.describe_index(desired.name)
        except NotFoundError:
            return
        if not desired.matches(index):
            return
        try:
            delete_and_wait(self.runtime, client, desired.name, desired.delete_timeout,
                            force=True)
        except (ApiError, WaitTimeoutError) as exc:
            raise RestoreFailedError(
                f"index {desired.name!r} created from collection {desired.source_collection!r} "
                f"failed to initialize, and deleting it also failed ({exc}); delete it by hand"
            ) from exc
        self.runtime.progress(f"{desired.label}: deleted the index that failed to initialize")

    # read ------------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Describe the index; report it gone, or its current outputs and managed inputs."""
        client = self.runtime.client()
        index = describe_live_index(client, id_)
        if index is None:
            return ReadResult(None, {})
        inputs = _stored(props)
        return ReadResult(id_, _outputs(inputs, index), managed_drift(inputs, index))

    # update ----------------------------------------------------------------------------

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Apply tag and deletion-protection changes in one PATCH."""
        desired = _Desired.from_inputs(news)
        index = update_index(
            self.runtime.client(), _id, olds, desired.tags, desired.deletion_protection,
            recreate_hint="create it again from the collection",
        )
        return UpdateResult(_outputs(_clean(news), index))

    # delete ----------------------------------------------------------------------------

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete the index (honouring deletion protection) and wait until it is gone."""
        inputs = _stored(props)
        budget = budget_of(inputs, "delete_timeout", DEFAULT_DELETE_TIMEOUT)
        delete_and_wait(self.runtime, self.runtime.client(), _id, budget,
                        force=bool(inputs.get("force_destroy")))


def _check_required(
    news: Mapping[str, Any], prop: str, hint: str, failures: list[CheckFailure]
) -> None:
    value = news.get(prop)
    if value is None or (isinstance(value, str) and not value.strip()):
        failures.append(CheckFailure(prop, f"{prop} is required: {hint}"))
    elif not isinstance(value, str) and not is_unknown(value):
        failures.append(CheckFailure(prop, f"{prop} must be a string"))


def _check_cloud(value: Any) -> str | None:
    if isinstance(value, str) and value and value not in CLOUDS:
        return f"must be one of {', '.join(CLOUDS)}, got {value!r}"
    return None  # missing / non-string is reported by _check_required


def _as_dimension(value: Any) -> int | None:
    # Numbers cross the engine's gRPC boundary as floats: 8 arrives as 8.0.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else None


def _check_dimension(value: Any) -> str | None:
    dimension = _as_dimension(value)
    if dimension is None:
        return f"must be a whole number, got {value!r}"
    if not 1 <= dimension <= MAX_DIMENSION:
        return (
            f"must be between 1 and {MAX_DIMENSION}, got {dimension}; or omit it to use the "
            "collection's"
        )
    return None


def _check_metric(value: Any) -> str | None:
    if value not in METRICS:
        return f"must be one of {', '.join(METRICS)}, got {value!r}"
    return None


def _check_dimension_matches(desired: _Desired, collection: CollectionModel) -> None:
    if (
        desired.dimension is not None
        and collection.dimension is not None
        and desired.dimension != collection.dimension
    ):
        raise BadRequestError(
            400, "INVALID_ARGUMENT",
            f"dimension {desired.dimension} does not match collection "
            f"{collection.name!r}, whose vectors have dimension {collection.dimension}; set "
            f"dimension={collection.dimension} or omit it",
            "POST", "/indexes",
        )


def _timeout_message(desired: _Desired, detail: str) -> str:
    return (
        f"{detail}. Index {desired.name!r} (from collection {desired.source_collection!r}) "
        "keeps initializing on Pinecone's side and nothing was deleted. Run `pulumi up` "
        "again: this resource finds that index (only one made from this collection in "
        f"{desired.cloud}/{desired.region}) and resumes waiting. Raise create_timeout if "
        "indexes from this collection take longer"
    )


def _outputs(inputs: Mapping[str, Any], index: IndexModel) -> dict[str, Any]:
    """Every output, plus the validated inputs under ``inputs`` (read and delete need them)."""
    outs: dict[str, Any] = {
        "inputs": dict(inputs),
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
        "tags": dict(index.tags),
        # The server echoes it in spec.serverless; fall back to the input if a version does not.
        "source_collection": index.source_collection or inputs.get("source_collection"),
    }
    # Inputs that are not outputs of their own still belong in the resource's outputs.
    for key in ("create_timeout", "delete_timeout", "force_destroy", "auto_name_seed"):
        if inputs.get(key) is not None:
            outs[key] = inputs[key]
    return outs
