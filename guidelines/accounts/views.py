"""Login and logout, and the personal API tokens page."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from guidelines.accounts.forms import LoginForm, TokenForm
from guidelines.accounts.operations import (
    authenticate,
    log_out_everywhere,
    record_login_failure,
)
from guidelines.accounts.tokens import ApiToken, create_token, revoke_token
from guidelines.extensions import db, limiter
from guidelines.review.audit import record

bp = Blueprint("accounts", __name__)


def _address_and_account() -> str:
    """Key login attempts by client address and the e-mail address tried."""
    return f"{get_remote_address()}|{(request.form.get('email') or '').strip().lower()}"


def _limits_off() -> bool:
    # Read per app, not once for the limiter: one process may serve several apps (tests).
    return not current_app.config["LOGIN_LIMITS_ENABLED"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=_address_and_account,
    exempt_when=_limits_off,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_RATE_LIMIT"],
    methods=["POST"],
    exempt_when=_limits_off,
)
def login():
    """Show the login form; log the user in when the credentials are right."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            language = session.get("lang")
            session.clear()  # a fresh session at login: nothing from before carries over
            if language:
                session["lang"] = language
            login_user(user, remember=form.remember.data)
            record("login.success", obj=user, actor=user, summary=f"{user.email} logged in.")
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        record_login_failure(form.email.data)
        db.session.commit()
        flash(_("The e-mail address or the password is not right. Try again."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log the user out."""
    record(
        "logout",
        obj=current_user._get_current_object(),
        summary=f"{current_user.email} logged out.",
    )
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("library.index"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    """End all of the user's sessions, on every device, this one included."""
    log_out_everywhere(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are logged out on every device."), "success")
    return redirect(url_for("library.index"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List the user's API tokens; create one (shown once)."""
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        _token, new_secret = create_token(current_user, form.name.data)
        db.session.commit()
        flash(_("Token created. Copy it now: it is not shown again."), "success")
        form = TokenForm(formdata=None)
    return render_template(
        "accounts/tokens.html",
        form=form,
        new_secret=new_secret,
        tokens=db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
        ).all(),
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of the user's API tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke_token(token)
    db.session.commit()
    flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for(".tokens"))


def _safe_next(target: str | None) -> str:
    """Return ``target`` if it stays on this site, else the home page."""
    if target:
        parts = urlsplit(target)
        # "//host" and "/\\host" both leave the site in browsers.
        if not parts.scheme and not parts.netloc and target[:1] == "/" and target[1:2] not in "/\\":
            return target
    return url_for("library.index")
