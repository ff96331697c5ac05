"""Segments for translators: what they see, their keys, and the exact rebuild of a document."""

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidelines.text.placeholders import PLACEHOLDER
from guidelines.text.segments import (
    PlaceholderError,
    Segment,
    _segmentation,
    placeholder_problems,
    rebuild_document,
    restore,
    segment_document,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
CORPUS_GLOBS = (
    "versions/*/*.md",
    "search/*.md",
    "search-extra/**/*.md",
    "nl/*.md",
    "i18n/**/*.md",
    "fr/*.md",
)

GUIDELINE = """\
---
title: Osteogenesis imperfecta
network: bot
---
# Osteogenesis imperfecta

Brittle bones, see [the guideline](https://x.org/a) and `ORPHA:666`.

## Treatment

Bisphosphonates are used in children.

- Pamidronate every
  three months
- Zoledronic acid

| Drug | Dose |
|------|------|
| Pamidronate | 1 mg/kg |

::: recommendation R3.1 strength=strong certainty=moderate direction=for
We recommend annual bone densitometry in adults.
:::

### Adults

> Adults need
> fewer visits.
"""


def by_key(text: str) -> dict[str, Segment]:
    return {segment.key: segment for segment in segment_document(text)}


def sources(text: str) -> dict[str, str]:
    return {segment.key: segment.source for segment in segment_document(text)}


def shout(source: str) -> str:
    """Translate by upper-casing everything but the placeholders."""
    return PLACEHOLDER.sub(lambda match: match.group(), source.upper())


# --- Kinds, keys and paths ---


def test_guideline_splits_into_keyed_segments_of_each_kind() -> None:
    assert [(s.key, s.kind) for s in segment_document(GUIDELINE)] == [
        ("s-osteogenesis-imperfecta/h", "heading"),
        ("s-osteogenesis-imperfecta/p1", "paragraph"),
        ("s-treatment/h", "heading"),
        ("s-treatment/p1", "paragraph"),
        ("s-treatment/li1", "list_item"),
        ("s-treatment/li2", "list_item"),
        ("s-treatment/td1.1.1", "table_cell"),
        ("s-treatment/td1.1.2", "table_cell"),
        ("s-treatment/td1.2.1", "table_cell"),
        ("s-treatment/td1.2.2", "table_cell"),
        ("rec-r3-1", "recommendation"),
        ("s-adults/h", "heading"),
        ("s-adults/q1", "blockquote"),
    ]


def test_path_is_the_heading_path_of_the_section() -> None:
    segments = by_key(GUIDELINE)
    assert segments["s-adults/q1"].path == "Osteogenesis imperfecta > Treatment > Adults"
    assert segments["s-treatment/li1"].path == "Osteogenesis imperfecta > Treatment"
    assert segment_document("Before any heading.\n\n# Title\n")[0].path == ""


def test_text_before_the_first_heading_is_keyed_preamble() -> None:
    assert [s.key for s in segment_document("Intro.\n\n# Title\n")] == ["preamble/p1", "s-title/h"]


def test_heading_source_is_its_text_without_hashes_or_closing_sequence() -> None:
    segment = segment_document("##   Dose and timing   ##  \n")[0]
    assert (segment.kind, segment.source) == ("heading", "Dose and timing")


def test_setext_heading_keeps_its_lines_without_the_underline() -> None:
    segment = segment_document("Dose and\ntiming\n======\n")[0]
    assert (segment.kind, segment.source) == ("heading", "Dose and\ntiming")


def test_list_item_source_has_no_markers_or_continuation_indentation() -> None:
    segment = by_key(GUIDELINE)["s-treatment/li1"]
    assert segment.source == "Pamidronate every\nthree months"


def test_nested_and_numbered_list_items_count_on_in_their_section() -> None:
    text = "1. First\n   - nested *one*\n2. Second\n\n   More of the second.\n"
    segments = segment_document(text)
    assert [(s.key, s.source) for s in segments] == [
        ("preamble/li1", "First"),
        ("preamble/li2", "nested *one*"),
        ("preamble/li3", "Second"),
        ("preamble/li4", "More of the second."),
    ]


def test_table_cells_are_keyed_by_table_row_and_column() -> None:
    text = "# T\n\n| a | b |\n|---|---|\n| c | d \\| e |\n\n|x|\n|-|\n|y|\n"
    assert sources(text) == {
        "s-t/h": "T",
        "s-t/td1.1.1": "a",
        "s-t/td1.1.2": "b",
        "s-t/td1.2.1": "c",
        "s-t/td1.2.2": "d \\| e",
        "s-t/td2.1.1": "x",
        "s-t/td2.2.1": "y",
    }


def test_blockquote_source_has_no_quote_markers() -> None:
    assert by_key(GUIDELINE)["s-adults/q1"].source == "Adults need\nfewer visits."


def test_recommendation_text_is_a_segment_without_its_attributes() -> None:
    segment = by_key(GUIDELINE)["rec-r3-1"]
    assert segment.source == "We recommend annual bone densitometry in adults."
    assert "strength" not in segment.source


def test_recommendation_paragraphs_after_the_first_are_numbered_within_the_block() -> None:
    text = "::: recommendation R1 strength=strong\nFirst.\n\nSecond.\n\n- item\n:::\n"
    assert sources(text) == {"rec-r1": "First.", "rec-r1/p2": "Second.", "rec-r1/li1": "item"}


def test_segment_span_holds_its_text_in_the_document() -> None:
    for segment in segment_document(GUIDELINE):
        if "\n" not in segment.source:
            assert GUIDELINE[segment.start : segment.end] == restore(segment, segment.source)


def test_front_matter_is_not_a_segment() -> None:
    assert all("network" not in s.source for s in segment_document(GUIDELINE))


def test_code_blocks_are_not_segments() -> None:
    text = "```python\nprint('hello world')\n```\n\n    indented code line\n\nText.\n"
    assert sources(text) == {"preamble/p1": "Text."}


# --- Placeholders ---


@pytest.mark.parametrize(
    ("markdown", "source", "placeholders"),
    [
        (
            "See [the guideline](https://x.org/a).",
            "See [the guideline]({1}).",
            ("https://x.org/a",),
        ),
        ('A [link](<a b.md> "Title") here.', "A [link]({1}) here.", ('<a b.md> "Title"',)),
        ("An ![x-ray image](img/xr.png) here.", "An ![x-ray image]({1}) here.", ("img/xr.png",)),
        ("Mail <https://who.int/x> now.", "Mail {1} now.", ("<https://who.int/x>",)),
        ("Go to https://who.int/a_(b), now.", "Go to {1}, now.", ("https://who.int/a_(b)",)),
        ("Visit www.who.int.", "Visit {1}.", ("www.who.int",)),
        ("Write to info@rare.be today.", "Write to {1} today.", ("info@rare.be",)),
        ("Run `x = {1}` first.", "Run {1} first.", ("`x = {1}`",)),
        ("Text {% include x.md %} more.", "Text {1} more.", ("{% include x.md %}",)),
        ("Hello {{ page.name }} there.", "Hello {1} there.", ("{{ page.name }}",)),
        ("Keep {1} and {x} apart.", "Keep {1} and {2} apart.", ("{1}", "{x}")),
        ("A line<br>break here.", "A line{1}break here.", ("<br>",)),
        ('The <a href="x.html">page</a>.', "The {1}page{2}.", ('<a href="x.html">', "</a>")),
        ("See [text][ref] here.\n\n[ref]: https://x.org", "See [text][{1}] here.", ("ref",)),
        ("See [ref] here.\n\n[ref]: https://x.org", "See {1} here.", ("[ref]",)),
        ("A **bold** and _em_ word.", "A **bold** and _em_ word.", ()),
    ],
)
def test_protected_parts_become_numbered_placeholders(
    markdown: str, source: str, placeholders: tuple[str, ...]
) -> None:
    segment = segment_document(markdown)[0]
    assert (segment.source, segment.placeholders) == (source, placeholders)


def test_placeholders_side_by_side_become_one() -> None:
    segment = segment_document("Code: {% highlight xml %}{% include a.xml %}\n")[0]
    assert segment.source == "Code: {1}"


def test_a_code_span_inside_link_text_is_protected() -> None:
    segment = segment_document("See [the `x` option](https://x.org).")[0]
    assert segment.source == "See [the {1} option]({2})."


def test_paragraph_of_placeholders_only_is_not_a_segment() -> None:
    text = "{% include header.md %}\n\n<meta charset='utf-8' />\n\n`code`\n\nWords.\n"
    assert sources(text) == {"preamble/p1": "Words."}


# --- Corpus quirks ---


def test_heading_hashes_without_a_space_stay_out_of_the_source() -> None:
    text = "<meta http-equiv='Content-Type' content='text/html' />\n\n##Besluit van 1995\n"
    segments = segment_document(text)
    assert [(s.kind, s.source) for s in segments] == [("paragraph", "Besluit van 1995")]
    assert rebuild_document(text, {segments[0].key: "BESLUIT"}).endswith("\n##BESLUIT\n")


def test_heading_attribute_list_stays_out_of_the_source() -> None:
    segment = segment_document("## Method {#select-step}\n")[0]
    assert segment.source == "Method"
    assert rebuild_document("## Method {#select-step}\n", {segment.key: "Methode"}) == (
        "## Methode {#select-step}\n"
    )


def test_byte_order_mark_stays_out_of_the_source() -> None:
    assert segment_document("\ufeffHello world.\n")[0].source == "Hello world."


# --- Keys stay stable ---

BASE = "# A\n\nOne.\n\nTwo.\n\n# B\n\nThree.\n\n- four\n\n# C\n\n| x |\n|---|\n| y |\n"


@pytest.mark.parametrize(
    "edited",
    [
        BASE.replace("One.", "New first.\n\nOne, changed."),
        BASE.replace("# A\n\nOne.\n\nTwo.\n\n", ""),
        BASE.replace("# A", "# A\n\n- added item\n\n| new | table |\n|-|-|\n\n## A2\n\nText."),
    ],
)
def test_keys_of_a_section_do_not_change_when_another_section_changes(edited: str) -> None:
    for section in ("s-b/", "s-c/"):
        before = {k: v for k, v in sources(BASE).items() if k.startswith(section)}
        after = {k: v for k, v in sources(edited).items() if k.startswith(section)}
        assert after == before


def test_recommendation_key_does_not_change_when_its_section_changes() -> None:
    block = "::: recommendation R2 strength=strong\nDo it.\n:::\n"
    before = sources(f"# A\n\n{block}")
    after = sources(f"# A\n\nNew text.\n\n- new item\n\n{block}")
    assert before["rec-r2"] == after["rec-r2"] == "Do it."


def test_keys_are_unique() -> None:
    text = "# A\n\nx\n\n# A\n\nx\n\n::: recommendation R1\ny\n:::\n::: recommendation R1\ny\n:::\n"
    keys = [s.key for s in segment_document(text)]
    assert len(keys) == len(set(keys)) == 6


# --- Rebuild ---


def test_rebuild_with_sources_gives_the_document_back() -> None:
    assert rebuild_document(GUIDELINE, sources(GUIDELINE)) == GUIDELINE


def test_translated_rebuild_keeps_syntax_urls_and_attributes() -> None:
    translated = {s.key: shout(s.source) for s in segment_document(GUIDELINE)}
    rebuilt = rebuild_document(GUIDELINE, translated)
    assert rebuilt == (
        GUIDELINE.split("# Osteo")[0]
        + """\
# OSTEOGENESIS IMPERFECTA

BRITTLE BONES, SEE [THE GUIDELINE](https://x.org/a) AND `ORPHA:666`.

## TREATMENT

BISPHOSPHONATES ARE USED IN CHILDREN.

- PAMIDRONATE EVERY
  THREE MONTHS
- ZOLEDRONIC ACID

| DRUG | DOSE |
|------|------|
| PAMIDRONATE | 1 MG/KG |

::: recommendation R3.1 strength=strong certainty=moderate direction=for
WE RECOMMEND ANNUAL BONE DENSITOMETRY IN ADULTS.
:::

### ADULTS

> ADULTS NEED
> FEWER VISITS.
"""
    )
    assert [s.kind for s in segment_document(rebuilt)] == [
        s.kind for s in segment_document(GUIDELINE)
    ]


def test_rebuild_keeps_segments_missing_from_targets_and_ignores_unknown_keys() -> None:
    rebuilt = rebuild_document(GUIDELINE, {"s-treatment/h": "Behandeling", "nope/p1": "x"})
    assert rebuilt == GUIDELINE.replace("## Treatment", "## Behandeling")


def test_lines_added_by_a_translation_are_indented_like_their_paragraph() -> None:
    text = "- item\n\n> quoted\n\n1. one\n"
    rebuilt = rebuild_document(
        text, {"preamble/li1": "a\nb", "preamble/q1": "c\nd", "preamble/li2": "e\nf"}
    )
    assert rebuilt == "- a\n  b\n\n> c\n> d\n\n1. e\n   f\n"


def test_lines_dropped_by_a_translation_drop_their_prefixes() -> None:
    text = "> one\n> two\n> three\n"
    assert rebuild_document(text, {"preamble/q1": "een twee\ndrie"}) == "> een twee\n> drie\n"


def test_white_space_around_translated_lines_is_dropped() -> None:
    rebuilt = rebuild_document("- item\n  more\n", {"preamble/li1": "  een \n\t twee  "})
    assert rebuilt == "- een\n  twee\n"


def test_crlf_document_round_trips_and_keeps_crlf_in_added_lines() -> None:
    text = "# Title\r\n\r\nOne line\r\nand two.\r\n\r\n- item\r\n"
    segments = segment_document(text)
    assert all("\r" not in s.source for s in segments)
    assert rebuild_document(text, sources(text)) == text
    rebuilt = rebuild_document(text, {"s-title/li1": "een\r\ntwee\ndrie"})
    assert rebuilt == "# Title\r\n\r\nOne line\r\nand two.\r\n\r\n- een\r\n  twee\r\n  drie\r\n"


def test_trailing_white_space_stays_in_the_document_not_the_source() -> None:
    text = "Line one   \nline two  \n\n# Head  \n"
    assert [s.source for s in segment_document(text)] == ["Line one\nline two", "Head"]
    assert rebuild_document(text, sources(text)) == text


def test_document_without_trailing_newline_round_trips() -> None:
    text = "# Title\n\nLast line"
    assert segment_document(text)[-1].source == "Last line"
    assert rebuild_document(text, {"s-title/p1": "Laatste regel"}) == "# Title\n\nLaatste regel"


def test_rebuild_refuses_a_target_with_placeholder_problems() -> None:
    text = "See [x](https://x.org).\n"
    with pytest.raises(PlaceholderError, match=r"preamble/p1: \{1\} is missing"):
        rebuild_document(text, {"preamble/p1": "Zie x."})


# --- Problems and restore ---


def segment(source: str, count: int, kind: str = "paragraph") -> Segment:
    placeholders = tuple(f"<{n}>" for n in range(1, count + 1))
    return Segment("s-a/p1", kind, source, "A", placeholders, 0, len(source))


def test_placeholder_problems_is_empty_for_a_good_target() -> None:
    assert placeholder_problems(segment("a {1} b {2}", 2), "{2} x {1}") == []


@pytest.mark.parametrize(
    ("target", "problems"),
    [
        ("x {1}", ["{2} is missing"]),
        ("{1} {2} {5}", ["{5} is unknown"]),
        ("{1} {1} {2}", ["{1} appears twice"]),
        ("{1} {1} {1} {2}", ["{1} appears 3 times"]),
        ("{1} {02}", ["{2} is missing", "{02} is unknown"]),
        ("", ["{1} is missing", "{2} is missing", "the translation is empty"]),
        ("{1}\n\n{2}", ["a blank line would split the text in two"]),
        ("# {1} {2}", ["line 1 would start a heading"]),
        ("{1}\n- {2}", ["line 2 would start a list item"]),
        ("{1} {2}\n===", ["line 2 would start a heading underline"]),
    ],
)
def test_placeholder_problems_names_each_problem(target: str, problems: list[str]) -> None:
    assert placeholder_problems(segment("a {1} b {2}", 2), target) == problems


def test_line_starts_already_in_the_source_are_no_problem() -> None:
    assert placeholder_problems(segment("Dose:\n- 5 mg", 0), "Dosis:\n- 5 mg") == []


def test_heading_and_table_cell_must_stay_on_one_line() -> None:
    assert placeholder_problems(segment("Title", 0, "heading"), "Een\ntitel") == [
        "a heading must stay on one line"
    ]
    assert placeholder_problems(segment("cell", 0, "table_cell"), "a | b") == [
        "an unescaped '|' would split the table cell; write '\\|'"
    ]
    assert placeholder_problems(segment("cell", 0, "table_cell"), "a \\| b") == []


def test_restore_puts_the_originals_back() -> None:
    assert restore(segment("a {1} b {2}", 2), "{2} en {1}\r\nx") == "<2> en <1>\nx"


def test_restore_raises_with_the_key_and_every_problem() -> None:
    with pytest.raises(PlaceholderError, match=r"^segment s-a/p1: \{2\} is missing; \{3\}"):
        restore(segment("a {1} b {2}", 2), "{1} {3}")


# --- Generated documents ---

WORD = st.text(alphabet="abzXé0 .,;:-*_()[]!#<>`{}|\\/@&%=+~\t\u00a0\u2003\x00", max_size=12)
INLINE_PIECE = st.one_of(
    WORD,
    st.sampled_from(
        [
            "`code {1}`",
            "[text](https://x.org/a)",
            "![alt](i.png)",
            "<https://a.b>",
            "https://w.org/x.",
            "{1}",
            "{x}",
            "{% include a.md %}",
            "**bold**",
            "\\|",
            "&amp;",
            "<br>",
            "[ref]",
            "a@b.be",
        ]
    ),
)
INLINE = st.lists(INLINE_PIECE, min_size=1, max_size=6).map(" ".join)
LINES = st.lists(INLINE, min_size=1, max_size=3)


@st.composite
def blocks(draw: st.DrawFn) -> str:
    lines = draw(LINES)
    kind = draw(st.integers(0, 13))
    if kind == 0:
        hashes = "#" * draw(st.integers(1, 7)) + draw(st.sampled_from([" ", "", "  "]))
        return hashes + lines[0] + draw(st.sampled_from(["", " {#id}", " ##", " {: .x}"]))
    if kind == 1:
        return "\n".join(lines)
    if kind == 2:
        marker = draw(st.sampled_from(["- ", "* ", "1. ", "10) "]))
        indent = " " * draw(st.integers(0, len(marker) + 1))
        return marker + ("\n" + indent).join(lines)
    if kind == 3:
        return "> " + "\n> ".join(lines) if draw(st.booleans()) else ">" + "\n".join(lines)
    if kind == 4:
        cells = draw(st.lists(INLINE, min_size=1, max_size=3))
        row = "| " + " | ".join(cells) + " |"
        return f"{row}\n|{'---|' * len(cells)}\n{row}\n{' | '.join(lines)}"
    if kind == 5:
        return "```\n" + "\n".join(lines) + "\n```"
    if kind == 6:
        return "::: recommendation R1 strength=strong\n" + "\n".join(lines) + "\n:::"
    if kind == 7:
        return "\n".join(lines) + "\n" + draw(st.sampled_from(["===", "---", "- x"]))
    if kind == 8:
        return "- " + lines[0] + "\n  - " + "\n    ".join(lines)
    if kind == 9:
        return "    " + "\n    ".join(lines)
    if kind == 10:
        return "[ref]: https://x.org/r"
    if kind == 11:
        prefix = draw(st.sampled_from(["> - ", ">\t-\t", "- > ", "-\t", "> 1. "]))
        continuation = draw(st.sampled_from(["\n>   ", "\n  > ", "\n", "\n\t", ">    "]))
        return prefix + continuation.join(lines)
    if kind == 12:
        return "> | a | b |\n> |---|---|\n> | " + " | ".join(lines) + " |"
    return draw(st.sampled_from(["<meta charset='x' />", "{% include x.md %}", "***", ""]))


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(blocks(), min_size=1, max_size=6))
    text = "".join(
        part + draw(st.sampled_from(["\n\n", "\n", "  \n\n", "\n \n"])) for part in parts
    )
    text = draw(st.sampled_from(["", "---\ntitle: x\n---\n", "\ufeff"])) + text
    if draw(st.booleans()):
        text = text.rstrip("\n")
    return text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_round_trip(text: str) -> None:
    segmentation = _segmentation(text)  # private: it counts blocks whose text was not located
    assert segmentation.unplaced == 0
    segments = [piece.segment for piece in segmentation.pieces]
    assert rebuild_document(text, {s.key: s.source for s in segments}) == text
    for each in segments:
        assert placeholder_problems(each, each.source) == []
        assert all(line == line.strip(" \t") and line for line in each.source.split("\n"))
        assert "\r" not in each.source


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_translations_keep_the_structure(text: str) -> None:
    segments = segment_document(text)
    rebuilt = rebuild_document(text, {s.key: shout(s.source) for s in segments})
    again = segment_document(rebuilt)
    assert [(s.kind, s.placeholders) for s in again] == [(s.kind, s.placeholders) for s in segments]


