"""Front matter, recommendation blocks and units of decision."""

from pathlib import Path

import pytest

from guidelines.text.diff import summarize_units
from guidelines.text.frontmatter import FrontMatterError, body_offset, split_front_matter
from guidelines.text.structure import (
    RecommendationError,
    clear_units_cache,
    parse_recommendations,
    split_units,
)

GUIDELINE = """---
title: Osteogenesis imperfecta in adults
---
# Osteogenesis imperfecta

Introduction.

## Monitoring

::: recommendation R3.1 strength=strong certainty=moderate direction=for
We recommend annual bone densitometry in adults with osteogenesis imperfecta.
:::

::: recommendation R3.2 strength=conditional certainty=very-low direction=against
We suggest against routine **bisphosphonates**.

Second paragraph.
:::

::: recommendation R3.3
No grading yet.
:::
"""

SECTIONS = """Opening words.

# Treatment

General.

## Adults

Adult dosing.

### Dosage

Adult dose.

## Children

### Dosage

Child dose.

## Adults

A second adults section.
"""


def keys(text: str) -> list[str]:
    return [unit.key for unit in split_units(text)]


def strict_error(text: str) -> RecommendationError:
    with pytest.raises(RecommendationError) as caught:
        parse_recommendations(text, strict=True)
    return caught.value


# Front matter


def test_front_matter_is_parsed_and_removed_from_the_body() -> None:
    meta, body = split_front_matter(GUIDELINE)
    assert meta == {"title": "Osteogenesis imperfecta in adults"}
    assert body.startswith("# Osteogenesis imperfecta\n")


def test_text_without_front_matter_is_all_body() -> None:
    assert split_front_matter("# Title\n\n---\n\ntext\n") == ({}, "# Title\n\n---\n\ntext\n")


def test_thematic_break_without_closing_fence_is_not_front_matter() -> None:
    text = "---\n\nA text that opens with a rule.\n"
    assert split_front_matter(text) == ({}, text)


def test_empty_front_matter_gives_empty_metadata() -> None:
    assert split_front_matter("---\n---\nbody\n") == ({}, "body\n")


def test_front_matter_with_windows_line_breaks() -> None:
    assert split_front_matter("---\r\ntitle: T\r\n---\r\nbody\r\n") == ({"title": "T"}, "body\r\n")


def test_front_matter_split_is_exact() -> None:
    text = "---\ntitle: T  \n---   \n\n\nbody"
    _meta, body = split_front_matter(text)
    assert text[: body_offset(text)] + body == text
    assert body == "\n\nbody"


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(FrontMatterError, match=r"^line 3, column \d+: .*mapping values") as caught:
        split_front_matter("---\ntitle: ok\nsummary: a: b\n---\nbody\n")
    assert caught.value.line == 3


def test_front_matter_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(FrontMatterError, match="must be 'name: value' lines .* not a list"):
        split_front_matter("---\n- one\n- two\n---\nbody\n")


@pytest.mark.corpus
def test_coronamelder_pages_have_front_matter(corpus: Path) -> None:
    pages = sorted((corpus / "i18n" / "coronamelder-faq-2021-08").rglob("*.md"))
    assert len(pages) == 167
    for page in pages:
        meta, _body = split_front_matter(page.read_text(encoding="utf-8"))
        assert meta.get("title"), page


