"""Request-body validation, split the way the live service splits it.

Shape problems (not an object, a required field missing, a JSON type that cannot be
deserialized) are 422 `UNPROCESSABLE_ENTITY`, mirroring the service's serde-style messages;
value problems (bad name characters, out-of-range dimension, an enum value it does not know,
bad tag characters) are 400 `INVALID_ARGUMENT`. Unknown extra keys are tolerated, and `null`
for an optional field means "not given", as the service's deserializer treats it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from pulumi_pinecone_restore.emulator.exceptions import InvalidArgumentError, UnprocessableError

NAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,43}[a-z0-9])?")
TAG_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,80}")
TAG_VALUE_PATTERN = re.compile(r"[A-Za-z0-9;@_\-.+ ]{0,120}")
METRICS = ("cosine", "euclidean", "dotproduct")
CLOUDS = ("gcp", "aws", "azure")
VECTOR_TYPES = ("dense", "sparse")
DELETION_PROTECTION = ("enabled", "disabled")
MAX_DIMENSION = 20000

_T = TypeVar("_T")
_DESERIALIZE = "Failed to deserialize the JSON body into the target type"
_JSON_NAMES = {str: "a string", int: "an integer", dict: "an object", bool: "a boolean"}


def _describe(value: object) -> str:
    """Name a JSON value the way serde's error messages do."""
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        kind = {bool: "boolean", int: "integer", float: "floating point"}[type(value)]
        return f"{kind} `{json.dumps(value)}`"
    if isinstance(value, str):
        return f'string "{value}"'
    return "a sequence" if isinstance(value, list) else "a map"


def require_object(body: object) -> Mapping[str, Any]:
    """Return the body as a mapping, or raise 422 when it is not a JSON object.

    Raises:
        UnprocessableError: If `body` is not a JSON object.
    """
    if not isinstance(body, dict):
        raise UnprocessableError(
            f"{_DESERIALIZE}: invalid type: {_describe(body)}, expected an object"
        )
    return body


def _get(body: Mapping[str, Any], key: str, kind: type[_T], *, where: str = "") -> _T | None:
    value = body.get(key)
    if value is None:
        return None
    # bool is an int subclass in Python but not a JSON integer.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise UnprocessableError(
            f"{_DESERIALIZE}: {where}{key}: invalid type: {_describe(value)}, "
            f"expected {_JSON_NAMES.get(kind, kind.__name__)}"
        )
    return value


def _require(body: Mapping[str, Any], key: str, kind: type[_T], *, where: str = "") -> _T:
    value = _get(body, key, kind, where=where)
    if value is None:
        raise UnprocessableError(f"{_DESERIALIZE}: missing field `{where}{key}`")
    return value


def check_name(name: str, what: str = "Resource") -> str:
    """Check an index or collection name against the API's rules.

    Raises:
        InvalidArgumentError: If the name is not 1-45 lowercase alphanumerics or '-', starting and
            ending with an alphanumeric.
    """
    if NAME_PATTERN.fullmatch(name) is None:
        raise InvalidArgumentError(
            f"{what} name '{name}' is invalid. Resource name must be 1-45 characters long, "
            "start and end with an alphanumeric character, and consist only of lower case "
            "alphanumeric characters or '-'."
        )
    return name


