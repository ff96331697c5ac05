"""The review workflow: submit, review with four eyes, record an exception, publish.

Every rule is enforced here, so the pages, the API and the CLI all obey it. Decisions are
conditional updates ("... WHERE status = 'in_review'"): of two reviewers deciding at the same
moment, the database lets exactly one through.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update

from guidelines.accounts.models import Role, User
from guidelines.adaptation.decisions import decision_register, unjustified
from guidelines.adaptation.models import Adaptation, Revision
from guidelines.adaptation.operations import check_can_edit, current_state, frozen_translation
from guidelines.extensions import db
from guidelines.library.models import DocumentText, utcnow
from guidelines.portal.models import Publication
from guidelines.review.audit import record
from guidelines.review.notifications import notify_authors, notify_reviewers
from guidelines.review.submissions import (
    APPROVED,
    CHANGES_REQUESTED,
    IN_REVIEW,
    PUBLISHED,
    SUPERSEDED,
    ReviewComment,
    Submission,
)
from guidelines.search.outbox import enqueue


class WorkflowError(ValueError):
    """A workflow step that cannot be taken now; the message says why."""


class AlreadyDecided(WorkflowError):
    """Someone else decided on this submission first."""


class NotAllowed(PermissionError):
    """The user may not take this step."""


def is_reviewer_of(user: User | None, adaptation: Adaptation) -> bool:
    """Tell whether ``user`` reviews for the adaptation's network (or is an administrator)."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.REVIEWER and any(n.id == adaptation.network_id for n in user.networks)


def submission_of(revision: Revision) -> Submission | None:
    """Return the submission of ``revision``, if it was submitted."""
    return db.session.scalar(select(Submission).where(Submission.revision_id == revision.id))


def latest_submission(adaptation: Adaptation) -> Submission | None:
    """Return the most recent submission of ``adaptation``."""
    return db.session.scalar(
        select(Submission)
        .where(Submission.adaptation_id == adaptation.id)
        .order_by(Submission.id.desc())
        .limit(1)
    )


def status_of(revision: Revision) -> str:
    """Return the workflow status of ``revision``: draft, or its submission's status."""
    submission = submission_of(revision)
    return submission.status if submission is not None else "draft"


def authors_since_last_approval(revision: Revision) -> set[int]:
    """Return the ids of everyone who wrote a revision up to this one since the last approval.

    Four eyes: any of them approving would be approving their own work.
    """
    approved_numbers = db.session.scalars(
        select(Revision.number)
        .join(Submission, Submission.revision_id == Revision.id)
        .where(
            Revision.adaptation_id == revision.adaptation_id,
            Submission.status.in_((APPROVED, PUBLISHED, SUPERSEDED)),
            Revision.number < revision.number,
        )
    ).all()
    since = max(approved_numbers, default=0)
    return {
        author_id
        for author_id in db.session.scalars(
            select(Revision.author_id).where(
                Revision.adaptation_id == revision.adaptation_id,
                Revision.number > since,
                Revision.number <= revision.number,
            )
        )
        if author_id is not None
    }


def submit(adaptation: Adaptation, user: User) -> Submission:
    """Put the current revision forward for review; every non-adopted unit must be justified."""
    check_can_edit(user, adaptation.network)
    state = current_state(adaptation)
    if submission_of(state.revision) is not None:
        raise WorkflowError(
            _("Revision %(number)s was submitted already.", number=state.revision.number)
        )
    missing = unjustified(decision_register(adaptation, state.base, state.text))
    if missing:
        raise WorkflowError(
            _(
                "Justify every adapted, excluded and new unit first: %(count)s still need one, "
                "for example %(key)s.",
                count=len(missing),
                key=missing[0].key,
            )
        )
    open_review = latest_submission(adaptation)
    if open_review is not None and open_review.status == IN_REVIEW:
        # A newer revision replaces the one under review.
        open_review.status = CHANGES_REQUESTED
        open_review.review_comment = _(
            "Replaced by revision %(number)s.", number=state.revision.number
        )
    submission = Submission(revision=state.revision, adaptation=adaptation, submitted_by=user)
    db.session.add(submission)
    db.session.flush()
    record(
        "revision.submit",
        obj=state.revision,
        actor=user,
        summary=f"Submitted revision {state.revision.number} of adaptation {adaptation.id}",
    )
    notify_reviewers(
        adaptation,
        _(
            "Revision %(number)s of %(title)s awaits your review.",
            number=state.revision.number,
            title=adaptation.title,
        ),
        kind="submission",
    )
    return submission


def grant_exception(submission: Submission, reason: str, admin: User) -> Submission:
    """Record, as an administrator, why an author of this revision may approve it."""
    if admin.role != Role.ADMIN:
        raise NotAllowed(_("Only an administrator can record an exception to four eyes."))
    reason = reason.strip()
    if len(reason) < 10:
        raise WorkflowError(_("Give the reason for the exception in a sentence."))
    before = {"exception_reason": submission.exception_reason}
    submission.exception_reason = reason
    submission.exception_by = admin
    submission.exception_at = utcnow()
    db.session.flush()
    record(
        "revision.four_eyes.exception",
        obj=submission.revision,
        actor=admin,
        summary=f"Four-eyes exception on revision {submission.revision.number}",
        before=before,
        after={"exception_reason": reason},
    )
    return submission


