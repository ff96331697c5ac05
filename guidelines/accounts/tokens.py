"""Personal API tokens: shown once, stored as a hash, revocable."""

import hashlib
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guidelines.accounts.models import User, utcnow
from guidelines.extensions import db
from guidelines.review.audit import record

TOKEN_PREFIX = "gwb_"


class ApiToken(db.Model):
    """A bearer token a user made for scripts; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: nobody can guess one to test.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; return the record and the token, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValueError(_("Give the token a name, for example the script that will use it."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], token_sha256=_digest(secret))
    db.session.add(token)
    db.session.flush()
    # The secret never goes into the log: only the token's name identifies it.
    record(
        "token.create",
        obj=token,
        actor=user,
        summary=f"Created API token {token.name!r} for {user.email}.",
        after={"name": token.name, "user": user.email},
    )
    return token, secret


def revoke_token(token: ApiToken) -> None:
    """Revoke ``token``: it is refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record(
            "token.revoke",
            obj=token,
            summary=f"Revoked API token {token.name!r} of {token.user.email}.",
            before={"revoked": False},
            after={"revoked": True},
        )


def active_token(secret: str) -> ApiToken | None:
    """Return the unrevoked token of an active user that ``secret`` is, or None; note its use."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token


def user_for_token(secret: str) -> User | None:
    """Return the active user whose unrevoked token this is, or None."""
    token = active_token(secret)
    return token.user if token is not None else None
