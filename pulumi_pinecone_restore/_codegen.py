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

import attrs

from pulumi_pinecone_restore._reference import _ordered
from pulumi_pinecone_restore._resources import doc_entry, input_docs
from pulumi_pinecone_restore.lifecycle import inputs as decl
from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP
from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX
from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.lifecycle.index import IndexInputs
from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX
from pulumi_pinecone_restore.lifecycle.sets import SET_INPUTS

__all__ = ["GENERATED", "args_name", "generate", "main", "render", "set_init_method"]

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


def _inputs(cls: type) -> list[tuple[decl.Prop, str]]:
    """Every user input of an inputs class, in the reference pages' order, with its type."""
    hints = typing.get_type_hints(cls)
    return [(p, _annotation(p, hints[p.name])) for p in _ordered(decl.user_props(cls))]


def _base(cls: type) -> type | None:
    """The inputs class ``cls`` extends (``None`` for the root, ``CommonInputs``)."""
    base = cls.__mro__[1]
    return base if attrs.has(base) else None


def args_name(cls: type) -> str:
    """``RestoredIndexInputs`` → ``RestoredIndexArgs``; ``IndexInputs`` → ``IndexArgs``."""
    return cls.__name__.removesuffix("Inputs") + "Args"


def args_class(cls: type, of: str) -> str:
    """The ``...Args`` class of an inputs class: its own inputs, the rest from its base's.

    Args:
        cls: The inputs class (the Args classes extend each other as the inputs classes do).
        of: What they are the inputs of, for the first line (``a :class:`RestoredIndex```).
    """
    base = _base(cls)
    inherited = {p.name for p in decl.user_props(base)} if base else set()
    own = [(p, t) for p, t in _inputs(cls) if p.name not in inherited]
    head = f"The inputs of {of}"
    if base is not None:
        head += f"; also those of :class:`{args_name(base)}`"
    lines = [
        "@attrs.define(kw_only=True)",
        f"class {args_name(cls)}{f'({args_name(base)})' if base else ''}:",
        *textwrap.wrap(f'"""{head}.', width=WIDTH, initial_indent="    ", subsequent_indent="    "),
        "",
        "    Args:",
    ]
    lines += input_docs((p for p, _ in own), " " * 8, WIDTH)
    lines += ['    """', ""]
    for prop, annotation in own:
        default = "" if prop.required else " | None = None"
        lines.append(f"    {prop.name}: {annotation}{default}")
    return "\n".join(lines) + "\n\n\n"


def init_method(spec: AnySpec, what: str) -> str:
    """The ``__init__`` of one resource class (inside the class, indented)."""
    kind = spec.kind
    inputs = _inputs(spec.inputs)
    lines = [
        "    def __init__(",
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
        *textwrap.wrap(
            f"``resource_name`` is the Pulumi resource name (also an auto-name's prefix); the "
            f"inputs come as keywords or as one :class:`{kind}Args` (``args``), documented "
            "there (and below in ``help()``); ``opts`` are the resource options.",
            width=WIDTH,
            initial_indent=" " * 8,
            subsequent_indent=" " * 8,
        ),
    ]
    required = " or ".join(f"``{p.name}``" for p, _ in inputs if p.required)
    missing = f"Both ``args`` and keywords were given, or {required or 'an input'} is missing."
    lines += ["", "        Raises:", *doc_entry("TypeError", missing, " " * 12, WIDTH)]
    lines += [
        '        """',
        "        # The keywords are this call's locals: the declaration picks its inputs by name.",
        "        self._declare(resource_name, args, locals(), opts)",
    ]
    return "\n".join(lines) + "\n\n"


#: ``RestoredIndexSet``'s keyword types, by :attr:`~.lifecycle.sets.SetInput.kind`.
SET_ANNOTATIONS = {
    "members": "pulumi.Input[Mapping[str, pulumi.Input[Mapping[str, Any]]]]",
    "duration": "pulumi.Input[str | float]",
    "count": "pulumi.Input[int]",
    "connection": "Connection | Mapping[str, str]",
}


def set_init_method() -> str:
    """``RestoredIndexSet.__init__``: its required inputs positional (``members``), then opts.

    Raises:
        KeyError: A set input's kind has no annotation here.
    """
    lines = ["    def __init__(", "        self,", "        resource_name: str,"]
    lines += [f"        {i.name}: {SET_ANNOTATIONS[i.kind]}," for i in SET_INPUTS if i.required]
    lines += ["        opts: pulumi.ResourceOptions | None = None,", "        *,"]
    lines += [
        f"        {i.name}: {SET_ANNOTATIONS[i.kind]} | None = None,"
        for i in SET_INPUTS
        if not i.required
    ]
    lines += [
        "    ) -> None:",
        '        """Declare the set.',
        "",
        *textwrap.wrap(
            "``resource_name`` is the Pulumi resource name; ``opts`` are the resource options. "
            "The set's own inputs are documented where they are declared (``SET_INPUTS``), "
            "whence ``help()`` shows them below and docs/reference/RestoredIndexSet.md lists "
            "them.",
            width=WIDTH,
            initial_indent=" " * 8,
            subsequent_indent=" " * 8,
        ),
        "",
        "        Raises:",
        *doc_entry(
            "TypeError",
            "``provider``/``providers`` in ``opts`` (use ``connection``), or a member's tag "
            "has ``None`` as its value (Pulumi would drop it silently).",
            " " * 12,
            WIDTH,
        ),
        '        """',
        "        # The keywords are this call's locals: the declaration picks its inputs by name.",
        "        self._declare(resource_name, locals(), opts)",
    ]
    return "\n".join(lines) + "\n\n"


def render(text: str, pieces: list[str]) -> str:
    """``text`` (a module) with its generated blocks made anew from ``pieces``, in order.

    Raises:
        ValueError: The module has not one block per piece.
    """
    blocks = list(_BLOCK.finditer(text))
    if len(blocks) != len(pieces):
        raise ValueError(f"expected {len(pieces)} generated blocks, found {len(blocks)}")
    out, at = "", 0
    for block, piece in zip(blocks, pieces, strict=True):
        indent = block.group("indent")
        out += text[at : block.start()] + f"{indent}{BEGIN}{piece}{indent}{END}"
        at = block.end()
    return out + text[at:]


def _pieces() -> dict[str, list[str]]:
    """Each generated module's blocks: the shared Args bases, then each resource's."""
    common, index = decl.CommonInputs, IndexInputs
    out = {
        "_resources.py": [
            args_class(common, "every resource") + args_class(index, "every index resource")
        ]
    }
    for name, spec, what in GENERATED:
        of = f"a :class:`{spec.kind}`"
        out[name] = [args_class(spec.inputs, of), init_method(spec, what)]
    out["clone.py"] = [set_init_method()]
    return out


def generate() -> dict[Path, str]:
    """Every generated module's new text."""
    return {
        PACKAGE / name: render((PACKAGE / name).read_text(encoding="utf-8"), pieces)
        for name, pieces in _pieces().items()
    }


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
