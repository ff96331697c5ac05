"""The site under load: a scratch PostgreSQL database with the corpus, the demo and an index."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from bench.library import check_summary, import_arguments, make_app
from guidelines.accounts.models import User
from guidelines.accounts.operations import find_network
from guidelines.accounts.tokens import create_token
from guidelines.adaptation.models import Adaptation
from guidelines.adaptation.operations import start_adaptation
from guidelines.demo.loader import load_demo
from guidelines.extensions import db
from guidelines.library.models import Guideline
from guidelines.portal.models import Publication
from guidelines.search.index import get_index, reindex

SERVER_URL = os.environ.get("BENCH_POSTGRESQL", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASE = "guidelines_bench_load"
# Other processes run their tests in this database: the benchmark never touches it.
PROTECTED = "test"
INDEX_DIR = Path(tempfile.gettempdir()) / "guidelines-bench-load" / "search-index"
# The authors' adaptation: a demo guideline, in a network its demo author belongs to.
WRITERS_GUIDELINE, WRITERS_NETWORK, WRITER = ("osteogenesis-imperfecta-adults", "bot", "author")


@dataclass(frozen=True)
class Site:
    """What the load needs to know about the prepared database and index."""

    database_url: str
    index_dir: str
    publication_id: int
    guideline_slug: str
    version_label: str
    adaptation_id: int
    token: str
    documents: int
    import_summary: str
    imported: bool


def database_url() -> str:
    """Return the URL of the benchmark's own database."""
    return f"{SERVER_URL}/{DATABASE}"


def recreate_database() -> None:
    """Drop the benchmark database if it exists and create it empty (via ``postgres``)."""
    if DATABASE == PROTECTED:
        raise RuntimeError(f"refusing to recreate the {PROTECTED!r} database")
    engine = create_engine(f"{SERVER_URL}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    engine.dispose()


def prepare(quick: bool, reuse: bool) -> Site:
    """Build (or, with ``reuse``, find) the database and index the load runs against."""
    app = make_app(database_url())
    app.config["SEARCH_INDEX_DIR"] = str(INDEX_DIR)
    if reuse:
        return describe(app, documents=0, summary="reused from the previous run", imported=True)
    recreate_database()
    INDEX_DIR.mkdir(parents=True, exist_ok=True)
    for stale in INDEX_DIR.iterdir():
        stale.unlink()
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    paths, expected = import_arguments(quick)
    outcome = app.test_cli_runner().invoke(args=["guidelines", "import", *paths])
    summary, imported = check_summary(outcome.output, expected, outcome.exit_code)
    with app.app_context():
        _start_writers_adaptation()
        db.session.commit()
        reindex(get_index(str(INDEX_DIR)))
        db.engine.dispose()
    return describe(app, documents=expected, summary=summary, imported=imported)


def _start_writers_adaptation() -> None:
    """Start the adaptation the authors save revisions of during the load."""
    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == WRITERS_GUIDELINE))
    author = db.session.scalar(select(User).where(User.email == f"{WRITER}@example.org"))
    start_adaptation(guideline, find_network(WRITERS_NETWORK), user=author)


def describe(app: Flask, *, documents: int, summary: str, imported: bool) -> Site:
    """Return the published page, the API guideline, the authors' adaptation and a new token."""
    with app.app_context():
        publication = db.session.scalar(select(Publication).order_by(Publication.id).limit(1))
        adaptation = db.session.scalar(
            select(Adaptation)
            .join(Guideline, Guideline.id == Adaptation.guideline_id)
            .where(Guideline.slug == WRITERS_GUIDELINE)
            .order_by(Adaptation.id.desc())
            .limit(1)
        )
        author = db.session.scalar(select(User).where(User.email == f"{WRITER}@example.org"))
        _record, token = create_token(author, "bench load")
        site = Site(
            database_url=database_url(),
            index_dir=str(INDEX_DIR),
            publication_id=publication.id,
            guideline_slug=publication.guideline.slug,
            version_label=publication.source_version.label,
            adaptation_id=adaptation.id,
            token=token,
            documents=documents,
            import_summary=summary,
            imported=imported,
        )
        db.session.commit()
        db.engine.dispose()
    return site
