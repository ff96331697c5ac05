"""Two reviewers approving one revision at the same moment: one approval, one publication.

Run on PostgreSQL with two real connections (each thread its own app context and session).
"""

import threading

from sqlalchemy import func, select

from guidelines.accounts.models import User
from guidelines.accounts.operations import create_user
from guidelines.adaptation.models import Revision
from guidelines.adaptation.operations import justify, save_revision, start_adaptation
from guidelines.extensions import db
from guidelines.library.models import Network
from guidelines.library.operations import ImportRequest, import_version
from guidelines.portal.models import Publication
from guidelines.review import workflow
from guidelines.review.models import AuditEvent
from tests.adaptation.conftest import V1

PASSWORD = "correct horse battery"


def prepare(app) -> tuple[int, list[int]]:
    """Commit an adaptation with a submitted revision and two reviewers; return their ids."""
    with app.app_context():
        author = create_user("race-author@example.org", PASSWORD, role="author", networks=("bot",))
        reviewers = [
            create_user(
                f"race-reviewer-{n}@example.org", PASSWORD, role="reviewer", networks=("bot",)
            )
            for n in (1, 2)
        ]
        version = import_version(V1, ImportRequest(slug="race-guideline", label="1")).version
        network = db.session.scalar(select(Network).where(Network.code == "bot"))
        adaptation = start_adaptation(version.guideline, network, user=author, version=version)
        save_revision(
            adaptation,
            parent_number=1,
            markdown=V1.replace("2 years", "3 years"),
            message="",
            user=author,
        )
        justify(adaptation, "R1", "adapted", "The RIZIV rule.", author)
        workflow.submit(adaptation, author)
        db.session.commit()
        return adaptation.current_revision.id, [r.id for r in reviewers]


def race(app, revision_id: int, reviewer_ids: list[int], step) -> list[str]:
    """Let each reviewer take ``step`` at the same moment; return what happened to each."""
    start = threading.Barrier(len(reviewer_ids))
    outcomes: list[str] = []

    def take_step(reviewer_id: int) -> None:
        with app.app_context():
            revision = db.session.get(Revision, revision_id)
            reviewer = db.session.get(User, reviewer_id)
            revision.adaptation.network  # noqa: B018  (load before the race, not during it)
            start.wait(timeout=10)
            try:
                step(revision, reviewer)
                db.session.commit()
                outcomes.append("done")
            except workflow.AlreadyDecided:
                db.session.rollback()
                outcomes.append("already decided")

    threads = [threading.Thread(target=take_step, args=(rid,)) for rid in reviewer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_simultaneous_approvals_and_publications_happen_once(committing_app):
    app = committing_app
    revision_id, reviewer_ids = prepare(app)
    approvals = race(
        app,
        revision_id,
        reviewer_ids,
        lambda revision, user: workflow.review(revision, "approve", "", user),
    )
    assert approvals == ["already decided", "done"]
    publications = race(
        app, revision_id, reviewer_ids, lambda revision, user: workflow.publish(revision, user)
    )
    assert publications == ["already decided", "done"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Publication)) == 1
        approved = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "revision.approve")
        )
        assert approved == 1
