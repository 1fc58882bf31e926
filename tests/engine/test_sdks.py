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

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import API_KEY

from pulumi_pinecone_restore.client import ControlPlaneClient
from pulumi_pinecone_restore.emulator import EmulatorServer

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]  # a cold build compiles for minutes

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "pulumi-resource-pinecone-restore"
SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text(encoding="utf-8"))


@pytest.fixture(name="dev", scope="module")
def _dev() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "dev.py"), run_name="dev_under_test")


@pytest.fixture(name="sdks", scope="module")
def _sdks(dev: dict[str, Any], engine: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The SDKs built as ``dev.py sdks`` builds them; skips when Go, npm or the engine is missing.

    Without an engine (e.g. ``PULUMI_PINECONE_RESTORE_ENGINE=skip``, offline) the Go and npm
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


def test_typescript_program_with_a_wrong_input_type_fails_tsc(sdks: Any) -> None:
    """A program passing a number as `backupId` fails tsc with TS2322: the check is real."""
    program = sdks.out / "ts-program-wrong"  # beside the program: the same node_modules
    shutil.rmtree(program, ignore_errors=True)
    shutil.copytree(sdks.out / "ts-program", program, symlinks=True)
    source = program / "index.ts"
    good = source.read_text(encoding="utf-8")
    assert "backupId: backup.backupId," in good
    source.write_text(good.replace("backupId: backup.backupId,", "backupId: 42,", 1))
    checked = subprocess.run(  # noqa: S603 - the tsc build_sdks installed
        [str(sdks.tsc), "-p", str(program / "tsconfig.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode != 0
    assert "index.ts(18,5): error TS2322" in checked.stdout  # the `backupId` line


def test_readme_typescript_snippets_type_check(sdks: Any) -> None:
    """Every TypeScript snippet in README.md type-checks against the generated SDK."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippets = re.findall(r"^```typescript\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert snippets, "README.md has no ```typescript block"
    folder = sdks.out / "ts-readme"  # beside the program: the same node_modules
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(sdks.out / "ts-program", folder, symlinks=True)
    (folder / "index.ts").unlink()
    names = [f"snippet{number}.ts" for number in range(len(snippets))]
    for name, snippet in zip(names, snippets, strict=True):
        (folder / name).write_text(snippet, encoding="utf-8")
    config = json.loads((folder / "tsconfig.json").read_text(encoding="utf-8"))
    (folder / "tsconfig.json").write_text(json.dumps({**config, "files": names}))
    checked = subprocess.run(  # noqa: S603 - the tsc build_sdks installed
        [str(sdks.tsc), "-p", str(folder / "tsconfig.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


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


def test_python_sdk_does_not_shadow_this_package(sdks: Any) -> None:
    """The generated Python SDK is a package of its own, not `pulumi_pinecone_restore`."""
    packages = {path.parent.name for path in (sdks.out / "python").glob("*/__init__.py")}
    assert packages == {SCHEMA["language"]["python"]["packageName"]}
    assert "pulumi_pinecone_restore" not in packages


def run_go_program(
    sdks: Any, engine: Path, server: EmulatorServer, work: Path, phase: str
) -> dict[str, Any]:
    """One phase (``up`` or ``destroy``) of the Go program; returns what it printed (JSON)."""
    plugin = shutil.which(PLUGIN, path=str(Path(sys.executable).parent))
    assert plugin is not None, f"{PLUGIN} is not installed beside {sys.executable}"
    env = {
        **os.environ,
        # The engine finds the provider plugin on PATH, as after `pip install`.
        "PATH": os.pathsep.join([str(engine), str(Path(plugin).parent), os.environ["PATH"]]),
        "PINECONE_API_KEY": API_KEY,
    }
    done = subprocess.run(  # noqa: S603 - the program build_sdks compiled
        [
            str(sdks.go_program),
            "-engine",
            str(engine),
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
    sdks: Any, engine: Path, server: EmulatorServer, client: ControlPlaneClient, tmp_path: Path
) -> None:
    """A Go program restores an index with the Go SDK (`up`) and deletes it (`destroy`).

    The API key, set as secret config, shows in no output and in no file of the backend.
    """
    server.emulator.seed_index(name="prod", dimension=8, tags={"env": "prod"})
    backup_id = str(server.emulator.seed_backup(source_index_name="prod")["backup_id"])

    up = run_go_program(sdks, engine, server, tmp_path, "up")
    restored = client.describe_index("restored-go")
    assert up["changes"].get("create", 0) >= 1
    assert restored.state == "Ready"
    assert up["outputs"]["host"] == restored.host
    assert up["outputs"]["backupId"] == backup_id
    assert up["outputs"]["tags"] == {"env": "go"}

    destroy = run_go_program(sdks, engine, server, tmp_path, "destroy")
    assert destroy["changes"].get("delete", 0) >= 1
    assert {index.name for index in client.list_indexes()} == {"prod"}
    files = [path for path in tmp_path.rglob("*") if path.is_file()]  # state, history, config
    assert any(path.name == "dev.json" for path in files)
    assert all(API_KEY not in path.read_text(errors="replace") for path in files)
