"""Reference pages for the resources, rendered from the same declarations as the code.

``docs/reference/<Resource>.md`` is written by ``python -m pulumi_pinecone_restore._reference``
(or ``python3 dev.py docs``). A test renders every page again and fails when a file differs, so
the pages cannot drift from the inputs, replace rules and outputs that the code declares.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from pathlib import Path

from pulumi_pinecone_restore.lifecycle.engine import AnySpec
from pulumi_pinecone_restore.lifecycle.inputs import CommonInputs, Prop, user_props

__all__ = ["PAGES", "render", "write_pages"]

_HEADER = (
    "<!-- Generated from the resource declarations by "
    "`python -m pulumi_pinecone_restore._reference`; do not edit by hand. -->\n"
)


def _resources() -> list[tuple[AnySpec, type]]:
    from pulumi_pinecone_restore.collection_index import CollectionIndex  # noqa: PLC0415
    from pulumi_pinecone_restore.index_backup import IndexBackup  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.backup import INDEX_BACKUP  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.collection import COLLECTION_INDEX  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.restore import RESTORED_INDEX  # noqa: PLC0415
    from pulumi_pinecone_restore.restored_index import RestoredIndex  # noqa: PLC0415

    return [
        (RESTORED_INDEX, RestoredIndex),
        (COLLECTION_INDEX, CollectionIndex),
        (INDEX_BACKUP, IndexBackup),
    ]


PAGES = ("RestoredIndex", "CollectionIndex", "IndexBackup", "RestoredIndexSet", "Functions")
SET_PAGE = "RestoredIndexSet"
FUNCTIONS_PAGE = "Functions"


def _attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings under annotated class attributes, for ``cls`` and its bases."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("pulumi_pinecone_restore"):
            continue
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def _summary_and_example(cls: type) -> tuple[str, str]:
    doc = inspect.getdoc(cls) or ""
    summary, _, rest = doc.partition("\n\n")
    example = ""
    if "Example:" in rest:
        lines = rest.split("Example:", 1)[1].strip("\n").splitlines()
        code = [
            line.strip()[4:].split("  # doctest")[0].rstrip()
            for line in lines
            if line.strip().startswith((">>> ", "... "))
        ]
        example = "\n".join(code)
    intro = rest.split("Example:", 1)[0].strip()
    text = " ".join(summary.split())
    if intro:
        text += "\n\n" + "\n".join(" ".join(p.split()) for p in intro.split("\n\n"))
    return text, example


def _ordered(props: tuple[Prop, ...]) -> list[Prop]:
    """Required inputs first, then the resource's own, then those every resource has."""
    common = {p.name for p in user_props(CommonInputs)}
    return sorted(props, key=lambda p: (p.required is None, p.name in common))


def _md(text: str) -> str:
    """Docstring text as Markdown: reST double backticks become single ones."""
    return text.replace("``", "`")


def _on_change(spec: AnySpec, name: str, replace: bool, update: bool) -> str:
    if replace:
        if spec.unique_name and name == "name":
            return "replace (the new index is created first, then the old one is deleted)"
        if spec.unique_name and name in (spec.name_origin or ()):
            return (
                "replace (auto-named: the new index is created first; with an explicit `name` "
                "the old one is deleted first, since names are unique)"
            )
        if spec.unique_name:
            return "replace (delete-before-replace when the name stays the same)"
        return "replace (the new one is created first)"
    if update:
        return "update in place"
    return "-"


def render(spec: AnySpec, cls: type) -> str:
    """The Markdown reference page of one resource.

    Args:
        spec: The resource's declaration.
        cls: The user-facing resource class.

    Returns:
        The page text.
    """
    summary, example = _summary_and_example(cls)
    out_docs = _attribute_docs(cls)
    lines = [_HEADER, f"# {spec.kind}", "", _md(summary), ""]
    if example:
        lines += ["```python", example, "```", ""]
    lines += [
        "## Inputs",
        "",
        "| input | required | on change | description |",
        "|---|---|---|---|",
    ]
    for prop in _ordered(user_props(spec.inputs)):
        required = "yes" if prop.required else "no"
        change = _on_change(spec, prop.name, prop.replace, prop.update)
        doc = _md(" ".join(prop.doc.split())).replace("|", "\\|")
        lines.append(f"| `{prop.name}` | {required} | {change} | {doc} |")
    lines += [
        "",
        (
            "Every input may be an output of another resource; a value not known at preview is "
            "checked once it is known, and a replace key that is not known yet shows as a "
            "possible replacement."
        ),
        "",
        _plugin_note(user_props(spec.inputs)),
        "",
        "## Outputs",
        "",
        "| output | description |",
        "|---|---|",
    ]
    for name in spec.output_names:
        text = out_docs.get(name, "The input of the same name, as stored.")
        doc = _md(text).replace("|", "\\|")
        lines.append(f"| `{name}` | {doc} |")
    lines += [
        "",
        "## Lookup",
        "",
        (
            f"`{spec.kind}.get(resource_name, id, opts=None, *, connection=None)` reads an "
            "existing object without managing it."
        ),
        "",
    ]
    return "\n".join(lines)


