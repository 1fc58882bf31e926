"""The README's command-line section shows every verb the parser has."""

from __future__ import annotations

import argparse
from pathlib import Path

from pulumi_pinecone_restore.cli.parser import build

README = Path(__file__).resolve().parents[2] / "README.md"


def _verbs(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.extend(_verbs(child, f"{prefix}{name} ") or [f"{prefix}{name}"])
    return found


def test_the_readme_shows_every_verb() -> None:
    """Each `pinecone-restore VERB` of the parser is written out in the README's CLI section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Command line: `pinecone-restore`") :]
    section = section[: section.index("\n## ", 1)]
    verbs = _verbs(build())
    assert len(verbs) == 12
    missing = [v for v in verbs if f"pinecone-restore {v}" not in section]
    assert missing == []
