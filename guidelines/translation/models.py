"""Translations of source versions, segment by segment, and the translation memory."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import utcnow
from guidelines.extensions import db

STATUSES = ("untranslated", "fuzzy", "translated", "reviewed")
DONE = ("translated", "reviewed")


class Translation(db.Model):
    """A source version translated into one language; frozen once complete."""

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("source_version_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_version_id: Mapped[int] = mapped_column(ForeignKey("source_versions.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    frozen_sha256: Mapped[str | None] = mapped_column(ForeignKey("document_texts.sha256"))
    frozen_at: Mapped[datetime | None]
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    source_version = relationship("SourceVersion")
    frozen_text = relationship("DocumentText")
    frozen_by = relationship("User")
    segments = relationship(
        "SegmentTranslation", back_populates="translation", order_by="SegmentTranslation.position"
    )

    @property
    def frozen(self) -> bool:
        return self.frozen_sha256 is not None

    def counts(self) -> dict[str, int]:
        """Return how many segments have each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for segment in self.segments:
            counts[segment.status] += 1
        return counts

    @property
    def complete(self) -> bool:
        """Tell whether every segment is translated or reviewed."""
        return all(segment.status in DONE for segment in self.segments)


class SegmentTranslation(db.Model):
    """One segment of a translation: the source text, its target, and how far it is."""

    __tablename__ = "segment_translations"
    __table_args__ = (UniqueConstraint("translation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("translations.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="untranslated")
    # For a fuzzy segment: the source its target was made for, and what changed clinically.
    previous_source: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[str] = mapped_column(String(100), default="")
    origin: Mapped[str] = mapped_column(String(20), default="")  # memory | carried | po | manual
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    translation = relationship("Translation", back_populates="segments")
    updated_by = relationship("User")

    @property
    def flag_list(self) -> tuple[str, ...]:
        return tuple(flag for flag in self.flags.split(",") if flag)


class MemoryEntry(db.Model):
    """A source text and its translation, reusable across guidelines and versions."""

    __tablename__ = "memory_entries"
    __table_args__ = (
        UniqueConstraint("source_language", "target_language", "source_hash", "target_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_language: Mapped[str] = mapped_column(String(8))
    target_language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    # SHA-256 of the normalised source: exact matches are one indexed lookup.
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    target_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
