"""JSON API: adaptations, their text, decisions and rebase."""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from guidelines.accounts.operations import AccountError, find_network
from guidelines.adaptation import operations, rebasing
from guidelines.adaptation.decisions import DecisionRow, decision_register
from guidelines.adaptation.models import MAX_LOCALE_LENGTH, Adaptation, Revision
from guidelines.api.blueprint import api_user, bp, require_user, row_or_none
from guidelines.extensions import db
from guidelines.library import queries
from guidelines.portal.visibility import can_view_adaptation
from guidelines.review.models import as_utc


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(description=_("Send a JSON object with Content-Type: application/json."))
    return body


def _field(body: dict, name: str, kind: type = str, *, required: bool = True):
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(description=_("The field %(name)s is missing.", name=name))
        return None
    if kind is int and isinstance(value, dict):
        value = value.get("id")  # a revision object as returned by GET is accepted too
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadRequest(
            description=_("The field %(name)s must be a %(kind)s.", name=name, kind=kind.__name__)
        )
    return value


def _locale(body: dict) -> str:
    """Return the locale asked for, or the default; refuse one longer than a locale can be."""
    locale = _field(body, "locale", required=False) or operations.DEFAULT_LOCALE
    if len(locale) > MAX_LOCALE_LENGTH:
        raise BadRequest(
            description=_("The locale is too long: give a language and region, such as nl-BE.")
        )
    return locale


def _adaptation_or_404(adaptation_id: int) -> Adaptation:
    adaptation = db.session.get(Adaptation, adaptation_id)
    # Drafts are for the network's members: to anyone else they do not exist (404, not 403).
    if adaptation is None or not can_view_adaptation(api_user(), adaptation):
        raise NotFound(description=_("There is no adaptation %(id)s.", id=adaptation_id))
    return adaptation


def revision_json(revision: Revision) -> dict:
    """Return the JSON shape of a revision."""
    return {
        "id": revision.id,
        "number": revision.number,
        "kind": revision.kind,
        "parent": revision.parent_id,
        "sha256": revision.result_sha256,
        "base_sha256": revision.base_sha256,
        "base_version": revision.base_version.label if revision.base_version else None,
        "message": revision.message,
        "author": revision.author.email if revision.author else None,
        "created_at": as_utc(revision.created_at).isoformat(),
    }


def decision_json(row: DecisionRow) -> dict:
    """Return the JSON shape of one row of the decision register."""
    j = row.justification
    return {
        "key": row.key,
        "title": row.title,
        "kind": row.kind,
        "decision": row.decision,
        "flags": list(row.flags),
        "justification": j.text if j else None,
        "justified": row.justified,
        "needs_justification": row.needs_justification,
        "reopened": row.reopened,
    }


def adaptation_json(adaptation: Adaptation, *, with_text: bool = True) -> dict:
    """Return the JSON shape of an adaptation with its current revision, base and decisions."""
    state = operations.current_state(adaptation)
    revision = state.revision
    body = {
        "id": adaptation.id,
        "guideline": adaptation.guideline.slug,
        "network": adaptation.network.code,
        "locale": adaptation.locale,
        "title": adaptation.title,
        "source_updated": adaptation.source_updated,
        "current_revision": revision_json(revision),
        "current_revision_id": revision.id,
        "base": {
            "sha256": revision.base_sha256,
            "version": revision.base_version.label if revision.base_version else None,
        },
        "revisions": [revision_json(r) for r in adaptation.revisions],
        "decisions": [
            decision_json(r) for r in decision_register(adaptation, state.base, state.text)
        ],
        "url": url_for("api.adaptation", adaptation_id=adaptation.id, _external=True),
    }
    if with_text:
        body["markdown"] = state.text
        body["base"]["markdown"] = state.base
    return body


def _run(operation, *args, **kwargs):
    """Call an operation, turning its refusals into 400 / 403 answers."""
    try:
        return operation(*args, **kwargs)
    except operations.NotAllowed as error:
        raise Forbidden(description=str(error)) from error
    except (operations.AdaptationError, AccountError) as error:
        raise BadRequest(description=str(error)) from error


@bp.post("/adaptations")
def create_adaptation():
    """Start an adaptation: {"guideline": slug, "network": code, "base_version"?, "locale"?}."""
    user = require_user()
    body = _json_body()
    guideline = queries.guideline_or_404(_field(body, "guideline"))
    label = _field(body, "base_version", required=False) or _field(body, "version", required=False)
    version = queries.version_or_404(guideline, label) if label else None
    network = _run(find_network, _field(body, "network"))
    adaptation = _run(
        operations.start_adaptation,
        guideline,
        network,
        user=user,
        version=version,
        locale=_locale(body),
        title=_field(body, "title", required=False),
    )
    db.session.commit()
    return jsonify(adaptation_json(adaptation)), 201


