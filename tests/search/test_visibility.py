"""Who finds what: the public finds sources and publications; a network also its drafts and
translations; the portal only publications; suggestions never betray a hidden draft."""

import pytest

from guidelines.demo.loader import DEMO_PASSWORD
from tests.search.conftest import PUBLIC, find

# "RIZIV" is only in the demo's Gaucher adaptation (in review, network metabole-aandoeningen).
DRAFT_WORD = "RIZIV"
# "Toepassingsgebied" is in the Dutch translation of Marfan and in its publication.
TRANSLATED_WORD = "toepassingsgebied"


def api(client, q: str, lang: str, **args):
    response = client.get("/api/v1/search", query_string={"q": q, "lang": lang, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def kinds(body) -> set[str]:
    return {hit["kind"] for hit in body["hits"]}


@pytest.fixture
def login(auth):
    def as_user(email: str):
        response = auth.login(email, DEMO_PASSWORD)
        assert response.status_code == 302
        return email

    return as_user


def test_the_demo_index_holds_every_kind(demo):
    everything = find(demo, TRANSLATED_WORD, None)
    assert kinds({"hits": [vars(hit) for hit in everything.hits]}) == {"translation", "publication"}
    assert {hit.kind for hit in find(demo, DRAFT_WORD, None, language="en").hits} == {"draft"}


def test_anonymous_api_caller_gets_no_draft_or_translation(client, demo):
    assert api(client, DRAFT_WORD, "en")["total"] == 0
    body = api(client, TRANSLATED_WORD, "nl")
    assert body["total"] > 0 and kinds(body) == {"publication"}


def test_reader_without_network_gets_no_draft_or_translation(client, demo, login):
    login("reader@example.org")
    assert api(client, DRAFT_WORD, "en")["total"] == 0
    assert kinds(api(client, TRANSLATED_WORD, "nl")) == {"publication"}


def test_member_of_the_adapting_network_finds_its_draft(client, demo, make_user, auth):
    # A reader, so that only the membership counts (authors may translate: they see
    # every translation).
    member = make_user(role="reader", networks=("metabole-aandoeningen",))
    auth.login(member.email)
    body = api(client, DRAFT_WORD, "en")
    assert kinds(body) == {"draft"}
    assert {hit["guideline"] for hit in body["hits"]} == {"gaucher-disease-type-1"}
    assert kinds(api(client, TRANSLATED_WORD, "nl")) == {"publication"}


def test_member_of_a_following_network_finds_the_translation(client, demo, make_user, auth):
    member = make_user(role="reader", networks=("multisysteem-vasculair-en-hart",))
    auth.login(member.email)  # the network follows VASCERN, the ERN of Marfan
    assert kinds(api(client, TRANSLATED_WORD, "nl")) == {"translation", "publication"}
    assert api(client, DRAFT_WORD, "en")["total"] == 0


def test_a_translator_finds_every_translation(client, demo, login):
    login("translator@example.org")  # bot, metabole-aandoeningen: not Marfan's networks
    assert kinds(api(client, TRANSLATED_WORD, "nl")) == {"translation", "publication"}


def test_search_page_shows_no_draft_or_translation_to_anonymous(client, demo):
    page = client.get("/search", query_string={"q": TRANSLATED_WORD, "language": "nl"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "badge-kind-publication" in html
    assert "badge-kind-translation" not in html and "badge-kind-draft" not in html
    html = client.get("/search", query_string={"q": DRAFT_WORD, "language": "en"}).get_data(
        as_text=True
    )
    assert "badge-kind-draft" not in html and "/adaptations/" not in html


def test_search_page_shows_the_draft_to_a_network_member(client, demo, login):
    login("author@example.org")
    html = client.get("/search", query_string={"q": DRAFT_WORD, "language": "en"}).get_data(
        as_text=True
    )
    assert "badge-kind-draft" in html


@pytest.mark.parametrize("email", [None, "admin@example.org", "author.vascular@example.org"])
def test_portal_search_shows_publications_only(client, demo, login, email):
    if email:
        login(email)
    html = client.get(
        "/portal/search", query_string={"q": TRANSLATED_WORD, "language": "nl"}
    ).get_data(as_text=True)
    assert "badge-kind-publication" in html
    assert "badge-kind-translation" not in html and "badge-kind-source" not in html
    html = client.get("/portal/search", query_string={"q": "marfan", "language": "en"}).get_data(
        as_text=True
    )
    assert "badge-kind-source" not in html


def test_portal_search_refuses_another_kind(client, demo):
    response = client.get("/portal/search", query_string={"q": "marfan", "kind": "draft"})
    assert response.status_code == 400


def test_suggestion_never_offers_a_word_only_a_hidden_draft_holds(demo):
    misspelt = "RIZIF"
    assert find(demo, misspelt, PUBLIC, language="en").suggestion is None
    # The same misspelling does get the draft's word for whom may see the draft.
    member = find(demo, misspelt, None, language="en").suggestion
    assert member is not None and member.lower() == "riziv"


def test_suggestion_page_for_anonymous_does_not_name_the_draft_word(client, demo):
    html = client.get("/search", query_string={"q": "RIZIF", "language": "en"}).get_data(
        as_text=True
    )
    assert "riziv" not in html.lower()
