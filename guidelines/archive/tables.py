"""Which tables an archive holds, which columns are secret, and how values travel as JSON.

The list is driven by the SQLAlchemy metadata, so a new model is archived without anyone
remembering to; only derived tables are named here, and a test fails on a table that is in the
database but neither archived nor named as derived.
"""

import base64
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, MetaData, String, Table, Text

from guidelines.archive.manifest import ArchiveError

#: Tables whose rows are derived from the others and rebuilt after an import, not archived.
DERIVED_TABLES = frozenset({"search_outbox"})
#: Tables that the migrations themselves manage; never archived.
MIGRATION_TABLES = frozenset({"alembic_version"})
#: Tables the migrations fill with reference data: an import replaces their rows by the archive's.
REFERENCE_TABLES = ("network_erns", "networks", "erns")
#: Columns left out of an archive made without ``--with-secrets``.
SECRET_COLUMNS = {
    "users": ("password_hash", "session_version"),
    "api_tokens": ("token_sha256",),
}
#: The table of content-addressed texts: its ``markdown`` column travels as texts/<sha256>.md.
TEXT_TABLE, TEXT_KEY, TEXT_COLUMN = "document_texts", "sha256", "markdown"

_SUPPORTED = (Boolean, Date, DateTime, Integer, LargeBinary, String, Text)


def archived_tables(metadata: MetaData) -> list[Table]:
    """Return the tables an archive holds, parents before children (foreign-key order)."""
    return [table for table in metadata.sorted_tables if table.name not in DERIVED_TABLES]


def check_supported(table: Table) -> None:
    """Refuse a table with a column type the archive cannot carry faithfully."""
    for column in table.columns:
        if not isinstance(column.type, _SUPPORTED):
            raise ArchiveError(
                f"Column {table.name}.{column.name} has type {column.type!r}, which archives "
                "cannot carry yet: teach guidelines/archive/tables.py to encode it."
            )


def exported_columns(table: Table, *, with_secrets: bool) -> list[str]:
    """Return the names of the columns written for ``table``."""
    left_out = set() if with_secrets else set(SECRET_COLUMNS.get(table.name, ()))
    if table.name == TEXT_TABLE:
        left_out.add(TEXT_COLUMN)
    return [column.name for column in table.columns if column.name not in left_out]


def encode_value(column_type: Any, value: Any) -> Any:
    """Return ``value`` as JSON can carry it: datetimes in UTC ISO 8601, bytes in base64."""
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat()
    if isinstance(column_type, Date):
        return value.isoformat()
    if isinstance(column_type, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decode_value(column_type: Any, value: Any) -> Any:
    """Return the Python value of an encoded ``value`` (the inverse of ``encode_value``)."""
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value.encode("ascii"), validate=True)
    return value


def dump_rows(table: str, columns: list[str], rows: list[list[Any]]) -> bytes:
    """Return the JSON of a table's rows: stable, one row a line, so archives diff well."""
    head = json.dumps({"table": table, "columns": columns}, ensure_ascii=False)[:-1]
    lines = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
    body = f'{head}, "rows": [\n{lines}\n]}}\n' if rows else f'{head}, "rows": []}}\n'
    return body.encode("utf-8")


def load_rows(member: str, data: bytes) -> tuple[list[str], list[list[Any]]]:
    """Return the columns and rows of a table file, or refuse a malformed one."""
    try:
        document = json.loads(data.decode("utf-8"))
        columns, rows = document["columns"], document["rows"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise ArchiveError(f"{member} is not a table file of an archive: {error}") from error
    if any(len(row) != len(columns) for row in rows):
        raise ArchiveError(f"{member} has a row whose length differs from its columns.")
    return columns, rows
