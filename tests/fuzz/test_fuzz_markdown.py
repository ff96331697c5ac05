"""Fuzzing the Markdown renderer: it never raises, and no output can run script.

The checks are those of tests/text/test_xss.py (elements and attributes as a browser's
tokenizer sees them), on generated and on randomly edited real documents.
"""

from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from guidelines.text.markdown import render_fragment, render_markdown
from guidelines.text.structure import RecommendationError, parse_recommendations, split_units
from tests.fuzz.strategies import any_text, corpus_documents, edited, examples
from tests.text.test_outline import assert_scan_agrees
from tests.text.test_xss import assert_inert

FUZZ = settings.get_profile("fuzz")


def assert_renders_inert(text: str) -> None:
    note(f"text={text!r}")
    document = render_markdown(text)
    assert_inert(document.html)
    for heading in document.toc:
        assert 1 <= heading.level <= 6
        assert "<" not in heading.anchor and '"' not in heading.anchor
    assert_inert(render_fragment(text))


@settings(FUZZ, max_examples=examples(120))
@given(any_text())
def test_any_text_renders_inert(text: str) -> None:
    assert_renders_inert(text)


@settings(FUZZ, max_examples=examples(100))
@given(any_text())
def test_any_text_has_an_outline_that_the_fast_scanner_reads_exactly(text: str) -> None:
    note(f"text={text!r}")
    assert_scan_agrees(text)
    split_units(text)
    try:
        parse_recommendations(text, strict=True)
    except RecommendationError as error:
        assert error.line is None or error.line >= 1


@settings(FUZZ)
@given(st.data())
def test_edited_real_documents_render_inert(data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(corpus_documents()))
    assert_renders_inert(data.draw(edited(document, max_edits=6)))


@settings(FUZZ)
@given(st.lists(st.sampled_from(["<", "script", ">", "[a](", "javascript:", ")", "&#", "x"])))
def test_pieces_of_an_attack_never_assemble_into_one(pieces: list[str]) -> None:
    assert_renders_inert("".join(pieces))


def numbered_anchors(titles: list[str]) -> list[str]:
    """Return the anchors of headings with these slugs, numbered the slow, obvious way."""
    used: set[str] = set()
    anchors = []
    for title in titles:
        anchor, number = f"s-{title}", 2
        while anchor in used:
            anchor, number = f"s-{title}-{number}", number + 1
        used.add(anchor)
        anchors.append(anchor)
    return anchors


@settings(FUZZ)
@given(st.lists(st.sampled_from(["h", "h-2", "h-3", "h-2-2", "x"]), min_size=1, max_size=30))
# Anchors were found by trying -2, -3... from the start for every heading: 5,000 "# h" lines
# (20 KB) took seconds. They are numbered from where the last search stopped, the same way.
@example(["h"] * 500)
@example(["h", "h-2", "h", "h", "h-2", "h-3", "h"])
def test_repeated_headings_get_anchors_numbered_first_free(
    titles: list[str],
) -> None:
    text = "".join(f"# {title}\n\n" for title in titles)
    assert [heading.anchor for heading in render_markdown(text).toc] == numbered_anchors(titles)


@settings(FUZZ, max_examples=examples(60))
@given(any_text().filter(lambda text: not text.startswith("\ufeff")))
# A byte order mark was read as text: "\ufeff# Title" rendered as a paragraph, no heading.
@example("# Title\n\nText\n")
@example("```\ncode\n```\n")
def test_a_byte_order_mark_changes_nothing_in_the_rendering(text: str) -> None:
    with_mark = render_markdown("\ufeff" + text)
    without = render_markdown(text)
    assert (with_mark.html, with_mark.toc) == (without.html, without.toc)
    assert with_mark.recommendations == without.recommendations
