"""The resource classes' ``...Args`` and ``__init__``, generated from the declarations.

Each input is declared once (``input_prop(...)`` in :mod:`pulumi_pinecone_restore.lifecycle`):
its name, whether it is required, its type and its text. The user-facing classes need them
spelled out for type checkers, IDEs and ``help()``: an ``...Args`` class with a typed field per
input, and an ``__init__`` with a typed keyword per input, both with the text. This module
writes those two pieces into each resource module between ``# BEGIN GENERATED`` and ``# END
GENERATED`` lines (``python3 dev.py docs`` runs it), and ``tests/packaging`` fails when the
committed code differs from what the declarations make.

``python -m pulumi_pinecone_restore._codegen [--check]``
"""

from __future__ import annotations

import re
import sys
import textwrap
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulumi_pinecone_restore._reference import _ordered
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX

__all__ = ["GENERATED", "generate", "main", "render"]

PACKAGE = Path(__file__).parent
BEGIN = "# BEGIN GENERATED from the declarations by `python3 dev.py docs`; do not edit\n"
END = "# END GENERATED\n"
_BLOCK = re.compile(
    r"^(?P<indent> *)# BEGIN GENERATED.*?\n.*?^(?P=indent)# END GENERATED\n",
    re.DOTALL | re.MULTILINE,
)
WIDTH = 100

#: The generated resource modules: file, declaration, what one is (for "Declare a ...").
GENERATED: tuple[tuple[str, AnySpec, str], ...] = (
    ("restored_index.py", RESTORED_INDEX, "a restored index"),
    ("collection_index.py", COLLECTION_INDEX, "an index created from a collection"),
    ("index_backup.py", INDEX_BACKUP, "a backup of an index"),
)


def _annotation(prop: decl.Prop, hint: Any) -> str:
    """The user-facing type of one input (what a program may pass)."""
    if prop.name == "connection":
        return "Connection | Mapping[str, str]"
    if prop.parse is decl.duration:
        return "pulumi.Input[str | float]"
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    members = [a for a in typing.get_args(hint) if a is not type(None)] if union else [hint]
    names = []
    for member in members:
        if typing.get_origin(member) in (dict, Mapping):
            names.append("Mapping[str, pulumi.Input[str]]")
        else:
            names.append(getattr(member, "__name__", str(member)))
    return f"pulumi.Input[{' | '.join(names)}]"


def _inputs(spec: AnySpec) -> list[tuple[decl.Prop, str]]:
    hints = typing.get_type_hints(spec.inputs)
    props = tuple(decl.user_props(spec.inputs))
    return [(p, _annotation(p, hints[p.name])) for p in _ordered(props)]


def _doc(prop: decl.Prop) -> str:
    text = " ".join(prop.doc.split())
    if prop.required:
        text = f"(Required.) {text}"
    return text


def _wrapped(name: str, text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        f"{name}: {text}",
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "    ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def args_class(spec: AnySpec) -> str:
    """The ``...Args`` class of one resource."""
    kind = spec.kind
    lines = [
        "@attrs.define(kw_only=True)",
        f"class {kind}Args:",
        f'    """The inputs of a :class:`{kind}`.',
        "",
        "    Args:",
    ]
    inputs = _inputs(spec)
    for prop, _ in inputs:
        lines += _wrapped(prop.name, _doc(prop), " " * 8)
    lines += ['    """', ""]
    for prop, annotation in inputs:
        default = "" if prop.required else " | None = None"
        lines.append(f"    {prop.name}: {annotation}{default}")
    return "\n".join(lines) + "\n\n\n"


def init_method(spec: AnySpec, what: str) -> str:
    """The ``__init__`` of one resource class (inside the class, indented)."""
    kind = spec.kind
    inputs = _inputs(spec)
    lines = [
        "    def __init__(  # noqa: D417 - the inputs are documented once, on the Args class",
        "        self,",
        "        resource_name: str,",
        f"        args: {kind}Args | None = None,",
        "        opts: pulumi.ResourceOptions | None = None,",
        "        *,",
    ]
    lines += [f"        {prop.name}: {annotation} | None = None," for prop, annotation in inputs]
    lines += [
        "    ) -> None:",
        f'        """Declare {what}.',
        "",
        f"        Each input is a keyword, as documented on :class:`{kind}Args`.",
        "",
        "        Args:",
        "            resource_name: The Pulumi resource name (also the prefix of an auto-name).",
        f"            args: All inputs as a :class:`{kind}Args`, instead of keywords.",
        "            opts: Resource options (``protect``, ``ignore_changes``, ``depends_on``...).",
    ]
    required = " or ".join(f"``{p.name}``" for p, _ in inputs if p.required)
    missing = f"Both ``args`` and keywords were given, or {required or 'an input'} is missing."
    lines += ["", "        Raises:", *_wrapped("TypeError", missing, " " * 12)]
    lines += [
        '        """',
        "        # The keywords are this call's locals: the declaration picks its inputs by name.",
        "        self._declare(resource_name, args, locals(), opts)",
    ]
    return "\n".join(lines) + "\n\n"


def render(text: str, spec: AnySpec, what: str) -> str:
    """``text`` (a resource module) with its two generated blocks made anew.

    Raises:
        ValueError: The module lacks the two blocks (the Args class, then the ``__init__``).
    """
    blocks = list(_BLOCK.finditer(text))
    if len(blocks) != 2:  # noqa: PLR2004 - the Args class and the __init__
        raise ValueError(f"{spec.kind}: expected two generated blocks, found {len(blocks)}")
    pieces = [args_class(spec), init_method(spec, what)]
    out, at = "", 0
    for block, piece in zip(blocks, pieces, strict=True):
        indent = block.group("indent")
        out += text[at : block.start()] + f"{indent}{BEGIN}{piece}{indent}{END}"
        at = block.end()
    return out + text[at:]


def generate() -> dict[Path, str]:
    """Every generated module's new text."""
    out = {}
    for name, spec, what in GENERATED:
        path = PACKAGE / name
        out[path] = render(path.read_text(encoding="utf-8"), spec, what)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the generated pieces (``--check``: only say which module differs, exit 1)."""
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for path, text in generate().items():
        if path.read_text(encoding="utf-8") != text:
            stale.append(path.name)
            if not check:
                path.write_text(text, encoding="utf-8")
    if check and stale:
        sys.stderr.write(f"generated code is stale in {', '.join(stale)}: run dev.py docs\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
