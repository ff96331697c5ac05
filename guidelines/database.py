"""The database connection: SQLAlchemy and Alembic, with SQLite made to behave."""

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from guidelines import PROJECT_ROOT
from guidelines.extensions import db, migrate

# The largest value of an INTEGER column (PostgreSQL; SQLite's overflow is at 2**63): forms
# check ids against it, so a huge number is a validation error rather than a database error.
MAX_INTEGER = 2**31 - 1


def init_app(app: Flask) -> None:
    """Bind the database and the migrations to ``app``."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    # Import every model module so the metadata is complete for Alembic and create_all.
    from guidelines.accounts import models as _accounts  # noqa: F401
    from guidelines.accounts import tokens as _tokens  # noqa: F401
    from guidelines.adaptation import models as _adaptation  # noqa: F401
    from guidelines.library import models as _library  # noqa: F401
    from guidelines.portal import models as _portal  # noqa: F401
    from guidelines.review import models as _review  # noqa: F401
    from guidelines.review import notifications as _notifications  # noqa: F401
    from guidelines.review import submissions as _submissions  # noqa: F401
    from guidelines.search import models as _search  # noqa: F401
    from guidelines.search import outbox as _outbox  # noqa: F401
    from guidelines.translation import models as _translation  # noqa: F401

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: Engine) -> None:
    """Enforce foreign keys, and let SQLAlchemy own transactions so SAVEPOINT works."""
    database = engine.url.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite's own transaction handling breaks SAVEPOINT; take it over (SQLAlchemy docs,
        # "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
