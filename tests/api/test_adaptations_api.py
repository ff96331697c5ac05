"""The adaptation API: create, read, save with 409 on a stale parent, decisions, rebase."""

import re

import pytest

from guidelines.accounts.tokens import create_token, revoke_token
from guidelines.extensions import db
from guidelines.text import sha256_text
from tests.adaptation.conftest import V1, V2
from tests.conftest import PASSWORD


@pytest.fixture
def bearer(author):
    _token, secret = create_token(author, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def created(client, bearer, guideline_versions):
    response = client.post(
        "/api/v1/adaptations",
        json={"guideline": "bone-care", "network": "bot", "base_version": "1.0"},
        headers=bearer,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_returns_the_adaptation_with_revision_base_and_decisions(created):
    assert created["guideline"] == "bone-care" and created["network"] == "bot"
    assert created["locale"] == "nl-BE"
    assert created["current_revision"]["number"] == 1
    assert created["base"] == {**created["base"], "sha256": sha256_text(V1), "version": "1.0"}
    assert created["markdown"] == V1
    assert {d["key"]: d["decision"] for d in created["decisions"]} == {
        "R1": "adopted",
        "R2": "adopted",
        "R3": "adopted",
    }


def test_get_adaptation(client, bearer, created):
    body = client.get(f"/api/v1/adaptations/{created['id']}", headers=bearer).get_json()
    assert body["current_revision"]["id"] == created["current_revision_id"]


def test_drafts_are_404_for_anonymous_readers(client, created):
    assert client.get(f"/api/v1/adaptations/{created['id']}").status_code == 404
    assert client.get(f"/api/v1/adaptations/{created['id']}/decisions").status_code == 404


def test_put_text_saves_a_revision(client, bearer, created):
    local = V1.replace("every 2 years", "every 3 years")
    response = client.put(
        f"/api/v1/adaptations/{created['id']}/text",
        json={
            "parent_revision": created["current_revision"]["id"],
            "markdown": local,
            "message": "RIZIV",
        },
        headers=bearer,
    )
    assert response.status_code == 201
    assert response.get_json()["sha256"] == sha256_text(local)
    decisions = client.get(
        f"/api/v1/adaptations/{created['id']}/decisions", headers=bearer
    ).get_json()
    assert {d["key"]: d["decision"] for d in decisions["decisions"]}["R1"] == "adapted"


def test_stale_put_is_409_with_both_texts(client, bearer, created):
    url = f"/api/v1/adaptations/{created['id']}/text"
    parent = created["current_revision"]["id"]
    first = client.put(
        url, json={"parent_revision": parent, "markdown": V1 + "A\n"}, headers=bearer
    )
    assert first.status_code == 201
    second = client.put(
        url, json={"parent_revision": parent, "markdown": V1 + "B\n"}, headers=bearer
    )
    assert second.status_code == 409
    body = second.get_json()
    assert body["current_markdown"] == V1 + "A\n" and body["your_markdown"] == V1 + "B\n"
    assert body["current_revision"]["number"] == 2


def test_writes_need_an_author_of_the_network(client, created, make_user):
    _token, secret = create_token(
        make_user(role="author", networks=("metabole-aandoeningen",)), "x"
    )
    db.session.commit()
    response = client.put(
        f"/api/v1/adaptations/{created['id']}/text",
        json={"parent_revision": created["current_revision_id"], "markdown": V1 + "x"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 404 and response.is_json  # not a member: no such draft


def test_anonymous_write_is_401(client, created):
    response = client.post("/api/v1/adaptations", json={"guideline": "bone-care", "network": "bot"})
    assert response.status_code == 401 and response.is_json


def test_revoked_token_is_refused(client, author, guideline_versions):
    token, secret = create_token(author, "old")
    revoke_token(token)
    db.session.commit()
    response = client.post(
        "/api/v1/adaptations",
        json={"guideline": "bone-care", "network": "bot"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 401


def csrf_token_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def test_cookie_session_write_needs_the_csrf_token(
    app, client, author, guideline_versions, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    form = {"email": author.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302
    token = csrf_token_of(client.get("/").get_data(as_text=True))  # a new session at login
    body = {"guideline": "bone-care", "network": "bot"}
    refused = client.post("/api/v1/adaptations", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    accepted = client.post("/api/v1/adaptations", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.get_json()


def test_rebase_returns_hunks_and_saves_when_clean(client, bearer, created):
    url = f"/api/v1/adaptations/{created['id']}"
    local = V1.replace("Offer bisphosphonates", "Offer zoledronic acid")
    client.put(
        f"{url}/text",
        json={"parent_revision": created["current_revision_id"], "markdown": local},
        headers=bearer,
    )
    response = client.post(f"{url}/rebase", json={"base_version": "2.0"}, headers=bearer)
    assert response.status_code == 201
    body = response.get_json()
    assert body["rebased"] and [h["outcome"] for h in body["hunks"]] == ["applied"]
    after = client.get(url, headers=bearer).get_json()
    assert after["base"]["version"] == "2.0"
    assert after["markdown"] == V2.replace("Offer bisphosphonates", "Offer zoledronic acid")


def test_rebase_with_a_conflict_saves_nothing_until_resolved(client, bearer, created):
    url = f"/api/v1/adaptations/{created['id']}"
    local = V1.replace("every 2 years", "every 3 years")
    client.put(
        f"{url}/text",
        json={"parent_revision": created["current_revision_id"], "markdown": local},
        headers=bearer,
    )
    body = client.post(f"{url}/rebase", json={"base_version": "2.0"}, headers=bearer).get_json()
    assert not body["rebased"] and body["unresolved"] == [0]
    assert body["hunks"][0]["outcome"] == "conflict"
    assert "every 12 months" in body["hunks"][0]["new_base"]
    assert client.get(url, headers=bearer).get_json()["base"]["version"] == "1.0"
    resolved = client.post(
        f"{url}/rebase", json={"base_version": "2.0", "resolutions": {"0": "mine"}}, headers=bearer
    )
    assert resolved.status_code == 201
    assert "Scan the spine every 3 years." in client.get(url, headers=bearer).get_json()["markdown"]


def test_justify_through_the_api(client, bearer, created):
    url = f"/api/v1/adaptations/{created['id']}"
    client.put(
        f"{url}/text",
        json={
            "parent_revision": created["current_revision_id"],
            "markdown": V1.replace("every 2 years", "every 3 years"),
        },
        headers=bearer,
    )
    response = client.put(
        f"{url}/decisions/R1", json={"justification": "RIZIV rule."}, headers=bearer
    )
    assert response.get_json() == {**response.get_json(), "justified": True, "decision": "adapted"}


def test_bad_json_is_a_400(client, bearer, created):
    response = client.put(f"/api/v1/adaptations/{created['id']}/text", data="nope", headers=bearer)
    assert response.status_code == 400 and "JSON" in response.get_json()["message"]
