"""JSON API: submit, review and publish revisions; read publications."""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, Conflict, Forbidden, NotFound

from guidelines.adaptation.models import Adaptation, Revision
from guidelines.api.blueprint import bp, require_user
from guidelines.extensions import db
from guidelines.library.models import Guideline, Network
from guidelines.portal import visibility
from guidelines.portal.models import Publication
from guidelines.review import workflow
from guidelines.review.models import as_utc


def _run(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except (workflow.NotAllowed, PermissionError) as error:
        raise Forbidden(description=str(error)) from error
    except workflow.AlreadyDecided as error:
        raise Conflict(description=str(error)) from error
    except (workflow.WorkflowError, ValueError) as error:
        raise BadRequest(description=str(error)) from error


def submission_json(submission) -> dict:
    """Return the JSON shape of a submission."""
    return {
        "revision": submission.revision_id,
        "adaptation": submission.adaptation_id,
        "status": submission.status,
        "submitted_by": submission.submitted_by.email if submission.submitted_by else None,
        "submitted_at": as_utc(submission.submitted_at).isoformat(),
        "reviewer": submission.reviewer.email if submission.reviewer else None,
        "reviewed_at": (
            as_utc(submission.reviewed_at).isoformat() if submission.reviewed_at else None
        ),
        "comment": submission.review_comment,
        "four_eyes_exception": submission.exception_reason or None,
    }


def publication_json(publication: Publication, *, with_text: bool = False) -> dict:
    """Return the JSON shape of a publication."""
    version = publication.source_version
    body = {
        "id": publication.id,
        "guideline": publication.guideline.slug,
        "network": publication.network.code,
        "title": publication.adaptation.title,
        "locale": publication.adaptation.locale,
        "sha256": publication.sha256,
        "revision": publication.revision.number,
        "published_at": as_utc(publication.published_at).isoformat(),
        "approved_by": publication.approved_by.email if publication.approved_by else None,
        "published_by": publication.published_by.email if publication.published_by else None,
        "superseded": visibility.is_superseded(publication),
        "based_on": {
            "guideline": publication.guideline.slug,
            "version": version.label,
            "sha256": version.sha256,
            "translation": (
                {
                    "language": publication.translation.language,
                    "sha256": publication.translation.frozen_sha256,
                }
                if publication.translation
                else None
            ),
            "newer_version": (
                publication.guideline.latest_version.label
                if publication.guideline.latest_version.id != version.id
                else None
            ),
        },
        "url": url_for("api.publication", publication_id=publication.id, _external=True),
    }
    if with_text:
        body["markdown"] = publication.markdown
    return body


def _revision_or_404(revision_id: int) -> Revision:
    revision = db.session.get(Revision, revision_id)
    if revision is None or not visibility.can_view_adaptation(require_user(), revision.adaptation):
        raise NotFound(description=_("There is no revision %(id)s.", id=revision_id))
    return revision


@bp.post("/adaptations/<int:adaptation_id>/submit")
def submit(adaptation_id: int):
    """Submit the adaptation's current revision for review."""
    user = require_user()
    adaptation = db.session.get(Adaptation, adaptation_id)
    if adaptation is None or not visibility.can_view_adaptation(user, adaptation):
        raise NotFound(description=_("There is no adaptation %(id)s.", id=adaptation_id))
    submission = _run(workflow.submit, adaptation, user)
    db.session.commit()
    return jsonify(submission_json(submission)), 201


@bp.post("/revisions/<int:revision_id>/review")
def review(revision_id: int):
    """Approve or request changes: {"decision": "approve" | "request_changes", "comment"}."""
    revision = _revision_or_404(revision_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("decision"), str):
        raise BadRequest(description=_('Send JSON: {"decision": "approve", "comment": "..."}.'))
    comment = body.get("comment") or ""
    if not isinstance(comment, str):
        raise BadRequest(description=_("The field comment must be a string."))
    submission = _run(workflow.review, revision, body["decision"], comment, require_user())
    db.session.commit()
    return jsonify(submission_json(submission))


@bp.post("/revisions/<int:revision_id>/publish")
def publish(revision_id: int):
    """Publish an approved revision."""
    revision = _revision_or_404(revision_id)
    publication = _run(workflow.publish, revision, require_user())
    db.session.commit()
    return jsonify(publication_json(publication)), 201


@bp.get("/publications")
def publications():
    """List publications, newest first; filter with ?network= and ?guideline=."""
    query = select(Publication).order_by(Publication.id.desc())
    network = request.args.get("network")
    guideline = request.args.get("guideline")
    if network:
        query = query.join(Network, Network.id == Publication.network_id).where(
            Network.code == network
        )
    if guideline:
        query = query.join(Guideline, Guideline.id == Publication.guideline_id).where(
            Guideline.slug == guideline
        )
    return jsonify(publications=[publication_json(p) for p in db.session.scalars(query)])


@bp.get("/publications/<int:publication_id>")
def publication(publication_id: int):
    """Return a publication with its Markdown, SHA-256 and what it is based on."""
    publication = db.session.get(Publication, publication_id)
    if publication is None:
        raise NotFound(description=_("There is no publication %(id)s.", id=publication_id))
    return jsonify(publication_json(publication, with_text=True))