def review(revision: Revision, decision: str, comment: str, user: User) -> Submission:
    """Approve the revision or request changes, as a reviewer who wrote none of it."""
    submission = submission_of(revision)
    if submission is None:
        raise WorkflowError(
            _("Revision %(number)s has not been submitted for review.", number=revision.number)
        )
    adaptation = revision.adaptation
    if not is_reviewer_of(user, adaptation):
        raise NotAllowed(
            _(
                "Only reviewers of %(network)s review its adaptations.",
                network=adaptation.network.name,
            )
        )
    if decision not in ("approve", "request_changes"):
        raise WorkflowError(_("Decide approve or request_changes."))
    comment = comment.strip()
    if decision == "request_changes" and not comment:
        raise WorkflowError(_("Say what should change: a request for changes needs a comment."))
    if decision == "approve" and user.id in authors_since_last_approval(revision):
        if not submission.exception_reason:
            raise NotAllowed(
                _(
                    "You wrote part of this revision, so you cannot approve it (four eyes). Ask "
                    "another reviewer, or an administrator to record an exception with a reason."
                )
            )
    status = APPROVED if decision == "approve" else CHANGES_REQUESTED
    decided = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == IN_REVIEW)
        .values(status=status, reviewer_id=user.id, reviewed_at=utcnow(), review_comment=comment)
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        db.session.refresh(submission)
        raise AlreadyDecided(
            _("This revision was already decided on: it is %(status)s.", status=submission.status)
        )
    # A bulk UPDATE passes the flush, where changes reach the search outbox by themselves.
    enqueue(db.session, [("adaptation", adaptation.id)])
    db.session.refresh(submission)
    if comment:
        db.session.add(
            ReviewComment(adaptation_id=adaptation.id, revision=revision, text=comment, author=user)
        )
    db.session.flush()
    action = "revision.approve" if status == APPROVED else "revision.request_changes"
    record(
        action,
        obj=revision,
        actor=user,
        after={"status": status, "comment": comment},
        summary=f"{action} for revision {revision.number} of adaptation {adaptation.id}",
    )
    if status == APPROVED:
        message = _(
            "Revision %(number)s of %(title)s was approved.",
            number=revision.number,
            title=adaptation.title,
        )
    else:
        message = _(
            "Changes were requested on revision %(number)s of %(title)s.",
            number=revision.number,
            title=adaptation.title,
        )
    notify_authors(revision, message, kind=status)
    return submission


def comment_on(revision: Revision, text: str, user: User, unit_key: str = "") -> ReviewComment:
    """Add a comment on a unit of the revision (or on the whole), by an author or reviewer."""
    adaptation = revision.adaptation
    if not (is_reviewer_of(user, adaptation) or _is_author_of(user, adaptation)):
        raise NotAllowed(_("Only the network's authors and reviewers comment on reviews."))
    text = text.strip()
    if not text:
        raise WorkflowError(_("Write a comment first."))
    comment = ReviewComment(
        adaptation_id=adaptation.id, revision=revision, text=text, author=user, unit_key=unit_key
    )
    db.session.add(comment)
    db.session.flush()
    record(
        "revision.comment",
        obj=revision,
        actor=user,
        after={"unit": unit_key, "text": text},
        summary=f"Comment on revision {revision.number}",
    )
    return comment


def _is_author_of(user: User | None, adaptation: Adaptation) -> bool:
    from guidelines.adaptation.operations import can_edit

    return can_edit(user, adaptation.network)


def publish(revision: Revision, user: User) -> Publication:
    """Publish an approved revision: immutable, content-addressed, superseding the previous."""
    adaptation = revision.adaptation
    if not is_reviewer_of(user, adaptation):
        raise NotAllowed(
            _(
                "Only reviewers of %(network)s publish its adaptations.",
                network=adaptation.network.name,
            )
        )
    submission = submission_of(revision)
    if submission is None or submission.status not in (APPROVED, PUBLISHED):
        raise WorkflowError(_("Only an approved revision can be published."))
    published = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == APPROVED)
        .values(status=PUBLISHED)
        .execution_options(synchronize_session=False)
    )
    if published.rowcount != 1:
        raise AlreadyDecided(_("Revision %(number)s is published already.", number=revision.number))
    db.session.execute(
        update(Submission)
        .where(
            Submission.adaptation_id == adaptation.id,
            Submission.status == PUBLISHED,
            Submission.id != submission.id,
        )
        .values(status=SUPERSEDED)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    text = revision.text()  # verified against its hash on the way out
    stored = db.session.get(DocumentText, revision.result_sha256)
    if stored is None:
        stored = DocumentText.for_markdown(text)
        db.session.add(stored)
    translation = (
        frozen_translation(revision.base_version, adaptation.language)
        if revision.base_version is not None
        else None
    )
    if translation is not None and translation.frozen_sha256 != revision.base_sha256:
        translation = None
    publication = Publication(
        adaptation=adaptation,
        revision=revision,
        guideline_id=adaptation.guideline_id,
        network_id=adaptation.network_id,
        source_version=revision.base_version,
        translation=translation,
        text=stored,
        approved_by_id=submission.reviewer_id,
        published_by=user,
    )
    db.session.add(publication)
    db.session.flush()
    record(
        "revision.publish",
        obj=revision,
        actor=user,
        after={"publication": publication.id, "sha256": publication.text_sha256},
        summary=f"Published revision {revision.number} of adaptation {adaptation.id}",
    )
    notify_authors(
        revision, _("%(title)s was published.", title=adaptation.title), kind="publication"
    )
    return publication
