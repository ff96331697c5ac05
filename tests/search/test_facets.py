"""Facets, filters, pages, sorting by date, and earlier versions."""

from datetime import date

import pytest

from guidelines.search.index import sync
from guidelines.search.query import PAGE_SIZE
from tests.search.conftest import PUBLIC, find, hit_keys

BONE = """# Bone scans

## Scans

::: recommendation R1 strength=strong certainty=low direction=for
Scan the spine with a densitometry scan every 2 years.
:::

## Drugs

::: recommendation R2 strength=conditional certainty=moderate direction=for
Offer bisphosphonates after a scan shows fractures.
:::
"""
GAUCHER = """# Gaucher scans

## Spleen

Measure the spleen volume with an MRI scan at diagnosis.
"""


@pytest.fixture
def two_guidelines(import_text, search_index):
    import_text(
        BONE, slug="bone-scans", ern="BOND", orpha=("ORPHA:666",), published=date(2020, 5, 1)
    )
    import_text(
        GAUCHER,
        slug="gaucher-scans",
        ern="MetabERN",
        orpha=("ORPHA:355", "ORPHA:77259"),
        published=date(2024, 5, 1),
    )
    sync(search_index)
    return search_index


def test_facets_count_the_matching_sections_per_value(two_guidelines):
    facets = find(two_guidelines, "scan", PUBLIC, language="en").facets
    assert dict(facets["kind"]) == {"source": 3}
    assert dict(facets["ern"]) == {"BOND": 2, "MetabERN": 1}
    assert dict(facets["network"]) == {"bot": 2, "metabole-aandoeningen": 1}
    assert dict(facets["orpha"]) == {"ORPHA:666": 2, "ORPHA:355": 1, "ORPHA:77259": 1}
    assert dict(facets["strength"]) == {"strong": 1, "conditional": 1}
    assert dict(facets["certainty"]) == {"low": 1, "moderate": 1}
    assert dict(facets["language"]) == {"en": 3}


def test_facets_are_ordered_by_count(two_guidelines):
    facets = find(two_guidelines, "scan", PUBLIC, language="en").facets
    assert facets["ern"] == [("BOND", 2), ("MetabERN", 1)]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ern", "MetabERN", ["gaucher-scans"]),
        ("network", "bot", ["bone-scans", "bone-scans"]),
        ("orpha", "ORPHA:77259", ["gaucher-scans"]),
        ("strength", "conditional", ["bone-scans"]),
        ("kind", "publication", []),
    ],
)
def test_a_filter_narrows_the_hits(two_guidelines, name, value, expected):
    results = find(two_guidelines, "scan", PUBLIC, language="en", filters={name: value})
    assert sorted(hit.guideline for hit in results.hits) == expected
    assert results.total == len(expected)


def test_filter_facets_count_only_the_filtered_hits(two_guidelines):
    results = find(two_guidelines, "scan", PUBLIC, language="en", filters={"ern": "BOND"})
    assert dict(results.facets["ern"]) == {"BOND": 2}


def test_the_api_reads_filters_from_the_query_string(client, two_guidelines):
    body = client.get("/api/v1/search?q=scan&lang=en&orpha=orpha:355").get_json()
    assert [hit["guideline"] for hit in body["hits"]] == ["gaucher-scans"]


def test_sort_by_date_puts_the_newest_first(two_guidelines):
    by_relevance = find(two_guidelines, "spine scan", PUBLIC, language="en")
    assert by_relevance.total == 1
    results = find(two_guidelines, "scan", PUBLIC, language="en", sort="date")
    dates = [hit.date for hit in results.hits]
    assert dates == sorted(dates, reverse=True)
    assert results.hits[0].guideline == "gaucher-scans"


def test_pages_hold_ten_hits_each_and_together_all(import_text, search_index):
    sections = "\n".join(f"## Part {n}\n\nThe densitometry of part {n}.\n" for n in range(25))
    import_text(f"# Many parts\n\n{sections}", slug="many-parts")
    sync(search_index)
    pages = [find(search_index, "densitometry", PUBLIC, language="en", page=n) for n in (1, 2, 3)]
    assert pages[0].total == 25 and pages[0].pages == 3
    assert [len(page.hits) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    anchors = [hit.anchor for page in pages for hit in page.hits]
    assert len(set(anchors)) == 25


def test_a_page_after_the_last_has_no_hits(import_text, search_index):
    sections = "\n".join(f"## Part {n}\n\nThe densitometry of part {n}.\n" for n in range(15))
    import_text(f"# Many parts\n\n{sections}", slug="many-parts")
    sync(search_index)
    last = find(search_index, "densitometry", PUBLIC, language="en", page=2)
    beyond = find(search_index, "densitometry", PUBLIC, language="en", page=5)
    assert len(last.hits) == 5
    # Page 5 of 2 must not repeat page 2 under another number.
    assert hit_keys(beyond) == []


def test_earlier_versions_are_hidden_unless_all_versions_are_asked(
    guideline_versions, search_index
):
    sync(search_index)
    # "years" is only in version 1.0 (2.0 says "every 12 months").
    assert find(search_index, "years", PUBLIC, language="en").total == 0
    results = find(search_index, "years", PUBLIC, language="en", all_versions=True)
    assert [(hit.version, hit.status) for hit in results.hits] == [("1.0", "earlier")]
    latest = find(search_index, "months", PUBLIC, language="en")
    assert [(hit.version, hit.status) for hit in latest.hits] == [("2.0", "latest")]


def test_the_search_page_takes_versions_all(client, guideline_versions, search_index):
    sync(search_index)
    hidden = client.get("/search?q=years&language=en").get_data(as_text=True)
    shown = client.get("/search?q=years&language=en&versions=all").get_data(as_text=True)
    assert "/guidelines/bone-care/versions/1.0" not in hidden
    assert "/guidelines/bone-care/versions/1.0" in shown
