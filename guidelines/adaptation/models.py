"""Flemish adaptations: revisions stored as patches against a base text, and justifications."""

import zlib
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import utcnow
from guidelines.extensions import db
from guidelines.library.models import ImmutableRecordError
from guidelines.text import PatchError, apply_patch

# The longest locale an adaptation may have (its column's length), such as "nl-BE".
MAX_LOCALE_LENGTH = 16


class RevisionIntegrityError(RuntimeError):
    """A stored revision whose patch no longer reproduces the text it claims to."""


class Adaptation(db.Model):
    """A Flemish network's adaptation of a European guideline, for one locale."""

    __tablename__ = "adaptations"

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    locale: Mapped[str] = mapped_column(String(MAX_LOCALE_LENGTH), default="nl-BE")
    title: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    guideline = relationship("Guideline")
    network = relationship("Network")
    created_by = relationship("User")
    revisions = relationship(
        "Revision",
        back_populates="adaptation",
        order_by="Revision.number",
        foreign_keys="Revision.adaptation_id",
    )
    justifications = relationship(
        "Justification", back_populates="adaptation", order_by="Justification.unit_key"
    )

    @property
    def language(self) -> str:
        """Return the language of the adaptation: ``nl`` for the locale ``nl-BE``."""
        return self.locale.split("-")[0].lower()

    @property
    def text_language(self) -> str:
        """Return the language the adapted text is written in: the source's while it rests on
        the untranslated source text, else the adaptation's."""
        return self.current_revision.text_language(self)

    @property
    def current_revision(self) -> "Revision":
        return self.revisions[-1]

    @property
    def base_version(self):
        return self.current_revision.base_version

    @property
    def source_updated(self) -> bool:
        """Tell whether the guideline has a newer European version than the one adapted."""
        latest = self.guideline.latest_version
        base = self.base_version
        return base is not None and latest is not None and latest.id > base.id


class Revision(db.Model):
    """One saved state of an adaptation: a patch against a base text, and its result's hash.

    Numbers run 1, 2, 3 per adaptation, and each save takes its parent's number plus one;
    the unique constraint makes two saves from the same parent impossible (no lost update).
    """

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("adaptation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id"), index=True)
    number: Mapped[int]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    kind: Mapped[str] = mapped_column(String(20), default="edit")  # start | edit | rebase
    base_sha256: Mapped[str] = mapped_column(ForeignKey("document_texts.sha256"))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("source_versions.id"))
    # The patch text, zlib-compressed: at a fifth of the lines changed the plain patch is 1.8
    # times a compressed line diff, the compressed one 0.7 times (make bench).
    patch_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    result_sha256: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    adaptation = relationship(
        "Adaptation", back_populates="revisions", foreign_keys=[adaptation_id]
    )
    parent = relationship("Revision", remote_side=[id])
    base = relationship("DocumentText")
    base_version = relationship("SourceVersion")
    author = relationship("User")

    def text_language(self, adaptation: "Adaptation") -> str:
        """Return the language of this revision's text (see ``Adaptation.text_language``)."""
        version = self.base_version
        if version is not None and self.base_sha256 == version.text_sha256:
            return version.guideline.source_language
        return adaptation.language

    @property
    def patch(self) -> str:
        """Return the diff-match-patch patch text from the base to this revision's text."""
        try:
            return zlib.decompress(self.patch_zlib).decode("utf-8")
        except (zlib.error, UnicodeDecodeError) as error:
            raise RevisionIntegrityError(
                f"Revision {self.number} of adaptation {self.adaptation_id} has an unreadable "
                "patch. Restore the database from a backup."
            ) from error

    @staticmethod
    def pack_patch(patch: str) -> bytes:
        """Return ``patch`` as it is stored."""
        return zlib.compress(patch.encode("utf-8"), 9)

    def text(self) -> str:
        """Return the adapted text, verified against the hash stored with the revision."""
        try:
            return apply_patch(
                self.base.verified_markdown(), self.patch, expected_sha256=self.result_sha256
            )
        except PatchError as error:
            raise RevisionIntegrityError(
                f"Revision {self.number} of adaptation {self.adaptation_id} does not reproduce "
                f"its text ({error}). Restore the database from a backup."
            ) from error


class Justification(db.Model):
    """Why a unit was adapted, excluded or added: one per adaptation and unit key."""

    __tablename__ = "justifications"
    __table_args__ = (UniqueConstraint("adaptation_id", "unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id"), index=True)
    unit_key: Mapped[str] = mapped_column(String(400))
    decision: Mapped[str] = mapped_column(String(20))  # the decision it justifies
    text: Mapped[str] = mapped_column(Text)
    reopened: Mapped[bool] = mapped_column(default=False)
    reopened_reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    adaptation = relationship("Adaptation", back_populates="justifications")
    author = relationship("User")


@event.listens_for(Revision, "before_update")
def _refuse_revision_change(_mapper, _connection, target: Revision) -> None:
    raise ImmutableRecordError(
        f"Revision {target.number} of adaptation {target.adaptation_id} is immutable; "
        "save a new revision instead."
    )
