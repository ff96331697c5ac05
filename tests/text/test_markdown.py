"""Rendering guideline Markdown: the dialect, heading anchors, recommendation cards, the cache."""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from guidelines.text.markdown import (
    CACHE_SIZE,
    clear_render_cache,
    render_fragment,
    render_markdown,
)
from guidelines.text.structure import split_units

CORPUS_FOLDERS = ("versions", "search", "search-extra", "nl", "i18n", "fr")

REC_DOC = """# Treatment

::: recommendation R3.1 strength=strong certainty=moderate direction=for
We recommend annual **bone densitometry** in adults.
:::
"""


def corpus_files(corpus: Path, folder: str) -> list[Path]:
    return sorted((corpus / folder).rglob("*.md"))


@pytest.mark.corpus
def test_every_corpus_document_renders_without_script(corpus: Path) -> None:
    files = [path for folder in CORPUS_FOLDERS for path in corpus_files(corpus, folder)]
    # The 2,802 MedQuAD documents alone; a smaller count means the corpus is incomplete.
    assert len(files) > 3000
    for path in files:
        html = render_markdown(path.read_text(encoding="utf-8")).html
        assert "<script" not in html.lower(), path


@pytest.mark.corpus
def test_heading_without_space_stays_a_paragraph(corpus: Path) -> None:
    text = (corpus / "nl" / "wetgeving-besluit-bevolkingsonderzoek-BWBR0007499.md").read_text()
    assert "\n##Besluit van 1 augustus 1995" in text
    html = render_markdown(text).html
    assert "<p>##Besluit van 1 augustus 1995" in html


@pytest.mark.corpus
def test_html_line_is_shown_as_text(corpus: Path) -> None:
    text = (corpus / "nl" / "wetgeving-besluit-bevolkingsonderzoek-BWBR0007499.md").read_text()
    html = render_markdown(text).html
    assert "<meta" not in html
    assert "<p>&lt;meta http-equiv=" in html


@pytest.mark.corpus
def test_liquid_include_is_shown_as_text(corpus: Path) -> None:
    path = corpus / "i18n" / "coronamelder-faq-2021-08" / "nl" / "1-waarom-is-coronamelder-nodig.md"
    html = render_markdown(path.read_text()).html
    assert html == "<p>{% include content/1-waarom-is-coronamelder-nodig.md %}</p>\n"


@pytest.mark.corpus
def test_front_matter_is_not_rendered(corpus: Path) -> None:
    path = next(iter(corpus_files(corpus, "search")))
    html = render_markdown(path.read_text()).html
    assert "source_collection" not in html
    assert html.startswith("<h1 ")


def test_table_renders() -> None:
    html = render_markdown("| Drug | Dose |\n|---|---|\n| imiglucerase | 60 U/kg |\n").html
    assert "<table>" in html
    assert "<td>60 U/kg</td>" in html


def test_heading_gets_prefixed_anchor() -> None:
    document = render_markdown("# Treatment of adults\n")
    assert document.html == '<h1 id="s-treatment-of-adults">Treatment of adults</h1>\n'
    assert [(h.level, h.title, h.anchor) for h in document.toc] == [
        (1, "Treatment of adults", "s-treatment-of-adults")
    ]


def test_repeated_headings_get_numbered_anchors() -> None:
    toc = render_markdown("# Dose\n\n## Dose\n\n### Dose\n").toc
    assert [h.anchor for h in toc] == ["s-dose", "s-dose-2", "s-dose-3"]


def test_anchor_depends_on_heading_text_only() -> None:
    before = render_markdown("# Scope\n\ntext\n\n## Follow-up\n").toc
    after = render_markdown("# Scope\n\nnew text\n\n## New part\n\n## Follow-up\n").toc
    assert before[-1].anchor == after[-1].anchor == "s-follow-up"


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        (
            "Behandeling van patiënten met ziekte van Gaucher",
            "s-behandeling-van-patienten-met-ziekte-van-gaucher",
        ),
        ("Prise en charge des enfants âgés", "s-prise-en-charge-des-enfants-ages"),
        ("Größe und Maßnahmen", "s-grosse-und-massnahmen"),
        ("Œdème", "s-oedeme"),
        ("Θεραπεία", "s-θεραπεία"),
        ("!!!", "s-section"),
    ],
)
def test_anchor_is_readable_for_european_languages(title: str, anchor: str) -> None:
    assert render_markdown(f"## {title}\n").toc[0].anchor == anchor


def test_toc_title_is_plain_text() -> None:
    toc = render_markdown("## **Bold** and `code` [link](https://example.org)\n").toc
    assert toc[0].title == "Bold and code link"


@pytest.mark.corpus
def test_toc_anchors_are_unique_in_real_documents(corpus: Path) -> None:
    files = corpus_files(corpus, "versions") + corpus_files(corpus, "search-extra")
    for path in files:
        anchors = [h.anchor for h in render_markdown(path.read_text()).toc]
        assert len(anchors) == len(set(anchors)), path


@pytest.mark.corpus
def test_anchors_of_unchanged_headings_are_stable_across_real_versions(corpus: Path) -> None:
    versions = corpus_files(corpus, "versions/hl7-cpg-methodology")
    tocs = [render_markdown(path.read_text()).toc for path in versions]
    for older, newer in zip(tocs, tocs[1:], strict=False):
        old = {h.title: h.anchor for h in older if [x.title for x in older].count(h.title) == 1}
        new = {h.title: h.anchor for h in newer if [x.title for x in newer].count(h.title) == 1}
        common = old.keys() & new.keys()
        assert common
        assert all(old[title] == new[title] for title in common)


