"""``dev.py``: the Pulumi CLI it makes, the launcher it writes, the floor it pins."""

from __future__ import annotations

import importlib.util
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "dev.py"


@pytest.fixture(name="dev", scope="module")
def _dev() -> dict[str, Any]:
    return runpy.run_path(str(DEV), run_name="dev_under_test")


def test_pulumi_cli_without_go_or_pulumi_says_so_and_fails(tmp_path: Path) -> None:
    """`dev.py engine` with no Go, no pulumi and an empty cache exits 1, saying why."""
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run(  # noqa: S603 - this interpreter running the repository's dev.py
        [sys.executable, str(DEV), "engine"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "no Go toolchain" in result.stderr
    assert result.stdout == ""


def test_launcher_runs_pulumi_dynamic_with_the_configured_python(
    dev: dict[str, Any], tmp_path: Path
) -> None:
    """The written launcher execs $PULUMI_PYTHON_CMD -u -m pulumi.dynamic with the engine's args."""
    dev["_write_launcher"](tmp_path)
    launcher = tmp_path / "pulumi-resource-pulumi-python"
    assert os.access(launcher, os.X_OK)
    fake = tmp_path / "fake-python"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    result = subprocess.run(  # noqa: S603 - the launcher the test just wrote
        [str(launcher), "127.0.0.1:1234", "--flag"],
        env={"PULUMI_PYTHON_CMD": str(fake)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["-u", "-m", "pulumi.dynamic", "127.0.0.1:1234", "--flag"]


def test_floor_pins_are_the_declared_minimums(dev: dict[str, Any]) -> None:
    """Runtime and emulator dependencies pin at their `>=` bound; other extras are not pinned."""
    pyproject = """
dependencies = [
    # a comment quoting "other>=9" [or a bracket] is not a requirement
    "pulumi>=3.223,<4",
    "attrs>=23.1",
]
emulator = ["werkzeug>=3.0,<4"]
dev = ["pytest>=8"]
"""
    assert dev["floor_pins"](pyproject) == ["pulumi==3.223", "attrs==23.1", "werkzeug==3.0"]


def test_pinned_pulumi_version_comes_from_go_mod(dev: dict[str, Any]) -> None:
    """The engine version is the pkg/v3 requirement of pulumi_cli/go.mod."""
    gomod = (ROOT / "pulumi_cli" / "go.mod").read_text()
    version = dev["pinned_pulumi_version"]()
    assert f"github.com/pulumi/pulumi/pkg/v3 {version}" in gomod


def fake_pulumi(directory: Path, version: str) -> Path:
    """A `pulumi` that only answers `pulumi version`."""
    directory.mkdir(parents=True, exist_ok=True)
    cli = directory / "pulumi"
    cli.write_text(f"#!/bin/sh\necho {version}\n")
    cli.chmod(0o755)
    return cli


def run_pulumi_cli_job(path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """`python3 dev.py pulumi-cli` with only ``path`` on PATH and an empty cache in ``home``."""
    env = {"PATH": str(path), "HOME": str(home), "XDG_CACHE_HOME": str(home)}
    return subprocess.run(  # noqa: S603 - this interpreter running the repository's dev.py
        [sys.executable, str(DEV), "pulumi-cli"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_pulumi_cli_uses_a_new_enough_pulumi_on_path(tmp_path: Path) -> None:
    """A pulumi >= 3.223 on PATH is used: a bin/ in the cache links it, beside our launcher."""
    cli = fake_pulumi(tmp_path / "opt", "v3.250.0")
    result = run_pulumi_cli_job(cli.parent, tmp_path)
    assert result.returncode == 0, result.stderr
    engine = Path(result.stdout.splitlines()[-1])
    assert engine == tmp_path / "pulumi-pinecone-restore" / "pulumi-cli" / "path-v3.250.0" / "bin"
    assert (engine / "pulumi").resolve() == cli.resolve()
    assert os.access(engine / "pulumi-resource-pulumi-python", os.X_OK)


def test_pulumi_cli_moves_the_cache_of_older_releases_once(tmp_path: Path) -> None:
    """A build cache under the old ``engine/`` name is moved to ``pulumi-cli/``, leaving a link."""
    old = tmp_path / "pulumi-pinecone-restore" / "engine"
    (old / "v0.0.0").mkdir(parents=True)
    (old / "v0.0.0" / "built").write_text("kept", encoding="utf-8")
    cli = fake_pulumi(tmp_path / "opt", "v3.250.0")
    assert run_pulumi_cli_job(cli.parent, tmp_path).returncode == 0
    moved = tmp_path / "pulumi-pinecone-restore" / "pulumi-cli" / "v0.0.0" / "built"
    assert moved.read_text(encoding="utf-8") == "kept"
    assert old.is_symlink()
    assert (old / "v0.0.0" / "built").read_text(encoding="utf-8") == "kept"


def test_pulumi_cli_ignores_an_old_pulumi(tmp_path: Path) -> None:
    """A pulumi older than 3.223 is named and ignored; with no Go, the job fails."""
    cli = fake_pulumi(tmp_path / "old", "v3.100.0")
    result = run_pulumi_cli_job(cli.parent, tmp_path)
    assert result.returncode == 1
    assert f"ignoring {cli}" in result.stdout
    assert "no Go toolchain" in result.stderr


def test_pulumi_cli_puts_the_yaml_host_beside_the_cli_once(tmp_path: Path) -> None:
    """`dev.py engine` go-installs pulumi-language-yaml v1.25.0 once and copies it beside pulumi."""
    tools = tmp_path / "tools"
    cli = fake_pulumi(tools, "v3.250.0")
    calls = tmp_path / "go-calls"
    go = tools / "go"
    # A fake `go` that "installs" a host into $GOBIN (PATH holds only the tools directory).
    mkdir, chmod = shutil.which("mkdir"), shutil.which("chmod")
    go.write_text(
        f'#!/bin/sh\necho "$@" >> {calls}\n{mkdir} -p "$GOBIN"\n'
        'echo "#!/bin/sh" > "$GOBIN/pulumi-language-yaml"\n'
        f'{chmod} +x "$GOBIN/pulumi-language-yaml"\n'
    )
    go.chmod(0o755)
    first = run_pulumi_cli_job(cli.parent, tmp_path)
    second = run_pulumi_cli_job(cli.parent, tmp_path)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    engine = Path(second.stdout.splitlines()[-1])
    assert os.access(engine / "pulumi-language-yaml", os.X_OK)
    assert calls.read_text().splitlines() == [
        "install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v1.25.0"
    ]


def test_sdkgen_pins_the_engines_pkg_v3(dev: dict[str, Any]) -> None:
    """sdkgen/go.mod requires the pkg/v3 the engine is built from: the SDKs match the engine."""
    gomod = (ROOT / "sdkgen" / "go.mod").read_text()
    requirements = dict(dev["_go_requirements"](gomod))
    assert requirements["github.com/pulumi/pulumi/pkg/v3"] == dev["pinned_pulumi_version"]()


def test_go_requirements_reads_single_and_block_requires(dev: dict[str, Any]) -> None:
    """Both `require m v` lines and `require ( ... )` blocks are read, comments ignored."""
    gomod = """module example.com/m

require example.com/a v1.2.3

require (
\texample.com/b v0.1.0 // indirect
\texample.com/c/v2 v2.0.0
)
"""
    assert dev["_go_requirements"](gomod) == [
        ("example.com/b", "v0.1.0"),
        ("example.com/c/v2", "v2.0.0"),
        ("example.com/a", "v1.2.3"),
    ]


def test_sdks_without_go_says_so_and_fails(
    dev: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`dev.py sdks` with no Go on PATH exits 1, naming the missing tool, and prints no folder."""
    monkeypatch.setenv("PATH", str(tmp_path))
    code = dev["_sdks"](sys.executable, ["--out", str(tmp_path / "sdks")])
    captured = capsys.readouterr()
    assert code == 1
    assert "no `go` on PATH" in captured.err
    assert str(tmp_path / "sdks") not in captured.out


@pytest.fixture(name="dev_module")
def _dev_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """dev.py as a module, so that a test can replace one of its functions."""
    spec = importlib.util.spec_from_file_location("dev_as_module", DEV)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_sdks_builds_into_the_given_folder_and_prints_it_last(
    dev_module: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`dev.py sdks --out DIR --schema FILE` builds from FILE into DIR and prints DIR last."""
    calls: list[tuple[Path, str, Path]] = []

    def build(out: Path, python: str, schema: Path) -> None:
        sys.stdout.write("dev.py: a build step\n")
        calls.append((out, python, schema))

    monkeypatch.setattr(dev_module, "build_sdks", build)
    schema = tmp_path / "schema.json"
    code = dev_module._sdks("py", ["--out", str(tmp_path / "sdks"), "--schema", str(schema)])
    assert code == 0
    assert calls == [(tmp_path / "sdks", "py", schema)]
    assert capsys.readouterr().out.splitlines()[-1] == str(tmp_path / "sdks")


def test_sdks_defaults_to_build_sdks_and_the_committed_schema(
    dev_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without options, `dev.py sdks` builds from docs/schema.json into build/sdks/."""
    calls: list[tuple[Path, Path]] = []
    monkeypatch.setattr(
        dev_module, "build_sdks", lambda out, _py, schema: calls.append((out, schema))
    )
    assert dev_module._sdks("py", []) == 0
    assert calls == [(ROOT / "build" / "sdks", ROOT / "docs" / "schema.json")]


def test_sdks_refuses_an_unknown_option(
    dev: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """An option other than --out/--schema exits 2, naming it."""
    assert dev["_sdks"]("py", ["--languages", "go"]) == 2
    assert "'--languages'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "narrowing"),
    [
        ([], False),
        (["-v"], False),
        (["-vv", "--tb=short", "-rA", "--durations=10", "-s"], False),
        (["tests/unit"], True),
        (["-k", "restore"], True),
        (["-v", "-x"], True),
        (["-p", "no:cacheprovider"], True),  # unknown to the list: narrowing, shown not held
        (["--tb"], True),
    ],
)
def test_only_display_arguments_keep_the_coverage_floor(
    dev: dict[str, Any], args: list[str], narrowing: bool
) -> None:
    """`dev.py test -v` is the whole suite (floor held); a path or -k narrows (floor shown)."""
    assert dev["narrows"](args) is narrowing


def test_narrowed_runs_left_without_tests_pass_unless_all_are(dev: dict[str, Any]) -> None:
    """`dev.py test ARGS`: a run left without tests passes, a failed one fails, all empty fails."""
    narrowed = dev["narrowed_codes"]
    no_tests = dev["NO_TESTS"]
    assert narrowed({"main 1/2": 0, "main 2/2": no_tests, "real": no_tests}) == {
        "main 1/2": 0,
        "main 2/2": 0,
        "real": 0,
    }
    assert narrowed({"main 1/2": 1, "main 2/2": no_tests})["main 1/2"] == 1
    assert narrowed({"main 1/2": no_tests, "main 2/2": no_tests}) == {
        "main 1/2": no_tests,
        "main 2/2": no_tests,
    }
