"""The SDKs for other languages, generated from the schema by Pulumi's own code generators.

``python3 dev.py sdks`` (``build_sdks`` here, into a temporary folder) generates the Node.js, Go
and Python SDKs from ``docs/schema.json`` with ``github.com/pulumi/pulumi/pkg/v3/codegen`` at the
engine's version, compiles the Node.js SDK and type-checks a TypeScript program with tsc against
``@pulumi/pulumi`` from npm, compiles the Go SDK with a Go Automation API program, and installs
and imports the Python SDK; any failure there fails the fixture. The Go program then runs ``up``
and ``destroy`` under the real engine, serving the plugin ``pulumi-resource-pinecone-restore``
from PATH. The Node.js and Go language hosts are not served by the Go module proxy, so
TypeScript is type-checked, not run, and Go runs as an inline Automation API program.

The generator binary and ``node_modules`` are cached outside the repository, keyed by their
versions, and Go's build cache keeps the compiled packages: a warm run takes seconds to build.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from harness.pulumi_cli import new_stack
from support import API_KEY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import EmulatorServer

pytestmark = [pytest.mark.pulumi_cli, pytest.mark.timeout(900)]  # a cold build compiles for minutes

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "pulumi-resource-pinecone-restore"
SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text(encoding="utf-8"))


@pytest.fixture(name="dev", scope="module")
def _dev() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "dev.py"), run_name="dev_under_test")


@pytest.fixture(name="sdks", scope="module")
def _sdks(dev: dict[str, Any], pulumi_cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The SDKs built as ``dev.py sdks`` builds them; skips when Go, npm or the engine is missing.

    Without an engine (e.g. ``PULUMI_PINECONE_RESTORE_PULUMI_CLI=skip``, offline) the Go and npm
    registries are likely out of reach too, so the whole module skips with the engine tests.
    """
    try:
        return dev["build_sdks"](tmp_path_factory.mktemp("sdks"), sys.executable)
    except dev["SdkToolsMissingError"] as exc:
        pytest.skip(str(exc))


def test_node_sdk_declares_every_resource_and_function(sdks: Any) -> None:
    """The compiled Node.js package declares a class per resource and a function per invoke."""
    declared = (sdks.out / "nodejs" / "bin" / "index.d.ts").read_text(encoding="utf-8")
    resources = [token.rsplit(":", 1)[1] for token in SCHEMA["resources"]]
    functions = [token.rsplit(":", 1)[1] for token in SCHEMA["functions"]]
    for name in resources:
        assert f"export declare const {name}: typeof import(" in declared
    for name in functions:
        assert f"export declare const {name}: typeof import(" in declared
        assert f"export declare const {name}Output: typeof import(" in declared


