"""Write the whole database as one archive: tables as JSON, texts as Markdown, a manifest.

Exporting records no audit event: it changes no state, it must work on a database that is
only read (a standby, a copy), and a row written after the snapshot would be missing from the
archive that it announces. The archive itself carries its creation time.
"""

import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Table, inspect, select, text

from guidelines.archive.manifest import MANIFEST, ArchiveError, Manifest, write_member
from guidelines.archive.tables import (
    MIGRATION_TABLES,
    TEXT_COLUMN,
    TEXT_KEY,
    TEXT_TABLE,
    archived_tables,
    check_supported,
    dump_rows,
    encode_value,
    exported_columns,
)
from guidelines.extensions import db
from guidelines.text import PatchError, apply_patch, sha256_text

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    path: str
    rows: int
    texts: int
    manifest: Manifest


def export_archive(path: str, *, with_secrets: bool, progress: Progress | None = None):
    """Write the database to the archive at ``path``; return what was written.

    ``progress(table, rows)`` is called after each table. The file appears whole or not at all.
    """
    progress = progress or (lambda _table, _rows: None)
    connection = _snapshot_connection()
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = Manifest(
        created_at=created_at,
        alembic_revision=alembic_revision(connection),
        with_secrets=with_secrets,
        tables=[],
    )
    check_every_table_known(connection)
    target = Path(path)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            texts = _write_tables(connection, archive, manifest, with_secrets, progress)
            write_member(archive, MANIFEST, manifest.to_bytes())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return ExportSummary(str(target), sum(manifest.counts.values()), texts, manifest)


def _snapshot_connection() -> Connection:
    """Return the session's connection, reading one consistent snapshot of every table."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
    # SQLite: one transaction reads one snapshot of the WAL file.
    return db.session.connection()


def alembic_revision(connection: Connection) -> str:
    """Return the database's alembic revision, or refuse a database never migrated."""
    if not inspect(connection).has_table("alembic_version"):
        raise ArchiveError(
            "The database has no alembic_version table: it was never migrated. "
            "Run flask db upgrade first."
        )
    revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    found = ",".join(sorted(revisions))
    if not found:
        raise ArchiveError("The database's alembic_version is empty. Run flask db upgrade first.")
    return found


def check_every_table_known(connection: Connection) -> None:
    """Refuse a database with a table that the models neither archive nor call derived."""
    known = {table.name for table in db.metadata.sorted_tables} | MIGRATION_TABLES
    unknown = sorted(set(inspect(connection).get_table_names()) - known)
    if unknown:
        raise ArchiveError(
            f"The database has tables the models do not know ({', '.join(unknown)}); they "
            "would be lost. Is this the right version of the workbench?"
        )


def _write_tables(connection, archive, manifest: Manifest, with_secrets: bool, progress) -> int:
    """Write every archived table and every text; return the number of texts."""
    texts: dict[str, str] = {}
    for table in archived_tables(db.metadata):
        check_supported(table)
        columns = exported_columns(table, with_secrets=with_secrets)
        rows = _rows(connection, table)
        if table.name == TEXT_TABLE:
            texts.update(_texts(rows))
        if table.name == "revisions":
            texts.update(_revision_texts(rows, texts))
        if table.name == "api_tokens" and not with_secrets:
            rows = [_revoked(row, manifest.created_at) for row in rows]
        encoded = [
            [encode_value(table.c[name].type, row[name]) for name in columns] for row in rows
        ]
        member = f"tables/{table.name}.json"
        data = dump_rows(table.name, columns, encoded)
        write_member(archive, member, data)
        manifest.add(member, data)
        manifest.tables.append(table.name)
        manifest.counts[table.name] = len(rows)
        progress(table.name, len(rows))
    for sha256, markdown in sorted(texts.items()):
        member, data = f"texts/{sha256}.md", markdown.encode("utf-8")
        write_member(archive, member, data)
        manifest.add(member, data)
    return len(texts)


def _rows(connection: Connection, table: Table) -> list[dict]:
    """Return the rows of ``table`` in primary-key order (sorted here: collations differ)."""
    rows = [dict(row._mapping) for row in connection.execute(select(table))]
    key = [column.name for column in table.primary_key.columns]
    return sorted(rows, key=lambda row: tuple(row[name] for name in key))


def _texts(rows: list[dict]) -> dict[str, str]:
    """Return the stored texts by hash, refusing one that no longer matches its hash."""
    texts = {}
    for row in rows:
        if sha256_text(row[TEXT_COLUMN]) != row[TEXT_KEY]:
            raise ArchiveError(
                f"Stored text {row[TEXT_KEY]} no longer matches its SHA-256: it was changed "
                "outside the application. Restore it from a backup before exporting."
            )
        texts[row[TEXT_KEY]] = row[TEXT_COLUMN]
    return texts


def revision_text(row: dict, texts: dict[str, str]) -> str:
    """Return the text a revision row produces, verified against its stored hash."""
    try:
        patch = zlib.decompress(row["patch_zlib"]).decode("utf-8")
        return apply_patch(texts[row["base_sha256"]], patch, expected_sha256=row["result_sha256"])
    except (zlib.error, UnicodeDecodeError, KeyError, PatchError) as error:
        raise ArchiveError(
            f"Revision {row['number']} of adaptation {row['adaptation_id']} (id {row['id']}) "
            f"does not reproduce its text: {error!r}."
        ) from error


def _revision_texts(rows: list[dict], texts: dict[str, str]) -> dict[str, str]:
    """Return every revision's text by hash, so the archive can be read without the patches."""
    return {row["result_sha256"]: revision_text(row, texts) for row in rows}


def _revoked(row: dict, created_at: str) -> dict:
    """Return an API token row as archived without its hash: revoked, since it can never work."""
    if row["revoked_at"] is None:
        row = row | {"revoked_at": datetime.fromisoformat(created_at)}
    return row
