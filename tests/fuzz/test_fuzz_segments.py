"""Fuzzing the segmenter: any text splits and rebuilds byte for byte, and placeholders survive.

tests/text/test_segments.py generates well-formed documents; here the input is any string,
Markdown-ish or not, and randomly edited real documents.
"""

from collections import Counter

from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from guidelines.text.placeholders import PLACEHOLDER, has_words, protect, substitute
from guidelines.text.segments import (  # _PARSER: the segmenter's own inline parser
    _PARSER,
    Segment,
    placeholder_problems,
    rebuild_document,
    restore,
    segment_document,
)
from tests.fuzz.strategies import any_text, corpus_documents, edited, examples

FUZZ = settings.get_profile("fuzz")


def check_segmentation(text: str) -> list[Segment]:
    """Assert what a segmentation promises for ``text``, and return its segments."""
    segments = segment_document(text)
    keys = [segment.key for segment in segments]
    assert len(set(keys)) == len(keys), f"duplicate keys: {keys}"
    position = 0
    for segment in segments:
        assert position <= segment.start <= segment.end <= len(text), segment
        position = segment.end
        # The source is itself a valid translation of its segment.
        assert placeholder_problems(segment, segment.source) == [], segment
        restore(segment, segment.source)
        numbers = [int(match.group(1)) for match in PLACEHOLDER.finditer(segment.source)]
        assert sorted(numbers) == list(range(1, len(segment.placeholders) + 1)), segment
    return segments


def check_round_trip(text: str) -> None:
    segments = check_segmentation(text)
    assert rebuild_document(text, {}) == text
    # Translating every segment by itself gives back the very same bytes.
    assert rebuild_document(text, {s.key: s.source for s in segments}) == text
    for segment in segments:  # and so does translating any one of them alone
        assert rebuild_document(text, {segment.key: segment.source}) == text


def reworded(source: str) -> str:
    """Return ``source`` with the case of its words swapped and its placeholders kept."""
    pieces, at = [], 0
    for match in PLACEHOLDER.finditer(source):
        pieces += [source[at : match.start()].swapcase(), match.group()]
        at = match.end()
    return "".join(pieces) + source[at:].swapcase()


@settings(FUZZ, max_examples=examples(150))
@given(any_text())
def test_any_text_splits_and_rebuilds_exactly(text: str) -> None:
    check_round_trip(text)


@settings(FUZZ)
@given(st.data())
def test_edited_real_documents_split_and_rebuild_exactly(data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(corpus_documents()))
    check_round_trip(data.draw(edited(document, max_edits=6)))


@settings(FUZZ, max_examples=examples(100))
@given(any_text())
def test_a_reworded_translation_keeps_every_placeholder(text: str) -> None:
    segments = check_segmentation(text)
    targets = {s.key: reworded(s.source) for s in segments}
    rebuilt = rebuild_document(text, targets)
    before = Counter(original for s in segments for original in s.placeholders)
    after = Counter(original for s in segment_document(rebuilt) for original in s.placeholders)
    assert after == before


TARGET_LINES = st.lists(
    st.sampled_from(
        ["Vertaald", "twee woorden", "x | y", "{1}", "{2}", "# x", "- x", "1. x", "2) x", "> x",
         "===", "---", "    x", "* * *", "+ x", "| a |", "--- | ---", "|---|", ":::", "```",
         "~~~", "[x]: /y", "\\", "<div>", "x  ", "\t", "é\u0301", "\u2028", "\r"]
    ),
    min_size=1,
    max_size=3,
).map(" ".join)  # fmt: skip
TARGETS = st.lists(TARGET_LINES, min_size=1, max_size=3).map("\n".join)


@settings(FUZZ, max_examples=examples(150))
@given(any_text(), st.integers(min_value=0), TARGETS)
# Translations that placeholder_problems let through, and that turned their paragraph into a
# link reference definition (the paragraph vanished) or into a table's header row.
@example(text="0", pick=0, target="[x]: /y")
@example(text="a b\n", pick=0, target="x | y\n--- | ---")
@example(text="- a b\n", pick=0, target="x | y\n|---|---|")
# A heading underlined with "---" reads its lines like a paragraph: "# x" or "- x" in them
# made another heading, a list...; only headings after "#" were thought of.
@example(text="dose\n`code`\n---\n", pick=0, target="{1}\n# x")
@example(text="dose\n---\n", pick=0, target="- x")
@example(text="# dose\n---\ndose\n---\n", pick=1, target="| a |")  # a table's header row
# A list item's lazy (unindented) line: "2) x" there starts a list, not only "1. x".
@example(text="- dose\ndose\n", pick=0, target="Vertaald\n2) x")
# A source line that opened nothing (a lone ":::"; "```" after a byte order mark, which was
# read as text then) let a translation put a look-alike on a line where it opens a block.
@example(text="dose\n:::\n# dose\n", pick=0, target="Vertaald\n```")
@example(text="\ufeff```\ndose\n```\n# dose\n", pick=0, target="Vertaald\n```")
def test_a_translation_without_problems_keeps_the_document_structure(
    text: str, pick: int, target: str
) -> None:
    segments = check_segmentation(text)
    if not segments:
        return
    segment = segments[pick % len(segments)]
    if placeholder_problems(segment, target) or not has_words(protect(target, _PARSER, {})[0]):
        return  # refused, or no words: a block of punctuation and code is no segment
    note(f"text={text!r}, key={segment.key!r}, target={target!r}")
    rebuilt = rebuild_document(text, {segment.key: target})
    again = segment_document(rebuilt)
    # The same blocks (the translator's own code spans or links may add placeholders), and the
    # translated one holds the translation, whole.
    assert [s.kind for s in again] == [s.kind for s in segments]
    # (White space that ends a line, U+2028 too, stays in the document but out of the segment.)
    translated = again[segments.index(segment)]
    found = substitute(translated.source, translated.placeholders)
    assert _lines(found) == _lines(restore(segment, target))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]
