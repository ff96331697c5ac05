"""The translation memory: entries in the database, and a fuzzy index per language pair.

The database holds every entry; each process keeps an in-memory index per language pair and
catches up on entries added since (by id), so several workers stay consistent without a
shared cache.
"""

import hashlib
import threading

from sqlalchemy import select

from guidelines.extensions import db
from guidelines.translation.memory_index import MemoryIndex, Suggestion, normalise
from guidelines.translation.models import MemoryEntry

_indexes: dict[tuple[str, str], tuple[MemoryIndex, int]] = {}
_lock = threading.Lock()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_hash(source: str) -> str:
    """Return the key under which exact matches of ``source`` are found."""
    return _hash(normalise(source))


def add_to_memory(
    source_language: str, target_language: str, source: str, target: str, origin: str
) -> MemoryEntry | None:
    """Add a source text and its translation, unless the memory has that pair already."""
    if not source.strip() or not target.strip():
        return None
    key = source_hash(source)
    target_key = _hash(target)
    existing = db.session.scalar(
        select(MemoryEntry).where(
            MemoryEntry.source_language == source_language,
            MemoryEntry.target_language == target_language,
            MemoryEntry.source_hash == key,
            MemoryEntry.target_hash == target_key,
        )
    )
    if existing is not None:
        return None
    entry = MemoryEntry(
        source_language=source_language,
        target_language=target_language,
        source=source,
        target=target,
        source_hash=key,
        target_hash=target_key,
        origin=origin[:300],
    )
    db.session.add(entry)
    return entry


def exact_match(source_language: str, target_language: str, source: str) -> MemoryEntry | None:
    """Return the most recent entry whose source is ``source`` (after normalisation)."""
    return db.session.scalar(
        select(MemoryEntry)
        .where(
            MemoryEntry.source_language == source_language,
            MemoryEntry.target_language == target_language,
            MemoryEntry.source_hash == source_hash(source),
        )
        .order_by(MemoryEntry.id.desc())
        .limit(1)
    )


def index_for(source_language: str, target_language: str) -> MemoryIndex:
    """Return this process's index of a language pair, caught up with the database."""
    pair = (source_language, target_language)
    with _lock:
        index, last_id = _indexes.get(pair, (None, 0))
        if index is None:
            index = MemoryIndex()
        rows = db.session.execute(
            select(MemoryEntry.id, MemoryEntry.source, MemoryEntry.target)
            .where(
                MemoryEntry.source_language == source_language,
                MemoryEntry.target_language == target_language,
                MemoryEntry.id > last_id,
            )
            .order_by(MemoryEntry.id)
        )
        for entry_id, source, target in rows:
            index.add(entry_id, source, target)
            last_id = entry_id
        _indexes[pair] = (index, last_id)
        return index


def forget_indexes() -> None:
    """Drop the in-memory indexes (they are rebuilt from the database on next use)."""
    with _lock:
        _indexes.clear()


def suggestions(
    source_language: str,
    target_language: str,
    source: str,
    *,
    limit: int = 5,
    threshold: float = 0.7,
) -> list[Suggestion]:
    """Return memory suggestions for ``source``, best first, with their similarity."""
    found = index_for(source_language, target_language).suggest(
        source, limit=limit, threshold=threshold
    )
    # The index may hold entries of a transaction that was rolled back; keep only those the
    # database still has, unchanged.
    stored = (
        {
            entry_id: (entry_source, entry_target)
            for entry_id, entry_source, entry_target in db.session.execute(
                select(MemoryEntry.id, MemoryEntry.source, MemoryEntry.target).where(
                    MemoryEntry.id.in_([s.entry_id for s in found])
                )
            )
        }
        if found
        else {}
    )
    return [s for s in found if stored.get(s.entry_id) == (s.source, s.target)]
