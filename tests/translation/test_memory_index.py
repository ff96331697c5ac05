"""The translation memory index: exact matches, fuzzy suggestions, and filters that lose nothing."""

import random
import re

import pytest

from guidelines.translation import memory_index
from guidelines.translation.memory_index import (
    MemoryIndex,
    Suggestion,
    normalise,
    similarity,
    token_distance,
    tokenise,
)
from tests.conftest import corpus_path

DOSE = "Give 5 mg of vitamin K intravenously before the procedure."


def memory(*sources: str) -> MemoryIndex:
    """Return an index of ``sources``, entry ids counted from 1, each target its source upper."""
    index = MemoryIndex()
    for entry_id, source in enumerate(sources, start=1):
        index.add(entry_id, source, source.upper())
    return index


def ids(suggestions: list[Suggestion]) -> list[int]:
    """Return the entry ids of ``suggestions``, in order."""
    return [s.entry_id for s in suggestions]


def dynamic_programme(first: list[str], second: list[str]) -> int:
    """Return the Levenshtein distance of two token lists, the textbook way."""
    previous = list(range(len(second) + 1))
    for row, token in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(
                min(previous[column] + 1, current[-1] + 1, previous[column - 1] + (token != other))
            )
        previous = current
    return previous[-1]


def scan(sources: list[str], query: str, limit: int, threshold: float) -> list[tuple[int, float]]:
    """Return what suggest must return for ``memory(*sources)``, by scoring every entry."""
    scored = [(similarity(query, source), entry_id) for entry_id, source in enumerate(sources, 1)]
    ranked = sorted((-score, entry_id) for score, entry_id in scored if score >= threshold)
    return [(entry_id, -negative) for negative, entry_id in ranked[:limit]]


def test_exact_match_is_found_despite_whitespace() -> None:
    index = memory(DOSE)
    found = index.exact("  Give 5 mg of vitamin K\n intravenously\tbefore the procedure. ")
    assert found == [Suggestion(1, DOSE, DOSE.upper(), 1.0)]


def test_exact_match_ignores_unicode_composition() -> None:
    index = memory("Behandeling met paracétamol.")  # é as one code point
    assert ids(index.exact("Behandeling met parace\u0301tamol.")) == [1]  # e + combining accent


def test_normalise_collapses_whitespace_and_keeps_case_punctuation_and_units() -> None:
    assert normalise("\t Give\u00a05mg,\n\nthen  Stop. ") == "Give 5mg, then Stop."


def test_exact_match_keeps_case() -> None:
    assert memory(DOSE).exact(DOSE.lower()) == []


def test_number_change_is_not_exact() -> None:
    index = memory(DOSE)
    query = DOSE.replace("5 mg", "10 mg")
    assert index.exact(query) == []
    [suggestion] = index.suggest(query)
    assert 0.7 <= suggestion.similarity < 1


def test_unit_spacing_change_is_not_exact() -> None:
    index = memory(DOSE)
    query = DOSE.replace("5 mg", "5mg")
    assert index.exact(query) == []
    assert 0.9 < index.suggest(query)[0].similarity < 1


def test_one_word_change_is_suggested_below_one() -> None:
    index = memory(DOSE)
    [suggestion] = index.suggest(DOSE.replace("before", "after"))
    assert suggestion.entry_id == 1
    assert 0.7 <= suggestion.similarity < 1
    # 11 tokens, one of them replaced
    assert suggestion.similarity == pytest.approx(10 / 11)


def test_unrelated_text_is_not_suggested() -> None:
    index = memory(DOSE)
    assert index.suggest("Refer children with suspected Gaucher disease to a centre.") == []


def test_exact_match_comes_first_with_similarity_one() -> None:
    index = memory(DOSE.replace("before", "after"), DOSE)
    found = index.suggest(DOSE)
    assert ids(found) == [2, 1]
    assert found[0].similarity == 1.0
    assert found[1].similarity < 1.0


def test_closer_source_ranks_higher() -> None:
    two_changes = DOSE.replace("5 mg", "10 mg").replace("before", "after")
    one_change = DOSE.replace("before", "after")
    found = memory(two_changes, one_change).suggest(DOSE)
    assert ids(found) == [2, 1]
    assert found[0].similarity > found[1].similarity


def test_ties_go_to_the_lowest_entry_id() -> None:
    index = MemoryIndex()
    for entry_id in (7, 3, 5):
        index.add(entry_id, DOSE.replace("before", "after"), f"translation {entry_id}")
    assert ids(index.suggest(DOSE)) == [3, 5, 7]


def test_limit_caps_the_number_of_suggestions() -> None:
    variants = [DOSE.replace("5 mg", f"{dose} mg") for dose in range(1, 9)]
    index = memory(*variants)
    assert len(index.suggest(DOSE, limit=5)) == 5
    assert len(index.suggest(DOSE, limit=2)) == 2


def test_threshold_is_inclusive_and_filters() -> None:
    index = memory(DOSE)
    query = DOSE.replace("before", "after")
    assert ids(index.suggest(query, threshold=10 / 11)) == [1]
    assert index.suggest(query, threshold=0.95) == []


@pytest.mark.parametrize("threshold", [0, -0.5, 1.5])
def test_threshold_outside_zero_to_one_is_refused(threshold: float) -> None:
    with pytest.raises(ValueError):
        memory(DOSE).suggest(DOSE, threshold=threshold)


