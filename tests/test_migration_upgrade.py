"""Upgrading a database of the previous release: its data survives, and search catches up.

The previous release ended at the review workflow migration. The test migrates an empty
SQLite file to it, writes data with the SQL of that schema, upgrades to the latest revision,
and checks the data, the new columns' values, and that the first search sync indexes it.
"""

import hashlib

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from guidelines import create_app
from guidelines.extensions import db
from tests.conftest import base_config

PREVIOUS_RELEASE = "c307949efa72"  # review workflow and publications
TEXT = "# Bone care\n\n## Vitamin D\n\nCheck vitamin D every year in adults.\n"


@pytest.fixture
def old_database(tmp_path):
    app = create_app(
        base_config(f"sqlite:///{tmp_path / 'old.db'}", str(tmp_path / "index"))
        | {"SEARCH_SYNC_ON_REQUEST": True}
    )
    with app.app_context():
        upgrade(revision=PREVIOUS_RELEASE)
        sha = hashlib.sha256(TEXT.encode()).hexdigest()
        statements = [
            (
                "INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
                "VALUES (1, 'old@example.org', 'Old User', 'x', 'author', 1, '2026-01-01')"
            ),
            (
                "INSERT INTO document_texts (sha256, markdown, byte_size, created_at) "
                "VALUES (:sha, :text, :size, '2026-01-01')"
            ),
            (
                "INSERT INTO guidelines (id, slug, title, ern_id, source_language, created_at) "
                "VALUES (1, 'bone-care', 'Bone care', "
                "(SELECT id FROM erns WHERE code = 'BOND'), 'en', '2026-01-01')"
            ),
            (
                "INSERT INTO source_versions (id, guideline_id, label, text_sha256, change_note, "
                "imported_at) VALUES (1, 1, '1.0', :sha, '', '2026-01-01')"
            ),
        ]
        for statement in statements:
            db.session.execute(text(statement), {"sha": sha, "text": TEXT, "size": len(TEXT)})
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrading_keeps_the_data_and_fills_the_new_columns(old_database):
    with old_database.app_context():
        upgrade()
        user = db.session.execute(text("SELECT email, session_version FROM users")).one()
        assert tuple(user) == ("old@example.org", 1)
        version = db.session.execute(
            text("SELECT label, text_sha256 FROM source_versions WHERE guideline_id = 1")
        ).one()
        assert version.label == "1.0"
        assert version.text_sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
        assert db.session.execute(text("SELECT count(*) FROM search_outbox")).scalar() == 0


def test_after_the_upgrade_old_sessions_end_and_search_finds_the_old_data(old_database):
    with old_database.app_context():
        upgrade()
    client = old_database.test_client()
    # A session cookie of the previous release holds the bare user id: it is not honoured.
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    assert client.get("/account/tokens").status_code == 302
    # The index of a new release builds itself from the database on the first search.
    answer = client.get("/api/v1/search?q=vitamin&lang=en").json
    assert [hit["guideline"] for hit in answer["hits"]] == ["bone-care"]


def test_the_new_migrations_downgrade_cleanly(old_database):
    with old_database.app_context():
        upgrade()
        downgrade(revision=PREVIOUS_RELEASE)
        tables = db.session.execute(text("SELECT name FROM sqlite_master")).scalars().all()
        assert "search_outbox" not in tables
        assert db.session.execute(text("SELECT count(*) FROM users")).scalar() == 1
