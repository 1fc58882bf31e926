"""The package schema: generated from the declarations, committed, and loadable by Pulumi."""

from __future__ import annotations

import json
from pathlib import Path

from pulumi_pinecone_restore.lifecycle.inputs import user_props
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.plugin.schema import build_schema, camel, schema_json, token

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_declarations() -> None:
    """docs/schema.json is what build_schema() makes (regenerate it: python -m ...plugin.schema)."""
    assert (ROOT / "docs" / "schema.json").read_text(encoding="utf-8") == schema_json()


def test_every_declared_input_is_a_camel_case_schema_input() -> None:
    """Each RestoredIndex input but connection is in the schema under its camelCase name."""
    inputs = build_schema()["resources"][token("RestoredIndex")]["inputProperties"]
    expected = {camel(p.name) for p in user_props(RESTORED_INDEX.inputs)} - {"connection"}
    assert set(inputs) == expected


def test_replace_keys_are_marked_replace_on_changes() -> None:
    """The inputs backupId and name replace a RestoredIndex; tags do not."""
    inputs = build_schema()["resources"][token("RestoredIndex")]["inputProperties"]
    marked = {name for name, spec in inputs.items() if spec.get("replaceOnChanges")}
    assert marked == {"backupId", "name"}


def test_required_inputs_come_from_the_declarations() -> None:
    """The input backupId is the one required input of a RestoredIndex."""
    resource = build_schema()["resources"][token("RestoredIndex")]
    assert resource["requiredInputs"] == ["backupId"]


def test_the_api_key_is_a_secret_setting() -> None:
    """The setting apiKey is secret in the config and on the provider resource."""
    schema = build_schema()
    assert schema["config"]["variables"]["apiKey"]["secret"] is True
    assert schema["provider"]["inputProperties"]["apiKey"]["secret"] is True


def test_schema_lists_the_resources_and_functions_of_the_issue() -> None:
    """Four resources and two functions, under the pinecone-restore package."""
    schema = json.loads(schema_json())
    assert schema["name"] == "pinecone-restore"
    assert set(schema["resources"]) == {
        token(n) for n in ("RestoredIndex", "IndexBackup", "CollectionIndex", "RestoredIndexSet")
    }
    assert set(schema["functions"]) == {token("getBackup"), token("getRestoreJob")}
