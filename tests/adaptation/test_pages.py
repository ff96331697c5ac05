"""The adaptation pages: start, edit, stale save, decisions, impact, rebase, and who may."""

import pytest

from guidelines.adaptation.operations import current_state
from guidelines.extensions import db
from tests.adaptation.conftest import V1, V2


@pytest.fixture
def logged_in_author(auth, author):
    auth.login(author.email)
    return author


def test_author_starts_an_adaptation(client, logged_in_author, guideline_versions):
    response = client.post(
        "/guidelines/bone-care/adapt", data={"network": "bot", "version": "1.0", "locale": "nl-BE"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    assert "Bone care" in client.get("/adaptations").get_data(as_text=True)


def test_editor_saves_a_revision(client, logged_in_author, adaptation):
    page = client.get(f"/adaptations/{adaptation.id}/edit").get_data(as_text=True)
    assert "Scan the spine every 2 years." in page
    local = V1.replace("every 2 years", "every 3 years")
    response = client.post(
        f"/adaptations/{adaptation.id}/edit",
        data={"parent_revision": 1, "markdown": local.replace("\n", "\r\n"), "message": "RIZIV"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert current_state(adaptation).text == local  # browsers send CRLF; we store LF


def test_stale_save_shows_both_texts_to_merge(client, logged_in_author, adaptation):
    url = f"/adaptations/{adaptation.id}/edit"
    client.post(url, data={"parent_revision": 1, "markdown": V1 + "Saved first.\n"})
    response = client.post(url, data={"parent_revision": 1, "markdown": V1 + "Mine too.\n"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Saved first." in page and "Mine too." in page
    assert 'name="parent_revision" type="hidden" value="2"' in page or 'value="2"' in page
    db.session.expire_all()
    assert current_state(adaptation).text == V1 + "Saved first.\n"


def test_a_reviewer_of_the_network_reads_but_cannot_edit(client, auth, make_user, adaptation):
    auth.login(make_user(role="reviewer", networks=("bot",)).email)
    assert client.get(f"/adaptations/{adaptation.id}").status_code == 200
    assert client.get(f"/adaptations/{adaptation.id}/edit").status_code == 403


@pytest.mark.parametrize("suffix", ["", "/decisions", "/diff", "/decisions.csv"])
def test_drafts_do_not_exist_for_anonymous_users(client, adaptation, suffix):
    assert client.get(f"/adaptations/{adaptation.id}{suffix}").status_code == 404


def test_the_editor_sends_anonymous_users_to_log_in_whatever_the_id(client, adaptation):
    existing = client.get(f"/adaptations/{adaptation.id}/edit")
    missing = client.get("/adaptations/999999/edit")
    assert existing.status_code == missing.status_code == 302  # nothing tells them apart


def test_drafts_do_not_exist_for_other_networks(client, auth, make_user, adaptation):
    auth.login(make_user(role="author", networks=("metabole-aandoeningen",)).email)
    assert client.get(f"/adaptations/{adaptation.id}").status_code == 404
    assert "Bone care" not in client.get("/adaptations").get_data(as_text=True)


def test_members_read_the_adaptation_and_its_register(client, logged_in_author, adaptation):
    assert client.get(f"/adaptations/{adaptation.id}").status_code == 200
    assert client.get(f"/adaptations/{adaptation.id}/decisions").status_code == 200
    assert client.get(f"/adaptations/{adaptation.id}/diff").status_code == 200


def test_justify_on_the_register_page_and_export_csv(client, logged_in_author, adaptation):
    client.post(
        f"/adaptations/{adaptation.id}/edit",
        data={"parent_revision": 1, "markdown": V1.replace("2 years", "3 years")},
    )
    response = client.post(
        f"/adaptations/{adaptation.id}/decisions/R1",
        data={"justification": "RIZIV reimburses every 3 years."},
    )
    assert response.status_code == 302
    csv_text = client.get(f"/adaptations/{adaptation.id}/decisions.csv").get_data(as_text=True)
    assert "R1" in csv_text and "RIZIV reimburses every 3 years." in csv_text


def test_impact_report_page(client, logged_in_author, adaptation):
    page = client.get("/guidelines/bone-care/impact?from=1.0&to=2.0").get_data(as_text=True)
    assert "R1" in page and "R3" in page


def test_rebase_page_settles_a_conflict(client, logged_in_author, adaptation):
    client.post(
        f"/adaptations/{adaptation.id}/edit",
        data={"parent_revision": 1, "markdown": V1.replace("2 years", "3 years")},
    )
    page = client.get(f"/adaptations/{adaptation.id}/rebase?to=2.0").get_data(as_text=True)
    assert "every 12 months" in page and "every 3 years" in page
    response = client.post(
        f"/adaptations/{adaptation.id}/rebase",
        data={
            "to": "2.0",
            "parent_revision": "2",
            "hunk-0": "edit",
            "hunk-0-text": "::: recommendation R1 strength=strong certainty=low direction=for\n"
            "Scan the spine every 18 months.\n:::\n",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    state = current_state(adaptation)
    assert state.base == V2 and "every 18 months" in state.text


def test_rebase_page_without_choices_saves_nothing(client, logged_in_author, adaptation):
    client.post(
        f"/adaptations/{adaptation.id}/edit",
        data={"parent_revision": 1, "markdown": V1.replace("2 years", "3 years")},
    )
    response = client.post(
        f"/adaptations/{adaptation.id}/rebase", data={"to": "2.0", "parent_revision": "2"}
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert current_state(adaptation).base == V1


def test_live_preview_renders_recommendations(client, logged_in_author):
    text = "::: recommendation R1 strength=strong certainty=low direction=for\nDo.\n:::\n"
    html = client.post("/adaptations/preview", data={"markdown": text}).get_json()["html"]
    assert "recommendation-strong" in html
