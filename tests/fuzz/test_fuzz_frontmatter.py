"""Fuzzing front matter: any text splits exactly, or is refused with a FrontMatterError."""

from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from guidelines.text.frontmatter import FrontMatterError, body_offset, split_front_matter
from tests.fuzz.strategies import SEPARATORS, any_text, examples

FUZZ = settings.get_profile("fuzz")

YAML_LINES = [
    "title: Osteogenesis imperfecta",
    "published: 2024-05-01",
    "published: 2020-02-30",
    "published: 2020-13-01 25:61:61",
    "at: 9999-12-31T23:59:59+99:99",
    "n: 1e999",
    "n: 0x",
    "n: 12:30:00",
    "orpha: [355, 'x']",
    "a: &a [x, x]",
    "b: [*a, *a]",
    "c: *missing",
    "? [a]",
    ": b",
    "{[1]: 2}",
    "d: !!binary zz",
    "e: !!python/object:os.system x",
    "%YAML 1.1",
    "- item",
    "'unclosed",
    '"\\x"',
    "\tf: tab",
    "[" * 40,
    "{" * 40,
    "x: |",
    "  block",
    "...",
    "--- !!set",
]


@st.composite
def front_matter_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(YAML_LINES) | st.text(max_size=12), max_size=8))
    newline = draw(st.sampled_from(SEPARATORS[:5]))
    fence = draw(st.sampled_from(["---", "--- ", "---\t"]))
    opening = draw(st.sampled_from(["", "\ufeff"])) + fence + newline
    return opening + newline.join(lines) + newline + fence + newline + draw(st.text(max_size=20))


@settings(FUZZ, max_examples=examples(150))
@given(front_matter_texts() | any_text())
# PyYAML's bare ValueError for an impossible date, RecursionError for deep nesting, and a
# "billion laughs" of aliases whose str() would never finish.
@example("---\npublished: 2020-02-30\n---\nBody\n")
@example("---\n" + "[" * 5000 + "\n---\n")
@example("---\na: &a [x, x]\nb: &b [*a, *a]\ntitle: *b\n---\n")
@example("\ufeff# Title\n")  # a byte order mark is no part of the body, with or without YAML
def test_any_text_splits_exactly_or_is_refused_with_a_line(text: str) -> None:
    note(f"text={text!r}")
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError as error:
        assert error.line >= 1
        return
    assert isinstance(meta, dict)
    assert text[: body_offset(text)] + body == text
    str(meta)  # what an import does with the values
