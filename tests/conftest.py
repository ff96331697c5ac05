"""Fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL), an app whose
every test runs in a transaction that is rolled back, a client, a CLI runner and factories."""

import os
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import create_engine, text

from guidelines import create_app
from guidelines.accounts.operations import create_user
from guidelines.extensions import db
from guidelines.library.operations import ImportRequest, import_version

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
PASSWORD = "correct horse battery"


def corpus_path(*parts: str) -> Path:
    """Return a path inside ../shared/corpus, skipping the test when the corpus is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need ../shared/corpus beside the repository")
    return path


def base_config(database_url: str, search_index_dir: str | None = None) -> dict:
    """Return the settings every test app shares.

    Requests do not touch the search index unless a test asks for it (``search_index``): each
    test rolls its transaction back, and an index shared between tests would outlive it.
    """
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
        "SEARCH_SYNC_ON_REQUEST": False,
        # Every test client logs in from 127.0.0.1; tests/accounts/test_hardening.py turns
        # the login limits on for itself.
        "LOGIN_LIMITS_ENABLED": False,
        "SEARCH_INDEX_DIR": search_index_dir or tempfile.mkdtemp(prefix="guidelines-test-index-"),
    }


def reset_database(url: str) -> None:
    """Empty the database at ``url`` so the migrations start from nothing."""
    if url.startswith("sqlite"):
        return  # a fresh file per test session
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class ConnectionBoundSession(FlaskSQLAlchemySession):
    """A Flask-SQLAlchemy session that honours an explicit ``bind`` (it picks engines itself)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if self.bind is not None:
            return self.bind
        return super().get_bind(mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the URL of a database migrated from empty to the latest revision."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    reset_database(url)
    migrate_app = create_app(base_config(url))
    with migrate_app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """Return the app shared by the tests of this session."""
    app = create_app(base_config(database_url, str(tmp_path_factory.mktemp("search-index"))))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    """Run the test inside an app context and a transaction that is rolled back afterwards."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # SQLAlchemy's "join a session into an external transaction" recipe: commits in the
        # code under test only release savepoints inside our transaction.
        db.session = db._make_scoped_session(
            {
                "class_": ConnectionBoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without it a request would reuse the test's app context, and with it ``g``: the logged-in
    user and the CSRF token of one request would leak into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app_ctx):
    """Return a test client whose requests share the test's transaction."""
    app_ctx.test_client_class = FreshContextClient
    return app_ctx.test_client()


@pytest.fixture
def runner(app_ctx):
    """Return a CLI runner whose commands share the test's transaction."""
    return app_ctx.test_cli_runner()


@pytest.fixture
def search_index(app_ctx, tmp_path):
    """Give this test its own empty search index, kept level with the outbox by requests."""
    from guidelines.search.index import get_index

    saved = {key: app_ctx.config[key] for key in ("SEARCH_INDEX_DIR", "SEARCH_SYNC_ON_REQUEST")}
    app_ctx.config.update(SEARCH_INDEX_DIR=str(tmp_path / "index"), SEARCH_SYNC_ON_REQUEST=True)
    try:
        yield get_index()
    finally:
        app_ctx.config.update(saved)


def last_audit_event_id() -> int:
    """Return the id of the newest audit event (0 when the log is empty)."""
    return db.session.scalar(text("SELECT coalesce(max(id), 0) FROM audit_events"))


def purge_audit_events_after(last_id: int) -> None:
    """Delete the audit events a test that commits for real left behind (ids above ``last_id``).

    The log is append-only, so this goes around both guards: raw SQL skips the ORM guard, and
    on PostgreSQL the trigger is disabled for this one transaction (the table owner may).
    Only test clean-up does this; no code path of the application does.
    """
    postgresql = db.session.connection().dialect.name == "postgresql"
    if postgresql:
        db.session.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
    db.session.execute(text("DELETE FROM audit_events WHERE id > :id"), {"id": last_id})
    if postgresql:
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


@pytest.fixture
def make_user(app_ctx):
    """Return a factory of users: ``make_user(role="author", networks=("bot",))``."""
    counter = iter(range(1, 10_000))

    def factory(role: str = "reader", networks=(), email: str | None = None, password=PASSWORD):
        email = email or f"{role}{next(counter)}@example.org"
        user = create_user(email, password, role=role, networks=networks)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def import_text(app_ctx):
    """Return a factory that imports a text: ``import_text(text, slug="x", label="1")``."""

    def factory(text: str, user=None, **fields):
        fields.setdefault("slug", "test-guideline")
        result = import_version(text, ImportRequest(**fields), user=user)
        db.session.commit()
        return result.version

    return factory


class AuthActions:
    """Log a user in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    """Return login and logout actions on the test client."""
    return AuthActions(client)


TRANSLATIONS = REPO / "translations"


def compile_catalogs(directory: Path = TRANSLATIONS) -> None:
    """Compile each messages.po whose .mo is missing or older, as ``make catalogs`` does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        partial.replace(mo_path)  # atomic: a parallel session never reads half a file


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """Make sure the interface catalogs are compiled: the .mo files are not committed."""
    compile_catalogs()


@pytest.fixture(autouse=True)
def _english_test_client(request) -> None:
    """Let the test client ask for English, the source language the assertions are written in.

    Without an Accept-Language header the app speaks Dutch; tests of other languages set
    ``?lang=`` or the header themselves (see tests/test_i18n.py).
    """
    if "client" in request.fixturenames:
        request.getfixturevalue("client").environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


REFERENCE_TABLES = {"alembic_version", "erns", "networks", "network_erns"}


@pytest.fixture
def committing_app(app):
    """Let a test commit for real (PostgreSQL only); afterwards empty every table it could fill.

    Outside this fixture the database holds only the reference data of the migrations (every
    other test rolls back), so emptying all other tables restores it exactly.
    """
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("races between real connections need PostgreSQL (TEST_DATABASE_URL)")
    yield app
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        # The audit log refuses TRUNCATE by trigger; only this clean-up switches it off.
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        db.session.commit()