def _plugin_note(props: tuple[Prop, ...]) -> str:
    """How the provider plugin's schema spells these inputs, and which it leaves out."""
    from pulumi_pinecone_restore.plugin.schema import PLUGIN_INPUT_EXCLUDED, camel  # noqa: PLC0415

    note = (
        "Through the provider plugin (YAML and the other languages) the inputs and outputs are "
        "spelt in camelCase (`"
        + "`, `".join(camel(p.name) for p in props if "_" in p.name)
        + "`), and `customTimeouts` reach the create and the delete."
    )
    left_out = [p.name for p in props if p.name in PLUGIN_INPUT_EXCLUDED]
    if left_out:
        note += (
            f" `{'`, `'.join(left_out)}` is left out of the plugin's schema on purpose: there, "
            "an explicit provider resource (with its own `apiKey` and `controllerHost`) is the "
            "way to another project."
        )
    return note


def render_functions() -> str:
    """The reference page of the lookups: the plugin's functions and their Python forms."""
    from pulumi_pinecone_restore.plugin.schema import functions_schema, snake  # noqa: PLC0415

    lines = [
        _HEADER,
        f"# {FUNCTIONS_PAGE}",
        "",
        (
            "Lookups that read only and register no resource. A Python program calls "
            "`get_x(...)` (plain values, blocks) or `get_x_output(...)` (inputs may be outputs; "
            "returns an Output) from `pulumi_pinecone_restore`; the provider plugin serves the "
            "same lookups as functions (`fn::invoke` in YAML), with camelCase names."
        ),
        "",
    ]
    for token_, fn in functions_schema().items():
        name = token_.rsplit(":", 1)[-1]
        python = snake(name)
        lines += [
            f"## {name}",
            "",
            f"`{token_}`; in Python `{python}(...)` and `{python}_output(...)`.",
            "",
            fn["description"],
            "",
            "| argument | Python | required | description |",
            "|---|---|---|---|",
        ]
        required = set(fn["inputs"].get("required", ()))
        for arg, spec in fn["inputs"]["properties"].items():
            doc = spec["description"].replace("|", "\\|")
            need = "yes" if arg in required else "no"
            lines.append(f"| `{arg}` | `{snake(arg)}` | {need} | {doc} |")
        lines += ["", "| result | Python | description |", "|---|---|---|"]
        for out, spec in fn["outputs"]["properties"].items():
            doc = spec["description"].replace("|", "\\|")
            lines.append(f"| `{out}` | `{snake(out)}` | {doc} |")
        lines.append("")
    return "\n".join(lines)


def render_set() -> str:
    """The reference page of ``RestoredIndexSet``: its own inputs (members are RestoredIndex's)."""
    from pulumi_pinecone_restore.clone import RestoredIndexSet  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.sets import SET_INPUTS  # noqa: PLC0415

    summary, _ = _summary_and_example(RestoredIndexSet)
    out_docs = _attribute_docs(RestoredIndexSet)
    lines = [
        _HEADER,
        f"# {SET_PAGE}",
        "",
        _md(summary),
        "",
        "## Inputs",
        "",
        "| input | required | on change | description |",
        "|---|---|---|---|",
    ]
    for item in SET_INPUTS:
        doc = _md(" ".join(item.doc.split())).replace("|", "\\|")
        required = "yes" if item.required else "no"
        lines.append(f"| `{item.name}` | {required} | update in place | {doc} |")
    lines += ["", "## Outputs", "", "| output | description |", "|---|---|"]
    for name, text in out_docs.items():
        lines.append(f"| `{name}` | {_md(text).replace('|', chr(92) + '|')} |")
    lines += [
        "",
        (
            "`CloneEnvironment` makes one of these for its clones and passes `create_timeout`, "
            "`max_concurrency` and `connection` through; see [cloning](../cloning.md)."
        ),
        "",
    ]
    return "\n".join(lines)


def write_pages(directory: Path) -> list[Path]:
    """Write every reference page into ``directory``; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def pages() -> dict[str, str]:
    """Every page's file name and text, as :func:`write_pages` would write them."""
    rendered = {f"{spec.kind}.md": render(spec, cls) for spec, cls in _resources()}
    rendered[f"{SET_PAGE}.md"] = render_set()
    rendered[f"{FUNCTIONS_PAGE}.md"] = render_functions()
    return rendered


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/reference")
    for written_path in write_pages(target):
        sys.stdout.write(f"wrote {written_path}\n")
