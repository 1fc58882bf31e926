#!/usr/bin/env python3
"""Bootstrap the virtual environments and the Pulumi CLI, and run the project's jobs.

Needs only Python 3.10+ and git (and Go 1.26+ to build the Pulumi CLI). Every command first
makes sure ``.venv`` exists and holds this package with its ``dev`` extra, reinstalling only
when ``pyproject.toml`` changed.

    python3 dev.py demo        # the main job: the demo stack against the local emulator
    python3 dev.py test        # ruff, mypy --strict, pytest; then pytest on the floor/SDK env
    python3 dev.py pulumi-cli  # make a Pulumi CLI available (alias: engine); prints its bin folder
    python3 dev.py sdk-env     # make the floor/SDK environment; prints its python last
    python3 dev.py sdks        # the Node.js, Go and Python SDKs; prints their folder last
    python3 dev.py emulator    # run the emulator in the foreground (extra args pass through)
    python3 dev.py bench       # the benchmarks, results written to benchmarks/results/
    python3 dev.py lint        # ruff and mypy only
    python3 dev.py docs        # regenerate the classes' Args/__init__, docs/reference, schema

The Pulumi CLI: a ``pulumi`` on PATH when it is at least version 3.223, else the CLI pinned in
``pulumi_cli/go.mod``, built once with Go into
``~/.cache/pulumi-pinecone-restore/pulumi-cli/<version>/``
(``$XDG_CACHE_HOME`` is honoured), with a ``pulumi-resource-pulumi-python`` launcher beside it,
and the YAML language host ``pulumi-language-yaml`` (built once with ``go install``, cached).

The floor/SDK environment (``.venv-sdk``): the oldest Python this package declares (3.10) when
one is installed, every runtime dependency pinned at its declared minimum, and the official
``pinecone`` SDK, which cannot share ``.venv`` with the newest pulumi (see pyproject.toml).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
SDK_VENV = ROOT / ".venv-sdk"
STAMP_NAME = ".installed-from"
PULUMI_CLI_MODULE = ROOT / "pulumi_cli"
CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
# The CLI reports this variable as its version; a plain `go build` leaves it empty, and the
# Automation API refuses a CLI whose version it cannot read.
VERSION_SYMBOL = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
# The oldest `pulumi` on PATH we use instead of building: the floor of the SDK we declare.
MIN_PATH_PULUMI = (3, 223, 0)
LAUNCHER_NAME = "pulumi-resource-pulumi-python"
# Pulumi's own launcher ships with the Python language host, which the Go module proxy does not
# serve; this one follows the same conventions (PULUMI_PYTHON_CMD, PULUMI_RUNTIME_VIRTUALENV).
LAUNCHER = """#!/bin/sh
# Written by `python3 dev.py engine`. The engine runs this to serve dynamic providers: the
# stack's Python runs `-m pulumi.dynamic` with the engine's arguments. The Python is
# $PULUMI_PYTHON_CMD when set, else the virtualenv in $PULUMI_RUNTIME_VIRTUALENV, else python3.
if [ -n "${PULUMI_PYTHON_CMD:-}" ]; then
    exec "$PULUMI_PYTHON_CMD" -u -m pulumi.dynamic "$@"
fi
if [ -n "${PULUMI_RUNTIME_VIRTUALENV:-}" ]; then
    exec "${PULUMI_RUNTIME_VIRTUALENV%/}/bin/python" -u -m pulumi.dynamic "$@"
