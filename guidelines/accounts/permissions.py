"""Who may do what: decorators for views."""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from guidelines.accounts.models import Role
from guidelines.extensions import login_manager


def role_required(*roles: Role) -> Callable:
    """Let a view run only for a logged-in user holding one of ``roles`` (or an admin)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403, description=_("Your role does not allow this. Ask an administrator."))
            return view(*args, **kwargs)

        return wrapped

    return decorator
