"""The review pages: submit, request changes, resubmit, approve, publish; four eyes; the inbox."""

import html

import pytest
from sqlalchemy import select

from guidelines.adaptation.operations import justify, save_revision
from guidelines.extensions import db
from guidelines.portal.models import Publication
from guidelines.review.notifications import Notification
from guidelines.review.submissions import Submission
from tests.adaptation.conftest import V1

LOCAL = V1.replace("every 2 years", "every 3 years")  # R1 adapted
FIXED = LOCAL.replace("Offer bisphosphonates", "Offer oral bisphosphonates")  # R2 adapted too


@pytest.fixture
def reviewer(make_user):
    """Return a reviewer of the network 'bot'."""
    return make_user(role="reviewer", networks=("bot",))


def save_and_justify(adaptation, user, markdown, keys=("R1",)):
    """Save ``markdown`` as the next revision and justify the adapted ``keys``."""
    save_revision(
        adaptation,
        parent_number=adaptation.current_revision.number,
        markdown=markdown,
        message="Flemish practice",
        user=user,
    )
    for key in keys:
        justify(adaptation, key, "adapted", "RIZIV reimburses one scan every 3 years.", user)
    db.session.commit()


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def submission_status(adaptation) -> str:
    db.session.expire_all()
    return db.session.scalar(
        select(Submission.status)
        .where(Submission.adaptation_id == adaptation.id)
        .order_by(Submission.id.desc())
        .limit(1)
    )


def test_author_submits_a_justified_revision(client, auth, adaptation, author, reviewer):
    save_and_justify(adaptation, author, LOCAL)
    auth.login(author.email)
    response = client.post(f"/adaptations/{adaptation.id}/submit", follow_redirects=True)
    assert response.status_code == 200
    assert "Revision 2 was submitted for review." in page_text(response)
    assert submission_status(adaptation) == "in_review"
    assert db.session.scalar(select(Notification).where(Notification.user_id == reviewer.id))


def test_submitting_with_an_unjustified_unit_is_refused(client, auth, adaptation, author):
    save_revision(adaptation, parent_number=1, markdown=LOCAL, message="", user=author)
    db.session.commit()
    auth.login(author.email)
    response = client.post(f"/adaptations/{adaptation.id}/submit", follow_redirects=True)
    assert "Justify every adapted, excluded and new unit first" in page_text(response)
    assert submission_status(adaptation) is None


def test_the_adaptation_page_offers_the_submit_button(client, auth, adaptation, author):
    auth.login(author.email)
    page = page_text(client.get(f"/adaptations/{adaptation.id}"))
    assert f'action="/adaptations/{adaptation.id}/submit"' in page
    assert "Submit for review" in page


def test_review_cycle_from_request_changes_to_publication(
    client, auth, adaptation, author, reviewer
):
    save_and_justify(adaptation, author, LOCAL)
    auth.login(author.email)
    client.post(f"/adaptations/{adaptation.id}/submit")
    first = adaptation.current_revision.id

    auth.login(reviewer.email)
    page = page_text(client.get(f"/adaptations/{adaptation.id}/review"))
    assert "Review of revision 2" in page and f'action="/revisions/{first}/review"' in page
    assert "RIZIV reimburses one scan every 3 years." in page  # the justification
    assert "every 3 years" in page  # the diff
    assert "Changes in the European source" in page  # version 2.0 exists
    refused = client.post(
        f"/revisions/{first}/review", data={"decision": "request_changes"}, follow_redirects=True
    )
    assert "a request for changes needs a comment" in page_text(refused)
    client.post(
        f"/revisions/{first}/review",
        data={"decision": "request_changes", "comment": "Name the oral drug."},
    )
    assert submission_status(adaptation) == "changes_requested"

    auth.login(author.email)
    assert "Name the oral drug." in page_text(client.get(f"/adaptations/{adaptation.id}/review"))
    save_and_justify(adaptation, author, FIXED, keys=("R2",))
    client.post(f"/adaptations/{adaptation.id}/submit")
    second = adaptation.current_revision.id
    assert submission_status(adaptation) == "in_review"

    auth.login(reviewer.email)
    approved = client.post(
        f"/revisions/{second}/review", data={"decision": "approve"}, follow_redirects=True
    )
    assert "Revision 3 was approved." in page_text(approved)
    assert f'action="/revisions/{second}/publish"' in page_text(approved)
    published = client.post(f"/revisions/{second}/publish")
    assert published.status_code == 302
    assert submission_status(adaptation) == "published"
    assert db.session.scalar(select(Publication).where(Publication.revision_id == second))