# --- The real corpus ---


def corpus_files() -> list[Path]:
    return [path for pattern in CORPUS_GLOBS for path in sorted(CORPUS.glob(pattern))]


@pytest.mark.corpus
def test_every_corpus_document_round_trips_exactly() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent: this test reads real texts from {CORPUS}")
    files = corpus_files()
    assert len(files) > 3000
    failures, unplaced, count = [], 0, 0
    started = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        segmentation = _segmentation(text)
        unplaced += segmentation.unplaced
        count += len(segmentation.pieces)
        targets = {piece.segment.key: piece.segment.source for piece in segmentation.pieces}
        if rebuild_document(text, targets) != text:
            failures.append(path.relative_to(CORPUS))
        if len(targets) != len(segmentation.pieces):
            failures.append(f"duplicate keys in {path.relative_to(CORPUS)}")
    print(f"{len(files)} documents, {count} segments in {time.perf_counter() - started:.1f} s")
    assert failures == []
    assert unplaced == 0


@pytest.mark.corpus
def test_corpus_quirks_keep_syntax_out_of_sources() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent: this test reads real texts from {CORPUS}")
    law = next(CORPUS.glob("nl/wetgeving-besluit-bevolkingsonderzoek-*.md")).read_text()
    assert not any(re.match(r"#|<meta", s.source) for s in segment_document(law))
    liquid = next(p for p in CORPUS.glob("i18n/**/*.md") if "{% include" in p.read_text())
    assert all("{%" not in s.source for s in segment_document(liquid.read_text()))
