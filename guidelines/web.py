"""Web concerns shared by every page: login, CSRF, locale, security headers, errors."""

from flask import (
    Flask,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    session,
)
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from guidelines.extensions import babel, csrf, db, limiter, login_manager

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "fr": "Français", "de": "Deutsch"}


def init_app(app: Flask) -> None:
    """Wire login, CSRF, Babel, headers and error pages into ``app``."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.user_loader(_load_user)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_remember_language_switch)
    app.after_request(_add_security_headers)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.context_processor(_template_context)
    app.jinja_env.globals.update(
        format_date=format_date, format_datetime=format_datetime, format_percent=format_percent
    )


@limiter.request_filter
def _is_read() -> bool:
    """Tell whether a request only reads: no limit applies to it (the limits guard logins)."""
    # Without this, Flask-Limiter works out the limits of every page view (a tenth of the
    # time of a cached portal page) only to find none.
    return request.method in ("GET", "HEAD", "OPTIONS")


def _template_context() -> dict:
    return {"language_names": LANGUAGE_NAMES, "current_locale": str(get_locale())}


def _load_user(user_id: str):
    """Return the user of a session or remember cookie, unless logged out everywhere since."""
    from guidelines.accounts.models import User

    number, _dot, version = user_id.partition(".")
    if not (number.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(number))
    if user is None or user.session_version != int(version):
        return None
    return user


def select_locale() -> str:
    """Pick the UI language: saved preference, ?lang= switch, Accept-Language, then nl."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # CLI commands write their own output in English, the source language: their
        # refusals (translated messages of the operations they call) must match it.
        return "en"
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "nl"


def _remember_language_switch() -> None:
    """Remember a ?lang= choice in the session and as a logged-in user's saved preference."""
    lang = request.args.get("lang")
    if lang not in current_app.config["LANGUAGES"] or request.blueprint == "api":
        return  # in the API, ?lang= is a parameter of the call (the language searched)
    session["lang"] = lang
    # Without this, the saved preference would win over the switcher for ever after.
    if current_user.is_authenticated and current_user.locale != lang:
        current_user.locale = lang
        db.session.commit()


def _add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def wants_json() -> bool:
    """Tell whether the current request is an API call that must be answered in JSON."""
    return request.path.startswith("/api/")


def _handle_http_error(error: HTTPException):
    if wants_json():
        return (
            jsonify(error=error.name, message=error_message(error)),
            error.code,
            error_headers(error),
        )
    return (
        render_template("errors/error.html", code=error.code, message=error_message(error)),
        error.code,
        error_headers(error),
    )


def error_headers(error: HTTPException) -> list[tuple[str, str]]:
    """Return the headers an error answer must keep: Allow on a 405, Retry-After on a 429..."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def error_message(error: HTTPException) -> str:
    """Return the message a person sees for ``error``, in their language."""
    if isinstance(error, CSRFError):
        return _(
            "The form's security token (CSRF) is missing or has expired. Reload the page and "
            "try again; API clients send the token in an X-CSRFToken header or use an API token."
        )
    if error.code == 429:
        # Flask-Limiter's description is the limit itself ("10 per 1 minute"), in English.
        return _("Too many attempts in a short time. Wait a minute, then try again.")
    if error.description and error.description != type(error).description:
        # Our own aborts carry a specific, translated description.
        return error.description
    messages = {
        400: _("The request could not be understood. Check the form and try again."),
        401: _("Log in first, or send a personal API token."),
        403: _("You do not have permission to do this."),
        404: _("There is nothing at this address. Check the link, or search for the page."),
        405: _("This address does not accept that kind of request."),
        413: _(
            "The upload is larger than the limit of %(limit)s MB. Split the file or ask an "
            "administrator to raise MAX_UPLOAD_BYTES.",
            limit=format_decimal(current_app.config["MAX_UPLOAD_BYTES"] / 1024 / 1024),
        ),
        409: _("Someone changed this meanwhile. Reload the page and try again."),
        500: _(
            "Something went wrong on our side. Try again; if it persists, tell an administrator."
        ),
    }
    return messages.get(error.code, error.name)
