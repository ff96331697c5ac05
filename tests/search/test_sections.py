"""Sections for search: the renderer's anchors, the grades of their blocks, plain text."""

import re

import pytest

from guidelines.demo.loader import CONTENT_DIR
from guidelines.text import render_markdown
from guidelines.text.sections import split_sections
from tests.conftest import corpus_path

NL_FILES = [
    "wetgeving-wet-afbreking-zwangerschap-BWBR0003396.md",
    "wetgeving-embryowet-BWBR0013797.md",
    "wetgeving-besluit-opleidingseisen-arts-BWBR0008846.md",
    "wetgeving-geneesmiddelenwet-BWBR0021505.md",
]
DEMO_FILES = ["gaucher-disease-type-1/v3.md", "marfan-syndrome-aorta/v2.md"]


def rendered_headings(text: str) -> dict[str, str]:
    """Return the id -> title of every heading the renderer writes into the HTML."""
    document = render_markdown(text)
    ids = re.findall(r"<h[1-6][^>]*\bid=\"([^\"]+)\"", document.html)
    titles = {heading.anchor: heading.title for heading in document.toc}
    assert set(ids) == set(titles)
    return titles


def assert_anchors_match(text: str) -> None:
    sections = split_sections(text, title="Title")
    headings = rendered_headings(text)
    anchored = [section for section in sections if section.anchor]
    assert anchored, "the text should have headed sections"
    for section in anchored:
        assert headings.get(section.anchor) == section.heading, section.anchor
    # Sections come in the document's order, as the headings do.
    order = list(headings)
    positions = [order.index(section.anchor) for section in anchored]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", NL_FILES)
def test_anchors_are_the_renderers_on_dutch_corpus_texts(name):
    assert_anchors_match(corpus_path("nl", name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DEMO_FILES)
def test_anchors_are_the_renderers_in_a_text_with_recommendation_blocks(name):
    text = (CONTENT_DIR / name).read_text(encoding="utf-8")
    assert "::: recommendation" in text
    assert_anchors_match(text)


def test_a_heading_inside_a_block_does_not_shift_the_anchors_after_it():
    text = (
        "# Care\n\n## Intro\n\nWords.\n\n"
        "::: recommendation R1 strength=strong certainty=low direction=for\n"
        "## Intro\n\nScan yearly.\n:::\n\n## Intro\n\nMore words.\n"
    )
    assert_anchors_match(text)


def test_preamble_section_has_the_title_and_no_anchor():
    sections = split_sections("Before any heading.\n\n## Later\n\nAfter.\n", title="Care")
    assert (sections[0].heading, sections[0].path, sections[0].anchor) == ("Care", ("Care",), "")
    assert sections[0].text == "Before any heading."


def test_path_holds_the_enclosing_headings():
    sections = split_sections("# A\n\nx\n\n## B\n\ny\n\n### C\n\nz\n\n## D\n\nw\n")
    assert [section.path for section in sections] == [
        ("A",),
        ("A", "B"),
        ("A", "B", "C"),
        ("A", "D"),
    ]


def test_strength_and_certainty_come_from_the_blocks_of_each_section():
    text = (
        "# Care\n\n## Scans\n\n"
        "::: recommendation R1 strength=strong certainty=low direction=for\nScan.\n:::\n\n"
        "::: recommendation R2 strength=conditional certainty=low direction=for\nRescan.\n:::\n\n"
        "## Drugs\n\n"
        "::: recommendation R3 strength=strong certainty=very-low direction=against\nNo.\n:::\n\n"
        "## Notes\n\nNo blocks here.\n"
    )
    grades = {s.heading: (s.strengths, s.certainties) for s in split_sections(text)}
    assert grades["Scans"] == (("strong", "conditional"), ("low",))
    assert grades["Drugs"] == (("strong",), ("very-low",))
    assert grades["Notes"] == ((), ())


def test_grades_of_a_demo_guideline_with_front_matter():
    text = (CONTENT_DIR / "gaucher-disease-type-1" / "v1.md").read_text(encoding="utf-8")
    document = render_markdown(text)
    sections = split_sections(text, title="Gaucher")
    found = {value for section in sections for value in section.strengths}
    assert found == {rec.strength for rec in document.recommendations if rec.strength}
    found = {value for section in sections for value in section.certainties}
    assert found == {rec.certainty for rec in document.recommendations if rec.certainty}


def test_plain_text_has_no_link_syntax_in_a_corpus_text_with_links():
    text = corpus_path("nl", NL_FILES[0]).read_text(encoding="utf-8")
    assert "](" in text
    body = "\n".join(section.text for section in split_sections(text))
    assert "](" not in body and "[artikel 393" not in body
    assert "artikel 393, eerste lid, van Boek 2 van het Burgerlijk Wetboek" in body


def test_plain_text_drops_markup_but_keeps_the_words():
    text = (
        "## Dose\n\nGive **10 mg** of [drug](https://example.org) and "
        "![a scan](scan.png), see <https://example.org/x>.\n\n"
        "| a | b |\n|---|---|\n| c | d |\n"
    )
    (section,) = split_sections(text)
    assert section.text == "Give 10 mg of drug and a scan, see https://example.org/x.\na b\nc d"
