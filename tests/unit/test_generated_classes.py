"""The resource classes' Args and __init__ are what the declarations generate."""

from __future__ import annotations

import inspect
import pydoc
import typing

import attrs
import pytest

from pulumi_pinecone_restore import (
    CollectionIndex,
    IndexBackup,
    RestoredIndex,
    RestoredIndexSet,
    _codegen,
)
from pulumi_pinecone_restore._codegen import GENERATED, generate
from pulumi_pinecone_restore.lifecycle.inputs import user_props
from pulumi_pinecone_restore.lifecycle.sets import SET_INPUTS, SetInput, SetInputKind


@pytest.mark.parametrize("path", list(generate()), ids=lambda p: p.name)
def test_generated_code_matches_the_declarations(path: object) -> None:
    """A changed input (name, type, text, required) fails until `dev.py docs` writes it again."""
    expected = generate()[path]  # type: ignore[index]
    assert path.read_text(encoding="utf-8") == expected, (  # type: ignore[attr-defined]
        f"{path}: the generated Args/__init__ are stale; run `python3 dev.py docs`"
    )


@pytest.mark.parametrize("cls", [RestoredIndex, CollectionIndex, IndexBackup])
def test_every_input_is_a_typed_keyword_with_its_text(cls: type) -> None:
    """Each declared input is a typed keyword of __init__ and a field of the documented Args."""
    spec = next(spec for _, spec, _ in GENERATED if spec.kind == cls.__name__)
    keywords = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    args = vars(inspect.getmodule(cls))[f"{cls.__name__}Args"]
    args_doc = " ".join(inspect.getdoc(base) or "" for base in args.__mro__)
    assert set(attrs.fields_dict(args)) == {p.name for p in user_props(spec.inputs)}
    init_doc = inspect.getdoc(cls.__init__) or ""  # type: ignore[misc]
    assert f"{cls.__name__}Args" in init_doc
    for prop in user_props(spec.inputs):
        assert keywords[prop.name].kind is inspect.Parameter.KEYWORD_ONLY
        first_words = " ".join(prop.doc.split()[:4])
        assert first_words in " ".join(args_doc.split()), (cls.__name__, prop.name)
        assert keywords[prop.name].annotation != inspect.Parameter.empty


def _help(cls: type) -> str:
    page = pydoc.render_doc(cls, renderer=pydoc.plaintext).split()  # type: ignore[attr-defined]
    return " ".join(word for word in page if word != "|")  # pydoc's margin of a class's members


@pytest.mark.parametrize("cls", [RestoredIndex, CollectionIndex, IndexBackup])
def test_help_shows_every_input_with_its_declared_text(cls: type) -> None:
    """help() of a resource class shows each input's whole declared text in __init__'s Args."""
    spec = next(spec for _, spec, _ in GENERATED if spec.kind == cls.__name__)
    shown = _help(cls)
    for prop in user_props(spec.inputs):
        assert f"{prop.name}: " in shown, (cls.__name__, prop.name)
        assert " ".join(prop.doc.split()) in shown, (cls.__name__, prop.name)


def test_the_set_takes_and_documents_its_declared_inputs() -> None:
    """RestoredIndexSet's keywords are SET_INPUTS' names, and help() shows each one's text."""
    keywords = inspect.signature(RestoredIndexSet.__init__).parameters
    assert set(keywords) - {"self", "resource_name", "opts"} == {i.name for i in SET_INPUTS}
    shown = _help(RestoredIndexSet)
    for item in SET_INPUTS:
        assert f"{item.name}: {' '.join(item.doc.split())}" in shown.replace("(Required.) ", "")


def test_a_new_set_input_becomes_a_typed_keyword(monkeypatch: pytest.MonkeyPatch) -> None:
    """The set's keywords follow SET_INPUTS: a required one is positional, the rest keywords."""
    extra = (
        SetInput("nightly", "Restore nightly.", kind="count"),
        SetInput("plan", "The plan.", kind="duration", required=True),
    )
    monkeypatch.setattr(_codegen, "SET_INPUTS", (*SET_INPUTS, *extra))
    made = _codegen.set_init_method()
    head = made.split(") -> None:")[0]
    assert "        nightly: pulumi.Input[int] | None = None," in head.split("*,")[1]
    positional = head.split("opts:")[0]
    assert "        members: pulumi.Input[Mapping" in positional
    assert "        plan: pulumi.Input[str | float]," in positional


def test_every_set_input_kind_has_a_keyword_type() -> None:
    """A SetInput kind without a Python type would fail `dev.py docs`; each declared one has it."""
    kinds = typing.get_args(SetInputKind)
    assert set(_codegen.SET_ANNOTATIONS) == set(kinds)
    assert {item.kind for item in SET_INPUTS} <= set(kinds)
