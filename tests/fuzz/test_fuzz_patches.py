"""Fuzzing patches and version diffs: exact application, hash verification, no stray exception.

DESIGN invariant 2: applying a patch must reproduce the text named by its hash exactly; a
mismatch is a PatchError, never a silently different text.
"""

import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelines.text.diff import diff_versions
from guidelines.text.hashing import sha256_text
from guidelines.text.patches import PatchError, apply_patch, make_patch
from tests.fuzz.strategies import any_text, corpus_documents, edited, examples

FUZZ = settings.get_profile("fuzz")
_MARKUP = re.compile(r"</?(?:del|ins)>")


@st.composite
def text_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Return an old text and a new one: an edit of it, or (for a short text) any other."""
    if draw(st.booleans()):
        old = draw(st.sampled_from(corpus_documents()))
        return old, draw(edited(old, max_edits=6))
    old = draw(any_text())
    return old, draw(st.one_of(edited(old, max_edits=6), any_text()))


def check_patch(old: str, new: str) -> str:
    patch = make_patch(old, new)
    assert apply_patch(old, patch) == new
    assert apply_patch(old, patch, expected_sha256=sha256_text(new)) == new
    if old != new:
        wrong = sha256_text(new + "x")
        try:
            apply_patch(old, patch, expected_sha256=wrong)
        except PatchError:
            pass
        else:
            raise AssertionError("a patch whose result has another hash was accepted")
    return patch


@settings(FUZZ, max_examples=examples(150))
@given(text_pairs())
def test_a_patch_turns_its_base_into_the_new_text_exactly(pair: tuple[str, str]) -> None:
    check_patch(*pair)


@settings(FUZZ, max_examples=examples(100))
@given(st.data())
def test_a_patch_on_another_base_gives_the_named_text_or_a_patch_error(
    data: st.DataObject,
) -> None:
    old, new = data.draw(text_pairs())
    patch = check_patch(old, new)
    other = data.draw(edited(old, max_edits=3))
    try:
        result = apply_patch(other, patch, expected_sha256=sha256_text(new))
    except PatchError:
        return
    assert result == new  # the hash names exactly one text


@settings(FUZZ, max_examples=examples(100))
@given(st.data())
def test_a_corrupt_patch_is_applied_exactly_or_refused_with_a_patch_error(
    data: st.DataObject,
) -> None:
    old, new = data.draw(text_pairs())
    patch = make_patch(old, new)
    corrupt = data.draw(st.one_of(edited(patch, max_edits=3), st.text(max_size=80)))
    try:
        apply_patch(old, corrupt, expected_sha256=sha256_text(new))
    except PatchError:
        pass


@settings(FUZZ, max_examples=examples(60))
@given(text_pairs())
def test_a_version_diff_shows_both_texts_whole_and_escaped(pair: tuple[str, str]) -> None:
    old, new = pair
    diff = diff_versions(old, new, context=None)
    assert apply_patch(old, diff.patch) == new
    assert "<script" not in diff.inline.lower()
    old_lines = [unescape(_MARKUP.sub("", r.old_html)) for r in diff.rows if r.old_no is not None]
    new_lines = [unescape(_MARKUP.sub("", r.new_html)) for r in diff.rows if r.new_no is not None]
    assert old_lines == _lines(old)
    assert new_lines == _lines(new)
    assert [r.old_no for r in diff.rows if r.old_no is not None] == list(
        range(1, len(old_lines) + 1)
    )


def _lines(text: str) -> list[str]:
    # A final newline ends the last line rather than starting an empty one.
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines
