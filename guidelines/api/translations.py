"""JSON API: translations of source versions, segment by segment, PO files, freeze."""

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from guidelines.api.blueprint import api_user, bp, require_user
from guidelines.extensions import db
from guidelines.library import queries
from guidelines.review.models import as_utc
from guidelines.translation import exchange, operations
from guidelines.translation.models import SegmentTranslation, Translation
from guidelines.translation.po import PoFormatError

PREFIX = "/guidelines/<slug>/versions/<label>/translations/<language>"


def _translation(slug: str, label: str, language: str) -> Translation:
    version = queries.version_or_404(queries.guideline_or_404(slug), label)
    translation = operations.find_translation(version, language)
    if translation is not None:
        return translation
    if not operations.can_translate(api_user()):
        # Only someone who may translate starts a translation; a reader's GET changes nothing.
        raise NotFound(
            description=_(
                "Version %(label)s has no %(language)s translation yet.",
                label=label,
                language=language,
            )
        )
    try:
        # Starting a translation only derives it from the source and the memory.
        translation = operations.start_translation(version, language)
    except operations.TranslationError as error:
        raise NotFound(description=str(error)) from error
    db.session.commit()
    return translation


def segment_json(row: SegmentTranslation) -> dict:
    """Return the JSON shape of one segment of a translation."""
    return {
        "key": row.key,
        "kind": row.kind,
        "path": row.path,
        "source": row.source,
        "target": row.target,
        "status": row.status,
        "previous_source": row.previous_source,
        "flags": list(row.flag_list),
        "origin": row.origin,
        "updated_by": row.updated_by.email if row.updated_by else None,
        "updated_at": as_utc(row.updated_at).isoformat() if row.updated_at else None,
    }


def translation_json(translation: Translation) -> dict:
    """Return the JSON shape of a translation with its segments."""
    version = translation.source_version
    return {
        "guideline": version.guideline.slug,
        "version": version.label,
        "source_language": version.guideline.source_language,
        "language": translation.language,
        "counts": translation.counts(),
        "complete": translation.complete,
        "frozen": translation.frozen,
        "frozen_sha256": translation.frozen_sha256,
        "segments": [segment_json(row) for row in translation.segments],
    }


def _run(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except operations.NotAllowed as error:
        raise Forbidden(description=str(error)) from error
    except (operations.TranslationError, PoFormatError) as error:
        raise BadRequest(description=str(error)) from error


@bp.get(PREFIX)
def translation(slug: str, label: str, language: str):
    """Return a translation's segments with their status (starting it on first read)."""
    return jsonify(translation_json(_translation(slug, label, language)))


@bp.put(f"{PREFIX}/segments/<path:key>")
def update_segment(slug: str, label: str, language: str, key: str):
    """Set a segment's target and status: {"target": ..., "status": ...}."""
    user = require_user()
    translation = _translation(slug, label, language)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("target"), str):
        raise BadRequest(description=_('Send JSON: {"target": "...", "status": "translated"}.'))
    status = body.get("status") or ("translated" if body["target"].strip() else "untranslated")
    if not isinstance(status, str):
        raise BadRequest(description=_("The field status must be a string."))
    if key not in {row.key for row in translation.segments}:
        raise NotFound(description=_("This translation has no segment %(key)s.", key=key))
    row = _run(operations.update_segment, translation, key, body["target"], status, user)
    db.session.commit()
    return jsonify(segment_json(row))


@bp.get(f"{PREFIX}/po")
def export_po(slug: str, label: str, language: str):
    """Return the translation as a PO file."""
    translation = _translation(slug, label, language)
    return Response(
        exchange.export_translation_po(translation),
        mimetype="text/x-gettext-translation",
        headers={"Content-Disposition": f'attachment; filename="{slug}-{label}-{language}.po"'},
    )


@bp.post(f"{PREFIX}/po")
def import_po(slug: str, label: str, language: str):
    """Import a PO file (the request body, or a multipart field "file"); report per entry."""
    user = require_user()
    translation = _translation(slug, label, language)
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    outcomes = _run(
        exchange.import_translation_po,
        translation,
        data,
        user,
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    )
    db.session.commit()
    counts = {status: 0 for status in ("updated", "unchanged", "rejected")}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return jsonify(
        counts=counts,
        entries=[
            {"key": o.key, "status": o.status, "reason": o.reason, "fuzzy": o.fuzzy}
            for o in outcomes
        ],
    )


@bp.post(f"{PREFIX}/freeze")
def freeze(slug: str, label: str, language: str):
    """Freeze a complete translation into a base text; return its SHA-256."""
    user = require_user()
    translation = _translation(slug, label, language)
    text = _run(operations.freeze, translation, user)
    db.session.commit()
    return jsonify(
        sha256=text.sha256,
        frozen_at=as_utc(translation.frozen_at).isoformat(),
        language=translation.language,
    ), 201