def check_tags(value: object) -> dict[str, str] | None:
    """Check a tags object; `""` values are kept (they mean "remove" on configure).

    Returns:
        The tags, or None when absent/null.

    Raises:
        UnprocessableError: If tags is not an object of strings.
        InvalidArgumentError: If a key or value breaks the character or length rules.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise UnprocessableError(
            f"{_DESERIALIZE}: tags: invalid type: {_describe(value)}, expected a map"
        )
    tags: dict[str, str] = {}
    for key, tag_value in value.items():
        if not isinstance(tag_value, str):
            raise UnprocessableError(
                f"{_DESERIALIZE}: tags.{key}: invalid type: {_describe(tag_value)}, "
                "expected a string"
            )
        if TAG_KEY_PATTERN.fullmatch(key) is None:
            raise InvalidArgumentError(
                f"Tag key '{key}' is invalid: keys must be 1-80 characters of letters, "
                "digits, '_' or '-'."
            )
        if TAG_VALUE_PATTERN.fullmatch(tag_value) is None:
            raise InvalidArgumentError(
                f"Tag value for key '{key}' is invalid: values must be at most 120 characters "
                "of letters, digits, spaces or ';@_-.+'."
            )
        tags[key] = tag_value
    return tags


def _check_choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    if value is not None and value not in choices:
        raise InvalidArgumentError(
            f"Invalid value for {what}: '{value}'. Expected one of {choices}."
        )
    return value


@attrs.frozen
class CreateIndexRequest:
    """A validated `POST /indexes` body (serverless only)."""

    name: str
    cloud: str
    region: str
    dimension: int | None
    metric: str
    vector_type: str
    deletion_protection: str
    tags: dict[str, str]
    source_collection: str | None

    @classmethod
    def from_json(cls, body: object) -> CreateIndexRequest:
        """Validate a create-index body.

        Raises:
            UnprocessableError: On shape/type problems.
            InvalidArgumentError: On value problems.
        """
        obj = require_object(body)
        name = _require(obj, "name", str)
        spec = _require(obj, "spec", dict)
        kinds = [kind for kind in ("serverless", "pod", "byoc") if spec.get(kind) is not None]
        if len(kinds) != 1:
            raise UnprocessableError(
                f"{_DESERIALIZE}: spec: expected exactly one of `serverless`, `pod`, `byoc`"
            )
        if kinds[0] != "serverless":
            raise InvalidArgumentError(
                f"The emulator only serves serverless indexes; spec.{kinds[0]} is not supported."
            )
        serverless = _require(spec, "serverless", dict, where="spec.")
        cloud = _require(serverless, "cloud", str, where="spec.serverless.")
        region = _require(serverless, "region", str, where="spec.serverless.")
        source_collection = _get(serverless, "source_collection", str, where="spec.serverless.")
        dimension = _get(obj, "dimension", int)
        metric = _check_choice(_get(obj, "metric", str), METRICS, "metric")
        vector_type = _check_choice(_get(obj, "vector_type", str), VECTOR_TYPES, "vector_type")
        protection = _check_choice(
            _get(obj, "deletion_protection", str), DELETION_PROTECTION, "deletion_protection"
        )
        tags = check_tags(obj.get("tags")) or {}
        check_name(name, "Index")
        _check_choice(cloud, CLOUDS, "spec.serverless.cloud")
        if dimension is not None and not 1 <= dimension <= MAX_DIMENSION:
            raise InvalidArgumentError(f"Dimension must be between 1 and {MAX_DIMENSION}.")
        vector_type = vector_type or "dense"
        if vector_type == "sparse":
            if dimension is not None:
                raise InvalidArgumentError("Dimension must not be specified for sparse indexes.")
            if metric not in (None, "dotproduct"):
                raise InvalidArgumentError("Sparse indexes must use the dotproduct metric.")
            metric = "dotproduct"
        elif dimension is None and source_collection is None:
            raise InvalidArgumentError("Dimension must be specified for dense indexes.")
        return cls(
            name=name,
            cloud=cloud,
            region=region,
            dimension=dimension,
            metric=metric or "cosine",
            vector_type=vector_type,
            deletion_protection=protection or "disabled",
            # An empty value on create cannot mean "remove"; such tags are simply not stored.
            tags={key: value for key, value in tags.items() if value},
            source_collection=source_collection,
        )


@attrs.frozen
class ConfigureIndexRequest:
    """A validated `PATCH /indexes/{name}` body; None means "leave unchanged"."""

    deletion_protection: str | None
    tags: dict[str, str] | None
    embed: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, body: object) -> ConfigureIndexRequest:
        """Validate a configure-index body.

        Raises:
            UnprocessableError: On shape/type problems.
            InvalidArgumentError: On value problems or pod/embed settings a serverless index lacks.
        """
        obj = require_object(body)
        spec = _get(obj, "spec", dict)
        embed = _get(obj, "embed", dict)
        protection = _check_choice(
            _get(obj, "deletion_protection", str), DELETION_PROTECTION, "deletion_protection"
        )
        tags = check_tags(obj.get("tags"))
        if spec is not None:
            raise InvalidArgumentError(
                "spec.pod can only be configured on pod-based indexes; this emulator serves "
                "serverless indexes only."
            )
        if embed is not None:
            embed = _check_embed_update(embed)
        return cls(deletion_protection=protection, tags=tags, embed=embed)


@attrs.frozen
class CreateBackupRequest:
    """A validated `POST /indexes/{name}/backups` body; `{}` is valid."""

    name: str | None
    description: str | None

    @classmethod
    def from_json(cls, body: object) -> CreateBackupRequest:
        """Validate a create-backup body.

        Raises:
            UnprocessableError: On shape/type problems.
        """
        obj = require_object(body)
        return cls(name=_get(obj, "name", str), description=_get(obj, "description", str))


@attrs.frozen
class CreateIndexFromBackupRequest:
    """A validated `POST /backups/{id}/create-index` body."""

    name: str
    tags: dict[str, str] | None
    deletion_protection: str

    @classmethod
    def from_json(cls, body: object) -> CreateIndexFromBackupRequest:
        """Validate a create-index-from-backup body.

        Raises:
            UnprocessableError: On shape/type problems (e.g. missing `name`).
            InvalidArgumentError: On value problems.
        """
        obj = require_object(body)
        name = _require(obj, "name", str)
        protection = _check_choice(
            _get(obj, "deletion_protection", str), DELETION_PROTECTION, "deletion_protection"
        )
        tags = check_tags(obj.get("tags"))
        check_name(name, "Index")
        # SDK 7.3 always sends `"tags": {}`; treat that like "not given" so the backup's
        # tags are inherited, as the service does when tags are omitted.
        if tags is not None:
            tags = {key: value for key, value in tags.items() if value} or None
        return cls(name=name, tags=tags, deletion_protection=protection or "disabled")


@attrs.frozen
class CreateCollectionRequest:
    """A validated `POST /collections` body."""

    name: str
    source: str

    @classmethod
    def from_json(cls, body: object) -> CreateCollectionRequest:
        """Validate a create-collection body.

        Raises:
            UnprocessableError: On shape/type problems.
            InvalidArgumentError: On a bad collection name.
        """
        obj = require_object(body)
        name = _require(obj, "name", str)
        source = _require(obj, "source", str)
        check_name(name, "Collection")
        return cls(name=name, source=source)


@attrs.frozen
class EmbeddingModel:
    """What the emulator knows of one hosted embedding model."""

    vector_type: str
    default_dimension: int | None
    dimensions: tuple[int, ...]
    default_metric: str


#: Hosted models listed in the 2025-04 docs for integrated embedding (dimensions they offer).
EMBEDDING_MODELS: Mapping[str, EmbeddingModel] = {
    "multilingual-e5-large": EmbeddingModel("dense", 1024, (1024,), "cosine"),
    "llama-text-embed-v2": EmbeddingModel("dense", 1024, (384, 512, 768, 1024, 2048), "cosine"),
    "pinecone-sparse-english-v0": EmbeddingModel("sparse", None, (), "dotproduct"),
}
_EMBED_UPDATABLE = ("field_map", "read_parameters", "write_parameters")


def _check_embed_update(embed: Mapping[str, Any]) -> dict[str, Any]:
    for key in ("field_map", "read_parameters", "write_parameters"):
        _get(embed, key, dict, where="embed.")
    model = _get(embed, "model", str, where="embed.")
    return {
        key: value
        for key, value in embed.items()
        if value is not None and (key in _EMBED_UPDATABLE or (key == "model" and model))
    }


@attrs.frozen
class CreateIndexForModelRequest:
    """A validated `POST /indexes/create-for-model` body (integrated embedding, serverless)."""

    name: str
    cloud: str
    region: str
    deletion_protection: str
    tags: dict[str, str]
    dimension: int | None
    metric: str
    vector_type: str
    embed: dict[str, Any]

    @classmethod
    def from_json(cls, body: object) -> CreateIndexForModelRequest:
        """Validate a create-for-model body; the model decides vector type and dimension.

        Raises:
            UnprocessableError: On shape/type problems (e.g. missing `embed.field_map`).
            InvalidArgumentError: On value problems, an unknown model or a dimension it lacks.
        """
        obj = require_object(body)
        name = _require(obj, "name", str)
        cloud = _require(obj, "cloud", str)
        region = _require(obj, "region", str)
        embed = _require(obj, "embed", dict)
        model_name = _require(embed, "model", str, where="embed.")
        field_map = _require(embed, "field_map", dict, where="embed.")
        metric = _check_choice(_get(embed, "metric", str, where="embed."), METRICS, "embed.metric")
        dimension = _get(embed, "dimension", int, where="embed.")
        read_parameters = _get(embed, "read_parameters", dict, where="embed.")
        write_parameters = _get(embed, "write_parameters", dict, where="embed.")
        protection = _check_choice(
            _get(obj, "deletion_protection", str), DELETION_PROTECTION, "deletion_protection"
        )
        tags = check_tags(obj.get("tags")) or {}
        check_name(name, "Index")
        _check_choice(cloud, CLOUDS, "cloud")
        model = EMBEDDING_MODELS.get(model_name)
        if model is None:
            raise InvalidArgumentError(
                f"Model '{model_name}' is not a supported embedding model; supported: "
                f"{', '.join(sorted(EMBEDDING_MODELS))}."
            )
        if model.vector_type == "sparse":
            if dimension is not None:
                raise InvalidArgumentError(f"Model '{model_name}' does not take a dimension.")
            if metric not in (None, "dotproduct"):
                raise InvalidArgumentError("Sparse indexes must use the dotproduct metric.")
        elif dimension is None:
            dimension = model.default_dimension
        elif dimension not in model.dimensions:
            raise InvalidArgumentError(
                f"Dimension {dimension} is not supported by model '{model_name}'; supported: "
                f"{', '.join(map(str, model.dimensions))}."
            )
        metric = metric or model.default_metric
        rendered: dict[str, Any] = {
            "model": model_name,
            "metric": metric,
            "vector_type": model.vector_type,
            "field_map": field_map,
            "read_parameters": read_parameters or {},
            "write_parameters": write_parameters or {},
        }
        if dimension is not None:
            rendered["dimension"] = dimension
        return cls(
            name=name,
            cloud=cloud,
            region=region,
            deletion_protection=protection or "disabled",
            tags={key: value for key, value in tags.items() if value},
            dimension=dimension,
            metric=metric,
            vector_type=model.vector_type,
            embed=rendered,
        )
