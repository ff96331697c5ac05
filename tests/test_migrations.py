"""The migrations build the schema the models describe, with the reference data."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from guidelines.extensions import db
from guidelines.library.models import Ern, Network


def test_models_and_migrations_agree(app_ctx):
    """The database migrated from empty has exactly the tables, columns and keys of the models."""
    connection = db.session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def test_reference_data_is_present_after_migration(app_ctx):
    assert db.session.scalar(select(func.count()).select_from(Ern)) == 24
    assert db.session.scalar(select(func.count()).select_from(Network)) == 5
    for network in db.session.scalars(select(Network)):
        assert network.erns, f"{network.code} follows no ERN"
