"""Version comparison: side-by-side rows, the inline column, and the unit summary."""

from pathlib import Path

import pytest

from guidelines.text.diff import (
    DiffRow,
    counts,
    diff_versions,
    inline_html,
    side_by_side,
    summarize_units,
)
from guidelines.text.patches import apply_patch

OLD_GUIDELINE = """# Monitoring

::: recommendation R1 strength=strong certainty=moderate direction=for
We recommend annual bone densitometry.
:::

::: recommendation R2 strength=strong certainty=low direction=for
We recommend 5 mg of vitamin K daily.
:::

::: recommendation R3 strength=conditional certainty=low direction=for
We suggest physiotherapy.
:::

::: recommendation R4 strength=strong certainty=high direction=for
We recommend genetic counselling.
:::
"""

NEW_GUIDELINE = """# Monitoring

::: recommendation R1 strength=conditional certainty=moderate direction=for
We recommend annual bone densitometry.
:::

::: recommendation R2 strength=strong certainty=low direction=for
We recommend 10 mg of vitamin K daily.
:::

::: recommendation R4 strength=strong certainty=high direction=for
We recommend genetic counselling.
:::

::: recommendation R5 strength=strong certainty=low direction=against
We recommend against routine bisphosphonates.
:::
"""

OLD_SECTIONS = "# Care\n\n## Adults\n\nAdult dose.\n\n## Children\n\nChild dose.\n"
NEW_SECTIONS = "# Care\n\n## Adults\n\nAdult dose: 5 mg.\n\n## Elderly\n\nAs adults.\n"


def numbered(count: int) -> str:
    """Return ``count`` distinct lines."""
    return "".join(f"line {number}\n" for number in range(1, count + 1))


def by_key(old: str, new: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Return each unit's change and flags by key."""
    return {unit.key: (unit.change, unit.flags) for unit in summarize_units(old, new)}


def test_side_by_side_escapes_html() -> None:
    rows = side_by_side("Text\n", "Text <script>alert(1)</script> & more\n")
    html = "".join(row.old_html + row.new_html for row in rows)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_replace_row_marks_only_the_changed_word() -> None:
    [row] = side_by_side("We recommend 5 mg daily.\n", "We recommend 10 mg daily.\n")
    assert row == DiffRow(
        "replace",
        1,
        1,
        "We recommend <del>5</del> mg daily.",
        "We recommend <ins>10</ins> mg daily.",
    )


def test_extra_lines_of_a_changed_block_are_inserts() -> None:
    rows = side_by_side("a\nold\nz\n", "a\nnew\nadded\nz\n", context=None)
    assert [(row.kind, row.old_no, row.new_no) for row in rows] == [
        ("equal", 1, 1),
        ("replace", 2, 2),
        ("insert", None, 3),
        ("equal", 3, 4),
    ]


def test_long_unchanged_run_becomes_a_skip_row() -> None:
    old = numbered(20)
    rows = side_by_side(old, old.replace("line 10\n", "line ten\n"), context=2)
    skips = [(row.old_no, row.new_no, row.count) for row in rows if row.kind == "skip"]
    assert skips == [(1, 1, 7), (13, 13, 8)]


def test_no_context_limit_keeps_every_line() -> None:
    old = numbered(20)
    rows = side_by_side(old, old.replace("line 10\n", "line ten\n"), context=None)
    assert len(rows) == 20


def test_single_hidden_line_is_shown_rather_than_skipped() -> None:
    old = numbered(5)
    rows = side_by_side(old, old.replace("line 5\n", "line five\n"), context=3)
    assert [row.kind for row in rows] == ["equal"] * 4 + ["replace"]


def test_inline_html_wraps_changes_in_escaped_lines() -> None:
    html = inline_html("Keep <b>\nOld line\n", "Keep <b>\nNew line\nAdded\n")
    assert html.splitlines() == [
        '<div class="line equal">Keep &lt;b&gt;</div>',
        '<div class="line replace"><del>Old</del><ins>New</ins> line</div>',
        '<div class="line insert"><ins>Added</ins></div>',
    ]


def test_recommendation_summary_tells_each_change() -> None:
    assert by_key(OLD_GUIDELINE, NEW_GUIDELINE) == {
        "R1": ("changed", ("strength",)),
        "R2": ("changed", ("numbers",)),
        "R3": ("removed", ()),
        "R4": ("unchanged", ()),
        "R5": ("added", ()),
    }


def test_removed_unit_follows_its_predecessor() -> None:
    keys = [unit.key for unit in summarize_units(OLD_GUIDELINE, NEW_GUIDELINE)]
    assert keys == ["R1", "R2", "R3", "R4", "R5"]


def test_section_summary_matches_sections_by_heading_path() -> None:
    assert by_key(OLD_SECTIONS, NEW_SECTIONS) == {
        "Care": ("unchanged", ()),
        "Care > Adults": ("changed", ("numbers",)),
        "Care > Children": ("removed", ()),
        "Care > Elderly": ("added", ()),
    }


def test_counts_tally_every_kind_of_change() -> None:
    units = summarize_units(OLD_GUIDELINE, NEW_GUIDELINE)
    assert counts(units) == {"unchanged": 1, "changed": 2, "added": 1, "removed": 1}


def test_identical_versions_have_no_changes() -> None:
    result = diff_versions(OLD_GUIDELINE, OLD_GUIDELINE)
    assert result.patch == ""
    assert {row.kind for row in result.rows} == {"skip"}
    assert counts(result.units)["unchanged"] == 4


def test_version_diff_patch_turns_old_into_new() -> None:
    result = diff_versions(OLD_GUIDELINE, NEW_GUIDELINE)
    assert apply_patch(OLD_GUIDELINE, result.patch) == NEW_GUIDELINE


@pytest.mark.corpus
def test_corpus_methodology_v02_to_v03_summary_shows_real_changes(corpus: Path) -> None:
    folder = corpus / "versions" / "hl7-cpg-methodology"
    old = (folder / "v02.md").read_text(encoding="utf-8")
    new = (folder / "v03.md").read_text(encoding="utf-8")
    result = diff_versions(old, new)
    tally = counts(result.units)
    assert tally["changed"] > 0
    assert tally["unchanged"] > 0
    assert tally["added"] + tally["removed"] > 0
    assert any(row.kind == "skip" for row in result.rows)
    assert "<del>" in result.inline and "<ins>" in result.inline
