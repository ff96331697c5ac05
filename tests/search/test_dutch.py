"""Dutch search: compounds, stop words, spelling suggestions, on real Dutch legislation."""

import re

import pytest

from guidelines.search.index import sync
from tests.search.conftest import (
    AFBREKING,
    EMBRYOWET,
    FOETAAL,
    PUBLIC,
    VERLOSKUNDIGE,
    all_hits,
    find,
    hit_keys,
)

# Snowball's Dutch stemmer leaves "zwangerschappen" as "zwangerschapp": the plural is found
# like a compound, by its beginning, and ranks with the compounds.
EXACT = re.compile(r"\bzwangerschap\b", re.IGNORECASE)
COMPOUND = re.compile(r"\bzwangerschaps\w+", re.IGNORECASE)


@pytest.fixture
def dutch_laws(import_nl, search_index):
    for name in (AFBREKING, EMBRYOWET, FOETAAL, VERLOSKUNDIGE):
        import_nl(name)
    sync(search_index)
    return search_index


def plain(hit) -> str:
    from markupsafe import Markup

    return Markup(hit.snippet).striptags()


def test_a_word_is_found_inside_compounds_ranked_below_the_exact_word(dutch_laws):
    searcher = dutch_laws.searcher()
    bodies = {
        # What is searched: the body and the headings above it.
        (fields["guideline"], fields["anchor"]): fields["body"] + "\n" + fields["path"]
        for fields in searcher.all_stored_fields()
        if fields.get("body")
    }
    compound_only = {
        key for key, body in bodies.items() if COMPOUND.search(body) and not EXACT.search(body)
    }
    exact = {key for key, body in bodies.items() if EXACT.search(body)}
    assert compound_only, "the corpus should have sections with only a zwangerschap compound"

    hits = [(hit.guideline, hit.anchor) for hit in all_hits(dutch_laws, "zwangerschap")]
    assert compound_only <= set(hits)
    assert exact <= set(hits)
    last_exact = max(hits.index(key) for key in exact)
    first_compound = min(hits.index(key) for key in compound_only)
    assert last_exact < first_compound


def test_the_compound_hit_gets_a_snippet_with_the_compound_marked(dutch_laws):
    hits = all_hits(dutch_laws, "zwangerschap")
    compound_hits = [hit for hit in hits if not EXACT.search(plain(hit))]
    assert compound_hits
    for hit in compound_hits:
        assert re.search(r"<mark[^>]*>zwangerschaps\w+</mark>", str(hit.snippet), re.IGNORECASE)


def test_bot_finds_botdichtheid(import_text, search_index):
    # The Dutch corpus has no "botdichtheid"; this text is ours.
    import_text(
        "# Opvolging\n\n## Meting\n\nMeet de botdichtheid jaarlijks bij volwassenen.\n",
        slug="botmeting",
        language="nl",
    )
    import_text(
        "# Breuken\n\n## Bot\n\nEen gebroken bot geneest in zes weken.\n",
        slug="breuken",
        language="nl",
    )
    sync(search_index)
    results = find(search_index, "bot", PUBLIC)
    assert [hit.guideline for hit in results.hits] == ["breuken", "botmeting"]
    assert re.search(r"<mark[^>]*>botdichtheid</mark>", str(results.hits[1].snippet))


def test_a_dutch_stop_word_in_the_query_does_not_lose_the_hits(dutch_laws):
    alone = find(dutch_laws, "vergunning", PUBLIC)
    with_stop_word = find(dutch_laws, "deze vergunning", PUBLIC)
    assert alone.total > 0
    assert with_stop_word.total == alone.total
    assert hit_keys(with_stop_word) == hit_keys(alone)


def test_a_misspelt_word_gets_the_corpus_spelling_as_suggestion(dutch_laws):
    results = find(dutch_laws, "behandelling", PUBLIC)
    assert results.suggestion == "behandeling"
    assert find(dutch_laws, "behandeling", PUBLIC).suggestion is None


def test_a_query_in_english_does_not_look_in_the_dutch_text(dutch_laws):
    assert find(dutch_laws, "zwangerschap", PUBLIC, language="en").total == 0
    facets = dict(find(dutch_laws, "zwangerschap", PUBLIC, language="en").facets["language"])
    assert facets.get("nl", 0) > 0


def test_one_exact_word_in_a_long_section_still_ranks_above_a_compound(import_text, search_index):
    # Own text: the ranking promise of query.py ("exact hits come first") at its simplest.
    filler = " ".join(f"Artikel {n} regelt de vergunning van de kliniek." for n in range(150))
    import_text(
        f"# Lang\n\n## Lang\n\n{filler} Ook bij zwangerschap geldt dit.\n",
        slug="lang",
        language="nl",
    )
    import_text(
        "# Kort\n\n## Kort\n\nDe zwangerschapsduur en de zwangerschapsduur.\n",
        slug="kort",
        language="nl",
    )
    sync(search_index)
    assert [hit.guideline for hit in find(search_index, "zwangerschap", PUBLIC).hits] == [
        "lang",
        "kort",
    ]
