"""CLI: ``flask guidelines import|list`` and ``flask networks list``."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from guidelines.extensions import db
from guidelines.library.models import Guideline, Network
from guidelines.library.operations import ImportRequest, import_version
from guidelines.library.uploads import ImportRefused, decode_upload, slug_from_filename

guidelines_cli = AppGroup("guidelines", help="Import and list European guidelines.")
networks_cli = AppGroup("networks", help="The Flemish networks and the ERNs they follow.")


def collect_markdown_files(paths: tuple[str, ...]) -> list[Path]:
    """Expand folders into their ``.md`` files (sorted), keeping files as given."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        else:
            files.append(path)
    return files


@guidelines_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--slug", help="Guideline slug (default: front matter, else the file name).")
@click.option("--version", "label", help="Version label (default: front matter, else 1).")
@click.option("--title", help="Title (default: front matter, else the first heading).")
@click.option("--ern", help="ERN code, for example BOND.")
@click.option("--language", help="Source language (default: front matter, else en).")
def import_command(paths, slug, label, title, ern, language):
    """Import Markdown files, or every .md file in folders, as source versions."""
    files = collect_markdown_files(paths)
    if label and len(files) > 1:
        raise click.UsageError("--version names one version: give it with a single file.")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    counts = {"imported": 0, "already_present": 0, "refused": 0}
    refusals: list[str] = []
    with click.progressbar(files, label="Importing", show_pos=True, file=sys.stderr) as bar:
        for path in bar:
            request = ImportRequest(
                slug=slug,
                label=label,
                title=title,
                ern=ern,
                language=language,
                default_slug=slug_from_filename(path.name),
            )
            try:
                text = decode_upload(path.read_bytes(), max_bytes=limit, name=str(path))
                result = import_version(text, request)
            except ImportRefused as error:
                db.session.rollback()
                counts["refused"] += 1
                refusals.append(f"{path}: {error}")
                continue
            db.session.commit()
            counts[result.status] += 1
            if not result.imported:
                refusals.append(
                    f"{path}: already present as {result.version.guideline.slug} "
                    f"version {result.version.label}"
                )
    for line in refusals:
        click.echo(line)
    click.echo(
        f"{counts['imported']} imported, {counts['already_present']} skipped "
        f"(already present), {counts['refused']} refused."
    )
    if counts["refused"]:
        raise SystemExit(1)


@guidelines_cli.command("list")
def list_command():
    """List guidelines with their ERN and versions."""
    guidelines = db.session.scalars(select(Guideline).order_by(Guideline.slug))
    for guideline in guidelines:
        labels = ", ".join(v.label for v in guideline.versions)
        ern = guideline.ern.code if guideline.ern else "-"
        click.echo(f"{guideline.slug}\t{ern}\t{guideline.title}\tversions: {labels}")


@networks_cli.command("list")
def list_networks_command():
    """List the Flemish networks and the ERNs each follows."""
    for network in db.session.scalars(select(Network).order_by(Network.code)):
        erns = ", ".join(ern.code for ern in network.erns)
        click.echo(f"{network.code}\t{network.name}\tfollows: {erns}")
