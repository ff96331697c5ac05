"""CLI: ``flask archive export FILE`` and ``flask archive import FILE``."""

import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from guidelines.archive.export import export_archive
from guidelines.archive.manifest import ArchiveError
from guidelines.archive.restore import archive_name, check_target, read_archive, restore_archive
from guidelines.archive.tables import archived_tables
from guidelines.extensions import db
from guidelines.review.audit import record

archive_cli = AppGroup(
    "archive", help="Back up the whole database as one portable file, or restore one."
)


@archive_cli.command("export")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--with-secrets",
    is_flag=True,
    help="Also write password hashes, session versions and API token hashes.",
)
def export_command(path, with_secrets):
    """Write the whole database to FILE: tables as JSON, texts as Markdown, a manifest.

    FILE is a zip file. Every text (source versions, frozen translations, revision texts,
    publications) is a Markdown file named by its SHA-256; every table is a JSON file; the
    manifest lists every member with its SHA-256 and size, and the database's migration.
    The search outbox is derived and left out.

    Without --with-secrets the archive holds no password hashes and no API token hashes:
    restored users cannot log in until they get a new password, and API tokens are restored
    revoked. With it, keep the file as safe as the database itself.
    """
    tables = archived_tables(db.metadata)
    try:
        with _progress("Exporting tables", len(tables)) as bar:
            summary = export_archive(
                path, with_secrets=with_secrets, progress=lambda table, _rows: bar.update(1, table)
            )
    except (ArchiveError, OSError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.session.rollback()  # the export only read
    secrets = "with secrets" if with_secrets else "without secrets"
    click.echo(
        f"Wrote {summary.path}: {summary.rows} rows of {len(tables)} tables and "
        f"{summary.texts} texts ({secrets}; database revision "
        f"{summary.manifest.alembic_revision})."
    )


@archive_cli.command("import")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Restore FILE, made by flask archive export, into this empty database.

    The database must be migrated to the revision the archive was made at, and hold no data
    besides the reference data of the migrations (which the archive's replaces). Every member
    is checked against the manifest's SHA-256, every text against its name, and every
    revision against the hash of the text it produces, before anything is written; then all
    rows are written in one transaction, or none.

    Users of an archive made without --with-secrets get a password that no password matches:
    they cannot log in until they are given a new one (flask users set-password EMAIL).
    Their API tokens are restored revoked.
    Afterwards run flask search reindex on every node.
    """
    try:
        archive = read_archive(path)
        check_target(db.session.connection(), archive)
        with _progress("Importing tables", len(archive.tables)) as bar:
            summary = restore_archive(archive, progress=lambda table, _rows: bar.update(1, table))
        record(
            "archive.import",
            object_type="archive",
            object_id=archive_name(path),
            summary=f"Imported archive {archive_name(path)} of {archive.manifest.created_at}.",
            after={
                "created_at": archive.manifest.created_at,
                "alembic_revision": archive.manifest.alembic_revision,
                "rows": summary.rows,
                "with_secrets": summary.with_secrets,
            },
        )
    except ArchiveError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} Nothing was imported.") from error
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = getattr(error, "orig", None) or error
        raise click.ClickException(
            f"The database refused a row of the archive ({reason}). Nothing was imported."
        ) from error
    db.session.commit()
    click.echo(
        f"Imported {summary.rows} rows and {summary.texts} texts from {path} "
        f"(made {archive.manifest.created_at})."
    )
    if not summary.with_secrets:
        click.echo(
            "The archive holds no secrets: users cannot log in until they get a new password "
            "(`flask users set-password EMAIL`), and API tokens were restored revoked."
        )
    click.echo("Now run `flask search reindex` on every node to rebuild the search index.")


def _progress(label: str, length: int):
    """Return a progress bar on standard error, one step per table, naming the last one."""
    return click.progressbar(
        length=max(length, 1),
        label=label,
        show_pos=True,
        item_show_func=lambda table: table,
        file=sys.stderr,
    )
