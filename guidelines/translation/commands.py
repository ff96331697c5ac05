"""CLI: ``flask translations export|import|status`` and ``flask tm import-po|import-aligned``."""

from pathlib import Path

import click
from babel.messages.pofile import read_po as babel_read_po
from flask import current_app
from flask.cli import AppGroup

from guidelines.extensions import db
from guidelines.library.queries import guideline_or_404, version_or_404
from guidelines.translation import exchange, operations
from guidelines.translation.po import PoFormatError

translations_cli = AppGroup("translations", help="Translations of source versions.")
memory_cli = AppGroup("tm", help="The translation memory.")


def _version(slug: str, label: str):
    from werkzeug.exceptions import NotFound

    try:
        return version_or_404(guideline_or_404(slug), label)
    except NotFound as error:
        raise click.ClickException(error.description) from error


def _system_user():
    """Return the user the CLI acts as: the first administrator."""
    from sqlalchemy import select

    from guidelines.accounts.models import Role, User

    user = db.session.scalar(select(User).where(User.role == Role.ADMIN.value).order_by(User.id))
    if user is None:
        raise click.ClickException(
            "Create an administrator first: flask users create EMAIL --role admin"
        )
    return user


@translations_cli.command("export")
@click.argument("slug")
@click.argument("version")
@click.argument("language")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_command(slug, version, language, output):
    """Write the LANGUAGE translation of a version as a PO file."""
    try:
        translation = operations.start_translation(_version(slug, version), language)
    except operations.TranslationError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    Path(output).write_bytes(exchange.export_translation_po(translation))
    counts = translation.counts()
    click.echo(
        f"Wrote {output}: {len(translation.segments)} segments "
        f"({counts['translated'] + counts['reviewed']} translated, {counts['fuzzy']} fuzzy, "
        f"{counts['untranslated']} untranslated)."
    )


@translations_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Import a PO file exported by this workbench (its header names version and language)."""
    data = Path(path).read_bytes()
    try:
        header = babel_read_po(_as_stream(data))
    except Exception as error:  # Babel raises several kinds; read_po below gives the line.
        raise click.ClickException(f"{path} is not a PO file: {error}") from error
    slug, label, language = header.project, header.version, str(header.locale or "")
    if not (slug and label and language):
        raise click.ClickException(
            f"{path} does not say which guideline version and language it holds "
            "(Project-Id-Version and Language headers); export it with flask translations export."
        )
    translation = operations.start_translation(_version(slug, label), language)
    try:
        outcomes = exchange.import_translation_po(
            translation, data, _system_user(), max_bytes=current_app.config["MAX_UPLOAD_BYTES"]
        )
    except (PoFormatError, operations.TranslationError) as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error} Nothing was changed.") from error
    db.session.commit()
    for outcome in outcomes:
        if outcome.status == "rejected":
            click.echo(f"rejected {outcome.key}: {outcome.reason}")
    summary = {
        status: sum(o.status == status for o in outcomes)
        for status in ("updated", "unchanged", "rejected")
    }
    click.echo(
        f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
        f"{summary['rejected']} rejected."
    )


def _as_stream(data: bytes):
    import io

    return io.BytesIO(data)


@translations_cli.command("status")
@click.argument("slug")
@click.argument("version")
def status_command(slug, version):
    """Print the state of every translation of a version."""
    from guidelines.translation.views import version_translations

    translations = version_translations(_version(slug, version))
    if not translations:
        click.echo(f"{slug} {version} has no translations yet.")
    for translation in translations:
        counts = translation.counts()
        state = f"frozen {translation.frozen_sha256[:12]}" if translation.frozen else "open"
        click.echo(
            f"{translation.language}\t{len(translation.segments)} segments\t"
            + "\t".join(f"{status} {count}" for status, count in counts.items())
            + f"\t{state}"
        )


@memory_cli.command("import-po")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--lang", "language", required=True, help="The language of the msgstr texts.")
@click.option("--source-lang", default="en", show_default=True, help="The language of msgids.")
def import_po_command(path, language, source_lang):
    """Seed the memory from a PO catalog (translated, non-fuzzy, current entries)."""
    try:
        counts = exchange.import_po_into_memory(
            Path(path).read_bytes(), source_lang, language, origin=f"po {Path(path).name}"
        )
    except PoFormatError as error:
        raise click.ClickException(f"{path}: {error} Nothing was added.") from error
    db.session.commit()
    click.echo(
        f"{counts['added']} added, {counts['known']} already known, "
        f"{counts['skipped']} skipped (untranslated, fuzzy or obsolete)."
    )


@memory_cli.command("import-aligned")
@click.argument("source_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("target_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--lang", "language", required=True, help="The language of TARGET_DIR.")
@click.option("--source-lang", default="en", show_default=True, help="The language of SOURCE_DIR.")
def import_aligned_command(source_dir, target_dir, language, source_lang):
    """Seed the memory from pages of the same name in two folders, aligned segment by segment."""
    counts = exchange.import_aligned(
        Path(source_dir),
        Path(target_dir),
        source_lang,
        language,
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    )
    db.session.commit()
    click.echo(
        f"{counts['files']} files aligned: {counts['added']} pairs added, "
        f"{counts['known']} already known, {counts['skipped']} skipped; "
        f"{counts['unpaired files']} files without a counterpart."
    )
