"""Notifications: an in-app inbox, and who hears about what."""

from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import Role, User, memberships, utcnow
from guidelines.extensions import db
from guidelines.review.mail import queue_mail


class Notification(db.Model):
    """A message for one user, read or not."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user = relationship("User")


def notify(users, message: str, *, kind: str, link: str = "") -> list[Notification]:
    """Leave ``message`` in the inbox of each of ``users`` (once per user)."""
    seen: set[int] = set()
    created = []
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        notification = Notification(user_id=user.id, kind=kind, message=message, link=link)
        db.session.add(notification)
        created.append(notification)
        queue_mail(user.email, message, _mail_body(message, link))
    db.session.flush()
    return created


def _mail_body(message: str, link: str) -> str:
    base = current_app.config.get("PUBLIC_URL", "") if has_app_context() else ""
    return f"{message}\n\n{base}{link}\n" if link else f"{message}\n"


def members_of(network_ids, *roles: Role) -> list[User]:
    """Return the active members of the networks, optionally only those holding ``roles``."""
    query = (
        select(User)
        .join(memberships, memberships.c.user_id == User.id)
        .where(memberships.c.network_id.in_(list(network_ids)), User.active.is_(True))
        .order_by(User.id)
        .distinct()
    )
    if roles:
        query = query.where(User.role.in_([role.value for role in roles]))
    return list(db.session.scalars(query))


def notify_reviewers(adaptation, message: str, *, kind: str) -> list[Notification]:
    """Tell the reviewers of the adaptation's network."""
    link = f"/adaptations/{adaptation.id}/review"
    return notify(members_of([adaptation.network_id], Role.REVIEWER), message, kind=kind, link=link)


def notify_authors(revision, message: str, *, kind: str) -> list[Notification]:
    """Tell everyone who wrote a revision of the adaptation."""
    from guidelines.adaptation.models import Revision

    authors = db.session.scalars(
        select(User)
        .join(Revision, Revision.author_id == User.id)
        .where(Revision.adaptation_id == revision.adaptation_id)
        .distinct()
    )
    return notify(authors, message, kind=kind, link=f"/adaptations/{revision.adaptation_id}")


def notify_new_version(version) -> list[Notification]:
    """Tell the members of the Flemish networks that follow the guideline's ERN."""
    ern = version.guideline.ern
    if ern is None or not ern.networks:
        return []
    message = f"{version.guideline.title}: version {version.label} was published by {ern.code}."
    return notify(
        members_of([n.id for n in ern.networks]),
        message,
        kind="source_version",
        link=f"/guidelines/{version.guideline.slug}/versions/{version.label}",
    )


def unread_count(user: User) -> int:
    """Return how many notifications ``user`` has not read."""
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def inbox_of(user: User, *, limit: int) -> list[Notification]:
    """Return the newest ``limit`` notifications of ``user``."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read_for(user: User, notification_id: int | None = None) -> int:
    """Mark the user's unread notifications read (only one, given its id); return how many."""
    from sqlalchemy import update

    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    return db.session.execute(statement.values(read_at=utcnow())).rowcount
