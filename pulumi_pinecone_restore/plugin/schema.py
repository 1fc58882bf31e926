"""The package schema of the ``pinecone-restore`` provider plugin, built from the declarations.

Nothing here is written by hand per property: inputs (names, descriptions, required, replace
keys) come from each resource's declared inputs class (:mod:`pulumi_pinecone_restore.lifecycle`),
outputs (names, types, descriptions) from the user-facing Python class that registers them, and
the functions from the signatures and docstrings of :mod:`pulumi_pinecone_restore.lookup` and the
wire models. ``docs/schema.json`` is :func:`build_schema` as JSON (``python3 dev.py docs``, or
``python -m pulumi_pinecone_restore.plugin.schema docs/schema.json``); a test fails when the
file drifts, so a change to a declaration is committed with the regenerated schema.

Property names are camelCase, as in every Pulumi package (``backup_id`` → ``backupId``); the
plugin maps them back with :func:`snake` before the lifecycle sees them.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from pulumi_pinecone_restore import __version__
from pulumi_pinecone_restore._reference import _attribute_docs, _summary_and_example
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.engine import AnySpec

__all__ = [
    "FUNCTION_ARGS_EXCLUDED",
    "PACKAGE",
    "PLUGIN_INPUT_EXCLUDED",
    "ResourceKind",
    "build_schema",
    "camel",
    "functions_schema",
    "resource_kinds",
    "schema_json",
    "snake",
    "token",
]

PACKAGE = "pinecone-restore"
MODULE = "index"
# An explicit provider resource replaces the dynamic resources' `connection` input: each
# provider has its own apiKey/controllerHost, so the plugin's resources take no connection.
PLUGIN_INPUT_EXCLUDED = frozenset({"connection"})
# The lookups' Python-only arguments: the plugin gives the client; a program of another
# language has no sleep function to pass, and the 404 retries keep their tested pace.
FUNCTION_ARGS_EXCLUDED = frozenset({"client", "environ", "sleep", "retry_delays"})
API_KEY_ENV = "PINECONE_API_KEY"
CONTROLLER_HOST_ENV = "PINECONE_CONTROLLER_HOST"
# The Go package is `pineconerestore`: a directory named so spares every import an alias (as
# Pulumi's hyphenated packages do, e.g. docker-build -> sdk/go/dockerbuild).
GO_IMPORT_BASE = "github.com/pulumi-pinecone-restore/pulumi-pinecone-restore/sdk/go/pineconerestore"
_DURATION: dict[str, Any] = {
    "oneOf": [{"type": "string"}, {"type": "number"}],
}


def token(name: str) -> str:
    """The type token of a resource or function of this package (``pinecone-restore:index:X``)."""
    return f"{PACKAGE}:{MODULE}:{name}"


def camel(name: str) -> str:
    """``backup_id`` → ``backupId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``backupId`` → ``backup_id`` (the inverse of :func:`camel` for this package's names)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


@attrs.frozen
class ResourceKind:
    """One resource of the plugin: its token and where its declaration and class are."""

    name: str
    spec: AnySpec | None
    cls: type

    @property
    def token(self) -> str:
        """``pinecone-restore:index:<name>``."""
        return token(self.name)


def resource_kinds() -> list[ResourceKind]:
    """Every resource the plugin serves, with its declaration (``None`` for the set)."""
    # Imported here: the resource classes import pulumi's dynamic module, which the schema
    # module itself does not need at import time.
    from pulumi_pinecone_restore.clone import RestoredIndexSet  # noqa: PLC0415
    from pulumi_pinecone_restore.collection_index import CollectionIndex  # noqa: PLC0415
    from pulumi_pinecone_restore.index_backup import IndexBackup  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX  # noqa: PLC0415
    from pulumi_pinecone_restore.restored_index import RestoredIndex  # noqa: PLC0415

    return [
        ResourceKind("RestoredIndex", RESTORED_INDEX, RestoredIndex),
        ResourceKind("IndexBackup", INDEX_BACKUP, IndexBackup),
        ResourceKind("CollectionIndex", COLLECTION_INDEX, CollectionIndex),
        ResourceKind("RestoredIndexSet", None, RestoredIndexSet),
    ]


# Types ------------------------------------------------------------------------------------


_SCALARS: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


def _type_spec(hint: Any) -> tuple[dict[str, Any], bool]:
    """A Python type hint as a schema type spec, and whether ``None`` is allowed."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(members) < len(typing.get_args(hint))
        if len(members) == 1:
            return _type_spec(members[0])[0], optional
        return {"oneOf": [_type_spec(a)[0] for a in members]}, optional
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}, False
    if origin in (dict, Mapping) or hint is dict:
        args = typing.get_args(hint)
        value = _type_spec(args[1])[0] if len(args) == 2 else {"$ref": "pulumi.json#/Any"}  # noqa: PLR2004
        return {"type": "object", "additionalProperties": value}, False
    return {"$ref": "pulumi.json#/Any"}, False


def _output_hints(cls: type) -> dict[str, Any]:
    """``name -> X`` for every ``name: pulumi.Output[X]`` annotation of ``cls`` and its bases."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        # Only this package's classes: pulumi's own annotations name types it never imports.
        if not klass.__module__.startswith("pulumi_pinecone_restore"):
            continue
        namespace = vars(sys.modules[klass.__module__])
        for name, text in vars(klass).get("__annotations__", {}).items():
            hint = eval(text, namespace) if isinstance(text, str) else text  # noqa: S307
            if typing.get_origin(hint) is not None and "Output" in str(typing.get_origin(hint)):
                hints[name] = typing.get_args(hint)[0]
    return hints


def _input_spec(prop: decl.Prop, hint: Any) -> dict[str, Any]:
    spec: dict[str, Any] = dict(_DURATION) if prop.parse is decl.duration else _type_spec(hint)[0]
    spec["description"] = " ".join(prop.doc.split())
    if prop.replace:
        spec["replaceOnChanges"] = True
    return spec


def _camel_text(text: str, names: list[str]) -> str:
    """Snake-case property names in a description rewritten as the schema spells them."""
    for name in sorted(names, key=len, reverse=True):
        if "_" in name:
            text = re.sub(rf"\b{name}\b", camel(name), text)
    return _plain_values(text)


def _plain_values(text: str) -> str:
    """Python's ``True``/``False``/``None`` as every other language writes them, as code."""
    for python, plain in (("True", "true"), ("False", "false"), ("None", "null")):
        text = re.sub(rf"`?\b{python}\b`?", f"`{plain}`", text)
    return text


def _declared_resource(kind: ResourceKind) -> dict[str, Any]:
    spec = kind.spec
    assert spec is not None  # noqa: S101 - only declared resources come here
    props = [p for p in decl.user_props(spec.inputs) if p.name not in PLUGIN_INPUT_EXCLUDED]
    input_hints = typing.get_type_hints(spec.inputs)
    out_hints = _output_hints(kind.cls)
    out_docs = _attribute_docs(kind.cls)
    names = [p.name for p in props] + list(spec.output_names)
    inputs = {camel(p.name): _input_spec(p, input_hints[p.name]) for p in props}
    outputs: dict[str, Any] = {}
    required: list[str] = []
    for name in spec.output_names:
        type_spec, optional = _type_spec(out_hints.get(name, str))
        doc = out_docs.get(name, "The input of the same name, as stored.")
        outputs[camel(name)] = {**type_spec, "description": _md(doc)}
        if not optional:
            required.append(camel(name))
    for prop in props:
        # Budgets and flags are no output of their own: the state keeps them as given.
        outputs.setdefault(camel(prop.name), dict(inputs[camel(prop.name)]))
    summary, _ = _summary_and_example(kind.cls)
    return {
        "description": _camel_text(_md(summary), names),
        "properties": {k: _camel_doc(v, names) for k, v in outputs.items()},
        "required": sorted(required),
        "inputProperties": {k: _camel_doc(v, names) for k, v in inputs.items()},
        "requiredInputs": sorted(camel(p.name) for p in props if p.required),
    }


def _camel_doc(spec: Mapping[str, Any], names: list[str]) -> dict[str, Any]:
    out = dict(spec)
    if "description" in out:
        out["description"] = _camel_text(out["description"], names)
    return out


def _md(text: str) -> str:
    """Docstring text as schema Markdown: single backticks, paragraphs kept.

    Config keys become this package's: the dynamic resources read ``pinecone:*``, the plugin
    ``pinecone-restore:*``.
    """
    paragraphs = [" ".join(p.split()) for p in text.replace("``", "`").split("\n\n")]
    joined = "\n\n".join(p for p in paragraphs if p)
    return _plain_values(re.sub(r"\bpinecone:(apiKey|controllerHost)\b", rf"{PACKAGE}:\1", joined))


def _set_resource(kind: ResourceKind, member_names: list[str]) -> dict[str, Any]:
    """``RestoredIndexSet``: its own declared inputs; members are ``RestoredIndex`` inputs."""
    from pulumi_pinecone_restore.lifecycle.sets import SET_INPUTS  # noqa: PLC0415

    out_docs = _attribute_docs(kind.cls)
    summary, _ = _summary_and_example(kind.cls)
    names = [*member_names, *(i.name for i in SET_INPUTS)]
    types: dict[str, dict[str, Any]] = {  # by SetInput.kind; a Connection is not a plugin input
        "members": {
            "type": "object",
            "additionalProperties": {"$ref": f"#/types/{token('RestoredIndexMember')}"},
        },
        "duration": dict(_DURATION),
        "count": {"type": "integer"},
    }
    inputs = {
        camel(item.name): {**types[item.kind], "description": _camel_text(_md(item.doc), names)}
        for item in SET_INPUTS
        if item.name not in PLUGIN_INPUT_EXCLUDED
    }
    strings = {"type": "object", "additionalProperties": {"type": "string"}}
    clone_ref = {"$ref": f"#/types/{token('RestoredIndexClone')}"}
    return {
        "description": _camel_text(_md(summary), names),
        "properties": {
            **inputs,
            "clones": {
                "type": "object",
                "additionalProperties": clone_ref,
                "description": _md(out_docs["clones"]),
            },
            "hosts": {**strings, "description": _md(out_docs["hosts"])},
            "names": {**strings, "description": _md(out_docs["names"])},
        },
        "required": ["clones", "hosts", "members", "names"],
        "inputProperties": inputs,
        "requiredInputs": sorted(camel(i.name) for i in SET_INPUTS if i.required),
    }


# Functions --------------------------------------------------------------------------------


def _doc_section(doc: str, section: str) -> dict[str, str]:
    """``name: text`` entries of a Google-style docstring section (``Args``, ``Attributes``)."""
    lines = doc.splitlines()
    entries: dict[str, str] = {}
    inside = False
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        if stripped == f"{section}:":
            inside = True
            continue
        if not inside:
            continue
        if stripped and not line.startswith(" "):
            break  # the next section
        match = re.match(r"\s{4}(\w+): (.*)", line)
        if match and not line.startswith(" " * 8):
            current = match.group(1)
            entries[current] = match.group(2).strip()
        elif current and stripped:
            entries[current] += " " + stripped
    return {k: _md(v) for k, v in entries.items()}


def _model_outputs(model: type) -> tuple[dict[str, Any], list[str]]:
    docs = _doc_section(inspect.getdoc(model) or "", "Attributes")
    hints = typing.get_type_hints(model)
    props: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(model):
        type_spec, optional = _type_spec(hints[field.name])
        props[camel(field.name)] = {**type_spec, "description": docs.get(field.name, "")}
        if not optional and field.default is attrs.NOTHING:
            required.append(camel(field.name))
    return props, sorted(required)


def _function(
    fn: Callable[..., Any], model: type, skip: frozenset[str], names: list[str]
) -> dict[str, Any]:
    doc = inspect.getdoc(fn) or ""
    arg_docs = _doc_section(doc, "Args")
    hints = typing.get_type_hints(fn)
    signature = inspect.signature(fn)
    inputs: dict[str, Any] = {}
    required: list[str] = []
    for name, param in signature.parameters.items():
        if name in skip:
            continue
        type_spec, _ = _type_spec(hints[name])
        inputs[camel(name)] = {**type_spec, "description": _camel_text(arg_docs[name], names)}
        if param.default is inspect.Parameter.empty:
            required.append(camel(name))
    outputs, out_required = _model_outputs(model)
    summary = _camel_text(_md(doc.split("\n\n", 1)[0]), names)
    inputs_spec: dict[str, Any] = {"properties": inputs}
    if required:
        inputs_spec["required"] = sorted(required)
    return {
        "description": summary,
        "inputs": inputs_spec,
        "outputs": {"properties": outputs, "required": out_required},
    }


def functions_schema() -> dict[str, Any]:
    """The schema's functions by token (``getBackup``, ``getRestoreJob``)."""
    from pulumi_pinecone_restore.invokes import get_restore_job  # noqa: PLC0415
    from pulumi_pinecone_restore.lookup import get_backup  # noqa: PLC0415
    from pulumi_pinecone_restore.models import BackupModel, RestoreJobModel  # noqa: PLC0415

    skip = FUNCTION_ARGS_EXCLUDED
    backup_names = [f.name for f in attrs.fields(BackupModel)] + ["name_prefix", "ready_only"]
    job_names = [f.name for f in attrs.fields(RestoreJobModel)]
    return {
        token("getBackup"): _function(get_backup, BackupModel, skip, backup_names),
        token("getRestoreJob"): _function(get_restore_job, RestoreJobModel, skip, job_names),
    }


# The package ------------------------------------------------------------------------------


def _config_variables() -> dict[str, Any]:
    return {
        "apiKey": {
            "type": "string",
            "secret": True,
            "description": "The Pinecone API key. Set it with `pulumi config set --secret "
            f"pinecone-restore:apiKey <key>`, or leave it unset to use `{API_KEY_ENV}`. It is "
            "sent to the configured control plane only.",
        },
        "controllerHost": {
            "type": "string",
            "description": "The control-plane URL (default `https://api.pinecone.io`; "
            f"`{CONTROLLER_HOST_ENV}` when unset), e.g. a local emulator's.",
        },
        "ownerKey": {
            "type": "string",
            "secret": True,
            "description": "The key that makes this user's ownership marks (a new resource's "
            "nonce is a hash of its names keyed by it). Set the same secret wherever a stack "
            "runs (`pulumi config set --secret pinecone-restore:ownerKey <random text>`), or "
            "`PINECONE_RESTORE_OWNER_KEY`; unset, a random key kept in "
            "`$PULUMI_HOME/pinecone-restore/owner-key`.",
        },
    }


def build_schema() -> dict[str, Any]:
    """The package schema: config, provider, resources, types and functions.

    Returns:
        The schema as a JSON-ready dict (Pulumi's package schema format).
    """
    kinds = resource_kinds()
    restored = next(k for k in kinds if k.name == "RestoredIndex")
    restored_spec = _declared_resource(restored)
    assert restored.spec is not None  # noqa: S101 - RestoredIndex is a declared resource
    restored_names = [p.name for p in decl.user_props(restored.spec.inputs)]
    member = {
        "type": "object",
        "description": "One member of a RestoredIndexSet: the inputs of a RestoredIndex.",
        "properties": restored_spec["inputProperties"],
        "required": restored_spec["requiredInputs"],
    }
    clone = {
        "type": "object",
        "description": "One member of a RestoredIndexSet as made: the outputs of a RestoredIndex.",
        "properties": restored_spec["properties"],
        "required": restored_spec["required"],
    }
    resources = {
        k.token: (_declared_resource(k) if k.spec is not None else _set_resource(k, restored_names))
        for k in kinds
    }
    variables = _config_variables()
    return {
        "name": PACKAGE,
        "displayName": "Pinecone Restore",
        "version": __version__,
        "description": "Restore Pinecone serverless indexes from backups (and back them up, "
        "and clone whole environments) as Pulumi resources.",
        "keywords": ["pulumi", "pinecone", "backup", "restore", "category/database"],
        "license": "Apache-2.0",
        "publisher": "The pulumi-pinecone-restore maintainers",
        # supportPack: the SDK generators write this version into package.json, the Python
        # package and pulumi-plugin.json (the plugin version the engine asks for), and give the
        # Go SDK its own go.mod.
        "meta": {"moduleFormat": "(.*)", "supportPack": True},
        "language": {
            "go": {"importBasePath": GO_IMPORT_BASE},
            "nodejs": {"packageName": "@pulumi-pinecone-restore/pinecone-restore"},
            "python": {"packageName": "pulumi_pinecone_restore_sdk"},
        },
        "config": {"variables": variables},
        "provider": {
            "description": "The provider of this package: one Pinecone project (its API key "
            "and control plane). Declare one explicitly to use a second project in a program.",
            "inputProperties": variables,
            "properties": {"controllerHost": variables["controllerHost"]},
        },
        "types": {token("RestoredIndexMember"): member, token("RestoredIndexClone"): clone},
        "resources": resources,
        "functions": functions_schema(),
    }


def schema_json() -> str:
    """:func:`build_schema` as the text of ``docs/schema.json`` (sorted keys, 2-space indent)."""
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/schema.json")
    target.write_text(schema_json(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
