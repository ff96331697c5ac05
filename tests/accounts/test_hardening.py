"""Hardening: security headers, cookies over HTTPS, trusted proxies, login limits, logging out
on every device."""

import pytest
from sqlalchemy import select

from guidelines import create_app
from guidelines.accounts import models
from guidelines.accounts.models import User
from guidelines.accounts.tokens import create_token
from guidelines.extensions import db, limiter
from tests.conftest import PASSWORD, base_config


def test_every_page_sends_the_security_headers(client):
    for path in ("/", "/login", "/api/v1/guidelines", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path


def test_strict_transport_security_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_forwarded_headers_are_ignored_unless_the_proxy_is_trusted(client):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers


@pytest.fixture
def proxied_app(database_url):
    app = create_app(base_config(database_url) | {"TRUSTED_PROXIES": 1})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_trusted_proxy_tells_the_scheme_and_the_client(proxied_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = proxied_app.test_client().get("/login", headers=forwarded)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_cookies_are_secure_when_the_site_is_https(monkeypatch, database_url):
    monkeypatch.setenv("PUBLIC_URL", "https://richtlijnen.example.be")
    app = create_app(base_config(database_url) | {"SECRET_KEY": "x"})
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
        assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_session_cookie_is_httponly_and_samesite(client, auth, make_user):
    make_user(email="cookie@example.org")
    response = auth.login("cookie@example.org")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here, as `make run` does


@pytest.fixture
def login_limits(app_ctx):
    """Turn the login limits on for this test, with fresh counts."""
    app_ctx.config["LOGIN_LIMITS_ENABLED"] = True
    limiter.reset()
    yield app_ctx
    app_ctx.config["LOGIN_LIMITS_ENABLED"] = False
    limiter.reset()


def test_too_many_failed_logins_for_one_account_are_refused(client, auth, make_user, login_limits):
    make_user(email="target@example.org")
    for _attempt in range(10):
        assert auth.login("target@example.org", "wrong password").status_code == 200
    refused = auth.login("target@example.org", "wrong password")
    assert refused.status_code == 429
    assert "Too many attempts in a short time" in refused.get_data(as_text=True)
    # Even the right password waits: guessing must not tell the attacker when it succeeded.
    assert auth.login("target@example.org").status_code == 429
    # Another account from the same address is not locked out by it.
    make_user(email="other@example.org")
    assert auth.login("other@example.org").status_code == 302


def test_log_out_everywhere_ends_the_other_sessions(app_ctx, make_user):
    user = make_user(email="everywhere@example.org")
    laptop, phone = app_ctx.test_client(), app_ctx.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
        assert device.get("/account/tokens").status_code == 200
    response = laptop.post("/account/logout-everywhere")
    assert response.status_code == 302
    assert phone.get("/account/tokens").status_code == 302  # back to the login page
    # Nor does the phone's remember-me cookie bring the session back.
    phone.delete_cookie("session", domain="localhost")
    assert phone.get("/account/tokens").status_code == 302
    assert laptop.get("/account/tokens").status_code == 302
    # Logging in again works, with the new session version.
    laptop.post("/login", data={"email": user.email, "password": PASSWORD})
    assert laptop.get("/account/tokens").status_code == 200


def test_log_out_everywhere_is_audited(client, auth, make_user):
    from sqlalchemy import select

    from guidelines.review.models import AuditEvent

    make_user(email="audited@example.org")
    auth.login("audited@example.org")
    client.post("/account/logout-everywhere")
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "logout.everywhere" in actions


def test_login_starts_a_fresh_session(client, auth, make_user):
    make_user(email="fixation@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before the login"
        session["lang"] = "fr"
    assert auth.login("fixation@example.org").status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session  # nothing from before the login carries over
        assert session["lang"] == "fr"  # but the chosen language does
        assert session["_user_id"].startswith(
            str(db.session.scalar(select(User.id).where(User.email == "fixation@example.org")))
        )


def test_an_unknown_email_costs_the_same_password_check_as_a_wrong_password(
    client, auth, make_user, monkeypatch
):
    """No timing oracle: both refusals run exactly one password hash check, of the same kind."""
    make_user(email="known@example.org")
    methods = []
    real_check = models.check_password_hash

    def counting_check(stored: str, password: str) -> bool:
        methods.append(stored.split("$", 1)[0])
        return real_check(stored, password)

    monkeypatch.setattr(models, "check_password_hash", counting_check)
    wrong_password = auth.login("known@example.org", "not the password")
    unknown_email = auth.login("nobody@example.org", "not the password")
    # The same page, but for the e-mail address the form shows back.
    assert wrong_password.get_data(as_text=True).replace("known@", "nobody@") == (
        unknown_email.get_data(as_text=True)
    )
    assert len(methods) == 2 and methods[0] == methods[1]


def test_a_body_over_the_request_limit_is_a_413_with_the_limit(client, make_user, monkeypatch):
    _token, secret = create_token(make_user(role="author"), "script")
    db.session.commit()
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 4096)
    monkeypatch.setitem(client.application.config, "MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
    body = b"x" * 5000
    api = client.post(
        "/api/v1/adaptations",
        data=body,
        content_type="application/json",
        headers={"Accept-Language": "en", "Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 413
    assert "larger than the limit of 2 MB" in api.get_json()["message"]
    page = client.post("/login", data={"email": "x" * 5000}, headers={"Accept-Language": "en"})
    assert page.status_code == 413
    assert "larger than the limit of 2 MB" in page.get_data(as_text=True)
