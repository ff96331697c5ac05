"""An archive restored into a new SQLite database exports again to the same bytes."""

import json
import zipfile

from sqlalchemy import inspect, select

from guidelines.adaptation.models import Revision
from guidelines.archive.manifest import MANIFEST
from guidelines.archive.tables import DERIVED_TABLES, MIGRATION_TABLES, archived_tables
from guidelines.extensions import db
from guidelines.library.models import SourceVersion
from guidelines.portal.models import Publication
from guidelines.review.models import AuditEvent
from tests.archive.conftest import run


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_table_is_archived_or_named_as_derived(source_app):
    with source_app.app_context():
        in_database = set(inspect(db.engine).get_table_names())
        archived = {table.name for table in archived_tables(db.metadata)}
    # A new table must be archived (in the models) or listed in DERIVED_TABLES on purpose.
    assert in_database == archived | DERIVED_TABLES | MIGRATION_TABLES
    assert not archived & DERIVED_TABLES


def test_re_export_after_import_is_byte_identical(source_app, empty_sqlite_app, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    assert run(source_app, "archive", "export", str(first)).exit_code == 0
    target = empty_sqlite_app()
    imported = run(target, "archive", "import", str(first))
    assert imported.exit_code == 0, imported.output
    assert run(target, "archive", "export", str(second)).exit_code == 0

    before, after = members(first), members(second)
    assert before.keys() == after.keys()
    for name in sorted(before.keys() - {MANIFEST, "tables/audit_events.json"}):
        assert before[name] == after[name], name
    # The import adds exactly one audit event to the log it restored.
    rows_before = json.loads(before["tables/audit_events.json"])["rows"]
    rows_after = json.loads(after["tables/audit_events.json"])["rows"]
    assert rows_after[:-1] == rows_before
    columns = json.loads(after["tables/audit_events.json"])["columns"]
    assert dict(zip(columns, rows_after[-1], strict=True))["action"] == "archive.import"
    # The manifests differ in the creation time and that one member only.
    manifest_before, manifest_after = json.loads(before[MANIFEST]), json.loads(after[MANIFEST])
    for manifest in (manifest_before, manifest_after):
        del manifest["created_at"]
        del manifest["members"]["tables/audit_events.json"]
        del manifest["counts"]["audit_events"]
    assert manifest_before == manifest_after


def test_import_records_one_audit_event_and_asks_for_a_reindex(
    source_app, empty_sqlite_app, tmp_path
):
    path = tmp_path / "archive.zip"
    run(source_app, "archive", "export", str(path))
    target = empty_sqlite_app()
    result = run(target, "archive", "import", str(path))
    assert "flask search reindex" in result.output
    with target.app_context():
        imports = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "archive.import")
        ).all()
        assert [event.object_id for event in imports] == ["archive.zip"]


def test_the_archive_holds_texts_by_hash_and_a_manifest_of_every_member(source_app, tmp_path):
    path = tmp_path / "archive.zip"
    run(source_app, "archive", "export", str(path))
    content = members(path)
    manifest = json.loads(content[MANIFEST])
    assert set(manifest["members"]) == set(content) - {MANIFEST}
    texts = [name for name in content if name.startswith("texts/")]
    assert texts and all(name.endswith(".md") for name in texts)
    with source_app.app_context():
        expected = {
            *db.session.scalars(select(Revision.result_sha256)),
            *db.session.scalars(select(Publication.text_sha256)),
            *db.session.scalars(select(SourceVersion.text_sha256)),
        }
    assert expected <= {name.removeprefix("texts/").removesuffix(".md") for name in texts}
