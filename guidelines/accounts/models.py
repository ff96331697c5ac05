"""Users, their role, and the Flemish networks they work in."""

from datetime import UTC, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from guidelines.extensions import db


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Role(StrEnum):
    """What a user may do; a role applies in the networks the user is a member of."""

    READER = "reader"
    AUTHOR = "author"
    TRANSLATOR = "translator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


memberships = Table(
    "memberships",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.READER.value)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of every session's and remember cookie's user id: raising it logs out everywhere.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    networks = relationship("Network", secondary=memberships, lazy="selectin")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in sessions: the user's, and the session version."""
        return f"{self.id}.{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``; the password itself is never kept."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Tell whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user holds one of ``roles`` (an admin holds them all)."""
        return self.role == Role.ADMIN or self.role in roles

    @property
    def can_import(self) -> bool:
        return self.has_role(Role.AUTHOR)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
