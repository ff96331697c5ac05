"""PO files in and out: a translation for a translator's tool, and catalogs into the memory."""

from collections import Counter
from pathlib import Path

from flask_babel import gettext as _

from guidelines.accounts.models import User
from guidelines.extensions import db
from guidelines.library.models import utcnow
from guidelines.library.uploads import ImportRefused, decode_upload
from guidelines.review.audit import record
from guidelines.text import FrontMatterError, split_front_matter
from guidelines.text.segments import placeholder_problems, segment_document
from guidelines.translation import memory, operations
from guidelines.translation.models import Translation
from guidelines.translation.po import PoEntry, export_po
from guidelines.translation.po_import import EntryOutcome, plan_import
from guidelines.translation.po_reader import read_po


def export_translation_po(translation: Translation) -> bytes:
    """Return the translation as a PO file: key as msgctxt, source as msgid, target as msgstr."""
    version = translation.source_version
    entries = [
        PoEntry(
            key=row.key,
            source=row.source,
            target=row.target,
            fuzzy=row.status == "fuzzy",
            previous_source=row.previous_source if row.status == "fuzzy" else None,
            path=row.path,
        )
        for row in translation.segments
    ]
    return export_po(
        entries,
        language=translation.language,
        project=version.guideline.slug,
        version=version.label,
    )


def import_translation_po(
    translation: Translation, data: bytes, user: User, *, max_bytes: int
) -> list[EntryOutcome]:
    """Apply a translator's PO file entry by entry; a malformed file changes nothing."""
    operations.check_can_translate(user)
    if translation.frozen:
        raise operations.TranslationError(
            _("This translation is frozen; it cannot change any more.")
        )
    if len(data) > max_bytes:
        raise operations.TranslationError(
            _("The PO file is larger than %(limit)s bytes.", limit=f"{max_bytes:,}")
        )
    entries = read_po(data)
    segments = {s.key: s for s in segment_document(translation.source_version.markdown)}
    rows = {row.key: row for row in translation.segments}
    outcomes = plan_import(
        entries,
        sources={key: row.source for key, row in rows.items()},
        current={key: (row.target, row.status == "fuzzy") for key, row in rows.items()},
        placeholder_problems=lambda key, target: placeholder_problems(segments[key], target),
    )
    source_language = translation.source_version.guideline.source_language
    now = utcnow()
    for outcome in outcomes:
        if outcome.status != "updated":
            continue
        row = rows[outcome.key]
        row.target, row.origin, row.updated_by, row.updated_at = outcome.target, "po", user, now
        row.status = "fuzzy" if outcome.fuzzy else "translated"
        if not outcome.fuzzy:
            row.previous_source, row.flags = None, ""
            memory.add_to_memory(
                source_language,
                translation.language,
                row.source,
                outcome.target,
                origin=f"po {operations.origin_of(translation)}",
            )
    db.session.flush()
    counts = Counter(outcome.status for outcome in outcomes)
    record(
        "translation.po.import",
        obj=translation,
        actor=user,
        summary=(
            f"Imported a PO file into the {translation.language} translation of "
            f"{operations.describe(translation)}: "
            + ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
            + "."
        ),
        after=dict(sorted(counts.items())),
    )
    return outcomes


def import_po_into_memory(
    data: bytes, source_language: str, target_language: str, origin: str
) -> Counter:
    """Seed the memory from a PO catalog: every translated, non-fuzzy, current entry."""
    counts: Counter = Counter()
    for entry in read_po(data):
        if entry.obsolete or entry.fuzzy or not entry.target.strip() or not entry.source.strip():
            counts["skipped"] += 1
        elif memory.add_to_memory(
            source_language, target_language, entry.source, entry.target, origin
        ):
            counts["added"] += 1
        else:
            counts["known"] += 1
    db.session.flush()
    record(
        "memory.import",
        object_type="memory",
        object_id=f"{source_language}-{target_language}",
        summary=(
            f"Imported the PO catalog {origin} into the {source_language}-{target_language} memory."
        ),
        after=dict(sorted(counts.items())),
    )
    return counts


def aligned_pairs(source_text: str, target_text: str) -> list[tuple[str, str]]:
    """Pair the segments of two versions of one page in two languages, where they line up.

    Pages are aligned by structure: segments pair up in order as long as their kinds agree;
    where the structure differs (a paragraph more on one side), the run is skipped rather than
    guessed.
    """
    from difflib import SequenceMatcher

    pairs = _front_matter_pairs(source_text, target_text)
    source = segment_document(source_text)
    target = segment_document(target_text)
    matcher = SequenceMatcher(
        a=[s.kind for s in source], b=[t.kind for t in target], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            left, right = source[block.a + offset], target[block.b + offset]
            if left.placeholders == right.placeholders or not (
                left.placeholders or right.placeholders
            ):
                pairs.append((left.source, right.source))
    return pairs


def _front_matter_pairs(source_text: str, target_text: str) -> list[tuple[str, str]]:
    """Pair the texts that both front matters give under the same key (title, summary)."""
    try:
        source_meta, _body = split_front_matter(source_text)
        target_meta, _body = split_front_matter(target_text)
    except FrontMatterError:
        return []
    return [
        (value, target_meta[key])
        for key, value in source_meta.items()
        if isinstance(value, str)
        and isinstance(target_meta.get(key), str)
        and len(value.split()) > 1
    ]


def import_aligned(
    source_dir: Path,
    target_dir: Path,
    source_language: str,
    target_language: str,
    *,
    max_bytes: int,
) -> Counter:
    """Seed the memory from pages of the same name in two folders, aligned by structure."""
    counts: Counter = Counter()
    for source_path in sorted(source_dir.glob("*.md")):
        target_path = target_dir / source_path.name
        if not target_path.is_file():
            counts["unpaired files"] += 1
            continue
        try:
            source_text = decode_upload(
                source_path.read_bytes(), max_bytes=max_bytes, name=str(source_path)
            )
            target_text = decode_upload(
                target_path.read_bytes(), max_bytes=max_bytes, name=str(target_path)
            )
        except ImportRefused:
            counts["unreadable files"] += 1
            continue
        counts["files"] += 1
        for source, target in aligned_pairs(source_text, target_text):
            if source.strip() == target.strip():
                counts["skipped"] += 1  # untranslated text (names, codes) teaches nothing
            elif memory.add_to_memory(
                source_language,
                target_language,
                source,
                target,
                origin=f"aligned {source_path.name}",
            ):
                counts["added"] += 1
            else:
                counts["known"] += 1
    db.session.flush()
    record(
        "memory.import",
        object_type="memory",
        object_id=f"{source_language}-{target_language}",
        summary=(
            f"Imported aligned pages of {source_dir.name} and {target_dir.name} into the "
            f"{source_language}-{target_language} memory."
        ),
        after=dict(sorted(counts.items())),
    )
    return counts
