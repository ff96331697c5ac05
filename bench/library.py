"""Import benchmark: the search corpus through ``flask guidelines import`` into a fresh database."""

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from bench import corpus
from bench.report import Result
from bench.timing import peak_rss_result, time_call
from guidelines import create_app
from guidelines.extensions import db

TARGET_SECONDS = 60.0
QUICK_DOCUMENTS = 200
_SUMMARY = re.compile(r"(\d+) imported, (\d+) skipped \(already present\), (\d+) refused\.")


def make_app(database_url: str) -> Flask:
    """Create the real app on ``database_url``, as the CLI would."""
    return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database_url})


def reset_postgresql(database_url: str) -> None:
    """Drop and recreate the public schema of a scratch PostgreSQL database."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def sqlite_url() -> Iterator[str]:
    """Yield the URL of a fresh SQLite file in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


def import_arguments(quick: bool) -> tuple[list[str], int]:
    """Return the CLI paths to import and how many documents they hold."""
    documents = corpus.search_documents()
    if quick:
        documents = documents[:QUICK_DOCUMENTS]
        return [str(p) for p in documents], len(documents)
    # The whole folder, as an operator would type it; the command finds the .md files itself.
    return [str(corpus.SEARCH)], len(documents)


def run_import(database_url: str, backend: str, quick: bool) -> list[Result]:
    """Migrate an empty database, time the import command on it, and check its summary."""
    paths, expected = import_arguments(quick)
    app = make_app(database_url)
    with app.app_context():
        migrate_seconds = time_call(upgrade)
    runner = app.test_cli_runner()
    start = time.perf_counter()
    outcome = runner.invoke(args=["guidelines", "import", *paths])
    seconds = time.perf_counter() - start
    with app.app_context():
        db.engine.dispose()
    summary, complete = check_summary(outcome.output, expected, outcome.exit_code)
    # --quick imports a slice of the corpus, so its target is the same share of the full one.
    target = TARGET_SECONDS * expected / len(corpus.search_documents())
    return [
        Result(f"migrate empty db ({backend})", migrate_seconds, "s"),
        Result(
            f"import {expected} docs via CLI ({backend})",
            seconds,
            "s",
            target,
            summary,
            complete=complete,
        ),
        Result(f"import rate ({backend})", expected / seconds, "docs/s"),
    ]


def check_summary(output: str, expected: int, exit_code: int) -> tuple[str, bool]:
    """Return the command's summary line, and whether it imported every document cleanly."""
    match = _SUMMARY.search(output)
    if match is None:
        tail = " | ".join(output.strip().splitlines()[-3:])
        return f"no summary printed (exit {exit_code}): {tail}", False
    complete = int(match.group(1)) == expected and exit_code == 0
    prefix = "" if complete else f"expected {expected} imported, exit {exit_code}: "
    return prefix + match.group(0), complete


def run(quick: bool) -> list[Result]:
    """Run the import benchmark on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set."""
    with sqlite_url() as url:
        results = run_import(url, "sqlite", quick)
    postgresql = os.environ.get("BENCH_DATABASE_URL")
    if postgresql:
        reset_postgresql(postgresql)
        results += run_import(postgresql, "postgresql", quick)
    results.append(peak_rss_result("import"))
    return results
