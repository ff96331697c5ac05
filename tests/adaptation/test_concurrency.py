"""Two authors saving from the same revision at the same moment: one wins, one gets 409.

This needs two real database connections that commit, so it runs outside the rolled-back
test transaction and cleans up after itself. SQLite serialises writers with a file lock
(the loser gets "database is locked", not a race), so the race itself runs on PostgreSQL.
"""

import threading

import pytest
from sqlalchemy import delete, select

from guidelines.accounts.models import User
from guidelines.accounts.operations import create_user
from guidelines.adaptation.models import Adaptation, Revision
from guidelines.adaptation.operations import StaleRevision, save_revision, start_adaptation
from guidelines.extensions import db
from guidelines.library.models import DocumentText, Guideline, Network, SourceVersion
from guidelines.library.operations import ImportRequest, import_version
from tests.adaptation.conftest import V1
from tests.conftest import last_audit_event_id, purge_audit_events_after


@pytest.fixture
def committed_adaptation(app):
    """Create and commit an adaptation for real; delete everything it made afterwards."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the save race needs PostgreSQL (TEST_DATABASE_URL); .ci/run runs it there")
    with app.app_context():
        audit_before = last_audit_event_id()
        user = create_user(
            "race-author@example.org", "correct horse battery", role="author", networks=("bot",)
        )
        version = import_version(V1, ImportRequest(slug="race-guideline", label="1")).version
        network = db.session.scalar(select(Network).where(Network.code == "bot"))
        adaptation = start_adaptation(version.guideline, network, user=user, version=version)
        db.session.commit()
        ids = (adaptation.id, user.id, version.guideline_id, version.text_sha256)
    yield ids
    adaptation_id, user_id, guideline_id, sha = ids
    with app.app_context():
        # The audit events of these changes first: they name the user, who goes last.
        purge_audit_events_after(audit_before)
        db.session.execute(delete(Revision).where(Revision.adaptation_id == adaptation_id))
        db.session.execute(delete(Adaptation).where(Adaptation.id == adaptation_id))
        db.session.execute(delete(SourceVersion).where(SourceVersion.guideline_id == guideline_id))
        db.session.execute(delete(Guideline).where(Guideline.id == guideline_id))
        db.session.execute(delete(DocumentText).where(DocumentText.sha256 == sha))
        db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()


def test_concurrent_saves_from_one_parent_one_wins_one_is_stale(app, committed_adaptation):
    adaptation_id, user_id, _guideline, _sha = committed_adaptation
    both_read = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def author_saves(name: str) -> None:
        with app.app_context():  # its own session, its own connection
            adaptation = db.session.get(Adaptation, adaptation_id)
            user = db.session.get(User, user_id)
            parent = adaptation.current_revision.number
            both_read.wait(timeout=10)
            try:
                save_revision(
                    adaptation,
                    parent_number=parent,
                    markdown=V1 + f"\n{name}\n",
                    message=name,
                    user=user,
                )
                db.session.commit()
                outcomes[name] = "saved"
            except StaleRevision as stale:
                db.session.rollback()
                outcomes[name] = f"stale:{stale.current.number}"

    threads = [threading.Thread(target=author_saves, args=(name,)) for name in ("anna", "bart")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "stale:2"]
    with app.app_context():
        revisions = db.session.scalars(
            select(Revision)
            .where(Revision.adaptation_id == adaptation_id)
            .order_by(Revision.number)
        ).all()
        assert [r.number for r in revisions] == [1, 2]
        winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
        assert revisions[-1].text() == V1 + f"\n{winner}\n"
