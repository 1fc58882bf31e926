"""The reference pages in docs/reference are what the declarations render."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_pinecone_restore._reference import PAGES, pages

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference"


@pytest.mark.parametrize("page", PAGES)
def test_reference_page_matches_the_declarations(page: str) -> None:
    """A changed input, replace rule or output fails until the page is rendered again."""
    expected = pages()[f"{page}.md"]
    actual = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    assert actual == expected, (
        f"docs/reference/{page}.md is stale: run `python -m pulumi_pinecone_restore._reference`"
    )


def test_every_page_names_each_input_and_output() -> None:
    """Each declared input and output appears in its page's tables."""
    from pulumi_pinecone_restore._reference import _resources  # noqa: PLC0415
    from pulumi_pinecone_restore.lifecycle.inputs import user_props  # noqa: PLC0415

    for spec, _cls in _resources():
        text = pages()[f"{spec.kind}.md"]
        for prop in user_props(spec.inputs):
            assert f"| `{prop.name}` |" in text, (spec.kind, prop.name)
        for name in spec.output_names:
            assert f"| `{name}` |" in text, (spec.kind, name)


def test_the_set_page_names_each_of_its_inputs() -> None:
    """The RestoredIndexSet page lists every input the set's check accepts."""
    from pulumi_pinecone_restore.lifecycle.sets import SET_INPUTS  # noqa: PLC0415

    text = pages()["RestoredIndexSet.md"]
    assert all(f"| `{item.name}` |" in text for item in SET_INPUTS)


def test_the_functions_page_names_each_argument_the_plugin_takes() -> None:
    """Every argument and result of the plugin's functions is on the page, in both spellings."""
    from pulumi_pinecone_restore.plugin.schema import functions_schema, snake  # noqa: PLC0415

    text = pages()["Functions.md"]
    for token, fn in functions_schema().items():
        assert f"## {token.rsplit(':', 1)[-1]}" in text
        for name in [*fn["inputs"]["properties"], *fn["outputs"]["properties"]]:
            assert f"| `{name}` | `{snake(name)}` |" in text, (token, name)