fi
exec python3 -u -m pulumi.dynamic "$@"
"""
PULUMI_CLI_ENV = "PULUMI_PINECONE_RESTORE_PULUMI_CLI"
# The YAML language host: the one Pulumi language host the Go module proxy serves, so a
# `runtime: yaml` Pulumi.yaml folder runs under the real `pulumi up` (the examples/yaml-* tests).
YAML_HOST = "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
YAML_HOST_VERSION = "v1.25.0"
YAML_HOST_NAME = "pulumi-language-yaml"
YAML_STAMP = ".pulumi-language-yaml.version"


class PulumiCliUnavailableError(RuntimeError):
    """Raised when no Pulumi CLI is on PATH and none can be built here."""


# ---------------------------------------------------------------- virtual environments


def _venv_python(env: Path) -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    return env / sub / ("python.exe" if os.name == "nt" else "python")


def _install(env: Path, base_python: str, requirements: Sequence[str], label: str) -> Path:
    """Create ``env`` with ``base_python`` and install ``requirements`` when they changed."""
    python = _venv_python(env)
    stamp = env / STAMP_NAME
    digest = hashlib.sha256(
        "\n".join([base_python, *requirements]).encode() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
        return python
    if not python.exists():
        print(f"dev.py: creating {label} in {env}", flush=True)
        if base_python == sys.executable:
            venv.EnvBuilder(with_pip=True, clear=True).create(env)
        else:
            subprocess.run([base_python, "-m", "venv", "--clear", str(env)], check=True)
    print(f"dev.py: installing {label} (the first run takes minutes)", flush=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        check=True,
    )
    stamp.write_text(digest, encoding="utf-8")
    return python


def _bootstrap() -> Path:
    return _install(
        VENV,
        sys.executable,
        ["-e", f"{ROOT}[dev]"],
        "the virtual environment (package + dev extra)",
    )


def floor_pins(pyproject: str) -> list[str]:
    """``name==minimum`` for each runtime dependency (and the emulator's) in ``pyproject``."""
    pyproject = re.sub(r"#.*", "", pyproject)  # comments may quote anything, even `]`
    blocks = re.findall(
        r"^(?:dependencies|emulator) = \[(.*?)\]", pyproject, re.DOTALL | re.MULTILINE
    )
    return [
        f"{name}=={floor}"
        for block in blocks
        for name, floor in re.findall(r'"([A-Za-z0-9_.-]+)>=([0-9.]+)', block)
    ]


def _declared_python(pyproject: str) -> str:
    found = re.search(r'requires-python = ">=(\d+\.\d+)"', pyproject)
    return found.group(1) if found else f"{sys.version_info[0]}.{sys.version_info[1]}"


def _oldest_python(version: str) -> str | None:
    """An interpreter of exactly ``version`` (e.g. 3.10), if one is installed and runs."""
    pyenv = Path.home().glob(f".pyenv/versions/{version}.*/bin/python3")
    candidates = [shutil.which(f"python{version}"), *sorted(str(p) for p in pyenv)]
    for candidate in candidates:
        if candidate is None:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def sdk_env() -> Path:
    """The floor/SDK environment: oldest declared Python, pins at the floors, the pinecone SDK.

    Returns:
        Its python executable.
    """
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = _declared_python(pyproject)
    base = _oldest_python(declared)
    if base is None:
        print(
            f"dev.py: no Python {declared} here; the floor/SDK env uses {sys.executable} "
            f"(Python {sys.version_info[0]}.{sys.version_info[1]})",
            flush=True,
        )
        base = sys.executable
    return _install(
        SDK_VENV,
        base,
        ["-e", f"{ROOT}[test,sdk]", *floor_pins(pyproject)],
        "the floor/SDK environment (declared minimums + pinecone SDK)",
    )


# ---------------------------------------------------------------- the Pulumi CLI


def pinned_pulumi_version() -> str:
    """The Pulumi CLI version ``pulumi_cli/go.mod`` pins, e.g. ``v3.274.1``."""
    gomod = (PULUMI_CLI_MODULE / "go.mod").read_text(encoding="utf-8")
    found = re.search(r"github\.com/pulumi/pulumi/pkg/v3 (v\S+)", gomod)
    if found is None:
        raise PulumiCliUnavailableError(
            "pulumi_cli/go.mod does not pin github.com/pulumi/pulumi/pkg/v3"
        )
    return found.group(1)


def pulumi_cli_cache() -> Path:
    """Where built Pulumi CLIs live, one directory per version (outside the repository).

    Releases before 0.3 built into ``engine/`` beside it: that folder is moved here once (and
    left as a link, for shells that still name it) instead of building again for minutes.
    """
    base = Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"))
    cache = base / "pulumi-pinecone-restore" / "pulumi-cli"
    old = cache.parent / "engine"
    if not cache.exists() and old.is_dir() and not old.is_symlink():
        old.rename(cache)
        old.symlink_to(cache.name)
    return cache


def _cli_version(pulumi: Path | str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run(
            [str(pulumi), "version"], capture_output=True, text=True, check=False, timeout=60
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.match(r"v?(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(part) for part in found.groups()) if found else None


def _write_launcher(bin_dir: Path) -> None:
    launcher = bin_dir / LAUNCHER_NAME
    if not launcher.exists() or launcher.read_text(encoding="utf-8") != LAUNCHER:
        launcher.write_text(LAUNCHER, encoding="utf-8")
    launcher.chmod(0o755)


def _pulumi_cli_from_path() -> Path | None:
    """A ``bin`` directory holding a new enough ``pulumi`` from PATH and a launcher."""
    found = shutil.which("pulumi")
    if found is None:
        return None
    real = Path(found).resolve()
    version = _cli_version(real)
    if version is None or version < MIN_PATH_PULUMI:
        print(
            f"dev.py: ignoring {found}: version {version} is older than "
            f"{'.'.join(map(str, MIN_PATH_PULUMI))}",
            flush=True,
        )
        return None
    if real.parent.name == "bin" and (real.parent / LAUNCHER_NAME).exists():
        return real.parent
    # The Automation API wants <root>/bin/pulumi; give this CLI that layout and our launcher.
    bin_dir = pulumi_cli_cache() / f"path-v{'.'.join(map(str, version))}" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    link = bin_dir / "pulumi"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(real)
    _write_launcher(bin_dir)
    return bin_dir


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (two checkouts building the same CLI wait)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            import fcntl  # noqa: PLC0415 - POSIX only; elsewhere builds are not serialised
        except ImportError:
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_pulumi_cli(version: str, bin_dir: Path) -> None:
    go = shutil.which("go")
    if go is None:
        raise PulumiCliUnavailableError(
            "no `pulumi` CLI (>= 3.223) on PATH and no Go toolchain to build one: install Go "
            "1.26+ (https://go.dev/dl/) and run `python3 dev.py engine`, or install the Pulumi "
            "CLI (https://www.pulumi.com/docs/install/)"
        )
    bin_dir.mkdir(parents=True, exist_ok=True)
    partial = bin_dir / "pulumi.partial"
    print(
        f"dev.py: building the Pulumi CLI {version} with {go} into {bin_dir} "
        "(the first build downloads the modules and takes many minutes)",
        flush=True,
    )
    started = time.monotonic()
    built = subprocess.run(
        [
            go,
            "build",
            "-ldflags",
            f"-X {VERSION_SYMBOL}={version}",
            "-o",
            str(partial),
            CLI_PACKAGE,
        ],
        cwd=PULUMI_CLI_MODULE,
        check=False,
    )
    if built.returncode != 0:
        raise PulumiCliUnavailableError(
            f"`go build {CLI_PACKAGE}` failed (exit {built.returncode})"
        )
    partial.replace(bin_dir / "pulumi")
    print(
        f"dev.py: built the Pulumi CLI {version} in {time.monotonic() - started:.0f} s", flush=True
    )


def _ensure_yaml_host(bin_dir: Path) -> None:
    """Put ``pulumi-language-yaml`` beside the CLI: built once per version into the cache.

    Without Go nothing is built (the YAML examples skip); the rest of the engine still works.

    Raises:
        PulumiCliUnavailableError: ``go install`` failed.
    """
    stamp = bin_dir / YAML_STAMP
    host = bin_dir / YAML_HOST_NAME
    if host.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == YAML_HOST_VERSION:
        return
    built_dir = pulumi_cli_cache() / f"yaml-{YAML_HOST_VERSION}" / "bin"
    built = built_dir / YAML_HOST_NAME
    with _locked(pulumi_cli_cache() / f"yaml-{YAML_HOST_VERSION}.lock"):
        if not built.exists():
            go = shutil.which("go")
            if go is None:
                print(
                    f"dev.py: no Go toolchain to build {YAML_HOST_NAME}: the YAML examples will "
                    f"skip (install Go 1.26+, or put {YAML_HOST_NAME} beside the pulumi CLI)",
                    flush=True,
                )
                return
            print(
                f"dev.py: building {YAML_HOST_NAME} {YAML_HOST_VERSION} into {built_dir} "
                "(about a minute with the CLI's modules cached)",
                flush=True,
            )
            started = time.monotonic()
            code = subprocess.run(
                [go, "install", f"{YAML_HOST}@{YAML_HOST_VERSION}"],
                cwd=pulumi_cli_cache(),
                env={**os.environ, "GOBIN": str(built_dir)},
                check=False,
            ).returncode
            if code != 0 or not built.exists():
                raise PulumiCliUnavailableError(f"`go install {YAML_HOST}` failed (exit {code})")
            print(f"dev.py: built {YAML_HOST_NAME} in {time.monotonic() - started:.0f} s")
        shutil.copy2(built, host)
    stamp.write_text(YAML_HOST_VERSION, encoding="utf-8")


def ensure_pulumi_cli() -> Path:
    """Make a Pulumi CLI available, building it when needed.

    Returns:
        The ``bin`` directory holding ``pulumi``, ``pulumi-resource-pulumi-python`` and
        ``pulumi-language-yaml``.

    Raises:
        PulumiCliUnavailableError: Neither a new enough ``pulumi`` nor Go is on PATH, or the
            build failed.
    """
    from_path = _pulumi_cli_from_path()
    if from_path is not None:
        if not (from_path / YAML_HOST_NAME).exists():
            _ensure_yaml_host(from_path)
        return from_path
    version = pinned_pulumi_version()
    bin_dir = pulumi_cli_cache() / version / "bin"
    with _locked(pulumi_cli_cache() / f"{version}.lock"):
        expected = tuple(int(p) for p in version.lstrip("v").split("."))
        if _cli_version(bin_dir / "pulumi") != expected:
            _build_pulumi_cli(version, bin_dir)
        _write_launcher(bin_dir)
    _ensure_yaml_host(bin_dir)
    return bin_dir


def _pulumi_cli_or_reason() -> tuple[Path | None, str | None]:
    """The Pulumi CLI when one is available or can be built; else why not (for the test run).

    ``PULUMI_PINECONE_RESTORE_PULUMI_CLI`` set to a directory uses that Pulumi CLI as it is; set to
    ``skip`` (e.g. offline, with Go but no module proxy) it skips the real-Pulumi tests.
    """
    preset = os.environ.get(PULUMI_CLI_ENV)
    if preset == "skip":
        return None, f"{PULUMI_CLI_ENV}=skip"
    if preset:
        return Path(preset), None
    if shutil.which("go") is None and shutil.which("pulumi") is None:
        cached = pulumi_cli_cache() / pinned_pulumi_version() / "bin"
        if (cached / "pulumi").exists():
            _write_launcher(cached)
            return cached, None  # the YAML examples skip when no host is beside it
        return None, "neither Go nor a `pulumi` CLI is on PATH"
    return ensure_pulumi_cli(), None


# ---------------------------------------------------------------- SDKs for other languages

SDKGEN_MODULE = ROOT / "sdkgen"
SCHEMA = ROOT / "docs" / "schema.json"
SDK_BUILD = ROOT / "build" / "sdks"
TS_PROGRAM = SDKGEN_MODULE / "testdata" / "ts-program"
GO_PROGRAM = SDKGEN_MODULE / "testdata" / "go-program"
# What the TypeScript checks compile against, pinned so that node_modules is installed once per
# set of versions. @pulumi/pulumi is the newest on npm: the engine's own version (3.274.1) is not
# published there (npm: E404 "No match found for version 3.274.1").
NPM_PINS = {"@pulumi/pulumi": "3.276.0", "typescript": "5.9.3", "@types/node": "20.19.43"}


@dataclasses.dataclass(frozen=True)
class SdkBuild:
    """What ``build_sdks`` made: the folder, the compiler it used, the Go program it built."""

    out: Path
    tsc: Path
    go_program: Path


class SdkBuildError(RuntimeError):
    """Raised when an SDK cannot be generated, or it or a program using it does not compile."""


class SdkToolsMissingError(SdkBuildError):
    """Raised when Go or npm, which the SDK build needs, is not on PATH."""


def _tool(name: str, purpose: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SdkToolsMissingError(f"no `{name}` on PATH: {purpose}")
    return found


def _step(label: str, args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run one build command; its output is shown only when it fails."""
    started = time.monotonic()
    done = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SdkBuildError(
            f"{label} failed (exit {done.returncode}): `{' '.join(args)}` in {cwd}\n"
            f"{done.stdout}{done.stderr}"
        )
    print(f"dev.py: {label} ({time.monotonic() - started:.1f} s)", flush=True)
    return done.stdout


def _go_requirements(gomod: str) -> list[tuple[str, str]]:
    """``(module, version)`` of every requirement in a go.mod's text."""
    requires = "\n".join(re.findall(r"^require \((.*?)^\)", gomod, re.DOTALL | re.MULTILINE))
    requires += "\n" + "\n".join(re.findall(r"^require (\S+ \S+)", gomod, re.MULTILINE))
    return re.findall(r"^\s*(\S+) (v\S+)", requires, re.MULTILINE)


def ensure_sdkgen() -> Path:
    """The SDK generator (``sdkgen/``), built once per version of its sources and of Go.

    Returns:
        The generator's executable.

    Raises:
        SdkBuildError: Go is missing, ``sdkgen`` pins another pkg/v3 than the engine, or the
            build failed.
    """
    go = _tool("go", "the SDK generator is a Go program (Pulumi's code generators)")
    gomod = (SDKGEN_MODULE / "go.mod").read_text(encoding="utf-8")
    pinned = dict(_go_requirements(gomod)).get("github.com/pulumi/pulumi/pkg/v3")
    if pinned != pinned_pulumi_version():
        raise SdkBuildError(
            f"sdkgen/go.mod pins github.com/pulumi/pulumi/pkg/v3 {pinned}, the engine "
            f"{pinned_pulumi_version()}: the SDKs must come from the engine's module version"
        )
    digest = hashlib.sha256(subprocess.run([go, "version"], capture_output=True, check=True).stdout)
    for source in [*sorted(SDKGEN_MODULE.glob("*.go")), SDKGEN_MODULE / "go.sum"]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    digest.update(gomod.encode())
    binary = pulumi_cli_cache().parent / "sdkgen" / f"{pinned}-{digest.hexdigest()[:16]}" / "sdkgen"
    with _locked(binary.parent.with_suffix(".lock")):
        if not binary.exists():
            binary.parent.mkdir(parents=True, exist_ok=True)
            partial = binary.with_suffix(".partial")
            _step(
                f"building the SDK generator into {binary.parent}",
                [go, "build", "-o", str(partial), "."],
                SDKGEN_MODULE,
            )
            partial.replace(binary)
    return binary


def ensure_node_modules() -> Path:
    """``node_modules`` with ``NPM_PINS``, installed with npm once per set of versions.

    Returns:
        The ``node_modules`` directory.

    Raises:
        SdkBuildError: npm is missing or the install failed.
    """
    npm = _tool("npm", "the Node.js SDK is type-checked against @pulumi/pulumi from npm")
    manifest = json.dumps({"private": True, "dependencies": NPM_PINS}, indent=2, sort_keys=True)
    key = hashlib.sha256(manifest.encode()).hexdigest()[:16]
    home = pulumi_cli_cache().parent / "node" / key
    done = home / ".installed"
    with _locked(home.with_suffix(".lock")):
        if not done.exists():
            home.mkdir(parents=True, exist_ok=True)
            (home / "package.json").write_text(manifest + "\n", encoding="utf-8")
            pins = " ".join(f"{name}@{version}" for name, version in NPM_PINS.items())
            _step(
                f"npm install {pins} into {home}",
                [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                home,
            )
            done.write_text(manifest, encoding="utf-8")
    return home / "node_modules"


def _link(link: Path, target: Path) -> None:
    if link.is_symlink() or link.exists():
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target, target_is_directory=True)


def _build_nodejs(out: Path, tsc: str) -> None:
    """Compile the Node.js SDK as its package is built, then type-check the TypeScript program."""
    sdk = out / "nodejs"
    _step("tsc: the Node.js SDK", [tsc, "-p", str(sdk / "tsconfig.json")], sdk)
    # Pulumi's providers publish bin/ with the package metadata beside the compiled files.
    package = json.loads((sdk / "package.json").read_text(encoding="utf-8"))
    shutil.copy2(sdk / "package.json", sdk / "bin" / "package.json")
    program = out / "ts-program"
    shutil.rmtree(program, ignore_errors=True)
    shutil.copytree(TS_PROGRAM, program)
    _link(program / "node_modules" / package["name"], sdk / "bin")
    _step("tsc: the TypeScript program", [tsc, "-p", str(program / "tsconfig.json")], program)


def _build_go(out: Path) -> Path:
    """Compile the Go SDK and the Automation API program that uses it; returns the program."""
    go = _tool("go", "the Go SDK is compiled with Go")
    sdk_gomod = (out / "go" / "go.mod").read_text(encoding="utf-8")
    found = re.search(r"^module (\S+)", sdk_gomod, re.MULTILINE)
    if found is None:
        raise SdkBuildError(f"{out / 'go' / 'go.mod'} names no module")
    sdk_module = found.group(1)
    program = out / "go-program"
    shutil.rmtree(program, ignore_errors=True)
    shutil.copytree(GO_PROGRAM, program)
    # The program requires what sdkgen requires, at the same versions: the Go SDK compiles
    # against the sdk/v3 the engine is built from, not the older floor its go.mod names, and
    # `go mod tidy` drops what the program does not use.
    gomod = (SDKGEN_MODULE / "go.mod").read_text(encoding="utf-8")
    requires = [
        f"\t{module} {version}"
        for module, version in _go_requirements(gomod)
        if module != "github.com/pulumi/pulumi/pkg/v3"
    ]
    replaces = re.findall(r"^replace .*$", gomod, re.MULTILINE)
    (program / "go.mod").write_text(
        "\n".join(
            [
                "module pinecone-restore-go-program",
                "",
                "go 1.26",
                "",
                *replaces,
                f"replace {sdk_module} => ../go",
                "",
                "require (",
                f"\t{sdk_module} v0.0.0",
                *requires,
                ")",
                "",
            ]
        ),
        encoding="utf-8",
    )
    shutil.copy2(SDKGEN_MODULE / "go.sum", program / "go.sum")
    _step("go mod tidy: the Go program", [go, "mod", "tidy"], program)
    # -trimpath: compiled packages do not depend on this folder's path, so Go's build cache
    # serves every later build, in any folder.
    _step("go build: the Go SDK", [go, "build", "-trimpath", f"{sdk_module}/..."], program)
    binary = program / "go-program"
    _step("go build: the Go program", [go, "build", "-trimpath", "-o", str(binary), "."], program)
    return binary


def _check_python(out: Path, python: str) -> None:
    """Install the Python SDK with pip into ``python-site`` and import it with ``python``."""
    packages = [p.parent.name for p in (out / "python").glob("*/__init__.py")]
    if len(packages) != 1:
        raise SdkBuildError(f"expected one package in {out / 'python'}, found {packages}")
    site = out / "python-site"
    shutil.rmtree(site, ignore_errors=True)
    # The SDK reads its own version from its installed metadata, so it is installed, not copied.
    _step(
        "pip: install the Python SDK",
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(out / "python"),
        ],
        out,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    _step(f"python: import {packages[0]}", [python, "-c", f"import {packages[0]}"], out, env)


def build_sdks(out: Path, python: str, schema: Path = SCHEMA) -> SdkBuild:
    """Generate the Node.js, Go and Python SDKs from ``schema`` into ``out``, and compile them.

    The Node.js SDK is compiled with tsc (``nodejs/bin`` is the package), and a TypeScript
    program is type-checked against it (``ts-program``); the Go SDK is compiled with a Go
    Automation API program that uses it (``go-program/go-program``); the Python SDK is
    installed with pip (into ``python-site``) and imported.

    Args:
        out: The build folder (its ``nodejs``, ``go``, ``python`` ... are replaced).
        python: An interpreter with pulumi installed, to import the Python SDK.
        schema: The package schema.

    Returns:
        The folder, tsc, and the compiled Go program (``up`` or ``destroy``; see its source).

    Raises:
        SdkBuildError: A tool is missing, the schema does not bind, or something did not compile.
    """
    if not schema.exists():
        raise SdkBuildError(f"no package schema at {schema}")
    generator = ensure_sdkgen()
    node_modules = ensure_node_modules()
    out.mkdir(parents=True, exist_ok=True)
    _step(
        f"sdkgen: the SDKs of {schema.name}",
        [str(generator), "-schema", str(schema), "-out", str(out)],
        ROOT,
    )
    _link(out / "node_modules", node_modules)  # what everything below finds @pulumi/pulumi in
    tsc = out / "node_modules" / ".bin" / "tsc"
    _build_nodejs(out, str(tsc))
    go_program = _build_go(out)
    _check_python(out, python)
    return SdkBuild(out=out, tsc=tsc, go_program=go_program)


# ---------------------------------------------------------------- jobs


def _run(args: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(args, cwd=ROOT, check=False, env=env).returncode


# Branch coverage of the package in the main environment's runs (the two .venv runs are
# combined). It counts only the pytest processes: not the provider plugins the Pulumi CLI
# starts, and not the `pinecone-restore` console script, which the CLI tests drive as a
# subprocess (as a user runs it). The floor is what the suite measured when it was set; raise
# it when coverage rises.
COVERAGE_FLOOR = 90  # measured 90.8 % (branch) when set, after the CLI tests moved out of process
COVERAGE = ["--cov=pulumi_pinecone_restore", "--cov-branch", "--cov-report="]
COVERAGE_PARTS = (".coverage.main0", ".coverage.main1", ".coverage.pulumi_cli")
# Read by tests/conftest.py: which restore-job faults the `job_faults` modules run under.
JOB_FAULTS_ENV = "PINECONE_RESTORE_TEST_JOB_FAULTS"
SHARD_ENV = "PINECONE_RESTORE_TEST_SHARD"  # tests/conftest.py: run shard i of n, "i/n"
NO_TESTS = 5  # pytest's exit code when nothing was selected
# Arguments that change what pytest prints, not which tests run: `dev.py test -v` is still the
# whole suite, held to the coverage floor. Any other argument (a path, -k, -m, -x...) narrows.
SHOWING_ONLY = re.compile(
    r"-v+|-q+|-s|-l|-r[a-zA-Z]*|--tb=\w+|--durations=\d+|--color=\w+|--verbose|--quiet"
    r"|--showlocals|--capture=\w+"
)


def _test(python: str, rest: list[str]) -> int:
    try:
        pulumi_cli, reason = _pulumi_cli_or_reason()
    except PulumiCliUnavailableError as exc:
        print(
            f"dev.py: the Pulumi CLI could not be made: {exc} (set {PULUMI_CLI_ENV}=skip to "
            "run the rest without the real-Pulumi tests)",
            file=sys.stderr,
        )
        return 1
    env = dict(os.environ)
    if pulumi_cli is not None:
        env[PULUMI_CLI_ENV] = str(pulumi_cli)
        print(f"dev.py: real-Pulumi tests use {pulumi_cli / 'pulumi'}", flush=True)
    else:
        print(f"dev.py: real-Pulumi tests will skip: {reason}", flush=True)
    checks = (
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "ruff", "format", "--check", "."],
        [python, "-m", "mypy"],
    )
    for step in checks:
        print(f"dev.py: {' '.join(step[2:])}", flush=True)
        started = time.monotonic()
        code = _run(step, env)
        print(f"dev.py: {step[2]} took {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            return code
    # Four pytest runs side by side (2 cores; most tests wait on the emulator's lifecycles, the
    # real-Pulumi tests on the CLI and its plugins): the main environment's suite without the
    # real-Pulumi tests, in two shards of whole files (tests/conftest.py, SHARD_ENV), those
    # tests on their own, and the floor env (declared minimums, the official SDK's tests, which
    # skip in .venv). The floor env runs each `job_faults` test once, without the faults: they
    # test the lifecycle's handling of the live service's job 404s and lossy listings, which
    # no dependency version changes, and the main run has them all. Outputs of the background
    # runs are kept in files and shown after the first shard's.
    sdk_python = str(sdk_env())
    for stale in ROOT.glob(".coverage*"):
        stale.unlink()
    main = [python, "-m", "pytest", *COVERAGE, "-m", "not pulumi_cli", *rest]
    runs = {
        "main 2/2": (main, {SHARD_ENV: "1/2", "COVERAGE_FILE": str(ROOT / COVERAGE_PARTS[1])}),
        "floor/SDK env": (
            [sdk_python, "-m", "pytest", "-p", "no:cacheprovider", "-m", "not pulumi_cli", *rest],
            {JOB_FAULTS_ENV: "none"},
        ),
        "real Pulumi CLI": (
            [python, "-m", "pytest", *COVERAGE, "-m", "pulumi_cli", *rest],
            {"COVERAGE_FILE": str(ROOT / COVERAGE_PARTS[2])},
        ),
    }
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        background = {}
        for name, (args, extra) in runs.items():
            print(f"dev.py: [{name}, in the background] {' '.join(args[2:])}", flush=True)
            log = stack.enter_context(tempfile.TemporaryFile(mode="w+"))
            process = subprocess.Popen(  # our own environments' interpreters
                args, cwd=ROOT, env={**env, **extra}, stdout=log, stderr=subprocess.STDOUT
            )
            background[name] = (process, log)
        print(f"dev.py: [main 1/2] {' '.join(main[2:])}", flush=True)
        first = {SHARD_ENV: "0/2", "COVERAGE_FILE": str(ROOT / COVERAGE_PARTS[0])}
        codes = {"main 1/2": _run(main, {**env, **first})}
        print(f"dev.py: [main 1/2] pytest took {time.monotonic() - started:.0f} s", flush=True)
        for name, (process, log) in background.items():
            codes[name] = process.wait()
            print(f"dev.py: [{name}] pytest took {time.monotonic() - started:.0f} s", flush=True)
            log.seek(0)
            sys.stdout.write(log.read())
            sys.stdout.flush()
    narrowed = narrows(rest)
    codes = narrowed_codes(codes) if narrowed else codes
    coverage = [python, "-m", "coverage"]
    parts = [part for part in COVERAGE_PARTS if (ROOT / part).exists()]  # a run may find none
    floor = [] if narrowed else [f"--fail-under={COVERAGE_FLOOR}"]  # a part is shown, not held
    codes["coverage"] = _run([*coverage, "combine", *parts]) or (
        _run([*coverage, "report", "--skip-covered", *floor])
    )
    failed = [name for name, code in codes.items() if code != 0]
    if failed:
        print(f"dev.py: failed: {', '.join(failed)}")
    return 1 if failed else 0


def narrows(args: Sequence[str]) -> bool:
    """Whether pytest arguments may leave tests out (anything but :data:`SHOWING_ONLY` ones)."""
    return not all(SHOWING_ONLY.fullmatch(arg) for arg in args)


def narrowed_codes(codes: dict[str, int]) -> dict[str, int]:
    """Pytest runs' exit codes when arguments narrowed the selection (`dev.py test -k restore`).

    A run or shard that the arguments left without tests has passed, unless every run was left
    without tests (a misspelt path or `-k`): that fails, as pytest itself does.
    """
    if all(code == NO_TESTS for code in codes.values()):
        print("dev.py: the arguments selected no tests in any run", flush=True)
        return codes
    return {name: 0 if code == NO_TESTS else code for name, code in codes.items()}


def _pulumi_cli_job(_python: str, _rest: list[str]) -> int:
    try:
        pulumi_cli = ensure_pulumi_cli()
    except PulumiCliUnavailableError as exc:
        print(f"dev.py: {exc}", file=sys.stderr)
        return 1
    print(pulumi_cli)
    return 0


def _sdk_env(_python: str, _rest: list[str]) -> int:
    print(sdk_env())
    return 0


def _sdks(python: str, rest: list[str]) -> int:
    """``sdks [--out DIR] [--schema FILE]``: build the SDKs; prints their folder last."""
    options = {"--out": str(SDK_BUILD), "--schema": str(SCHEMA)}
    args = list(rest)
    while args:
        flag = args.pop(0)
        if flag not in options or not args:
            print(f"dev.py: sdks takes --out DIR and --schema FILE, not {flag!r}", file=sys.stderr)
            return 2
        options[flag] = args.pop(0)
    out = Path(options["--out"]).resolve()
    try:
        build_sdks(out, python, Path(options["--schema"]).resolve())
    except SdkBuildError as exc:
        print(f"dev.py: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


def _with_pulumi_cli_env() -> dict[str, str]:
    """This environment, plus the engine's directory when there is (or can be) one."""
    env = dict(os.environ)
    try:
        pulumi_cli, reason = _pulumi_cli_or_reason()
    except PulumiCliUnavailableError as exc:
        pulumi_cli, reason = None, str(exc)
    if pulumi_cli is not None:
        env[PULUMI_CLI_ENV] = str(pulumi_cli)
    else:
        print(f"dev.py: no Pulumi CLI: {reason}", flush=True)
    return env


def _demo(python: str, rest: list[str]) -> int:
    env = dict(os.environ) if "--no-pulumi" in rest else _with_pulumi_cli_env()
    return _run([python, str(ROOT / "demo" / "run_demo.py"), *rest], env)


JOBS = {
    "demo": _demo,
    "emulator": lambda py, rest: _run([py, "-m", "pulumi_pinecone_restore.emulator.cli", *rest]),
    "bench": lambda py, rest: _run([py, "-m", "benchmarks", *rest], _with_pulumi_cli_env()),
    "lint": lambda py, _rest: (
        _run([py, "-m", "ruff", "check", "."])
        or _run([py, "-m", "ruff", "format", "--check", "."])
        or _run([py, "-m", "mypy"])
    ),
    "test": _test,
    # The reference pages and the plugin's schema are generated from the declarations (tests
    # fail when the committed files drift).
    "docs": lambda py, _rest: (
        _run([py, "-m", "pulumi_pinecone_restore._codegen"])
        or _run([py, "-m", "pulumi_pinecone_restore._reference", "docs/reference"])
        or _run([py, "-m", "pulumi_pinecone_restore.plugin.schema", "docs/schema.json"])
    ),
    "pulumi-cli": _pulumi_cli_job,
    "engine": _pulumi_cli_job,  # its name before 0.3, kept: READMEs and habits still say it
    "sdk-env": _sdk_env,
    "sdks": _sdks,
}


def main(argv: list[str]) -> int:
    """Dispatch one job; returns its exit status."""
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    job = JOBS.get(argv[0])
    if job is None:
        print(f"dev.py: unknown job {argv[0]!r}; try 'python3 dev.py --help'", file=sys.stderr)
        return 2
    if argv[0] in {"pulumi-cli", "engine", "sdk-env"}:
        # Neither needs the main environment.
        return int(job(sys.executable, argv[1:]))
    return int(job(str(_bootstrap()), argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
