"""CLI: ``flask search sync|reindex|status`` — this node's index and the outbox."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from guidelines.extensions import db
from guidelines.search.index import (
    IndexBusy,
    counts_by_kind,
    get_index,
    guideline_count,
    lag,
    read_state,
    reindex,
    sync,
)
from guidelines.search.outbox import latest_seq, pending, rows_after
from guidelines.search.schema import SCHEMA_VERSION

search_cli = AppGroup("search", help="Keep this node's search index level with the database.")


@search_cli.command("sync")
@click.option("--timeout", type=float, help="Seconds to wait for another writer (default 120).")
def sync_command(timeout):
    """Apply the changes in the outbox that this node's index has not seen yet."""
    index = get_index()
    progress, _schema = read_state(index.searcher())
    todo = len(pending(progress, rows_after(db.session, progress.watermark)))
    result = _with_progress(
        "Applying changes", todo, lambda report: sync(index, timeout=timeout, report=report)
    )
    what = "Rebuilt the index" if result.rebuilt else "Applied"
    click.echo(
        f"{what}: {result.rows} outbox rows, {result.refreshed} records refreshed; "
        f"applied up to {result.watermark}."
    )


@search_cli.command("reindex")
@click.option("--timeout", type=float, help="Seconds to wait for another writer (default 120).")
def reindex_command(timeout):
    """Rebuild this node's index from the database."""
    index = get_index()
    total = guideline_count()
    result = _with_progress(
        "Indexing guidelines", total, lambda report: reindex(index, timeout=timeout, report=report)
    )
    counts = counts_by_kind(index)
    click.echo(
        f"Indexed {sum(counts.values())} sections of {result.refreshed} guidelines "
        f"({_kinds(counts)}); applied the outbox up to {result.watermark}."
    )


@search_cli.command("status")
def status_command():
    """Print the lag behind the outbox and the documents per kind."""
    index = get_index()
    progress, schema = read_state(index.searcher())
    click.echo(f"Index:           {current_app.config['SEARCH_INDEX_DIR']}")
    click.echo(f"Outbox sequence: {latest_seq(db.session)}")
    click.echo(
        f"Indexed up to:   {progress.watermark}"
        + (f" (and {len(progress.applied)} later rows)" if progress.applied else "")
    )
    click.echo(f"Lag:             {lag(index)} rows")
    if schema != SCHEMA_VERSION:
        click.echo("Schema:          outdated or never built: run `flask search reindex`.")
    counts = counts_by_kind(index)
    click.echo(f"Sections:        {sum(counts.values())} ({_kinds(counts)})")


def _with_progress(label: str, length: int, run):
    """Run ``run(report)`` under a progress bar; another writer's lock is a clear error."""
    try:
        with click.progressbar(
            length=max(length, 1), label=label, show_pos=True, file=sys.stderr
        ) as bar:
            return run(lambda _done: bar.update(1))
    except IndexBusy as busy:
        raise click.ClickException(str(busy)) from busy


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())) or "none"
