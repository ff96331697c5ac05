"""Use cases of translations: start (carrying over and filling from memory), edit, freeze.

Operations change models and flush; the caller (a view, the API or a CLI command) commits.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _
from sqlalchemy import select

from guidelines.accounts.models import Role, User
from guidelines.extensions import db
from guidelines.library.models import DocumentText, SourceVersion, utcnow
from guidelines.review.audit import record
from guidelines.text import clinical_flags
from guidelines.text.segments import (
    Segment,
    placeholder_problems,
    rebuild_document,
    segment_document,
)
from guidelines.translation import memory
from guidelines.translation.models import DONE, STATUSES, SegmentTranslation, Translation

LANGUAGES = ("nl", "fr", "de", "en")
# A changed segment inherits its old translation, as fuzzy, only when this much is alike.
FUZZY_CARRY_THRESHOLD = 0.5


class TranslationError(ValueError):
    """A translation request that cannot be carried out; the message says why."""


class NotAllowed(PermissionError):
    """The user may not change translations."""


def can_translate(user: User | None) -> bool:
    """Tell whether ``user`` may edit translations (translators, authors, reviewers, admins)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_role(Role.TRANSLATOR, Role.AUTHOR, Role.REVIEWER)
    )


def can_freeze(user: User | None) -> bool:
    """Tell whether ``user`` may freeze a translation (translators, reviewers, admins)."""
    return bool(
        user is not None and user.is_authenticated and user.has_role(Role.TRANSLATOR, Role.REVIEWER)
    )


def _check(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("Your role does not allow this. Ask an administrator."))


def check_can_translate(user: User | None) -> None:
    """Refuse unless ``user`` may edit translations."""
    _check(can_translate(user))


def find_translation(version: SourceVersion, language: str) -> Translation | None:
    """Return the translation of ``version`` into ``language``, if it was started."""
    return db.session.scalar(
        select(Translation).where(
            Translation.source_version_id == version.id, Translation.language == language
        )
    )


def _previous_translation(version: SourceVersion, language: str) -> Translation | None:
    """Return the translation into ``language`` of the newest earlier version, if any."""
    earlier = [v.id for v in version.guideline.versions if v.id < version.id]
    if not earlier:
        return None
    return db.session.scalar(
        select(Translation)
        .where(Translation.source_version_id.in_(earlier), Translation.language == language)
        .order_by(Translation.source_version_id.desc())
        .limit(1)
    )


def start_translation(version: SourceVersion, language: str) -> Translation:
    """Return the translation of ``version`` into ``language``, starting it when needed.

    A new translation carries over every segment of the previous version's translation: an
    unchanged source keeps its translation; a changed one becomes fuzzy, with the previous
    source kept and clinically significant changes flagged; the rest is filled from exact
    memory matches.
    """
    existing = find_translation(version, language)
    if existing is not None:
        return existing
    if language not in LANGUAGES:
        raise TranslationError(
            _(
                "%(language)s is not a language we translate into; use one of %(languages)s.",
                language=language,
                languages=", ".join(LANGUAGES),
            )
        )
    source_language = version.guideline.source_language
    if language == source_language:
        raise TranslationError(
            _(
                "Version %(label)s is written in %(language)s already.",
                label=version.label,
                language=language,
            )
        )
    translation = Translation(source_version=version, language=language)
    db.session.add(translation)
    previous = _previous_translation(version, language)
    carried = Carried.of(previous)
    # Rows are added as they are made; flushing half a translation in between helps nobody.
    with db.session.no_autoflush:
        for position, segment in enumerate(segment_document(version.markdown)):
            row = SegmentTranslation(
                translation=translation,
                key=segment.key,
                position=position,
                kind=segment.kind,
                path=segment.path,
                source=segment.source,
            )
            db.session.add(row)
            _fill(row, carried, source_language, language)
    db.session.flush()
    record(
        "translation.start",
        obj=translation,
        summary=f"Started the {language} translation of {describe(translation)}.",
        after={"language": language, "counts": translation.counts()},
    )
    return translation


def _fill(
    row: SegmentTranslation,
    carried: "Carried",
    source_language: str,
    language: str,
) -> None:
    """Give a new segment the translation it inherits, from the previous version or memory."""
    same_text = carried.by_source.get(row.source)
    if same_text is not None:
        row.target, row.status, row.origin = same_text.target, same_text.status, "carried"
        return
    before = carried.by_key.get(row.key)
    # Keys count blocks within a section: after an inserted paragraph the same key can name
    # another paragraph. Only a similar text is the same segment, changed.
    if before is not None and similarity(before.source, row.source) >= FUZZY_CARRY_THRESHOLD:
        row.target, row.origin, row.status = before.target, "carried", "fuzzy"
        row.previous_source = before.source
        row.flags = ",".join(clinical_flags(before.source, row.source))
        return
    match = memory.exact_match(source_language, language, row.source)
    if match is not None:
        row.target, row.status, row.origin = match.target, "translated", "memory"


