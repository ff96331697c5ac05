"""Patches: made in line mode and refined by word, applied exactly, and checked by hash."""

import random
from pathlib import Path

import pytest
from diff_match_patch import diff_match_patch

from guidelines.text.hashing import sha256_text
from guidelines.text.patches import PatchError, apply_patch, diff_tokens, make_patch

VERSION_FOLDERS = ("hl7-cpg-methodology", "hl7-cpg-examples-chf")

OLD = "# Dosage\n\nWe recommend 5 mg daily.\n\nReview after 3 months.\n"
NEW = "# Dosage\n\nWe recommend 10 mg daily.\n\nReview after 3 months.\n"


def versions(corpus: Path, folder: str) -> list[tuple[str, str]]:
    """Return (name, text) of each version in a corpus folder, oldest first."""
    files = sorted((corpus / "versions" / folder).glob("v*.md"))
    return [(path.name, path.read_text(encoding="utf-8")) for path in files]


@pytest.mark.corpus
@pytest.mark.parametrize("folder", VERSION_FOLDERS)
def test_patch_reproduces_each_next_corpus_version(corpus: Path, folder: str) -> None:
    texts = versions(corpus, folder)
    assert len(texts) > 1
    for (old_name, old), (new_name, new) in zip(texts, texts[1:], strict=False):
        patch = make_patch(old, new)
        result = apply_patch(old, patch, expected_sha256=sha256_text(new))
        assert sha256_text(result) == sha256_text(new), f"{folder} {old_name} -> {new_name}"


@pytest.mark.corpus
def test_corpus_patch_also_applies_with_diff_match_patch(corpus: Path) -> None:
    (_, old), (_, new) = versions(corpus, "hl7-cpg-methodology")[2:4]
    engine = diff_match_patch()
    result, applied = engine.patch_apply(engine.patch_fromText(make_patch(old, new)), old)
    assert all(applied)
    assert result == new


def test_patch_of_equal_texts_is_empty() -> None:
    assert make_patch(OLD, OLD) == ""


def test_empty_patch_returns_the_text_unchanged() -> None:
    assert apply_patch(OLD, "", expected_sha256=sha256_text(OLD)) == OLD


def test_patch_replaces_the_changed_word_only() -> None:
    patch = make_patch(OLD, NEW)
    assert "\n-5\n+10\n" in patch


def test_patch_round_trips_escaped_characters() -> None:
    old = "Dose: 50 % of 1,5 g\r\nZiekte van Gaucher: geen \u00e9chec\n@@ -1 +1 @@\n"
    new = "Dose: 25 % of 1,5 g + 2 mg\r\nZiekte van Gaucher: geen \u00e9chec\n@@ -2 +2 @@"
    assert apply_patch(old, make_patch(old, new)) == new


def test_patch_round_trips_random_edits() -> None:
    # Few distinct pieces make repeated context, overlapping hunks and edits at both ends.
    pieces = ["a", "b", " ", "\n", "ab", "\u00e9", "%", "x y"]
    rng = random.Random(20241021)
    for _ in range(300):
        old = "".join(rng.choice(pieces) for _ in range(rng.randrange(60)))
        chars = list(old)
        for _ in range(rng.randrange(1, 6)):
            at = rng.randrange(len(chars) + 1)
            if chars and rng.random() < 0.5:
                del chars[min(at, len(chars) - 1)]
            else:
                chars.insert(at, rng.choice(pieces))
        new = "".join(chars)
        assert apply_patch(old, make_patch(old, new)) == new, (old, new)


def test_token_diff_keeps_every_token_in_order() -> None:
    old = ["a\n", "\n", "b\n", "\n", "c\n"] * 30
    new = old[:40] + ["x\n"] + old[45:] + ["b\n"]
    diffs = diff_tokens(old, new)
    assert [t for op, tokens in diffs if op <= 0 for t in tokens] == old
    assert [t for op, tokens in diffs if op >= 0 for t in tokens] == new


def test_wrong_expected_hash_raises_with_both_hashes() -> None:
    wrong = sha256_text("something else")
    with pytest.raises(PatchError) as error:
        apply_patch(OLD, make_patch(OLD, NEW), expected_sha256=wrong)
    assert sha256_text(NEW) in str(error.value)
    assert wrong in str(error.value)


def test_tampered_context_raises_naming_the_hunk() -> None:
    patch = make_patch(OLD, NEW)
    assert "\n end \n" in patch  # the context before "5" is "end " (of "recommend")
    patch = patch.replace("\n end \n", "\n and \n")
    with pytest.raises(PatchError, match="hunk 1 of 1 does not apply"):
        apply_patch(OLD, patch)


def test_patch_on_another_base_text_raises() -> None:
    other = OLD.replace("We recommend", "We suggest")
    with pytest.raises(PatchError, match="does not apply"):
        apply_patch(other, make_patch(OLD, NEW))


def test_hunk_whose_header_disagrees_with_its_body_raises() -> None:
    patch = make_patch(OLD, NEW)
    header, body = patch.split("\n", 1)
    with pytest.raises(PatchError, match="malformed patch: hunk 1 header"):
        apply_patch(OLD, header.replace(" @@", "0 @@", 1) + "\n" + body)


def test_hunk_beyond_the_end_of_the_text_raises() -> None:
    with pytest.raises(PatchError, match="hunk 1"):
        apply_patch("short", "@@ -900,0 +900,1 @@\n+x\n")


@pytest.mark.parametrize(
    "patch_text",
    ["not a patch", "@@ -1,3 +1,3 @@\n*abc\n", "@@ -x,3 +1,3 @@\n abc\n"],
    ids=["no header", "unknown line mode", "bad number"],
)
def test_malformed_patch_raises_patch_error(patch_text: str) -> None:
    with pytest.raises(PatchError, match="malformed patch"):
        apply_patch(OLD, patch_text)
