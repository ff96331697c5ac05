"""An import refuses damaged archives and non-empty databases, and writes nothing then."""

import hashlib
import json
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from guidelines.accounts.models import User
from guidelines.archive.manifest import MANIFEST
from guidelines.extensions import db
from guidelines.library.models import Network
from tests.archive.conftest import run


@pytest.fixture(scope="module")
def archive_path(source_app, tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "archive.zip"
    assert run(source_app, "archive", "export", str(path)).exit_code == 0
    return path


def rewritten(source, target, change, *, rehash: bool = False) -> None:
    """Copy the archive ``source`` to ``target``, passing each member through ``change``.

    With ``rehash`` the manifest is made to agree with the changed members.
    """
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        manifest = json.loads(old.read(MANIFEST))
        for info in old.infolist():
            if rehash and info.filename == MANIFEST:
                continue
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info, data)
                manifest["members"][info.filename] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
        if rehash:
            new.writestr(MANIFEST, json.dumps(manifest))


def assert_nothing_written(app) -> None:
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        # The reference data of the migrations is still the migrations' own.
        assert db.session.scalar(select(func.count()).select_from(Network)) == 5


def test_a_corrupted_member_is_refused_by_name(archive_path, empty_sqlite_app, tmp_path):
    damaged = tmp_path / "damaged.zip"

    def change(name, data):
        return data.replace(b"Gaucher", b"Gauchor") if name == "tables/guidelines.json" else data

    rewritten(archive_path, damaged, change)
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(damaged))
    assert result.exit_code == 1
    assert "tables/guidelines.json" in result.output and "corrupted" in result.output
    assert "Traceback" not in result.output
    assert_nothing_written(target)


def test_a_text_that_does_not_match_its_name_is_refused(archive_path, empty_sqlite_app, tmp_path):
    # The manifest is made to agree, so only the check of the text against its name can see it.
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive_path) as archive:
        text_name = next(n for n in archive.namelist() if n.startswith("texts/"))

    def change(name, data):
        return data + b"\nAn extra line.\n" if name == text_name else data

    rewritten(archive_path, damaged, change, rehash=True)
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(damaged))
    assert result.exit_code == 1
    assert f"{text_name} does not hash to the SHA-256 in its name" in result.output
    assert_nothing_written(target)


def test_a_row_the_database_refuses_leaves_no_row_behind(archive_path, empty_sqlite_app, tmp_path):
    # Every hash agrees, but two users share an e-mail address: the insert fails half-way.
    broken = tmp_path / "broken.zip"

    def change(name, data):
        if name != "tables/users.json":
            return data
        return data.replace(b"reader@example.org", b"admin@example.org")

    rewritten(archive_path, broken, change, rehash=True)
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(broken))
    assert result.exit_code == 1
    assert "The database refused a row of the archive" in result.output
    assert "UNIQUE constraint failed: users.email" in result.output
    assert_nothing_written(target)


def test_a_truncated_archive_is_refused(archive_path, empty_sqlite_app, tmp_path):
    truncated = tmp_path / "truncated.zip"
    data = archive_path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(truncated))
    assert result.exit_code == 1
    assert "not a readable zip file" in result.output
    assert_nothing_written(target)


def test_a_missing_member_is_refused_by_name(archive_path, empty_sqlite_app, tmp_path):
    incomplete = tmp_path / "incomplete.zip"
    rewritten(archive_path, incomplete, lambda n, d: None if n == "tables/users.json" else d)
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(incomplete))
    assert result.exit_code == 1
    assert "lacks tables/users.json" in result.output
    assert_nothing_written(target)


def test_a_database_with_data_is_refused(archive_path, empty_sqlite_app):
    target = empty_sqlite_app()
    assert run(target, "archive", "import", str(archive_path)).exit_code == 0
    again = run(target, "archive", "import", str(archive_path))
    assert again.exit_code == 1
    assert "The database is not empty" in again.output and "Nothing was imported" in again.output


def test_a_database_at_another_revision_is_refused(archive_path, empty_sqlite_app, tmp_path):
    other = tmp_path / "other-revision.zip"

    def change(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "0123456789ab"
        return json.dumps(manifest).encode()

    rewritten(archive_path, other, change)
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(other))
    assert result.exit_code == 1
    assert "made at database revision 0123456789ab" in result.output
    assert_nothing_written(target)


def test_a_missing_file_is_a_clear_error(empty_sqlite_app, tmp_path):
    result = run(empty_sqlite_app(), "archive", "import", str(tmp_path / "absent.zip"))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_a_file_that_is_no_archive_is_a_clear_error(empty_sqlite_app, tmp_path):
    path = tmp_path / "notes.zip"
    shutil.copy(__file__, path)
    result = run(empty_sqlite_app(), "archive", "import", str(path))
    assert result.exit_code == 1
    assert "is not an archive made by flask archive export" in result.output


def test_exporting_into_a_missing_folder_is_a_clear_error(source_app, tmp_path):
    result = run(source_app, "archive", "export", str(tmp_path / "absent" / "archive.zip"))
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "absent").exists()


def test_a_revision_that_does_not_reproduce_its_hash_is_refused(
    archive_path, empty_sqlite_app, tmp_path
):
    broken = tmp_path / "broken.zip"

    def change(name, data):
        if name != "tables/revisions.json":
            return data
        table = json.loads(data)
        column = table["columns"].index("result_sha256")
        table["rows"][-1][column] = hashlib.sha256(b"another text").hexdigest()
        return json.dumps(table).encode()

    rewritten(archive_path, broken, change, rehash=True)
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(broken))
    assert result.exit_code == 1
    assert "does not reproduce its text" in result.output
    assert_nothing_written(target)


def test_a_table_the_models_do_not_know_stops_the_export(empty_sqlite_app, tmp_path):
    from sqlalchemy import text

    app = empty_sqlite_app()
    with app.app_context():
        db.session.execute(text("CREATE TABLE local_notes (id INTEGER PRIMARY KEY)"))
        db.session.commit()
    result = run(app, "archive", "export", str(tmp_path / "archive.zip"))
    assert result.exit_code == 1
    assert "tables the models do not know (local_notes)" in result.output
    assert not (tmp_path / "archive.zip").exists()