@dataclass(frozen=True)
class Carried:
    """The finished segments of the previous version's translation, by source and by key."""

    by_source: dict[str, SegmentTranslation]
    by_key: dict[str, SegmentTranslation]

    @classmethod
    def of(cls, previous: Translation | None) -> "Carried":
        """Index the done segments of ``previous`` (none when there is no previous)."""
        done = [s for s in previous.segments if s.status in DONE and s.target] if previous else []
        return cls({s.source: s for s in done}, {s.key: s for s in done})


def similarity(old: str, new: str) -> float:
    """Return how alike two source texts are, 0 to 1, word by word."""
    return SequenceMatcher(a=old.split(), b=new.split(), autojunk=False).ratio()


def segment_or_error(translation: Translation, key: str) -> SegmentTranslation:
    """Return the segment ``key`` of ``translation``, or refuse naming it."""
    row = next((s for s in translation.segments if s.key == key), None)
    if row is None:
        raise TranslationError(_("This translation has no segment %(key)s.", key=key))
    return row


def as_segment(row: SegmentTranslation) -> Segment:
    """Return the source segment behind a stored segment row."""
    segments = {s.key: s for s in segment_document(row.translation.source_version.markdown)}
    return segments[row.key]


def update_segment(
    translation: Translation, key: str, target: str, status: str, user: User
) -> SegmentTranslation:
    """Set a segment's target text and status, checking its placeholders."""
    _check(can_translate(user))
    if translation.frozen:
        raise TranslationError(_("This translation is frozen; it cannot change any more."))
    if status not in STATUSES:
        raise TranslationError(
            _(
                "Unknown status %(status)s; use one of %(statuses)s.",
                status=status,
                statuses=", ".join(STATUSES),
            )
        )
    if status == "reviewed" and not user.has_role(Role.REVIEWER, Role.TRANSLATOR):
        raise NotAllowed(_("Only translators and reviewers mark segments as reviewed."))
    row = segment_or_error(translation, key)
    before = {"target": row.target, "status": row.status}
    target = target.replace("\r\n", "\n")
    if not target.strip():
        status = "untranslated"
    elif status in DONE:
        problems = placeholder_problems(as_segment(row), target)
        if problems:
            raise TranslationError(
                _("Segment %(key)s: %(problems)s", key=key, problems="; ".join(problems))
            )
    row.target, row.status, row.origin = target, status, "manual"
    if status in DONE:
        row.previous_source, row.flags = None, ""
        memory.add_to_memory(
            translation.source_version.guideline.source_language,
            translation.language,
            row.source,
            target,
            origin=origin_of(translation),
        )
    row.updated_by, row.updated_at = user, utcnow()
    db.session.flush()
    record(
        "translation.segment.update",
        obj=translation,
        actor=user,
        summary=(
            f"Set segment {key} of the {translation.language} translation of "
            f"{describe(translation)} to {status}."
        ),
        before={"key": key, **before},
        after={"key": key, "target": target, "status": status},
    )
    return row


def origin_of(translation: Translation) -> str:
    """Return how memory entries made from ``translation`` name their origin."""
    version = translation.source_version
    return f"{version.guideline.slug} {version.label} {translation.language}"


def describe(translation: Translation) -> str:
    """Return ``slug version label``, how the audit log names a translation's source."""
    version = translation.source_version
    return f"{version.guideline.slug} {version.label}"


def translated_text(translation: Translation) -> str:
    """Return the document rebuilt from the segments' targets (sources where still empty)."""
    targets = {row.key: row.target for row in translation.segments if row.target}
    return rebuild_document(translation.source_version.markdown, targets)


def freeze(translation: Translation, user: User) -> DocumentText:
    """Freeze a complete translation into a base text, stored once under its SHA-256."""
    _check(can_freeze(user))
    if translation.frozen:
        return translation.frozen_text
    open_segments = [row.key for row in translation.segments if row.status not in DONE]
    if open_segments:
        raise TranslationError(
            _(
                "%(count)s segments are not translated yet (for example %(key)s); translate them "
                "before freezing.",
                count=len(open_segments),
                key=open_segments[0],
            )
        )
    text = translated_text(translation)
    stored = db.session.get(DocumentText, DocumentText.for_markdown(text).sha256)
    if stored is None:
        stored = DocumentText.for_markdown(text)
        db.session.add(stored)
    translation.frozen_text = stored
    translation.frozen_at = utcnow()
    translation.frozen_by = user
    db.session.flush()
    record(
        "translation.freeze",
        obj=translation,
        actor=user,
        summary=f"Froze the {translation.language} translation of {describe(translation)}.",
        after={"sha256": stored.sha256, "segments": len(translation.segments)},
    )
    return stored
