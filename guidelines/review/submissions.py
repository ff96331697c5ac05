"""Submissions of revisions for review, and the comments reviewers and authors exchange."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import utcnow
from guidelines.extensions import db

# A submission moves in_review -> changes_requested | approved -> published -> superseded.
# A revision without a submission is a draft.
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
PUBLISHED = "published"
SUPERSEDED = "superseded"
STATUSES = (IN_REVIEW, CHANGES_REQUESTED, APPROVED, PUBLISHED, SUPERSEDED)


class Submission(db.Model):
    """A revision put forward for review, and what became of it."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), unique=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=IN_REVIEW)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # The one way round four eyes: an administrator records why an author may approve.
    exception_reason: Mapped[str] = mapped_column(Text, default="")
    exception_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    exception_at: Mapped[datetime | None]

    revision = relationship("Revision")
    adaptation = relationship("Adaptation")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    exception_by = relationship("User", foreign_keys=[exception_by_id])


class ReviewComment(db.Model):
    """A comment on a revision under review, on one unit or on the whole."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    adaptation_id: Mapped[int] = mapped_column(ForeignKey("adaptations.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    unit_key: Mapped[str] = mapped_column(String(400), default="")  # "" for the whole revision
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    revision = relationship("Revision")
    author = relationship("User")