@pytest.fixture(name="tsc_errors", scope="module")
def _tsc_errors(sdks: Any) -> list[str]:
    """The tsc error lines of README's TypeScript snippets and of a deliberately wrong program.

    One compilation (tsc takes seconds) of ``snippet<N>.ts`` (each ```typescript or ```ts
    block of README.md) and ``wrong.ts`` (the checked program passing a number as ``backupId``).
    """
    folder = sdks.out / "ts-extra"  # beside the program: the same node_modules
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(sdks.out / "ts-program", folder, symlinks=True)
    program = (folder / "index.ts").read_text(encoding="utf-8")
    (folder / "index.ts").unlink()
    assert "backupId: backup.backupId," in program
    files = {"wrong.ts": program.replace("backupId: backup.backupId,", "backupId: 42,", 1)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippets = re.findall(r"^```(?:typescript|ts)\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    files.update({f"snippet{number}.ts": text for number, text in enumerate(snippets)})
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = json.loads((folder / "tsconfig.json").read_text(encoding="utf-8"))
    (folder / "tsconfig.json").write_text(json.dumps({**config, "files": sorted(files)}))
    checked = subprocess.run(  # noqa: S603 - the tsc build_sdks installed
        [str(sdks.tsc), "-p", "tsconfig.json"],
        cwd=folder,  # tsc names files relative to it
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in checked.stdout.splitlines() if ": error TS" in line]


def test_typescript_program_with_a_wrong_input_type_fails_tsc(tsc_errors: list[str]) -> None:
    """A program passing a number as `backupId` fails tsc with TS2322: the check is real."""
    wrong = [line for line in tsc_errors if line.startswith("wrong.ts")]
    assert [line.split(":")[0:2] for line in wrong] == [["wrong.ts(18,5)", " error TS2322"]]


def test_readme_typescript_snippets_type_check(tsc_errors: list[str]) -> None:
    """Every TypeScript snippet in README.md type-checks against the generated SDK."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^```(?:typescript|ts)\n", readme, re.MULTILINE)
    assert [line for line in tsc_errors if line.startswith("snippet")] == []


def test_a_schema_that_does_not_bind_stops_the_generator(
    dev: dict[str, Any], sdks: Any, tmp_path: Path
) -> None:
    """A `$ref` to a missing type fails with the binder's diagnostic, and no SDK is written."""
    broken = json.loads(json.dumps(SCHEMA))
    resource = broken["resources"]["pinecone-restore:index:RestoredIndex"]
    resource["inputProperties"]["tags"] = {"$ref": "#/types/pinecone-restore:index:Missing"}
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(broken), encoding="utf-8")
    generated = subprocess.run(  # noqa: S603 - the generator build_sdks built
        [str(dev["ensure_sdkgen"]()), "-schema", str(schema), "-out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 1
    assert "RestoredIndex/inputProperties/tags/$ref" in generated.stderr
    assert "type pinecone-restore:index:Missing not found" in generated.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(name="python_sdk")
def _python_sdk(sdks: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The generated Python SDK, imported from its pip install; the plugin on PATH."""
    monkeypatch.syspath_prepend(str(sdks.out / "python-site"))
    monkeypatch.setenv("PATH", os.pathsep.join([plugin_dir(), os.environ["PATH"]]))
    return importlib.import_module(SCHEMA["language"]["python"]["packageName"])


def test_python_program_restores_and_destroys_under_the_engine(
    python_sdk: Any,
    pulumi_cli: Path,
    server: EmulatorServer,
    client: ControlPlaneClient,
    tmp_path: Path,
) -> None:
    """An inline Python program restores an index with the generated Python SDK and deletes it."""
    sdk = python_sdk
    server.emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    server.emulator.seed_backup(source_index_name="prod")

    def program() -> None:
        backup = sdk.get_backup(source_index_name="prod", ready_only=True)
        index = sdk.RestoredIndex(
            "search-py", backup_id=backup.backup_id, name="restored-py", tags={"env": "py"}
        )
        pulumi.export("host", index.host)

    config = {"pinecone-restore:apiKey": API_KEY, "pinecone-restore:controllerHost": server.url}
    stack = new_stack(pulumi_cli, tmp_path, "py-sdk", program, config, secrets=[*config][:1])
    up, _ = stack.up()
    assert up.outputs["host"].value == client.describe_index("restored-py").host
    assert stack.resources("pinecone-restore:index:RestoredIndex")
    stack.destroy()
    assert {index.name for index in client.list_indexes()} == {"prod"}


def test_python_sdk_does_not_shadow_this_package(sdks: Any) -> None:
    """The generated Python SDK is a package of its own, not `pulumi_pinecone_restore`."""
    packages = {path.parent.name for path in (sdks.out / "python").glob("*/__init__.py")}
    assert packages == {SCHEMA["language"]["python"]["packageName"]}
    assert "pulumi_pinecone_restore" not in packages


def plugin_dir() -> str:
    """Where `pip install` put the plugin: the engine finds it on PATH, as a user's would."""
    plugin = shutil.which(PLUGIN, path=str(Path(sys.executable).parent))
    assert plugin is not None, f"{PLUGIN} is not installed beside {sys.executable}"
    return str(Path(plugin).parent)


def run_go_program(
    sdks: Any, pulumi_cli: Path, server: EmulatorServer, work: Path, phase: str
) -> dict[str, Any]:
    """One phase (``up`` or ``destroy``) of the Go program; returns what it printed (JSON)."""
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(pulumi_cli), plugin_dir(), os.environ["PATH"]]),
        "PINECONE_API_KEY": API_KEY,
    }
    done = subprocess.run(  # noqa: S603 - the program build_sdks compiled
        [
            str(sdks.go_program),
            "-engine",
            str(pulumi_cli),
            "-work",
            str(work),
            "-controller-host",
            server.url,
            "-source-index",
            "prod",
            "-index-name",
            "restored-go",
            phase,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert API_KEY not in done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_go_program_restores_and_destroys_under_the_engine(
    sdks: Any, pulumi_cli: Path, server: EmulatorServer, client: ControlPlaneClient, tmp_path: Path
) -> None:
    """A Go program restores an index with the Go SDK (`up`) and deletes it (`destroy`).

    The API key, set as secret config, shows in no output and in no file of the backend.
    """
    server.emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    backup_id = str(server.emulator.seed_backup(source_index_name="prod")["backup_id"])

    up = run_go_program(sdks, pulumi_cli, server, tmp_path, "up")
    restored = client.describe_index("restored-go")
    assert up["changes"].get("create", 0) >= 1
    assert restored.state == "Ready"
    assert up["outputs"]["host"] == restored.host
    assert up["outputs"]["backupId"] == backup_id
    assert up["outputs"]["tags"] == {"env": "go"}

    destroy = run_go_program(sdks, pulumi_cli, server, tmp_path, "destroy")
    assert destroy["changes"].get("delete", 0) >= 1
    assert {index.name for index in client.list_indexes()} == {"prod"}
    files = [path for path in tmp_path.rglob("*") if path.is_file()]  # state, history, config
    assert any(path.name == "dev.json" for path in files)
    assert all(API_KEY not in path.read_text(errors="replace") for path in files)
