"""The review workflow: justified submissions, four eyes, exceptions, publication."""

import pytest
from sqlalchemy import select

from guidelines.adaptation.operations import justify, save_revision
from guidelines.extensions import db
from guidelines.portal.models import Publication
from guidelines.portal.visibility import is_superseded
from guidelines.review import workflow
from guidelines.review.models import AuditEvent
from guidelines.review.notifications import Notification
from tests.adaptation.conftest import V1


def adapt(adaptation, user, text, key="R1"):
    """Save ``text`` as the next revision and justify the unit it changes."""
    save_revision(
        adaptation,
        parent_number=adaptation.current_revision.number,
        markdown=text,
        message="local",
        user=user,
    )
    justify(adaptation, key, "adapted", "The RIZIV reimburses it this way.", user)
    db.session.commit()
    return adaptation.current_revision


@pytest.fixture
def reviewer(make_user):
    return make_user(role="reviewer", networks=("bot",))


def test_submission_needs_every_decision_justified(adaptation, author):
    save_revision(
        adaptation,
        parent_number=1,
        markdown=V1.replace("2 years", "3 years"),
        message="",
        user=author,
    )
    with pytest.raises(workflow.WorkflowError, match="R1"):
        workflow.submit(adaptation, author)


def test_submit_approve_publish(adaptation, author, reviewer):
    revision = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    assert workflow.status_of(revision) == "in_review"
    workflow.review(revision, "approve", "Clear.", reviewer)
    publication = workflow.publish(revision, reviewer)
    db.session.commit()
    assert workflow.status_of(revision) == "published"
    assert publication.sha256 == revision.result_sha256
    assert publication.markdown == revision.text()
    assert publication.source_version == revision.base_version
    assert (publication.approved_by, publication.published_by) == (reviewer, reviewer)


def test_request_changes_needs_a_comment_and_reaches_the_author(adaptation, author, reviewer):
    revision = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    with pytest.raises(workflow.WorkflowError, match="comment"):
        workflow.review(revision, "request_changes", " ", reviewer)
    workflow.review(revision, "request_changes", "Cite the RIZIV rule.", reviewer)
    inbox = db.session.scalars(select(Notification).where(Notification.user_id == author.id))
    assert any("Changes were requested" in n.message for n in inbox)


def test_submission_reaches_the_networks_reviewers(adaptation, author, reviewer, make_user):
    outsider = make_user(role="reviewer", networks=("metabole-aandoeningen",))
    adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    recipients = set(db.session.scalars(select(Notification.user_id)))
    assert reviewer.id in recipients and outsider.id not in recipients


def test_reviewer_of_another_network_may_not_review(adaptation, author, make_user):
    revision = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    with pytest.raises(workflow.NotAllowed):
        workflow.review(
            revision, "approve", "", make_user(role="reviewer", networks=("metabole-aandoeningen",))
        )


def test_four_eyes_refuses_an_author_and_an_exception_lets_them(adaptation, author, make_user):
    admin = make_user(role="admin")
    revision = adapt(adaptation, admin, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    with pytest.raises(workflow.NotAllowed, match="four eyes"):
        workflow.review(revision, "approve", "", admin)
    submission = workflow.submission_of(revision)
    with pytest.raises(workflow.NotAllowed):
        workflow.grant_exception(submission, "Only one reviewer in the network.", author)
    workflow.grant_exception(submission, "Only one reviewer in the network this month.", admin)
    workflow.review(revision, "approve", "", admin)
    assert workflow.status_of(revision) == "approved"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"revision.four_eyes.exception", "revision.approve"} <= actions


def test_any_revision_since_the_last_approval_counts_as_authored(adaptation, author, make_user):
    admin = make_user(role="admin")
    adapt(adaptation, admin, V1.replace("2 years", "3 years"))
    revision = adapt(adaptation, author, V1.replace("2 years", "4 years"))
    workflow.submit(adaptation, author)
    assert admin.id in workflow.authors_since_last_approval(revision)
    with pytest.raises(workflow.NotAllowed):
        workflow.review(revision, "approve", "", admin)


def test_a_decided_submission_cannot_be_decided_again(adaptation, author, reviewer, make_user):
    revision = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    workflow.review(revision, "approve", "", reviewer)
    other = make_user(role="reviewer", networks=("bot",))
    with pytest.raises(workflow.AlreadyDecided):
        workflow.review(revision, "request_changes", "Too late.", other)


def test_a_newer_publication_supersedes_the_older(adaptation, author, reviewer):
    first = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    workflow.review(first, "approve", "", reviewer)
    old = workflow.publish(first, reviewer)
    second = adapt(adaptation, author, V1.replace("2 years", "4 years"))
    workflow.submit(adaptation, author)
    workflow.review(second, "approve", "", reviewer)
    new = workflow.publish(second, reviewer)
    db.session.commit()
    assert is_superseded(old) and not is_superseded(new)
    assert workflow.status_of(first) == "superseded"
    assert "3 years" in old.markdown  # still readable, unchanged


def test_publishing_twice_makes_one_publication(adaptation, author, reviewer):
    revision = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    workflow.review(revision, "approve", "", reviewer)
    workflow.publish(revision, reviewer)
    with pytest.raises(workflow.AlreadyDecided):
        workflow.publish(revision, reviewer)
    assert len(db.session.scalars(select(Publication)).all()) == 1


def test_publications_are_immutable(adaptation, author, reviewer):
    revision = adapt(adaptation, author, V1.replace("2 years", "3 years"))
    workflow.submit(adaptation, author)
    workflow.review(revision, "approve", "", reviewer)
    publication = workflow.publish(revision, reviewer)
    publication.published_by = author
    with pytest.raises(Exception, match="immutable"):
        db.session.flush()
