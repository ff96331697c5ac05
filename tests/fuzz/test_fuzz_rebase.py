"""Fuzzing the rebase: no exception for any three texts, and every promise of rebase.py holds.

tests/text/test_rebase.py fuzzes documents of recurring sentences; here the three texts are
Markdown-ish, odd-charactered or real documents, edited at random, and also three unrelated
strings over a tiny alphabet (where look-alikes and line-break edge cases are everywhere).
"""

from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from guidelines.text.rebase import APPLIED, CONFLICT, NEEDS_CONFIRMATION, RebaseResult, rebase
from tests.fuzz.strategies import any_text, corpus_documents, edited, examples
from tests.text.test_rebase_corpus import check_consistency

FUZZ = settings.get_profile("fuzz")
TINY = st.text(alphabet="ab \n\r#-:>", max_size=24)


@st.composite
def triples(draw: st.DrawFn) -> tuple[str, str, str]:
    """Return an old base, a local edit of it and a new base (another edit of it)."""
    old = draw(st.one_of(any_text(), st.sampled_from(corpus_documents())))
    return old, draw(edited(old)), draw(edited(old))


def line_context(text: str, start: int, end: int) -> tuple[str, str]:
    """Return the rest of the lines around ``text[start:end]``: before it and after it. A
    stretch that begins at a line break or ends just after one has no context on that side
    (as ``hunks.Lines.widen``); "\r" of "\r\n" is the line break's."""
    begins_at_break = start < end and text[start] in "\r\n"
    left = start if begins_at_break else text.rfind("\n", 0, start) + 1
    if end > start and text[end - 1] == "\n":
        right = end
    else:
        right = text.find("\n", end)
        right = len(text) if right < 0 else right
    return text[left:start], text[end:right].removesuffix("\r")


def check_rebase(old: str, local: str, new: str) -> RebaseResult:
    """Rebase and assert the contract of rebase.py, written out independently."""
    note(f"old={old!r}, local={local!r}, new={new!r}")
    result = rebase(old, local, new)
    assert result.new_base == new
    check_consistency(old, local, new, result)  # exact places, hunks spliced give local
    shift = 0
    for hunk in sorted(result.hunks, key=lambda hunk: hunk.new_start):
        if hunk.outcome == CONFLICT:
            assert hunk.merged is None
            continue
        # Never placed by resemblance: the very text the hunk replaces is at its new place.
        assert new[hunk.new_start : hunk.new_end] == old[hunk.old_start : hunk.old_end]
        if hunk.outcome == APPLIED:
            # Its exact context is found: the rest of its lines, on both sides of the new place.
            # (The new base may have added to a line's far end: "0:" -> "0:0:" does not move
            # a paragraph inserted before it.) Lines of nothing but white space and ">" are in
            # no block: there, only the hunk's own words count.
            before, after = line_context(old, hunk.old_start, hunk.old_end)
            if (before + after).strip(" \t\r>"):
                assert new[: hunk.new_start].endswith(before), hunk
                assert new[hunk.new_end :].startswith(after), hunk
            at = hunk.new_start + shift
            assert result.text[at : at + len(hunk.replacement)] == hunk.replacement
            shift += len(hunk.replacement) - (hunk.new_end - hunk.new_start)
        else:
            assert hunk.outcome == NEEDS_CONFIRMATION
            assert hunk.merged is not None and hunk.replacement in hunk.merged
    # Every hunk can be decided: keep every local change, confirmed or as its resolution.
    result.apply(
        confirmed=[hunk.index for hunk in result.of(NEEDS_CONFIRMATION)],
        resolutions={hunk.index: hunk.local for hunk in result.of(CONFLICT)},
    )
    return result


def check_fixed_points(old: str, local: str, new: str) -> None:
    unchanged_local = rebase(old, old, new)
    assert unchanged_local.hunks == ()
    assert unchanged_local.text == new
    unchanged_base = rebase(old, local, old)
    assert unchanged_base.text == local
    assert unchanged_base.clean


@settings(FUZZ, max_examples=examples(120))
@given(triples())
def test_edits_of_one_text_rebase_by_the_contract(texts: tuple[str, str, str]) -> None:
    check_rebase(*texts)
    check_fixed_points(*texts)


@settings(FUZZ, max_examples=examples(150))
@given(TINY, TINY, TINY)
# An insertion before a replaced stretch and the replacement mapped onto one upstream text:
# two conflicts over the same new region, which no pair of resolutions could both replace.
@example(old="\n>", local=":\n", new=":")
@example(old=">", local="", new=":>")  # a line in no block: its own words are its context
@example(old="0:", local="# dose\n0:", new="0:0:")  # the next line grew at its far end
def test_any_three_small_texts_rebase_by_the_contract(old: str, local: str, new: str) -> None:
    check_rebase(old, local, new)
    check_fixed_points(old, local, new)


@settings(FUZZ, max_examples=examples(60))
@given(any_text(), any_text(), any_text())
def test_any_three_texts_rebase_without_an_exception(old: str, local: str, new: str) -> None:
    check_rebase(old, local, new)