def test_removed_entry_is_no_longer_suggested() -> None:
    index = memory(DOSE, DOSE.replace("before", "after"))
    index.remove(1)
    assert len(index) == 1
    assert index.exact(DOSE) == []
    assert ids(index.suggest(DOSE)) == [2]


def test_removing_one_of_two_identical_sources_keeps_the_other() -> None:
    index = memory(DOSE, DOSE)
    index.remove(1)
    assert ids(index.suggest(DOSE)) == [2]


def test_adding_an_existing_id_replaces_the_entry() -> None:
    index = memory(DOSE)
    index.add(1, "Measure bone density every year.", "Meet jaarlijks de botdichtheid.")
    assert len(index) == 1
    assert index.exact(DOSE) == []
    assert index.exact("Measure bone density every year.")[0].target == (
        "Meet jaarlijks de botdichtheid."
    )


def test_suggestions_do_not_depend_on_insertion_order() -> None:
    rng = random.Random(7)
    entries = [(n, DOSE.replace("5 mg", f"{n % 4} mg")) for n in range(1, 40)]
    forward, shuffled = MemoryIndex(), MemoryIndex()
    for entry_id, source in entries:
        forward.add(entry_id, source, source)
    rng.shuffle(entries)
    for entry_id, source in entries:
        shuffled.add(entry_id, source, source)
    assert forward.suggest(DOSE, limit=20) == shuffled.suggest(DOSE, limit=20)


def test_dutch_accents_matter() -> None:
    index = memory("Neem één tablet per dag.")
    assert index.exact("Neem een tablet per dag.") == []
    [suggestion] = index.suggest("Neem een tablet per dag.")
    assert suggestion.similarity == pytest.approx(5 / 6)


def test_french_and_german_fuzzy_matches_keep_accented_words_whole() -> None:
    index = memory(
        "Le traitement précoce améliore le pronostic à long terme.",
        "Eine frühzeitige Überweisung an ein Zentrum wird empfohlen.",
    )
    assert tokenise("Überweisung à l'hôpital") == ["Überweisung", "à", "l", "'", "hôpital"]
    french = index.suggest("Le traitement précoce améliore le pronostic à court terme.")
    german = index.suggest("Eine frühzeitige Überweisung an ein Expertisezentrum wird empfohlen.")
    assert ids(french) == [1]
    assert ids(german) == [2]


def test_digits_and_letters_are_separate_tokens() -> None:
    assert tokenise("5mg  1,5 mg") == ["5", "mg", "1", ",", "5", "mg"]


def test_query_without_tokens_has_no_fuzzy_suggestions() -> None:
    assert memory(DOSE).suggest("   ") == []


def test_token_distance_equals_the_dynamic_programme() -> None:
    rng = random.Random(11)
    for _ in range(500):
        first = rng.choices("abcde", k=rng.randrange(0, 70))
        second = rng.choices("abcdef", k=rng.randrange(0, 70))
        assert token_distance(first, second) == dynamic_programme(first, second)


def test_source_sharing_only_the_commonest_query_tokens_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No optional lookups: only the rarest query tokens that the pigeonhole bound requires.
    monkeypatch.setattr(memory_index, "_LOOKUP_BUDGET", 0)
    index = memory(
        "Monitor haemoglobin every year",  # shares 2 of 4 tokens: similarity 0.5
        "Vaccinate against influenza every year",  # makes "every" and "year" the commonest
    )
    found = index.suggest("Check ferritin every year", threshold=0.5)
    assert [(s.entry_id, s.similarity) for s in found] == [(1, 0.5)]


@pytest.mark.parametrize("budget", [0, 4, 300])
@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.85])
def test_suggest_equals_a_full_scan(
    monkeypatch: pytest.MonkeyPatch, threshold: float, budget: int
) -> None:
    # However many optional tokens are looked up, the filters only drop hopeless sources.
    monkeypatch.setattr(memory_index, "_LOOKUP_BUDGET", budget)
    rng = random.Random(13)
    words = [f"w{n}" for n in range(30)]
    # Skewed word frequencies: a few very common words, as in real text.
    weights = [1 / (rank + 1) for rank in range(len(words))]
    base = [rng.choices(words, weights, k=rng.randrange(3, 25)) for _ in range(40)]
    sources = []
    for tokens in base:
        for _ in range(5):
            edited = list(tokens)
            for _ in range(rng.randrange(0, 4)):
                edited[rng.randrange(len(edited))] = rng.choice(words)
            sources.append(" ".join(edited))
    index = memory(*sources)
    for query in rng.sample(sources, 15):
        found = index.suggest(query, limit=10, threshold=threshold)
        assert [(s.entry_id, s.similarity) for s in found] == scan(sources, query, 10, threshold)


@pytest.mark.corpus
def test_suggest_equals_a_full_scan_on_real_versions() -> None:
    folder = corpus_path("versions", "hl7-cpg-methodology")
    lines = [
        re.sub(r"^[#>*+\-\s]+", "", line).strip()
        for name in ("v12.md", "v13.md")
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
    ]
    sources = [line for line in lines if line]
    queries = [
        line.strip() for line in (folder / "v14.md").read_text(encoding="utf-8").splitlines()
    ]
    index = memory(*sources)
    for query in [q for q in queries if q][::40]:
        assert [(s.entry_id, s.similarity) for s in index.suggest(query)] == scan(
            sources, query, 5, 0.7
        )
