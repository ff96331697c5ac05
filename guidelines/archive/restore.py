"""Restore an archive into an empty database, all rows or none, after verifying every hash."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Integer, Table, func, select, text

from guidelines.archive.export import alembic_revision, revision_text
from guidelines.archive.manifest import ArchiveError, Manifest, read_verified_members
from guidelines.archive.tables import (
    REFERENCE_TABLES,
    SECRET_COLUMNS,
    TEXT_COLUMN,
    TEXT_KEY,
    TEXT_TABLE,
    archived_tables,
    decode_value,
    load_rows,
)
from guidelines.extensions import db
from guidelines.text import sha256_text

#: The password hash of a user restored without secrets: no password ever matches it.
UNUSABLE_PASSWORD = "!archive-import: set a new password"
BATCH = 500

Progress = Callable[[str, int], None]


@dataclass
class VerifiedArchive:
    """An archive whose every member matched the manifest, decoded and ready to insert."""

    path: str
    manifest: Manifest
    tables: dict[str, tuple[list[str], list[list]]]
    texts: dict[str, str]


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote."""

    rows: int
    texts: int
    with_secrets: bool


def read_archive(path: str) -> VerifiedArchive:
    """Read and verify the archive at ``path``: member hashes, text hashes, revision hashes.

    Nothing is written; any mismatch raises ``ArchiveError`` naming the member or the row.
    """
    manifest, members = read_verified_members(path)
    expected = [table.name for table in archived_tables(db.metadata)]
    if manifest.tables != expected:
        missing = sorted(set(expected) - set(manifest.tables))
        extra = sorted(set(manifest.tables) - set(expected))
        raise ArchiveError(
            f"The archive's tables do not match this database's models (missing: "
            f"{', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'}). "
            "Import it with the workbench version that made it."
        )
    tables = {}
    for name in manifest.tables:
        member = f"tables/{name}.json"
        if member not in members:
            raise ArchiveError(f"The archive lacks {member}.")
        tables[name] = load_rows(member, members[member])
        if len(tables[name][1]) != manifest.counts.get(name):
            raise ArchiveError(f"{member} holds a different number of rows than the manifest says.")
    texts = _verified_texts(members)
    archive = VerifiedArchive(path, manifest, tables, texts)
    _check_stored_hashes(archive)
    return archive


def _verified_texts(members: dict[str, bytes]) -> dict[str, str]:
    """Return the archive's texts by hash, each checked against the hash in its name."""
    texts = {}
    for name, data in members.items():
        if not name.startswith("texts/"):
            continue
        sha256 = name.removeprefix("texts/").removesuffix(".md")
        try:
            markdown = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ArchiveError(f"{name} is not UTF-8 text.") from error
        if sha256_text(markdown) != sha256:
            raise ArchiveError(f"{name} does not hash to the SHA-256 in its name.")
        texts[sha256] = markdown
    return texts


def _records(archive: VerifiedArchive, table: str) -> list[dict]:
    columns, rows = archive.tables[table]
    types = db.metadata.tables[table].c
    return [
        {
            name: decode_value(types[name].type, value)
            for name, value in zip(columns, row, strict=True)
        }
        for row in rows
    ]


def _check_stored_hashes(archive: VerifiedArchive) -> None:
    """Check each stored text's size and presence, and that every revision reproduces its hash."""
    for row in _records(archive, TEXT_TABLE):
        markdown = archive.texts.get(row[TEXT_KEY])
        if markdown is None:
            raise ArchiveError(f"The archive lacks texts/{row[TEXT_KEY]}.md.")
        if len(markdown.encode("utf-8")) != row["byte_size"]:
            raise ArchiveError(f"texts/{row[TEXT_KEY]}.md differs in size from its record.")
    for row in _records(archive, "revisions"):
        produced = revision_text(row, archive.texts)
        if archive.texts.get(row["result_sha256"]) != produced:
            raise ArchiveError(
                f"The archive lacks the text of revision {row['number']} of adaptation "
                f"{row['adaptation_id']} (texts/{row['result_sha256']}.md)."
            )


def check_target(connection: Connection, archive: VerifiedArchive) -> None:
    """Refuse a database at another alembic revision, or one that holds data already."""
    revision = alembic_revision(connection)
    wanted = archive.manifest.alembic_revision
    if revision != wanted:
        raise ArchiveError(
            f"The archive was made at database revision {wanted}; this database is at "
            f"{revision}. Import into an empty database at {wanted} (flask db upgrade {wanted}), "
            "then run flask db upgrade."
        )
    for table in archived_tables(db.metadata):
        if table.name in REFERENCE_TABLES:
            continue  # filled by the migrations; replaced by the archive's rows
        if connection.execute(select(1).select_from(table).limit(1)).first() is not None:
            raise ArchiveError(
                f"The database is not empty: table {table.name} has rows. Import into a new, "
                "empty database (create it, then run flask db upgrade)."
            )


def restore_archive(archive: VerifiedArchive, progress: Progress | None = None) -> ImportSummary:
    """Insert every row of ``archive`` in the session's transaction; the caller commits."""
    progress = progress or (lambda _table, _rows: None)
    connection = db.session.connection()
    check_target(connection, archive)
    for name in REFERENCE_TABLES:
        connection.execute(db.metadata.tables[name].delete())
    total = 0
    for table in archived_tables(db.metadata):
        rows = _prepared_rows(archive, table)
        for start in range(0, len(rows), BATCH):
            connection.execute(table.insert(), rows[start : start + BATCH])
        total += len(rows)
        progress(table.name, len(rows))
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)
    _rebuild_search(archive)
    return ImportSummary(total, len(archive.texts), archive.manifest.with_secrets)


def _prepared_rows(archive: VerifiedArchive, table: Table) -> list[dict]:
    """Return the rows to insert into ``table``, filling the columns an archive leaves out."""
    rows = _records(archive, table.name)
    if table.name == TEXT_TABLE:
        for row in rows:
            row[TEXT_COLUMN] = archive.texts[row[TEXT_KEY]]
    for column in SECRET_COLUMNS.get(table.name, ()):
        for row in rows:
            if column not in row:
                row[column] = _unusable(column)
    return rows


def _unusable(column: str):
    """Return the value of a secret column the archive left out: one that opens nothing."""
    if column == "password_hash":
        return UNUSABLE_PASSWORD
    if column == "session_version":
        # Cookies issued by the old installation name the old version: none matches this one.
        return secrets.randbelow(2**30) + 2
    # An API token's hash: the hash of no token anybody holds (and the token is revoked).
    return "!" + secrets.token_hex(31)


def _reset_sequences(connection: Connection) -> None:
    """Move every serial column's sequence past the restored ids, so new rows get fresh ones."""
    for table in archived_tables(db.metadata):
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": key[0].name},
        ).scalar()
        if sequence:
            highest = connection.execute(select(func.max(key[0]))).scalar()
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": highest or 1, "called": highest is not None},
            )


def _rebuild_search(archive: VerifiedArchive) -> None:
    """Ask every node's search index to rebuild itself from the restored rows."""
    from guidelines.search.outbox import enqueue

    if archive.manifest.counts:
        enqueue(db.session, [("everything", 0)])


def archive_name(path: str) -> str:
    """Return the file name of an archive, for messages and the audit log."""
    return Path(path).name
