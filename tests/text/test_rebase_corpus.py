"""Rebasing scripted adaptations of real documents onto their real next versions.

Each trial adapts version k of a document in ../shared/corpus/versions with seeded local edits
(words, numbers, inserted and deleted sentences, edits inside sentences that recur in the
document), rebases it onto version k+1, and judges the result with an oracle that shares no code
with the rebase: it works on blank-line paragraphs and their lines, knows a paragraph as kept by
its unique text, and aligns the others with difflib.
"""

import difflib
import re
from collections import Counter
from functools import cache
from pathlib import Path
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidelines.text.rebase import APPLIED, CONFLICT, NEEDS_CONFIRMATION, RebaseResult, rebase
from tests.text.conftest import CORPUS

pytestmark = pytest.mark.corpus

HISTORIES = {"hl7-cpg-methodology": 18, "hl7-cpg-examples-chf": 10}
PAIRS = [(name, k) for name, last in HISTORIES.items() for k in range(1, last)]

_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")
_SENTENCE = re.compile(r"[A-Z][^.!?\n]{25,}?[.!?](?=\s|$)")
_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
_NUMBER = re.compile(r"\b\d+\b")
WORDS = ["aangepast", "Vlaamse", "terugbetaling", "geïnformeerd", "référence", "één", "RIZIV"]
SENTENCES = [
    " In Vlaanderen gebeurt dit in een referentiecentrum.",
    " Zie het protocol van het RIZIV (€ 12,50 per dag).",
    " Le centre de référence coördonne le suivi.",
]


