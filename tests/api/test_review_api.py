"""The review API: submit, review, publish, and the publications it makes."""

import pytest

from guidelines.accounts.tokens import create_token
from guidelines.adaptation.operations import justify, save_revision
from guidelines.extensions import db
from tests.adaptation.conftest import V1


def token_for(user) -> dict:
    _token, secret = create_token(user, "api")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def submitted(client, adaptation, author):
    save_revision(
        adaptation,
        parent_number=1,
        markdown=V1.replace("2 years", "3 years"),
        message="",
        user=author,
    )
    justify(adaptation, "R1", "adapted", "RIZIV rule.", author)
    db.session.commit()
    response = client.post(f"/api/v1/adaptations/{adaptation.id}/submit", headers=token_for(author))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_submit_review_publish_and_read(client, submitted, make_user, author):
    reviewer = token_for(make_user(role="reviewer", networks=("bot",)))
    revision = submitted["revision"]
    own = client.post(
        f"/api/v1/revisions/{revision}/review",
        json={"decision": "approve"},
        headers=token_for(author),
    )
    assert own.status_code == 403
    approved = client.post(
        f"/api/v1/revisions/{revision}/review",
        json={"decision": "approve", "comment": "Fine."},
        headers=reviewer,
    )
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    published = client.post(f"/api/v1/revisions/{revision}/publish", headers=reviewer)
    assert published.status_code == 201
    listing = client.get("/api/v1/publications?network=bot&guideline=bone-care").get_json()
    [entry] = listing["publications"]
    body = client.get(f"/api/v1/publications/{entry['id']}").get_json()
    assert "Scan the spine every 3 years." in body["markdown"]
    assert len(body["sha256"]) == 64
    assert body["based_on"]["version"] == "1.0" and body["based_on"]["newer_version"] == "2.0"


def test_deciding_twice_is_a_409(client, submitted, make_user):
    revision = submitted["revision"]
    first = token_for(make_user(role="reviewer", networks=("bot",)))
    second = token_for(make_user(role="reviewer", networks=("bot",)))
    client.post(f"/api/v1/revisions/{revision}/review", json={"decision": "approve"}, headers=first)
    again = client.post(
        f"/api/v1/revisions/{revision}/review",
        json={"decision": "request_changes", "comment": "x"},
        headers=second,
    )
    assert again.status_code == 409


def test_a_bad_decision_is_a_400(client, submitted, make_user):
    reviewer = token_for(make_user(role="reviewer", networks=("bot",)))
    response = client.post(
        f"/api/v1/revisions/{submitted['revision']}/review",
        json={"decision": "maybe"},
        headers=reviewer,
    )
    assert response.status_code == 400


def test_unpublished_revisions_are_404_for_anonymous_callers(client, submitted):
    response = client.post(f"/api/v1/revisions/{submitted['revision']}/publish")
    assert response.status_code == 401
    assert client.get("/api/v1/publications/999").status_code == 404
