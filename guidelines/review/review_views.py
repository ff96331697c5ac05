"""Pages of the review workflow: submit, the review screen, comments, decisions, the inbox."""

from collections import defaultdict

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from guidelines.accounts.models import Role
from guidelines.adaptation import operations
from guidelines.adaptation.decisions import decision_register
from guidelines.adaptation.impact import impact_report
from guidelines.adaptation.models import Adaptation, Revision
from guidelines.extensions import db
from guidelines.portal.visibility import can_view_adaptation
from guidelines.review import workflow
from guidelines.review.forms import (
    CommentForm,
    ExceptionForm,
    MarkReadForm,
    PublishForm,
    ReviewForm,
    SubmitForm,
)
from guidelines.review.notifications import inbox_of, mark_read_for, unread_count
from guidelines.review.submissions import ReviewComment
from guidelines.text import diff_versions

bp = Blueprint("review_flow", __name__)

INBOX_LIMIT = 200


@bp.app_context_processor
def _inbox_context() -> dict:
    def inbox_unread() -> int:
        if not current_user or not current_user.is_authenticated:
            return 0
        try:
            return unread_count(current_user)
        except SQLAlchemyError:  # an error page after a failed transaction still renders
            return 0

    return {"inbox_unread": inbox_unread}


@bp.app_template_global()
def review_status(adaptation: Adaptation) -> dict:
    """Tell templates the workflow status of the current revision and the latest submission."""
    revision = adaptation.current_revision
    return {
        "current": workflow.status_of(revision),
        "latest": workflow.latest_submission(adaptation),
    }


def _adaptation_or_404(adaptation_id: int) -> Adaptation:
    adaptation = db.session.get(Adaptation, adaptation_id)
    if adaptation is None or not can_view_adaptation(current_user, adaptation):
        abort(404, description=_("There is no adaptation %(id)s.", id=adaptation_id))
    return adaptation


def _revision_or_404(revision_id: int) -> Revision:
    revision = db.session.get(Revision, revision_id)
    if revision is None or not can_view_adaptation(current_user, revision.adaptation):
        abort(404, description=_("There is no revision %(id)s.", id=revision_id))
    return revision


def _to_review(adaptation_id: int, anchor: str | None = None):
    return redirect(url_for(".review_screen", adaptation_id=adaptation_id, _anchor=anchor))


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


@bp.post("/adaptations/<int:adaptation_id>/submit")
@login_required
def submit(adaptation_id: int):
    """Put the current revision of an adaptation forward for review."""
    adaptation = _adaptation_or_404(adaptation_id)
    if not SubmitForm().validate_on_submit():
        flash(_("The form expired. Reload the page and try again."), "error")
        return redirect(url_for("adaptation.adaptation", adaptation_id=adaptation.id))
    try:
        submission = workflow.submit(adaptation, current_user)
    except (workflow.NotAllowed, operations.NotAllowed) as refused:
        abort(403, description=str(refused))
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("adaptation.adaptation", adaptation_id=adaptation.id))
    number = submission.revision.number
    db.session.commit()
    flash(_("Revision %(number)s was submitted for review.", number=number), "success")
    return _to_review(adaptation.id)


@bp.get("/adaptations/<int:adaptation_id>/review")
def review_screen(adaptation_id: int):
    """Show the latest submission for review: diff, decisions, impact, comments, decision."""
    adaptation = _adaptation_or_404(adaptation_id)
    submission = workflow.latest_submission(adaptation)
    revision = submission.revision if submission is not None else adaptation.current_revision
    base = revision.base.verified_markdown()
    text = revision.text()
    comments = db.session.scalars(
        select(ReviewComment)
        .where(ReviewComment.adaptation_id == adaptation.id)
        .order_by(ReviewComment.created_at, ReviewComment.id)
    )
    threads: dict[str, list[ReviewComment]] = defaultdict(list)
    for comment in comments:
        threads[comment.unit_key].append(comment)
    return render_template(
        "review/review.html",
        adaptation=adaptation,
        submission=submission,
        revision=revision,
        state=operations.current_state(adaptation),
        diff=diff_versions(base, text),
        register=decision_register(adaptation, base, text),
        impact=_impact_of(revision),
        threads=threads,
        is_reviewer=workflow.is_reviewer_of(current_user, adaptation),
        can_comment=workflow.is_reviewer_of(current_user, adaptation)
        or operations.can_edit(current_user, adaptation.network),
        can_edit=operations.can_edit(current_user, adaptation.network),
        is_admin=current_user.role == Role.ADMIN,
        review_form=ReviewForm(),
        exception_form=ExceptionForm(),
    )


