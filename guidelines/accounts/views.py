"""Login and logout pages."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from guidelines.accounts.forms import LoginForm
from guidelines.accounts.operations import authenticate
from guidelines.extensions import db

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
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
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        flash(_("The e-mail address or the password is not right. Try again."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log the user out."""
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("library.index"))


def _safe_next(target: str | None) -> str:
    """Return ``target`` if it stays on this site, else the home page."""
    if target:
        parts = urlsplit(target)
        # "//host" and "/\\host" both leave the site in browsers.
        if not parts.scheme and not parts.netloc and target[:1] == "/" and target[1:2] not in "/\\":
            return target
    return url_for("library.index")