def test_section_unit_anchor_is_the_rendered_heading_id() -> None:
    text = "# Treatment\n\n## Adults\n\ntext\n\n## Adults\n\nmore\n"
    ids = re.findall(r'id="([^"]+)"', render_markdown(text).html)
    assert [unit.anchor for unit in split_units(text)] == ids


def test_recommendation_renders_as_card() -> None:
    html = render_markdown(REC_DOC).html
    assert (
        '<section class="recommendation recommendation-strong" id="rec-r3-1" data-key="R3.1" '
        'data-strength="strong" data-certainty="moderate" data-direction="for">\n'
        '<header><span class="rec-key">R3.1</span> '
        '<span class="grade grade-strength">Strong</span> '
        '<span class="grade grade-certainty">Moderate certainty</span> '
        '<span class="grade grade-direction">for</span></header>\n'
        '<div class="rec-body">\n'
        "<p>We recommend annual <strong>bone densitometry</strong> in adults.</p>\n"
        "</div>\n</section>\n"
    ) in html


def test_rendered_document_lists_its_recommendations() -> None:
    recommendations = render_markdown(REC_DOC).recommendations
    assert [(r.key, r.strength, r.anchor) for r in recommendations] == [
        ("R3.1", "strong", "rec-r3-1")
    ]


def test_unknown_grade_is_shown_but_not_graded() -> None:
    html = render_markdown("::: recommendation R1 strength=stong\nText\n:::\n").html
    assert '<section class="recommendation" id="rec-r1" data-key="R1">' in html
    assert '<span class="grade grade-unknown">strength=stong</span>' in html


def test_colons_in_a_code_block_are_not_a_recommendation() -> None:
    document = render_markdown("```\n::: recommendation R1 strength=strong\nx\n:::\n```\n")
    assert document.recommendations == ()
    assert "<pre><code>::: recommendation R1" in document.html


def test_same_text_gives_the_same_cached_object() -> None:
    text = "# Cached\n\nsame text\n"
    assert render_markdown(text) is render_markdown(text)


def test_different_text_gives_a_different_object() -> None:
    assert render_markdown("# One\n") is not render_markdown("# Two\n")


def test_clear_render_cache_renders_afresh() -> None:
    text = "# Cleared\n"
    first = render_markdown(text)
    clear_render_cache()
    second = render_markdown(text)
    assert second is not first
    assert second == first


def test_cache_forgets_the_least_recently_used_text() -> None:
    clear_render_cache()
    first = render_markdown("# Oldest\n")
    for number in range(CACHE_SIZE):
        render_markdown(f"# Filler {number}\n")
    assert render_markdown("# Oldest\n") is not first


def test_concurrent_renders_of_one_text_share_one_object() -> None:
    clear_render_cache()
    text = "# Concurrent\n\n" + "A paragraph of text.\n\n" * 500
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render_markdown, [text] * 32))
    assert all(result is results[0] for result in results)


def test_fragment_renders_without_heading_ids() -> None:
    assert render_fragment("## Note\n\n*careful*") == "<h2>Note</h2>\n<p><em>careful</em></p>\n"


def test_fragment_does_not_read_recommendation_blocks() -> None:
    html = render_fragment("::: recommendation R1 strength=strong\nText\n:::\n")
    assert "<section" not in html
    assert "::: recommendation R1" in html


def test_fragment_keeps_safe_links() -> None:
    html = render_fragment("[a](https://example.org/x) [b](mailto:a@example.org) [c](../x.md#y)")
    assert '<a href="https://example.org/x">a</a>' in html
    assert '<a href="mailto:a@example.org">b</a>' in html
    assert '<a href="../x.md#y">c</a>' in html


def test_heading_id_is_dropped_from_the_heading() -> None:
    document = render_markdown("### Select Step {#select-step}\n")
    assert document.html == '<h3 id="s-select-step">Select Step</h3>\n'
    assert [(h.title, h.anchor) for h in document.toc] == [("Select Step", "s-select-step")]


def test_heading_id_never_becomes_the_element_id() -> None:
    html = render_markdown('## Methods {: #top .wide}\n\n## Results {#x" onclick="alert(1)}\n').html
    assert html == '<h2 id="s-methods">Methods</h2>\n<h2 id="s-results">Results</h2>\n'


def test_heading_with_an_id_gets_the_anchor_it_has_without() -> None:
    text = "# Dose\n\n## Dose\n\ntext\n"
    with_ids = "# Dose {#dose}\n\n## Dose {#dose-again}\n\ntext\n"
    assert render_markdown(with_ids).toc == render_markdown(text).toc
    assert render_markdown(with_ids).html == render_markdown(text).html
    assert split_units(with_ids) == split_units(text)


def test_fragment_heading_drops_its_id() -> None:
    assert render_fragment("## Note {#note}\n") == "<h2>Note</h2>\n"


def test_braces_outside_a_heading_are_rendered() -> None:
    assert render_markdown("See {#x}\n").html == "<p>See {#x}</p>\n"


@pytest.mark.corpus
def test_section_units_match_the_rendered_headings(corpus: Path) -> None:
    # split_units reads only headings' inline Markdown, rendering reads all of it.
    files = corpus_files(corpus, "versions") + corpus_files(corpus, "search-extra")
    checked = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        toc = {h.anchor: h.title for h in render_markdown(text).toc}
        units = [u for u in split_units(text) if u.kind == "section" and u.anchor]
        assert all(toc.get(u.anchor) == u.title for u in units), path
        assert not any("{#" in title for title in toc.values()), path
        checked += len(units)
    assert checked > 1000
