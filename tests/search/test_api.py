"""GET /api/v1/search: the JSON shape of hits, facets and pages, and refusals in JSON."""

import pytest

from guidelines.search.index import sync
from tests.adaptation.conftest import V1

HIT_FIELDS = {
    "kind",
    "guideline",
    "title",
    "version",
    "locale",
    "language",
    "heading",
    "path",
    "anchor",
    "url",
    "snippet",
    "status",
    "networks",
    "ern",
    "orpha",
    "strength",
    "certainty",
    "date",
    "score",
}


@pytest.fixture
def indexed(import_text, search_index):
    import_text(V1, slug="bone-care", label="1.0", ern="BOND", orpha=("ORPHA:666",))
    sync(search_index)
    return search_index


def test_search_answers_hits_facets_and_pages(client, indexed):
    body = client.get("/api/v1/search?q=spine&lang=en").get_json()
    assert set(body) >= {"hits", "facets", "suggestion", "total", "page", "pages"}
    assert (body["total"], body["page"], body["pages"], body["suggestion"]) == (1, 1, 1, None)
    (hit,) = body["hits"]
    assert set(hit) == HIT_FIELDS
    assert hit["guideline"] == "bone-care" and hit["version"] == "1.0" and hit["locale"] == "en"
    assert (hit["heading"], hit["anchor"], hit["path"]) == ("Scans", "s-scans", "Bone care › Scans")
    assert hit["url"] == "http://localhost/guidelines/bone-care/versions/1.0#s-scans"
    assert "<mark" in hit["snippet"] and "spine</mark>" in hit["snippet"]
    assert (hit["kind"], hit["status"], hit["ern"]) == ("source", "latest", "BOND")
    assert (hit["networks"], hit["orpha"]) == (["bot"], ["ORPHA:666"])
    assert (hit["strength"], hit["certainty"]) == (["strong"], ["low"])
    assert isinstance(hit["score"], float) and hit["date"]


def test_facets_are_lists_of_values_and_counts(client, indexed):
    facets = client.get("/api/v1/search?q=spine&lang=en").get_json()["facets"]
    assert set(facets) >= {"network", "ern", "orpha", "kind", "strength", "certainty", "language"}
    assert facets["ern"] == [{"value": "BOND", "count": 1}]
    assert facets["language"] == [{"value": "en", "count": 1}]


def test_the_url_of_a_hit_leads_to_the_section(client, indexed):
    hit = client.get("/api/v1/search?q=spine&lang=en").get_json()["hits"][0]
    path, _hash, anchor = hit["url"].removeprefix("http://localhost").partition("#")
    page = client.get(path)
    assert page.status_code == 200
    assert f'id="{anchor}"' in page.get_data(as_text=True)


def test_the_default_language_is_the_callers(client, indexed):
    body = client.get("/api/v1/search?q=spine", headers={"Accept-Language": "en"}).get_json()
    assert body["lang"] == "en" and body["total"] == 1


def test_a_misspelling_gets_a_suggestion(client, indexed):
    assert client.get("/api/v1/search?q=spinne&lang=en").get_json()["suggestion"] == "spine"


@pytest.mark.parametrize(
    "query",
    [
        "q=spine&lang=xx",
        "q=spine&lang=en&page=0",
        "q=spine&lang=en&page=abc",
        "q=spine&lang=en&page=101",
        "q=spine&lang=en&sort=alphabet",
        "q=spine&lang=en&kind=everything",
        "q=spine&lang=en&network=" + "x" * 101,
        "q=&lang=en",
        "q=%20%20&lang=en",
        "lang=en",
    ],
)
def test_bad_requests_are_refused_with_a_json_message(client, indexed, query):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Bad Request"
    assert isinstance(body["message"], str) and body["message"]


def test_the_message_says_what_is_wrong(client, indexed):
    body = client.get("/api/v1/search?q=spine&lang=xx").get_json()
    assert "xx" in body["message"] and "nl, en, fr, de" in body["message"]
    assert "?q=" in client.get("/api/v1/search?lang=en").get_json()["message"]


def test_a_query_of_only_stop_words_finds_nothing_without_error(client, indexed):
    body = client.get("/api/v1/search?q=the&lang=en").get_json()
    assert (body["total"], body["hits"]) == (0, [])


def test_query_syntax_of_whoosh_is_not_the_readers(client, indexed):
    # Field names and wildcards are plain words here: no search of hidden fields.
    for q in ("audience:public", "spi*", "kind:draft spine"):
        response = client.get("/api/v1/search", query_string={"q": q, "lang": "en"})
        assert response.status_code == 200
    assert client.get("/api/v1/search?q=spi*&lang=en").get_json()["total"] == 0


def test_search_page_refuses_a_bad_language_with_400(client, indexed):
    assert client.get("/search?q=spine&language=xx").status_code == 400


def test_the_language_searched_on_the_page_does_not_switch_the_interface(client, indexed):
    html = client.get("/search?q=spine&language=nl").get_data(as_text=True)
    assert '<html lang="en">' in html
