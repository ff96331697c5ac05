"""Pages of translations: start, segment list, segment editor, PO exchange, freeze."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from guidelines.extensions import db
from guidelines.library import queries
from guidelines.rendering import render_for_reader
from guidelines.text.diff import inline_html
from guidelines.translation import exchange, memory, operations
from guidelines.translation.forms import PoUploadForm, SegmentForm
from guidelines.translation.models import Translation
from guidelines.translation.po import PoFormatError

bp = Blueprint(
    "translation", __name__, url_prefix="/guidelines/<slug>/versions/<label>/translations"
)


def _version(slug: str, label: str):
    return queries.version_or_404(queries.guideline_or_404(slug), label)


def _translation_or_404(slug: str, label: str, language: str) -> Translation:
    translation = operations.find_translation(_version(slug, label), language)
    if translation is None:
        abort(
            404,
            description=_(
                "Version %(label)s has no %(language)s translation yet.",
                label=label,
                language=language,
            ),
        )
    return translation


def _refuse(error: Exception):
    """Answer an operation's refusal: 403 for permissions, else a flash and a redirect back."""
    if isinstance(error, operations.NotAllowed):
        abort(403, description=str(error))
    flash(str(error), "error")
    return redirect(request.referrer or url_for("library.index"))


@bp.route("", methods=["GET", "POST"])
def translations(slug: str, label: str):
    """List the translations of a version; start one in a new language."""
    version = _version(slug, label)
    if request.method == "POST":
        if not operations.can_translate(current_user):
            abort(403)
        language = request.form.get("language", "")
        try:
            operations.start_translation(version, language)
        except operations.TranslationError as error:
            return _refuse(error)
        db.session.commit()
        return redirect(url_for(".translation", slug=slug, label=label, language=language))
    existing = {t.language: t for t in version_translations(version)}
    return render_template(
        "translation/version.html",
        guideline=version.guideline,
        version=version,
        translations=existing,
        languages=[
            lang for lang in operations.LANGUAGES if lang != version.guideline.source_language
        ],
        can_translate=operations.can_translate(current_user),
    )


def version_translations(version) -> list[Translation]:
    """Return the translations of ``version``."""
    return list(
        db.session.scalars(
            db.select(Translation)
            .where(Translation.source_version_id == version.id)
            .order_by(Translation.language)
        )
    )


@bp.route("/<language>")
def translation(slug: str, label: str, language: str):
    """Show the segments of a translation with their status; filter by status."""
    translation = _translation_or_404(slug, label, language)
    status = request.args.get("status") or None
    rows = [s for s in translation.segments if status is None or s.status == status]
    return render_template(
        "translation/translation.html",
        translation=translation,
        rows=rows,
        status=status,
        counts=translation.counts(),
        version=translation.source_version,
        guideline=translation.source_version.guideline,
        can_translate=operations.can_translate(current_user),
        can_freeze=operations.can_freeze(current_user),
        upload=PoUploadForm(),
    )


@bp.route("/<language>/segments/<path:key>", methods=["GET", "POST"])
def segment(slug: str, label: str, language: str, key: str):
    """Edit one segment: source, target, memory suggestions, and what changed if fuzzy."""
    translation = _translation_or_404(slug, label, language)
    try:
        row = operations.segment_or_error(translation, key)
    except operations.TranslationError as error:
        abort(404, description=str(error))
    form = SegmentForm(obj=row)
    if form.validate_on_submit():
        try:
            operations.update_segment(
                translation, key, form.target.data or "", form.status.data, current_user
            )
        except (operations.TranslationError, operations.NotAllowed) as error:
            db.session.rollback()
            return _refuse(error)
        db.session.commit()
        flash(_("Segment %(key)s saved.", key=key), "success")
        following = _next_open(translation, row.position)
        target = following.key if following else key
        return redirect(url_for(".segment", slug=slug, label=label, language=language, key=target))
    source_language = translation.source_version.guideline.source_language
    return render_template(
        "translation/segment.html",
        translation=translation,
        row=row,
        form=form,
        version=translation.source_version,
        guideline=translation.source_version.guideline,
        suggestions=memory.suggestions(source_language, language, row.source),
        source_change=inline_html(row.previous_source, row.source, context=None)
        if row.previous_source is not None
        else None,
        previous=_neighbour(translation, row.position, -1),
        following=_neighbour(translation, row.position, 1),
        can_translate=operations.can_translate(current_user),
    )


def _neighbour(translation: Translation, position: int, step: int):
    index = position + step
    return translation.segments[index] if 0 <= index < len(translation.segments) else None


def _next_open(translation: Translation, position: int):
    """Return the next segment after ``position`` that still needs work, if any."""
    return next(
        (s for s in translation.segments[position + 1 :] if s.status in ("untranslated", "fuzzy")),
        None,
    )


@bp.route("/<language>/po")
def export_po(slug: str, label: str, language: str):
    """Download the translation as a PO file for a translator's own tool."""
    translation = _translation_or_404(slug, label, language)
    filename = f"{slug}-{label}-{language}.po"
    return Response(
        exchange.export_translation_po(translation),
        mimetype="text/x-gettext-translation",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/<language>/po")
@login_required
def import_po(slug: str, label: str, language: str):
    """Import a translator's PO file; report per entry, or refuse a malformed file whole."""
    translation = _translation_or_404(slug, label, language)
    form = PoUploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a PO file to import."), "error")
        return redirect(url_for(".translation", slug=slug, label=label, language=language))
    data = form.file.data.read()
    try:
        outcomes = exchange.import_translation_po(
            translation, data, current_user, max_bytes=current_app.config["MAX_UPLOAD_BYTES"]
        )
    except (PoFormatError, operations.TranslationError, operations.NotAllowed) as error:
        db.session.rollback()
        return _refuse(error)
    db.session.commit()
    return render_template(
        "translation/po_report.html",
        translation=translation,
        outcomes=outcomes,
        version=translation.source_version,
        guideline=translation.source_version.guideline,
    )


@bp.post("/<language>/freeze")
@login_required
def freeze(slug: str, label: str, language: str):
    """Freeze a complete translation into a base text for adaptations."""
    translation = _translation_or_404(slug, label, language)
    try:
        text = operations.freeze(translation, current_user)
    except (operations.TranslationError, operations.NotAllowed) as error:
        db.session.rollback()
        return _refuse(error)
    db.session.commit()
    flash(_("Translation frozen as text %(sha)s.", sha=text.sha256[:12]), "success")
    return redirect(url_for(".document", slug=slug, label=label, language=language))


@bp.route("/<language>/document")
def document(slug: str, label: str, language: str):
    """Show the translated document, rendered like any version (a draft until frozen)."""
    translation = _translation_or_404(slug, label, language)
    text = (
        translation.frozen_text.verified_markdown()
        if translation.frozen
        else operations.translated_text(translation)
    )
    return render_template(
        "translation/document.html",
        translation=translation,
        version=translation.source_version,
        guideline=translation.source_version.guideline,
        document=render_for_reader(text),
    )
