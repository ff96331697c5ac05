"""The JSON API blueprint: JSON errors, and who is calling (session cookie or bearer token)."""

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException, Unauthorized

from guidelines.accounts.models import User
from guidelines.accounts.tokens import active_token
from guidelines.database import MAX_INTEGER
from guidelines.extensions import csrf, db
from guidelines.web import error_headers, error_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")


# CSRF is checked below for cookie sessions only: a bearer token is not sent by browsers on
# their own, so a request carrying one cannot be forged from another site.
csrf.exempt(bp)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def _identify_caller() -> None:
    header = request.headers.get("Authorization", "")
    g.api_user = None
    if header:
        scheme, _space, secret = header.partition(" ")
        token = active_token(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise Unauthorized(
                description=_("The API token is not valid or was revoked. Create a new one.")
            )
        # Every audit event of this request names the token (guidelines.review.audit.record).
        g.api_user, g.api_token_id = token.user, token.id
    elif request.method in UNSAFE_METHODS and current_user.is_authenticated:
        csrf.protect()


def row_or_none(model, row_id: int):
    """Return the row of ``model`` whose id a request body names, or None.

    A number beyond the largest id an INTEGER column holds is no id either: the database
    driver could not even bind it (a 500 on SQLite). Ids in addresses are limited by the
    ``int`` converter already (guidelines/request_checks.py).
    """
    if not 0 <= row_id <= MAX_INTEGER:
        return None
    return db.session.get(model, row_id)


def api_user() -> User | None:
    """Return the caller: the bearer token's user, else the logged-in user, else None."""
    if g.get("api_user") is not None:
        return g.api_user
    return current_user if current_user.is_authenticated else None


def require_user() -> User:
    """Return the caller, or answer 401 when nobody is authenticated."""
    user = api_user()
    if user is None:
        raise Unauthorized(
            description=_("Log in, or send a personal API token as 'Authorization: Bearer ...'.")
        )
    return user


@bp.errorhandler(Exception)
def _json_error(error: Exception):
    """Answer every error of the API in JSON, even one we did not foresee."""
    if isinstance(error, HTTPException):
        return (
            jsonify(error=error.name, message=error_message(error)),
            error.code,
            error_headers(error),
        )
    current_app.logger.exception("Unexpected error in %s", request.path)
    message = _(
        "Something went wrong on our side. Try again; if it persists, tell an administrator."
    )
    return jsonify(error="Internal Server Error", message=message), 500