def test_an_author_cannot_approve(client, auth, adaptation, author):
    save_and_justify(adaptation, author, LOCAL)
    auth.login(author.email)
    client.post(f"/adaptations/{adaptation.id}/submit")
    revision = adaptation.current_revision
    response = client.post(f"/revisions/{revision.id}/review", data={"decision": "approve"})
    assert response.status_code == 403
    assert "Only reviewers of" in page_text(response)
    assert submission_status(adaptation) == "in_review"


def test_four_eyes_needs_an_exception_for_an_admin_who_wrote_the_revision(
    client, auth, adaptation, make_user
):
    writer = make_user(role="admin")
    other_admin = make_user(role="admin")
    save_and_justify(adaptation, writer, LOCAL)
    auth.login(writer.email)
    client.post(f"/adaptations/{adaptation.id}/submit")
    revision = adaptation.current_revision
    refused = client.post(f"/revisions/{revision.id}/review", data={"decision": "approve"})
    assert refused.status_code == 403
    assert "so you cannot approve it (four eyes)" in page_text(refused)

    auth.login(other_admin.email)
    reason = "The only other reviewer of the network is on leave until June."
    recorded = client.post(
        f"/revisions/{revision.id}/exception", data={"reason": reason}, follow_redirects=True
    )
    assert reason in page_text(recorded)
    assert "Exception to four eyes" in page_text(recorded)

    auth.login(writer.email)
    client.post(f"/revisions/{revision.id}/review", data={"decision": "approve"})
    assert submission_status(adaptation) == "approved"


def test_a_short_exception_reason_is_refused(client, auth, adaptation, author, make_user):
    admin = make_user(role="admin")
    save_and_justify(adaptation, author, LOCAL)
    auth.login(author.email)
    client.post(f"/adaptations/{adaptation.id}/submit")
    auth.login(admin.email)
    response = client.post(
        f"/revisions/{adaptation.current_revision.id}/exception",
        data={"reason": "because"},
        follow_redirects=True,
    )
    assert "Give the reason for the exception in a sentence." in page_text(response)


def test_comments_appear_in_the_thread_of_their_unit(client, auth, adaptation, author, reviewer):
    save_and_justify(adaptation, author, LOCAL)
    auth.login(author.email)
    client.post(f"/adaptations/{adaptation.id}/submit")
    auth.login(reviewer.email)
    response = client.post(
        f"/revisions/{adaptation.current_revision.id}/comments",
        data={"unit_key": "R1", "text": "Which RIZIV rule is this?"},
        follow_redirects=True,
    )
    page = page_text(response)
    assert "Your comment was added." in page
    row = page.split('id="review-unit-', 1)[1].split("</tr>", 1)[0]
    assert "Which RIZIV rule is this?" in row


def test_anonymous_visitors_do_not_see_the_review(client, adaptation):
    assert client.get(f"/adaptations/{adaptation.id}/review").status_code == 404


def test_inbox_lists_notifications_and_the_header_counts_the_unread(
    client, auth, adaptation, author, reviewer
):
    save_and_justify(adaptation, author, LOCAL)
    auth.login(author.email)
    client.post(f"/adaptations/{adaptation.id}/submit")
    auth.login(reviewer.email)
    page = page_text(client.get("/inbox"))
    assert "Revision 2 of" in page and "awaits your review." in page
    assert f'href="/adaptations/{adaptation.id}/review"' in page
    assert '<span class="inbox-count" aria-hidden="true">1</span>' in page

    client.post("/inbox/read")
    page = page_text(client.get("/inbox"))
    assert 'class="inbox-count"' not in page
    assert "inbox-unread" not in page


def test_marking_one_notification_read(client, auth, reviewer):
    for text in ("First", "Second"):
        db.session.add(Notification(user_id=reviewer.id, kind="test", message=text))
    db.session.commit()
    first = db.session.scalar(select(Notification.id).where(Notification.message == "First"))
    auth.login(reviewer.email)
    client.post("/inbox/read", data={"id": first})
    page = page_text(client.get("/inbox"))
    assert '<span class="inbox-count" aria-hidden="true">1</span>' in page
