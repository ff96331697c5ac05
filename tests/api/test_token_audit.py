"""Every write through a personal API token is in the audit log, naming the token.

One scenario drives each write endpoint of the API with a token (adaptation, decisions, rebase,
review, publication, translation, PO import, freeze), and the test fails when the API grows a
write endpoint that the scenario does not cover, so a new one cannot slip by unaudited.
"""

from flask import current_app
from sqlalchemy import select

from guidelines.accounts.tokens import create_token
from guidelines.extensions import db
from guidelines.review.models import AuditEvent
from tests.adaptation.conftest import V1
from tests.conftest import last_audit_event_id
from tests.translation.conftest import dutch

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def write_endpoints() -> set[str]:
    """Return the endpoints of the API blueprint that accept a write method."""
    return {
        rule.endpoint
        for rule in current_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and UNSAFE & set(rule.methods or ())
    }


class TokenScript:
    """A script calling the API with one user's token, checking the audit log after each write."""

    covered: set[str] = set()

    def __init__(self, client, user, name: str):
        self.client, self.user = client, user
        self.token, secret = create_token(user, name)
        db.session.commit()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, url: str) -> dict:
        response = self.client.get(url, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def write(self, method: str, url: str, expected: int, **kwargs):
        before = last_audit_event_id()
        response = self.client.open(url, method=method, headers=self.headers, **kwargs)
        assert response.status_code == expected, (url, response.get_json())
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
        assert events, f"{method} {url} changed state without an audit event"
        for event in events:
            assert (event.via, event.actor_id, event.api_token_id) == (
                "api-token",
                self.user.id,
                self.token.id,
            ), (event.action, url)
        adapter = current_app.url_map.bind("localhost")
        TokenScript.covered.add(adapter.match(url.split("?")[0], method=method)[0])
        return response.get_json()


def test_every_write_by_token_is_audited_with_the_token(
    client, guideline_versions, author, make_user
):
    TokenScript.covered = set()
    writer = TokenScript(client, author, "deploy script")
    created = writer.write(
        "POST",
        "/api/v1/adaptations",
        201,
        json={"guideline": "bone-care", "network": "bot", "base_version": "1.0"},
    )
    url = f"/api/v1/adaptations/{created['id']}"
    local = V1.replace("Offer bisphosphonates", "Offer zoledronic acid")
    writer.write(
        "PUT",
        f"{url}/text",
        201,
        json={"parent_revision": created["current_revision_id"], "markdown": local},
    )
    rebased = writer.write("POST", f"{url}/rebase", 201, json={"base_version": "2.0"})
    assert [hunk["outcome"] for hunk in rebased["hunks"]] == ["applied"]
    for decision in writer.get(f"{url}/decisions")["decisions"]:
        if decision["decision"] != "adopted":
            writer.write(
                "PUT",
                f"{url}/decisions/{decision['key']}",
                200,
                json={"justification": "Reimbursed in Belgium (RIZIV)."},
            )
    submission = writer.write("POST", f"{url}/submit", 201)

    reviewer = TokenScript(client, make_user(role="reviewer", networks=("bot",)), "review bot")
    revision = submission["revision"]
    reviewer.write(
        "POST", f"/api/v1/revisions/{revision}/review", 200, json={"decision": "approve"}
    )
    reviewer.write("POST", f"/api/v1/revisions/{revision}/publish", 201)

    translator = TokenScript(client, make_user(role="translator", networks=("bot",)), "po sync")
    translations = "/api/v1/guidelines/bone-care/versions/1.0/translations/nl"
    first, *others = translator.get(translations)["segments"]
    po = f'msgctxt "{first["key"]}"\nmsgid "{first["source"]}"\nmsgstr "Botzorg"\n'
    report = translator.write(
        "POST",
        f"{translations}/po",
        200,
        data=po.encode(),
        content_type="text/x-gettext-translation",
    )
    assert report["counts"]["updated"] == 1
    for segment in others:
        translator.write(
            "PUT",
            f"{translations}/segments/{segment['key']}",
            200,
            json={"target": dutch(segment["source"]), "status": "translated"},
        )
    translator.write("POST", f"{translations}/freeze", 201)

    assert TokenScript.covered == write_endpoints()


def test_the_audit_page_names_the_token(client, auth, guideline_versions, author, make_user):
    writer = TokenScript(client, author, "nightly import")
    writer.write(
        "POST",
        "/api/v1/adaptations",
        201,
        json={"guideline": "bone-care", "network": "bot", "base_version": "1.0"},
    )
    admin = make_user(role="admin")
    auth.login(admin.email)
    page = client.get("/admin/audit?action=adaptation.start", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "API token <q>nightly import</q>" in page.get_data(as_text=True)
