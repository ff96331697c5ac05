"""Use cases for accounts: create users, check a login."""

import re

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from guidelines.accounts.models import Role, User
from guidelines.extensions import db
from guidelines.library.models import Network
from guidelines.review.audit import record

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A user that cannot be created as asked; the message says why."""


def create_user(
    email: str,
    password: str,
    *,
    role: str = Role.READER.value,
    networks: list[str] | tuple[str, ...] = (),
    name: str = "",
) -> User:
    """Add a user with a hashed password, a role, and memberships of ``networks`` (codes)."""
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise AccountError(_("%(email)s is not an e-mail address.", email=repr(email)))
    if role not in {r.value for r in Role}:
        raise AccountError(
            _(
                "Unknown role %(role)s: use one of %(known)s.",
                role=repr(role),
                known=", ".join(r.value for r in Role),
            )
        )
    check_password_rules(password)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(_("There is already a user %(email)s.", email=email))
    user = User(email=email, name=name, role=role, networks=[find_network(c) for c in networks])
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(
        "user.create",
        obj=user,
        summary=f"Created user {email} ({role}).",
        after={"email": email, "name": name, "role": role, "networks": sorted(networks)},
    )
    return user


def check_password_rules(password: str) -> None:
    """Refuse a password that is too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _(
                "The password must have at least %(count)s characters.",
                count=MIN_PASSWORD_LENGTH,
            )
        )


def set_password(email: str, password: str) -> User:
    """Give the user ``email`` a new password and end all their sessions (audited)."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise AccountError(_("There is no user %(email)s.", email=email))
    check_password_rules(password)
    user.set_password(password)
    # Whoever knew the old password is logged out too.
    user.session_version += 1
    record("user.password", obj=user, summary=f"Set a new password for {email}.")
    return user


def find_network(code: str) -> Network:
    """Return the Flemish network with ``code``, or refuse with the known codes."""
    network = db.session.scalar(select(Network).where(Network.code == code.strip()))
    if network is None:
        known = ", ".join(db.session.scalars(select(Network.code).order_by(Network.code)))
        raise AccountError(
            _("Unknown network %(code)s: use one of %(known)s.", code=repr(code), known=known)
        )
    return network


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (never saying which was wrong)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        # Hash anyway so a wrong e-mail takes as long as a wrong password.
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_login_failure(email: str) -> None:
    """Log a refused login under the e-mail that was tried (never the password)."""
    email = email.strip().lower()
    user_id = db.session.scalar(select(User.id).where(User.email == email))
    record(
        "login.failure",
        object_type="user",
        object_id=user_id,
        actor_label=email,
        summary=f"Refused a login as {email}.",
    )


_DUMMY_HASH = generate_password_hash("not a password of anyone")


def log_out_everywhere(user: User) -> None:
    """End every session and remember cookie of ``user``, on every device."""
    from guidelines.review.audit import record

    user.session_version += 1
    record("logout.everywhere", obj=user, summary=f"{user.email} logged out everywhere.")
