"""Use cases of the library: import source versions, look up reference data.

Operations change models and flush; the caller (a view or a CLI command) commits.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from guidelines.accounts.models import User
from guidelines.extensions import db
from guidelines.library.models import (
    Disease,
    DocumentText,
    Ern,
    Guideline,
    InvalidOrphaCode,
    SourceVersion,
    parse_orpha_code,
)
from guidelines.library.uploads import (
    ImportRefused,
    check_no_nul,
    check_slug,
    first_heading,
    read_metadata,
)
from guidelines.review.audit import record
from guidelines.review.notifications import notify_new_version
from guidelines.text import RecommendationError, parse_recommendations, sha256_text


@dataclass(frozen=True)
class ImportRequest:
    """What the importer knows about a text besides the text itself (all optional)."""

    slug: str | None = None
    title: str | None = None
    ern: str | None = None
    label: str | None = None
    language: str | None = None
    published: date | None = None
    orpha: tuple[str, ...] = ()
    change_note: str | None = None
    default_slug: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """The outcome of one import: ``imported`` or ``already_present``."""

    status: str
    version: SourceVersion

    @property
    def imported(self) -> bool:
        return self.status == "imported"


def import_version(text: str, request: ImportRequest, *, user: User | None = None) -> ImportResult:
    """Store ``text`` as a new immutable version of its guideline, or say which it already is."""
    check_no_nul(text, _("The text"))
    meta = read_metadata(text)
    slug = check_slug(request.slug) if request.slug else meta.slug or request.default_slug
    if not slug:
        raise ImportRefused(_("No slug: give one, or add 'slug:' to the front matter."))
    label = request.label or meta.label or "1"
    try:
        parse_recommendations(text, strict=True)
    except RecommendationError as error:
        raise ImportRefused(str(error)) from error

    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == slug))
    if guideline is None:
        guideline = _create_guideline(slug, text, request, meta)
    sha256 = sha256_text(text)
    existing = next((v for v in guideline.versions if v.text_sha256 == sha256), None)
    if existing is not None:
        return ImportResult("already_present", existing)
    if guideline.version(label) is not None:
        raise ImportRefused(
            _(
                "%(slug)s already has a version %(label)s with a different text. Versions never "
                "change: import this text under a new version label.",
                slug=slug,
                label=label,
            )
        )
    version = SourceVersion(
        guideline=guideline,
        label=label,
        published_on=request.published or meta.published,
        text=_stored_text(text, sha256),
        change_note=request.change_note or meta.change_note or "",
        imported_by=user,
    )
    db.session.add(version)
    db.session.flush()
    record(
        "version.import",
        obj=version,
        actor=user,
        summary=f"Imported version {label} of {slug}.",
        after={"guideline": slug, "label": label, "sha256": sha256},
    )
    if len(guideline.versions) > 1:
        # A new European version: the Flemish networks that follow its ERN need to know.
        notify_new_version(version)
    return ImportResult("imported", version)


def _create_guideline(slug, text, request: ImportRequest, meta) -> Guideline:
    ern_code = request.ern or meta.ern
    guideline = Guideline(
        slug=slug,
        title=(request.title or meta.title or first_heading(text) or slug)[:300],
        ern=find_ern(ern_code) if ern_code else None,
        source_language=request.language or meta.language or "en",
        diseases=[find_or_create_disease(code) for code in (request.orpha or meta.orpha)],
    )
    db.session.add(guideline)
    return guideline


def _stored_text(text: str, sha256: str) -> DocumentText:
    return db.session.get(DocumentText, sha256) or DocumentText.for_markdown(text)


def find_ern(code: str) -> Ern:
    """Return the ERN with ``code`` (case-insensitive), or refuse with the known codes."""
    ern = db.session.scalar(select(Ern).where(db.func.lower(Ern.code) == code.strip().lower()))
    if ern is None:
        known = ", ".join(db.session.scalars(select(Ern.code).order_by(Ern.code)))
        raise ImportRefused(
            _("Unknown ERN %(code)s. Use one of: %(known)s.", code=repr(code), known=known)
        )
    return ern


def find_or_create_disease(code: str) -> Disease:
    """Return the disease for an ORPHAcode, adding it to the register on first use."""
    try:
        number = parse_orpha_code(code)
    except InvalidOrphaCode as error:
        raise ImportRefused(str(error)) from error
    disease = db.session.scalar(select(Disease).where(Disease.orpha_number == number))
    if disease is None:
        disease = Disease(orpha_number=number)
        db.session.add(disease)
    return disease
