"""ERNs, Flemish networks, diseases, guidelines and their immutable source versions."""

import re
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import utcnow
from guidelines.extensions import db
from guidelines.text.hashing import sha256_text

ORPHA_PATTERN = re.compile(r"^ORPHA:(\d{1,7})$")


class InvalidOrphaCode(ValueError):
    """An ORPHAcode that is not written ``ORPHA:<digits>``."""


class TextIntegrityError(RuntimeError):
    """A stored text whose bytes no longer hash to the name it is stored under."""


class ImmutableRecordError(RuntimeError):
    """An attempt to change a record that must never change."""


def parse_orpha_code(value: str) -> int:
    """Return the number of an ORPHAcode written ``ORPHA:<digits>``."""
    match = ORPHA_PATTERN.match(value.strip())
    if not match or int(match.group(1)) == 0:
        raise InvalidOrphaCode(
            _(
                "%(value)s is not an ORPHAcode: write ORPHA followed by a colon and the number, "
                "for example ORPHA:355.",
                value=repr(value),
            )
        )
    return int(match.group(1))


network_erns = Table(
    "network_erns",
    db.metadata,
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("ern_id", ForeignKey("erns.id", ondelete="CASCADE"), primary_key=True),
)

guideline_diseases = Table(
    "guideline_diseases",
    db.metadata,
    Column("guideline_id", ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True),
    Column("disease_id", ForeignKey("diseases.id", ondelete="CASCADE"), primary_key=True),
)


class Ern(db.Model):
    """A European Reference Network, the author of European guidelines."""

    __tablename__ = "erns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    networks = relationship(
        "Network", secondary=network_erns, back_populates="erns", order_by="Network.code"
    )
    guidelines = relationship("Guideline", back_populates="ern", order_by="Guideline.title")


class Network(db.Model):
    """A Flemish rare-disease network, which follows one or more ERNs."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    erns = relationship(
        "Ern", secondary=network_erns, back_populates="networks", order_by="Ern.code"
    )


class Disease(db.Model):
    """A rare disease, named by its ORPHAcode (codes are never re-used)."""

    __tablename__ = "diseases"

    id: Mapped[int] = mapped_column(primary_key=True)
    orpha_number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(300), default="")

    guidelines = relationship(
        "Guideline",
        secondary=guideline_diseases,
        back_populates="diseases",
        order_by="Guideline.title",
    )

    @property
    def orpha_code(self) -> str:
        return f"ORPHA:{self.orpha_number}"


class DocumentText(db.Model):
    """A text stored once and named by the SHA-256 of its exact UTF-8 bytes."""

    __tablename__ = "document_texts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    markdown: Mapped[str] = mapped_column(Text)
    byte_size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def for_markdown(cls, markdown: str) -> "DocumentText":
        """Return a new record for ``markdown`` with its hash and size filled in."""
        data = markdown.encode("utf-8")
        return cls(sha256=sha256_text(markdown), markdown=markdown, byte_size=len(data))

    def verified_markdown(self) -> str:
        """Return the text after checking that it still hashes to its name."""
        if sha256_text(self.markdown) != self.sha256:
            raise TextIntegrityError(
                f"Stored text {self.sha256} no longer matches its SHA-256: it was changed outside "
                "the application. Restore it from a backup."
            )
        return self.markdown


class Guideline(db.Model):
    """A European guideline: the stable identity above its successive versions."""

    __tablename__ = "guidelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    ern_id: Mapped[int | None] = mapped_column(ForeignKey("erns.id"), index=True)
    source_language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ern = relationship("Ern", back_populates="guidelines")
    diseases = relationship(
        "Disease",
        secondary=guideline_diseases,
        back_populates="guidelines",
        order_by="Disease.orpha_number",
    )
    versions = relationship(
        "SourceVersion",
        back_populates="guideline",
        order_by="SourceVersion.id",
        cascade="all, delete-orphan",
    )

    @property
    def latest_version(self) -> "SourceVersion | None":
        return self.versions[-1] if self.versions else None

    def version(self, label: str) -> "SourceVersion | None":
        """Return the version labelled ``label``, if there is one."""
        return next((v for v in self.versions if v.label == label), None)


class SourceVersion(db.Model):
    """One immutable published version of a European guideline."""

    __tablename__ = "source_versions"
    __table_args__ = (
        UniqueConstraint("guideline_id", "label"),
        UniqueConstraint("guideline_id", "text_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(40))
    published_on: Mapped[date | None] = mapped_column(Date)
    text_sha256: Mapped[str] = mapped_column(ForeignKey("document_texts.sha256"), index=True)
    change_note: Mapped[str] = mapped_column(Text, default="")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    guideline = relationship("Guideline", back_populates="versions")
    text = relationship("DocumentText")
    imported_by = relationship("User")

    @property
    def sha256(self) -> str:
        return self.text_sha256

    @property
    def markdown(self) -> str:
        return self.text.verified_markdown()

    @property
    def previous(self) -> "SourceVersion | None":
        versions = self.guideline.versions
        index = versions.index(self)
        return versions[index - 1] if index > 0 else None


@event.listens_for(SourceVersion, "before_update")
def _refuse_version_change(_mapper, _connection, target: SourceVersion) -> None:
    raise ImmutableRecordError(
        f"Source version {target.label} of guideline {target.guideline_id} is immutable; "
        "import a new version instead."
    )


@event.listens_for(DocumentText, "before_update")
def _refuse_text_change(_mapper, _connection, target: DocumentText) -> None:
    raise ImmutableRecordError(f"Stored text {target.sha256} is immutable.")
