"""Shell completion for bash and zsh, generated from the parser the command itself uses."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import run_cli as run

BASH = shutil.which("bash")
ZSH = shutil.which("zsh")
# Completes the last word of "$@" with the function the script registered for pinecone-restore.
BASH_COMPLETE = """
source "$SCRIPT"
fn=$(complete -p pinecone-restore | sed -E 's/.* -F ([^ ]+) .*/\\1/')
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
"$fn" pinecone-restore "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
printf '%s\\n' "${COMPREPLY[@]}"
"""


def _script(shell: str, tmp_path: Path) -> Path:
    status, out, err = run({}, "completion", shell)  # no API key: completion sends nothing
    assert status == 0, err
    path = tmp_path / f"pinecone-restore.{shell}"
    path.write_text(out, encoding="utf-8")
    return path


def _bash_complete(script: Path, *words: str) -> list[str]:
    assert BASH is not None
    done = subprocess.run(  # noqa: S603 - a fixed bash program over our own script
        [BASH, "-c", BASH_COMPLETE, "complete", "pinecone-restore", *words],
        env={"SCRIPT": str(script), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("",), {"backups", "indexes", "jobs", "restore", "wait", "completion"}),
        (("indexes", ""), {"list", "describe", "configure", "delete"}),
        (("backups", ""), {"list", "describe", "create"}),
        (("indexes", "configure", "x", "--deletion-protection", ""), {"enabled", "disabled"}),
    ],
    ids=["verbs", "indexes", "backups", "choices"],
)
def test_bash_completes_verbs_and_choices(
    tmp_path: Path, words: tuple[str, ...], expected: set[str]
) -> None:
    """The bash script completes verbs, sub-verbs and a flag's choices."""
    assert set(_bash_complete(_script("bash", tmp_path), *words)) == expected


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_the_flags_of_a_verb(tmp_path: Path) -> None:
    """Flags complete per verb: `indexes delete --` offers --yes and --force."""
    flags = set(_bash_complete(_script("bash", tmp_path), "indexes", "delete", "x", "--"))
    assert {"--yes", "--force", "--no-wait", "--timeout", "--output", "--json"} <= flags


def test_the_zsh_script_is_a_compdef_for_every_verb(tmp_path: Path) -> None:
    """The zsh script declares itself for pinecone-restore and knows each verb."""
    text = _script("zsh", tmp_path).read_text(encoding="utf-8")
    assert text.startswith("#compdef pinecone-restore")
    for verb in ("backups", "indexes", "configure", "delete", "restore", "wait", "--force"):
        assert verb in text


@pytest.mark.skipif(ZSH is None, reason="zsh is not installed")
def test_the_zsh_script_loads_in_zsh(tmp_path: Path) -> None:
    """The zsh shell loads (parses) the script as a completion function without an error."""
    assert ZSH is not None
    script = _script("zsh", tmp_path)
    (tmp_path / "_pinecone-restore").write_text(script.read_text(encoding="utf-8"))
    program = (
        f"fpath=({tmp_path} $fpath); autoload -Uz compinit; compinit -u; "
        "autoload -Uz +X _pinecone-restore; print ok"
    )
    done = subprocess.run(  # noqa: S603 - a fixed zsh program over our own script
        [ZSH, "-f", "-c", program],
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.strip() == "ok"
