"""Fixtures for archives: a populated SQLite database, empty targets on SQLite and PostgreSQL.

These tests build their own databases and never use TEST_DATABASE_URL's: the PostgreSQL one is
``guidelines_archive_test`` on the local server, emptied before each use.
"""

import os
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from guidelines import create_app
from guidelines.extensions import db
from tests.conftest import base_config

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
POSTGRES_DATABASE = "guidelines_archive_test"
ADMIN = "admin@example.org"


def make_app(url: str, index_dir: Path) -> Flask:
    """Return an app on ``url`` whose requests keep their own search index level."""
    return create_app(base_config(url, str(index_dir)) | {"SEARCH_SYNC_ON_REQUEST": True})


def migrated_app(url: str, index_dir: Path) -> Flask:
    """Return an app on ``url`` after migrating its database to the latest revision."""
    app = make_app(url, index_dir)
    with app.app_context():
        upgrade()
    return app


def populate() -> str:
    """Fill the database with the demo and more: revisions, a rebase, tokens, one revoked.

    Return the secret of the administrator's API token.
    """
    from guidelines.accounts.models import User
    from guidelines.accounts.tokens import create_token, revoke_token
    from guidelines.adaptation.models import Adaptation
    from guidelines.adaptation.operations import save_revision
    from guidelines.adaptation.rebasing import rebase_adaptation
    from guidelines.demo.loader import load_demo

    load_demo()
    users = {user.email: user for user in db.session.scalars(select(User))}
    author = users["author@example.org"]
    adaptation = db.session.scalar(select(Adaptation).order_by(Adaptation.id).limit(1))
    for note in ("Local note on follow-up.", "Local note on the pharmacy."):
        revision = adaptation.current_revision
        save_revision(
            adaptation,
            parent_number=revision.number,
            markdown=revision.text() + f"\n{note}\n",
            message=note,
            user=author,
        )
    latest = adaptation.guideline.latest_version
    rebase_adaptation(
        adaptation,
        latest,
        parent_number=adaptation.current_revision.number,
        resolutions=None,
        user=author,
        message="Onto the new European version.",
    )
    _token, secret = create_token(users[ADMIN], "nightly report")
    revoked, _secret = create_token(users["author@example.org"], "old laptop")
    revoke_token(revoked)
    db.session.commit()
    return secret


@pytest.fixture(scope="session")
def source_app(tmp_path_factory) -> Flask:
    """Return an app on a populated SQLite database (shared: the tests only read it)."""
    folder = tmp_path_factory.mktemp("archive-source")
    app = migrated_app(f"sqlite:///{folder / 'source.db'}", folder / "index")
    with app.app_context():
        app.config["ADMIN_TOKEN"] = populate()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def empty_sqlite_app(tmp_path):
    """Return a factory of apps on new, migrated, empty SQLite databases."""
    apps = []

    def factory(name: str = "target") -> Flask:
        app = migrated_app(f"sqlite:///{tmp_path / f'{name}.db'}", tmp_path / f"{name}-index")
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def postgres_url() -> str:
    """Return the URL of an emptied ``guidelines_archive_test`` database, or skip without one."""
    url = POSTGRES_SERVER + POSTGRES_DATABASE
    other = os.environ.get("TEST_DATABASE_URL")
    # Never the suite's own database (nor the one named "test" another process uses).
    assert not other or make_url(other).database != POSTGRES_DATABASE
    try:
        server = create_engine(POSTGRES_SERVER + "postgres", isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": POSTGRES_DATABASE}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
        server.dispose()
    except OperationalError as error:
        reason = f"PostgreSQL at {POSTGRES_SERVER} is unreachable: {error.orig}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def empty_postgres_app(tmp_path):
    """Return an app on the emptied, migrated PostgreSQL database ``guidelines_archive_test``."""
    app = migrated_app(postgres_url(), tmp_path / "postgres-index")
    yield app
    with app.app_context():
        db.engine.dispose()


def run(app: Flask, *args: str):
    """Run ``flask <args>`` against ``app`` and return the click result."""
    return app.test_cli_runner().invoke(args=list(args))