@cache
def version(name: str, number: int) -> str:
    """Return one real version of a document from the corpus."""
    return (CORPUS / "versions" / name / f"v{number:02d}.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Scripted local edits: each changes one line and never adds, removes or empties a line, so
# the oracle can compare texts paragraph by paragraph and line by line.


def _edit_word(line: str, rng: Random, within: tuple[int, int] | None = None) -> str | None:
    start, end = within or (0, len(line))
    words = [m for m in _WORD.finditer(line, start, end)]
    if not words:
        return None
    word = rng.choice(words)
    return line[: word.start()] + rng.choice(WORDS) + line[word.end() :]


def _edit_number(line: str, rng: Random) -> str | None:
    numbers = list(_NUMBER.finditer(line))
    if not numbers:
        return None
    number = rng.choice(numbers)
    return line[: number.start()] + str(int(number.group()) * 2 + 1) + line[number.end() :]


def _insert_sentence(line: str, rng: Random) -> str | None:
    ends = [m.end() for m in _SENTENCE.finditer(line)]
    if not ends:
        return None
    at = rng.choice(ends)
    return line[:at] + rng.choice(SENTENCES) + line[at:]


def _delete_sentence(line: str, rng: Random) -> str | None:
    sentences = list(_SENTENCE.finditer(line))
    if len(sentences) < 2:
        return None
    gone = rng.choice(sentences)
    result = line[: gone.start()] + line[gone.end() :].lstrip(" ")
    return result if result.strip() else None


EDITS = [_edit_word, _edit_number, _insert_sentence, _delete_sentence]


def repeated_sentences(text: str) -> set[str]:
    """Return the sentences that occur more than once in ``text``."""
    counts = Counter(m.group() for m in _SENTENCE.finditer(text))
    return {sentence for sentence, count in counts.items() if count > 1}


def adapt(text: str, rng: Random, count: int, hot: set[int]) -> str:
    """Return ``text`` with local edits on up to ``count`` lines, often on ``hot`` lines."""
    lines = text.split("\n")
    repeated = repeated_sentences(text)
    editable = [i for i, line in enumerate(lines) if _WORD.search(line)]
    hot_lines = sorted(hot & set(editable))
    chosen: set[int] = set()
    for _ in range(count):
        pool = hot_lines if hot_lines and rng.random() < 0.35 else editable
        index = rng.choice(pool)
        if index in chosen:
            continue
        line = lines[index]
        inside = [line.find(s) for s in repeated if s in line]
        if inside and rng.random() < 0.5:
            # An edit inside a sentence that recurs elsewhere in the document.
            start = rng.choice(inside)
            sentence = next(s for s in repeated if line.find(s) == start)
            edited = _edit_word(line, rng, (start, start + len(sentence)))
        else:
            edited = rng.choice(EDITS)(line, rng)
        if edited is not None and edited != line and edited.strip():
            lines[index] = edited
            chosen.add(index)
    return "\n".join(lines)


def changed_lines(old: str, new: str) -> set[int]:
    """Return the numbers of the lines of ``old`` that ``new`` does not have."""
    kept = set(new.split("\n"))
    return {i for i, line in enumerate(old.split("\n")) if line not in kept}


# ---------------------------------------------------------------------------------------------
# The oracle.


def paragraphs(text: str) -> list[str]:
    """Split ``text`` at blank lines (a final line break is not part of the last paragraph)."""
    return _PARAGRAPH_BREAK.split(text.removesuffix("\n"))


def judge(old: str, local: str, new: str, text: str) -> list[str]:
    """Return what is wrong with ``text`` as the rebase of ``local`` onto ``new``.

    A paragraph is known to be kept when the old and the new base each hold its exact text
    once, and no other such paragraph moved across it. A kept paragraph that the local edits
    touched must read exactly as the local paragraph. Any other paragraph of the result must
    equal the new base's, except for lines that are a line of the same paragraph in the old
    base (aligned by difflib, the same kept text, or an identical twin) replaced by its local
    version: an edit is never applied anywhere else.
    """
    olds, locals_, news, results = map(paragraphs, (old, local, new, text))
    assert len(olds) == len(locals_), "the scripted edits keep paragraphs"
    if len(results) != len(news):
        return [f"{len(results)} paragraphs, the new base has {len(news)}"]
    old_count, new_count = Counter(olds), Counter(news)
    once = {p: i for i, p in enumerate(olds) if old_count[p] == 1}
    same = {j: once[p] for j, p in enumerate(news) if new_count[p] == 1 and p in once}
    problems = []
    for j, i in _uncrossed(same).items():
        if locals_[i] != olds[i] and results[j] != locals_[i]:
            problems.append(f"kept paragraph {j} lacks its local edit: {news[j][:60]!r}")
    matcher = difflib.SequenceMatcher(None, olds, news, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            if results[j] == news[j]:
                continue
            aligned = [i1 + j - j1] if tag == "equal" else list(range(i1, i2))
            # Identical paragraphs cannot be told apart: any of them may carry the edit.
            twins = [i for i, p in enumerate(olds) if p == news[j]]
            problems += _unexplained(j, news[j], results[j], aligned + twins, olds, locals_)
    return problems


def _uncrossed(same: dict[int, int]) -> dict[int, int]:
    """Return the pairs (new index -> old index) that no other pair crosses."""
    pairs = sorted(same.items(), key=lambda pair: pair[1])
    kept = {}
    highest = -1
    lowest_after = [max(same, default=0) + 1] * (len(pairs) + 1)
    for k in range(len(pairs) - 1, -1, -1):
        lowest_after[k] = min(lowest_after[k + 1], pairs[k][0])
    for k, (j, i) in enumerate(pairs):
        if highest < j < lowest_after[k + 1]:
            kept[j] = i
        highest = max(highest, j)
    return kept


def _unexplained(
    j: int, new: str, result: str, candidates: list[int], olds: list[str], locals_: list[str]
) -> list[str]:
    new_lines, result_lines = new.split("\n"), result.split("\n")
    if len(new_lines) != len(result_lines):
        return [f"paragraph {j} has {len(result_lines)} lines, not {len(new_lines)}"]
    problems = []
    for k, (line, got) in enumerate(zip(new_lines, result_lines, strict=True)):
        if line == got:
            continue
        explained = False
        for i in dict.fromkeys(candidates):
            pairs = zip(olds[i].split("\n"), locals_[i].split("\n"), strict=True)
            for m, (old_line, local_line) in enumerate(pairs):
                same_place = m == k or olds[i] != new
                if same_place and old_line == line and local_line == got:
                    explained = True
        if not explained:
            problems.append(f"paragraph {j} line {k} changed where no local edit was: {got!r}")
    return problems


def check_consistency(old: str, local: str, new: str, result: RebaseResult) -> None:
    """Assert what every result promises: exact places, all local edits, .text."""
    outcomes = {APPLIED, NEEDS_CONFIRMATION, CONFLICT}
    assert all(hunk.outcome in outcomes for hunk in result.hunks)
    for hunk in result.hunks:
        if hunk.outcome != CONFLICT:
            assert new[hunk.new_start : hunk.new_end] == old[hunk.old_start : hunk.old_end]
        else:
            assert new[hunk.new_start : hunk.new_end] == hunk.new_base
    # The hunks together are the whole local adaptation, nothing more, nothing less.
    everything = [(h.old_start, h.old_end, h.replacement) for h in result.hunks]
    assert _splice(old, everything) == local
    applied = [(h.new_start, h.new_end, h.replacement) for h in result.of(APPLIED)]
    assert result.text == _splice(new, applied)


def _splice(text: str, changes: list[tuple[int, int, str]]) -> str:
    # Written here again rather than imported: the check must not trust the code it checks.
    out, at = [], 0
    for start, end, replacement in sorted(changes, key=lambda change: change[:2]):
        assert start >= at, "hunks overlap"
        out += [text[at:start], replacement]
        at = end
    return "".join(out) + text[at:]


def trial(name: str, k: int, seed: int, count: int) -> tuple[RebaseResult, list[str]]:
    """Adapt version k, rebase onto k+1, and return the result and the oracle's findings."""
    old, new = version(name, k), version(name, k + 1)
    local = adapt(old, Random(seed), count, changed_lines(old, new))
    result = rebase(old, local, new)
    check_consistency(old, local, new, result)
    return result, judge(old, local, new, result.text)


# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _needs_corpus(corpus: Path) -> None:
    """Skip every test here when ../shared/corpus is absent."""


@pytest.mark.parametrize(("name", "k"), PAIRS, ids=[f"{n}-v{k:02d}" for n, k in PAIRS])
def test_every_real_next_version_rebases_without_a_wrong_placement(name: str, k: int) -> None:
    tally: Counter[str] = Counter()
    for seed in range(8):
        result, problems = trial(name, k, seed, count=20)
        assert problems == [], (name, k, seed, problems)
        tally.update(hunk.outcome for hunk in result.hunks)
    assert tally[APPLIED] > 0


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    pair=st.sampled_from(PAIRS),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    count=st.integers(min_value=1, max_value=30),
)
def test_no_seeded_adaptation_is_misplaced(pair: tuple[str, int], seed: int, count: int) -> None:
    _result, problems = trial(*pair, seed, count)
    assert problems == []


def test_the_trials_reach_every_outcome() -> None:
    tally: Counter[str] = Counter()
    for name, k in PAIRS:
        result, _problems = trial(name, k, seed=99, count=20)
        tally.update(hunk.outcome for hunk in result.hunks)
    assert tally[APPLIED] and tally[NEEDS_CONFIRMATION] and tally[CONFLICT], tally


def _look_alike_trial(name: str, k: int, seed: int) -> tuple[str, str, str, str]:
    """Edit a sentence in a paragraph of version k, and let version k+1 insert, a little before
    that paragraph, a new one that holds the same sentence (the look-alike)."""
    rng = Random(seed)
    old, new = version(name, k), version(name, k + 1)
    # Paragraphs and the blank lines between them, so that joining gives the exact text back.
    old_parts, new_parts = _PARTS.split(old), _PARTS.split(new)
    olds, news = old_parts[::2], new_parts[::2]
    candidates = [
        (i, m.group())
        for i, p in enumerate(olds)
        if i >= 2 and olds.count(p) == 1 and news.count(p) == 1
        for m in _SENTENCE.finditer(p)
    ]
    i, sentence = rng.choice(candidates)
    edited = _edit_word(sentence, rng)
    assert edited is not None and edited != sentence
    old_parts[2 * i] = olds[i].replace(sentence, edited, 1)
    where = 2 * rng.randint(max(0, news.index(olds[i]) - 3), news.index(olds[i]))
    decoy = f"Opmerking. {sentence} Einde van de opmerking."
    new_parts[where:where] = [decoy, "\n\n"]
    return old, "".join(old_parts), "".join(new_parts), decoy


_PARTS = re.compile(r"(\n(?:[ \t]*\n)+)")


@pytest.mark.parametrize("seed", range(40))
def test_an_inserted_look_alike_never_receives_the_edit(seed: int) -> None:
    name, k = PAIRS[seed % len(PAIRS)]
    old, local, new, decoy = _look_alike_trial(name, k, seed)
    result = rebase(old, local, new)
    check_consistency(old, local, new, result)
    assert judge(old, local, new, result.text) == []
    assert [hunk.outcome for hunk in result.hunks] == [APPLIED]
    assert decoy in result.text
