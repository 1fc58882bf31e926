"""The sdist and the wheel hold what they promise (README, 'Install')."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are tracked")
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607  # git from PATH, as a contributor runs it
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name]


@pytest.fixture(name="dists", scope="module")
def _dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build the sdist and the wheel from a copy of the tracked files (no network)."""
    pytest.importorskip("build", reason="the `build` package comes with the dev extra")
    src = tmp_path_factory.mktemp("src")
    for name in _tracked_files():
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603  # fixed arguments, our own interpreter
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--sdist",
            "--wheel",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def test_wheel_holds_only_the_package(dists: tuple[Path, Path]) -> None:
    """The wheel carries the package and its metadata, and no checkout-only code."""
    _, wheel = dists
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"pulumi_pinecone_restore", next(t for t in tops if t.endswith(".dist-info"))}
    assert "pulumi_pinecone_restore/py.typed" in names
    assert "pulumi_pinecone_restore/emulator/__main__.py" in names
    # The demo's runner needs the checkout (demo/, the engine job): it is not in the wheel.
    assert not any(name.endswith("/demo.py") or "run_demo" in name for name in names)


def test_wheel_metadata_declares_the_licence_and_the_emulator_dependency(
    dists: tuple[Path, Path],
) -> None:
    """An SPDX licence expression, the licence file, classifiers, and werkzeug as a core need."""
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(archive.read(meta_name).decode())
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in archive.namelist())
    assert meta["License-Expression"] == "Apache-2.0"
    assert "Typing :: Typed" in meta.get_all("Classifier", [])
    requires = meta.get_all("Requires-Dist", [])
    assert any(r.startswith("werkzeug") and "extra" not in r for r in requires)


def test_sdist_holds_tests_examples_and_docs(dists: tuple[Path, Path]) -> None:
    """A contributor can run the suite and the examples from the sdist alone."""
    sdist, _ = dists
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for expected in (
        "LICENSE",
        "CHANGELOG.md",
        "dev.py",
        "tests/packaging/test_distributions.py",
        "examples/restore-index/README.md",
        "docs/emulator.md",
        "demo/run_demo.py",
    ):
        assert expected in names, expected
    assert not any("__pycache__" in name for name in names)