@pytest.mark.corpus
def test_front_matter_and_body_reassemble_every_corpus_text(corpus: Path) -> None:
    folders = ("versions", "search-extra", "nl", "i18n", "fr")
    for path in sorted(p for folder in folders for p in (corpus / folder).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _meta, body = split_front_matter(text)
        assert text[: body_offset(text)] + body == text, path


# Recommendation blocks


def test_recommendations_are_read_with_keys_and_grades() -> None:
    found = [
        (r.key, r.strength, r.certainty, r.direction) for r in parse_recommendations(GUIDELINE)
    ]
    assert found == [
        ("R3.1", "strong", "moderate", "for"),
        ("R3.2", "conditional", "very-low", "against"),
        ("R3.3", None, None, None),
    ]


def test_recommendation_line_counts_the_front_matter() -> None:
    assert [r.line for r in parse_recommendations(GUIDELINE)] == [10, 14, 20]


def test_recommendation_text_is_the_block_body() -> None:
    second = parse_recommendations(GUIDELINE)[1]
    assert second.text == "We suggest against routine **bisphosphonates**.\n\nSecond paragraph."


def test_recommendation_anchor_is_a_slug_of_its_key() -> None:
    assert [r.anchor for r in parse_recommendations(GUIDELINE)] == [
        "rec-r3-1",
        "rec-r3-2",
        "rec-r3-3",
    ]


def test_grades_are_read_case_insensitively() -> None:
    found = parse_recommendations("::: recommendation R1 Strength=Strong\nx\n:::\n", strict=True)
    assert found[0].strength == "strong"


def test_block_inside_a_code_fence_is_ignored() -> None:
    text = "~~~\n::: recommendation R1 strength=strong\n~~~\n\n    ::: recommendation R2\n"
    assert parse_recommendations(text, strict=True) == []


def test_strict_refuses_an_unknown_grade() -> None:
    error = strict_error("\n::: recommendation R1 strength=stong\nx\n:::\n")
    assert str(error) == (
        "line 2: recommendation R1: strength='stong' is not allowed; "
        "use one of: strong, conditional"
    )
    assert (error.key, error.line) == ("R1", 2)


def test_strict_refuses_an_unknown_attribute() -> None:
    error = strict_error("::: recommendation R1 grade=A\nx\n:::\n")
    assert "line 1: recommendation R1: unknown attribute 'grade'" in str(error)
    assert "allowed names: strength, certainty, direction" in str(error)


def test_strict_refuses_a_block_without_key() -> None:
    error = strict_error("::: recommendation strength=strong\nx\n:::\n")
    assert str(error).startswith("line 1: recommendation block has no key")


def test_strict_refuses_a_duplicate_key() -> None:
    error = strict_error("::: recommendation R1\nx\n:::\n\n::: recommendation R1\ny\n:::\n")
    assert str(error) == (
        "line 5: recommendation R1 is defined twice (first on line 1); each key must be unique"
    )


def test_strict_refuses_an_unclosed_block() -> None:
    error = strict_error("# T\n\n::: recommendation R1 strength=strong\nx\n")
    assert str(error) == "line 3: recommendation R1 is not closed; end it with a line ':::'"


def test_strict_refuses_a_key_unsafe_for_ids() -> None:
    error = strict_error('::: recommendation R1"><b>\nx\n:::\n')
    assert "may hold only letters, digits" in str(error)


def test_lenient_parsing_never_raises_and_keeps_keys_unique() -> None:
    text = (
        "::: recommendation strength=strong\na\n:::\n\n"
        "::: recommendation R1 strength=stong colour=red\nb\n:::\n\n"
        "::: recommendation R1\nc\n:::\n\n"
        "::: recommendation R2\nunclosed\n"
    )
    found = parse_recommendations(text)
    assert [(r.key, r.strength) for r in found] == [
        ("unnamed-1", "strong"),
        ("R1", None),
        ("R1 (2)", None),
        ("R2", None),
    ]
    assert len({r.anchor for r in found}) == 4


# Units of decision


def test_units_are_the_recommendations_when_there_are_any() -> None:
    units = split_units(GUIDELINE)
    assert [(u.key, u.kind, u.title) for u in units] == [
        ("R3.1", "recommendation", "R3.1 — Monitoring"),
        ("R3.2", "recommendation", "R3.2 — Monitoring"),
        ("R3.3", "recommendation", "R3.3 — Monitoring"),
    ]
    assert units[0].text.startswith("We recommend annual bone densitometry")
    assert (units[1].strength, units[1].certainty, units[1].direction) == (
        "conditional",
        "very-low",
        "against",
    )


def test_section_keys_are_heading_paths() -> None:
    assert keys(SECTIONS) == [
        "preamble",
        "Treatment",
        "Treatment > Adults",
        "Treatment > Adults > Dosage",
        "Treatment > Children",
        "Treatment > Children > Dosage",
        "Treatment > Adults (2)",
    ]


def test_section_text_stops_at_the_next_heading_of_any_level() -> None:
    units = {unit.key: unit for unit in split_units(SECTIONS)}
    assert units["Treatment > Adults"].text == "Adult dosing."
    assert units["Treatment > Adults"].title == "Adults"
    assert units["Treatment > Adults"].anchor == "s-adults"
    assert units["Treatment > Adults (2)"].anchor == "s-adults-2"


def test_preamble_is_left_out_when_blank() -> None:
    assert keys("\n\n# Only\n\ntext\n") == ["Only"]


def test_front_matter_is_not_part_of_any_unit() -> None:
    units = split_units("---\ntitle: T\n---\nIntro.\n\n# A\n\ntext\n")
    assert [(u.key, u.text) for u in units] == [("preamble", "Intro."), ("A", "text")]


def test_setext_heading_text_is_not_part_of_the_unit() -> None:
    units = split_units("Treatment\n=========\n\nGeneral.\n")
    assert [(u.key, u.text) for u in units] == [("Treatment", "General.")]


def test_heading_inside_a_list_does_not_start_a_unit() -> None:
    assert keys("# A\n\n- item\n\n  ## not a section\n\n# B\n") == ["A", "B"]


def test_section_keys_survive_edits_elsewhere() -> None:
    edited = SECTIONS.replace("Adult dosing.", "Adult dosing, revised.").replace(
        "## Children", "## Elderly\n\nNew.\n\n## Children"
    )
    assert set(keys(SECTIONS)) <= set(keys(edited))


@pytest.mark.corpus
def test_real_versions_with_the_same_headings_have_the_same_keys(corpus: Path) -> None:
    folder = corpus / "versions" / "hl7-cpg-methodology"
    # v04 -> v05 is a link fix: one section's text changes, its heading paths do not.
    older = split_units((folder / "v04.md").read_text(encoding="utf-8"))
    newer = split_units((folder / "v05.md").read_text(encoding="utf-8"))
    assert [u.key for u in older] == [u.key for u in newer]
    changed = [a.key for a, b in zip(older, newer, strict=True) if a.text != b.text]
    assert len(changed) == 1


@pytest.mark.corpus
def test_section_keys_are_unique_in_real_documents(corpus: Path) -> None:
    for path in sorted((corpus / "versions").rglob("*.md")) + sorted((corpus / "nl").glob("*.md")):
        found = keys(path.read_text(encoding="utf-8"))
        assert len(found) == len(set(found)), path


def test_same_text_is_split_once() -> None:
    clear_units_cache()
    first = split_units(SECTIONS)
    assert split_units(SECTIONS)[1] is first[1]
    clear_units_cache()
    assert split_units(SECTIONS)[1] is not first[1]


def test_split_units_returns_a_fresh_list_each_time() -> None:
    first = split_units(SECTIONS)
    first.clear()
    assert keys(SECTIONS)[0] == "preamble"


def test_heading_title_reads_escapes_and_entities() -> None:
    units = split_units("# A \\*star\\* &amp; `code` [link](https://example.org)\n\ntext\n")
    assert [(u.title, u.anchor) for u in units] == [("A *star* & code link", "s-a-star-code-link")]


# Kramdown attribute lists on headings


def test_heading_id_is_not_part_of_the_unit() -> None:
    plain = split_units("# Scope\n\n## Select Step\n\ntext\n")
    with_id = split_units("# Scope\n\n## Select Step {#select-step}\n\ntext\n")
    assert with_id == plain
    assert [(u.key, u.title, u.anchor) for u in with_id][-1] == (
        "Scope > Select Step",
        "Select Step",
        "s-select-step",
    )


def test_inline_attribute_list_is_dropped_from_headings() -> None:
    assert keys("## Methods {: #methods .wide}\n\n### Setext {:.grid}\n") == [
        "Methods",
        "Methods > Setext",
    ]


def test_setext_heading_drops_its_attribute_list() -> None:
    assert keys("Treatment {#treatment}\n=========\n\nGeneral.\n") == ["Treatment"]


@pytest.mark.parametrize(
    "heading",
    [
        "Select Step (#select-step)",  # parentheses, not braces: a typo in the corpus
        "Select Step\\{#select-step}",  # escaped, and not after a space
        "Choice {#a} of words",  # not at the end
        "Title {onclick=alert(1)}",  # neither an id nor an inline attribute list
        "{#only-an-id}",  # nothing before it: that is the heading's text
    ],
)
def test_other_braces_in_headings_are_kept(heading: str) -> None:
    assert split_units(f"# {heading}\n")[0].title == heading.replace("\\", "")


def test_attribute_list_outside_headings_is_kept() -> None:
    assert split_units("# A\n\nSee {#x}\n")[0].text == "See {#x}"


@pytest.mark.corpus
def test_heading_that_only_gained_an_id_keeps_its_units(corpus: Path) -> None:
    folder = corpus / "versions" / "hl7-cpg-methodology"
    old = (folder / "v02.md").read_text(encoding="utf-8")
    new = (folder / "v03.md").read_text(encoding="utf-8")
    assert "\n### Content Implementation Guides\n" in old
    assert "\n### Content Implementation Guides {#content-igs}\n" in new
    assert "\n### Validate Step {#validate-step}\n" in new
    units = summarize_units(old, new)
    moved = [u.key for u in units if u.change in ("added", "removed")]
    assert not [
        key for key in moved if key.startswith(("Content Implementation", "Represent", "Validate"))
    ]
    assert next(u for u in units if u.key == "Content Implementation Guides").anchor == (
        "s-content-implementation-guides"
    )
