"""Secrets stay out of an archive unless asked for; with them, users log in after an import."""

import zipfile

from sqlalchemy import select

from guidelines.accounts.models import User
from guidelines.accounts.tokens import ApiToken
from guidelines.demo.loader import DEMO_PASSWORD
from guidelines.extensions import db
from tests.archive.conftest import ADMIN, run


def secrets_of(app) -> set[str]:
    with app.app_context():
        return {
            *db.session.scalars(select(User.password_hash)),
            *db.session.scalars(select(ApiToken.token_sha256)),
        }


def archive_text(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def log_in(app, email: str = ADMIN):
    return app.test_client().post("/login", data={"email": email, "password": DEMO_PASSWORD})


def test_without_secrets_no_hash_appears_anywhere_in_the_archive(source_app, tmp_path):
    path = tmp_path / "archive.zip"
    assert run(source_app, "archive", "export", str(path)).exit_code == 0
    content = archive_text(path)
    assert len(secrets_of(source_app)) == 9  # seven users, two tokens
    assert not [secret for secret in secrets_of(source_app) if secret in content]
    assert "password_hash" not in content and "token_sha256" not in content
    assert "session_version" not in content


def test_without_secrets_imported_users_cannot_log_in_and_tokens_are_revoked(
    source_app, empty_sqlite_app, tmp_path
):
    path = tmp_path / "archive.zip"
    run(source_app, "archive", "export", str(path))
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(path))
    assert "users cannot log in until they get a new password" in result.output
    assert log_in(target).status_code == 200  # the form again, with its error
    with target.app_context():
        assert all(token.revoked_at is not None for token in db.session.scalars(select(ApiToken)))
    bearer = {"Authorization": f"Bearer {source_app.config['ADMIN_TOKEN']}"}
    assert target.test_client().get("/api/v1/guidelines", headers=bearer).status_code == 401


def test_with_secrets_users_log_in_and_tokens_work_after_the_import(
    source_app, empty_sqlite_app, tmp_path
):
    path = tmp_path / "archive.zip"
    assert run(source_app, "archive", "export", "--with-secrets", str(path)).exit_code == 0
    assert secrets_of(source_app) <= set(archive_text(path).split('"'))
    target = empty_sqlite_app()
    assert run(target, "archive", "import", str(path)).exit_code == 0
    assert log_in(target).status_code == 302
    bearer = {"Authorization": f"Bearer {source_app.config['ADMIN_TOKEN']}"}
    assert target.test_client().get("/api/v1/guidelines", headers=bearer).status_code == 200