def _impact_of(revision: Revision):
    older = revision.base_version
    latest = revision.adaptation.guideline.latest_version
    if older is None or latest is None or latest.id <= older.id:
        return None
    return impact_report(older, latest, viewer=current_user)


@bp.post("/revisions/<int:revision_id>/comments")
@login_required
def comment(revision_id: int):
    """Add a comment on one unit of a revision, or on the whole."""
    revision = _revision_or_404(revision_id)
    form = CommentForm()
    unit_key = form.unit_key.data or ""
    anchor = "comments"
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _to_review(revision.adaptation_id, anchor)
    try:
        workflow.comment_on(revision, form.text.data, current_user, unit_key=unit_key)
    except workflow.NotAllowed as refused:
        abort(403, description=str(refused))
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return _to_review(revision.adaptation_id, anchor)
    db.session.commit()
    flash(_("Your comment was added."), "success")
    return _to_review(revision.adaptation_id, anchor)


@bp.post("/revisions/<int:revision_id>/review")
@login_required
def decide(revision_id: int):
    """Approve a revision or request changes on it."""
    revision = _revision_or_404(revision_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _to_review(revision.adaptation_id, "decide")
    try:
        submission = workflow.review(
            revision, form.decision.data, form.comment.data or "", current_user
        )
    except workflow.NotAllowed as refused:
        abort(403, description=str(refused))
    except workflow.AlreadyDecided as decided:
        db.session.rollback()
        flash(str(decided), "warning")
        return _to_review(revision.adaptation_id)
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return _to_review(revision.adaptation_id, "decide")
    approved = submission.status == "approved"
    db.session.commit()
    if approved:
        flash(_("Revision %(number)s was approved.", number=revision.number), "success")
    else:
        flash(
            _("Changes were requested on revision %(number)s.", number=revision.number), "success"
        )
    return _to_review(revision.adaptation_id)


@bp.post("/revisions/<int:revision_id>/exception")
@login_required
def exception(revision_id: int):
    """Record, as an administrator, why an author of the revision may approve it."""
    revision = _revision_or_404(revision_id)
    form = ExceptionForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _to_review(revision.adaptation_id, "exception")
    submission = workflow.submission_of(revision)
    if submission is None:
        flash(
            _("Revision %(number)s has not been submitted for review.", number=revision.number),
            "error",
        )
        return _to_review(revision.adaptation_id)
    try:
        workflow.grant_exception(submission, form.reason.data, current_user)
    except workflow.NotAllowed as refused:
        abort(403, description=str(refused))
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return _to_review(revision.adaptation_id, "exception")
    db.session.commit()
    flash(_("The exception to four eyes was recorded."), "success")
    return _to_review(revision.adaptation_id)


@bp.post("/revisions/<int:revision_id>/publish")
@login_required
def publish(revision_id: int):
    """Publish an approved revision."""
    revision = _revision_or_404(revision_id)
    if not PublishForm().validate_on_submit():
        flash(_("The form expired. Reload the page and try again."), "error")
        return _to_review(revision.adaptation_id)
    try:
        publication = workflow.publish(revision, current_user)
    except workflow.NotAllowed as refused:
        abort(403, description=str(refused))
    except workflow.AlreadyDecided as decided:
        db.session.rollback()
        flash(str(decided), "warning")
        return _to_review(revision.adaptation_id)
    except workflow.WorkflowError as error:
        flash(str(error), "error")
        return _to_review(revision.adaptation_id)
    publication_id = publication.id
    db.session.commit()
    flash(_("Revision %(number)s was published.", number=revision.number), "success")
    return redirect(_publication_url(publication_id, revision.adaptation_id))


def _publication_url(publication_id: int, adaptation_id: int) -> str:
    """Return the portal page of the publication if the portal has one, else the adaptation."""
    path = f"/portal/publications/{publication_id}"
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect as moved:
        return moved.new_url
    except HTTPException:
        return url_for("adaptation.adaptation", adaptation_id=adaptation_id)
    return path


@bp.get("/inbox")
@login_required
def inbox():
    """List the user's notifications, newest first."""
    return render_template(
        "review/inbox.html", notifications=inbox_of(current_user, limit=INBOX_LIMIT)
    )


@bp.post("/inbox/read")
@login_required
def mark_read():
    """Mark all the user's notifications read, or only the one named by ``id``."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(url_for(".inbox"))
    marked = mark_read_for(current_user, form.id.data)
    db.session.commit()
    if form.id.data is None and marked:
        flash(_("Every notification is marked read."), "success")
    return redirect(url_for(".inbox"))