@bp.get("/adaptations/<int:adaptation_id>")
def adaptation(adaptation_id: int):
    """Return an adaptation with its current revision, base, text and decisions."""
    return jsonify(adaptation_json(_adaptation_or_404(adaptation_id)))


@bp.put("/adaptations/<int:adaptation_id>/text")
def save_text(adaptation_id: int):
    """Save a revision: {"parent_revision": id, "markdown": ..., "message": ...}; 409 if stale."""
    user = require_user()
    adaptation = _adaptation_or_404(adaptation_id)
    body = _json_body()
    parent_id = _field(body, "parent_revision", int)
    markdown = _field(body, "markdown")
    message = _field(body, "message", required=False) or ""
    parent = row_or_none(Revision, parent_id)
    if parent is None or parent.adaptation_id != adaptation.id:
        raise BadRequest(
            description=_("Revision %(id)s is not a revision of this adaptation.", id=parent_id)
        )
    try:
        revision = _run(
            operations.save_revision,
            adaptation,
            parent_number=parent.number,
            markdown=markdown,
            message=message,
            user=user,
        )
    except operations.StaleRevision as stale:
        db.session.rollback()
        current = stale.current
        return jsonify(
            error="Conflict",
            message=_(
                "Revision %(number)s was saved since you started from revision %(parent)s. "
                "Merge your text with it and save again, naming revision %(number)s.",
                number=current.number,
                parent=parent.number,
            ),
            current_revision=revision_json(current),
            current_markdown=current.text(),
            your_markdown=stale.attempted_text,
        ), 409
    db.session.commit()
    return jsonify(revision_json(revision)), 201


@bp.get("/adaptations/<int:adaptation_id>/decisions")
def decisions(adaptation_id: int):
    """Return the decision register of an adaptation's current revision."""
    adaptation = _adaptation_or_404(adaptation_id)
    state = operations.current_state(adaptation)
    rows = decision_register(adaptation, state.base, state.text)
    return jsonify(
        adaptation=adaptation.id,
        revision=state.revision.id,
        decisions=[decision_json(r) for r in rows],
    )


@bp.put("/adaptations/<int:adaptation_id>/decisions/<path:key>")
def justify(adaptation_id: int, key: str):
    """Justify a unit's decision: {"justification": "..."}."""
    user = require_user()
    adaptation = _adaptation_or_404(adaptation_id)
    state = operations.current_state(adaptation)
    rows = {r.key: r for r in decision_register(adaptation, state.base, state.text)}
    if key not in rows:
        raise NotFound(description=_("The register has no unit %(key)s.", key=key))
    text = _field(_json_body(), "justification")
    _run(operations.justify, adaptation, key, rows[key].decision, text, user)
    db.session.commit()
    rows = {r.key: r for r in decision_register(adaptation, state.base, state.text)}
    return jsonify(decision_json(rows[key]))


@bp.post("/adaptations/<int:adaptation_id>/rebase")
def rebase(adaptation_id: int):
    """Rebase onto {"base_version": label}; with every hunk settled, save it as one revision."""
    user = require_user()
    adaptation = _adaptation_or_404(adaptation_id)
    body = _json_body()
    version = queries.version_or_404(adaptation.guideline, _field(body, "base_version"))
    resolutions = _run(rebasing.parse_resolutions, body.get("resolutions"))
    parent_id = _field(body, "parent_revision", int, required=False)
    parent = row_or_none(Revision, parent_id) if parent_id else adaptation.current_revision
    if parent is None or parent.adaptation_id != adaptation.id:
        raise BadRequest(
            description=_("Revision %(id)s is not a revision of this adaptation.", id=parent_id)
        )
    try:
        outcome = _run(
            rebasing.rebase_adaptation,
            adaptation,
            version,
            parent_number=parent.number,
            resolutions=resolutions,
            user=user,
        )
    except operations.StaleRevision as stale:
        db.session.rollback()
        return jsonify(
            error="Conflict",
            message=_(
                "Revision %(number)s was saved meanwhile; rebase again from it.",
                number=stale.current.number,
            ),
            current_revision=revision_json(stale.current),
        ), 409
    db.session.commit()
    return jsonify(rebasing.outcome_json(outcome, revision_json)), 201 if outcome.revision else 200
