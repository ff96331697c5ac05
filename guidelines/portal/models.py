"""Publications: immutable, content-addressed texts of approved Flemish adaptations."""

from datetime import datetime

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import utcnow
from guidelines.extensions import db
from guidelines.library.models import ImmutableRecordError


class Publication(db.Model):
    """The published text of an approved revision, with what it rests on and who let it out.

    A newer publication of the same adaptation supersedes it; it stays readable at its own
    permanent address.
    """

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), unique=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    source_version_id: Mapped[int] = mapped_column(ForeignKey("source_versions.id"))
    translation_id: Mapped[int | None] = mapped_column(ForeignKey("translations.id"))
    text_sha256: Mapped[str] = mapped_column(ForeignKey("document_texts.sha256"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    adaptation = relationship("Adaptation")
    revision = relationship("Revision")
    guideline = relationship("Guideline")
    network = relationship("Network")
    source_version = relationship("SourceVersion")
    translation = relationship("Translation")
    text = relationship("DocumentText")
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    @property
    def sha256(self) -> str:
        return self.text_sha256

    @property
    def text_language(self) -> str:
        """Return the language the published text is written in."""
        return self.revision.text_language(self.adaptation)

    @property
    def markdown(self) -> str:
        return self.text.verified_markdown()


@event.listens_for(Publication, "before_update")
def _refuse_publication_change(_mapper, _connection, target: Publication) -> None:
    raise ImmutableRecordError(f"Publication {target.id} is immutable; publish a new one.")
