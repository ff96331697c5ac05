"""Accounts: login, logout, CSRF, and the users CLI."""

import re

import pytest
from sqlalchemy import select

from guidelines import create_app
from guidelines.accounts.operations import AccountError, authenticate, create_user
from guidelines.extensions import db
from guidelines.review.models import AuditEvent
from tests.conftest import PASSWORD, base_config


def test_login_and_logout(client, auth, make_user):
    user = make_user(role="author", networks=("bot",))
    response = auth.login(user.email)
    assert response.status_code == 302
    assert user.display_name in client.get("/").get_data(as_text=True)
    assert client.get("/import").status_code == 200
    auth.logout()
    assert client.get("/import").status_code == 302  # sent to the login page again


def test_wrong_password_and_unknown_user_get_the_same_message(client, auth, make_user):
    user = make_user()
    wrong_password = auth.login(user.email, "not the password").get_data(as_text=True)
    unknown_user = auth.login("nobody@example.org", "not the password").get_data(as_text=True)
    assert "is not right" in wrong_password and "is not right" in unknown_user


def test_passwords_are_stored_hashed(make_user):
    user = make_user(password="correct horse battery")
    assert "correct horse battery" not in user.password_hash
    assert user.check_password("correct horse battery")


def test_inactive_user_cannot_log_in(make_user):
    user = make_user()
    user.active = False
    assert authenticate(user.email, "correct horse battery") is None


def test_login_redirect_stays_on_this_site(client, make_user):
    user = make_user()
    form = {"email": user.email, "password": "correct horse battery"}
    response = client.post("/login?next=//evil.example/x", data=form)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("email", "password", "role", "message"),
    [
        ("not-an-email", "long enough password", "reader", "not an e-mail"),
        ("a@example.org", "short", "reader", "at least 10"),
        ("a@example.org", "long enough password", "wizard", "Unknown role"),
    ],
)
def test_create_user_refuses_bad_input(app_ctx, email, password, role, message):
    with pytest.raises(AccountError, match=message):
        create_user(email, password, role=role)


def test_users_create_from_stdin_with_network(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Tine@Example.org",
            "--role",
            "author",
            "--network",
            "bot",
            "--password-stdin",
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created tine@example.org (author; bot)." in result.output
    assert authenticate("tine@example.org", "a long enough secret") is not None


def test_users_create_refuses_unknown_network(runner):
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--network", "nope", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert result.exit_code == 1
    assert "Unknown network 'nope'" in result.output


def test_users_set_password_replaces_it_and_ends_the_sessions(runner, make_user):
    user = make_user(email="forgot@example.org")
    version = user.session_version
    result = runner.invoke(
        args=["users", "set-password", "Forgot@example.org", "--password-stdin"],
        input="a brand new secret\n",
    )
    assert result.exit_code == 0, result.output
    assert authenticate("forgot@example.org", "a brand new secret") is not None
    assert authenticate("forgot@example.org", PASSWORD) is None
    assert user.session_version == version + 1
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.object_id) == ("user.password", str(user.id))


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("nobody@example.org", "a long enough secret", "There is no user nobody@example.org."),
        ("short@example.org", "short", "at least 10 characters"),
    ],
)
def test_users_set_password_refuses(runner, make_user, email, password, message):
    make_user(email="short@example.org")
    result = runner.invoke(
        args=["users", "set-password", email, "--password-stdin"], input=f"{password}\n"
    )
    assert result.exit_code == 1 and message in result.output
    assert authenticate("short@example.org", PASSWORD) is not None


def test_forms_refuse_a_post_without_csrf_token(database_url):
    app = create_app(base_config(database_url) | {"WTF_CSRF_ENABLED": True})
    try:
        response = app.test_client().post(
            "/login", data={"email": "a@example.org", "password": "x"}
        )
        assert response.status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()


def test_token_is_shown_once_stored_hashed_and_revocable(client, auth, make_user):
    from guidelines.accounts.tokens import ApiToken, user_for_token

    user = make_user(role="author")
    auth.login(user.email)
    page = client.post("/account/tokens", data={"name": "nightly import"}).get_data(as_text=True)
    secret = re.search(r"(gwb_[A-Za-z0-9_-]+)", page).group(1)
    assert user_for_token(secret).id == user.id
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert secret not in stored.token_sha256
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    client.post(f"/account/tokens/{stored.id}/revoke")
    db.session.expire_all()  # the request changed the row through its own session
    assert user_for_token(secret) is None
