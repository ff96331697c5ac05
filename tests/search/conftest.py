"""Helpers for the search tests: queries, the demo data indexed, Dutch corpus texts, and an app
on a file database of its own for the tests that commit for real (crashes, several processes)."""

from pathlib import Path

import pytest
from flask_migrate import upgrade

from guidelines import create_app
from guidelines.extensions import db
from guidelines.search.index import STATE_KIND, sync
from guidelines.search.query import SearchRequest, search
from tests.adaptation.conftest import adaptation, author, guideline_versions  # noqa: F401
from tests.conftest import base_config, corpus_path

AFBREKING = "wetgeving-wet-afbreking-zwangerschap-BWBR0003396.md"
EMBRYOWET = "wetgeving-embryowet-BWBR0013797.md"
FOETAAL = "wetgeving-wet-foetaal-weefsel-BWBR0012983.md"
VERLOSKUNDIGE = (
    "wetgeving-besluit-opleidingseisen-en-deskundigheidsgebied-verloskundige-2008-BWBR0024254.md"
)
PUBLIC = ["public"]


def find(index, q: str, audience, *, language: str = "nl", **options):
    """Run a search as ``audience`` (None: an administrator) and return its results."""
    return search(index, SearchRequest(q=q, language=language, **options), audience)


def hit_keys(results) -> list[tuple[str, str, str]]:
    """Return (kind, guideline, anchor) of each hit, in order."""
    return [(hit.kind, hit.guideline, hit.anchor) for hit in results.hits]


def indexed_ids(index) -> set[str]:
    """Return the ids of every section document in an index."""
    searcher = index.searcher()
    return {
        fields["id"] for fields in searcher.all_stored_fields() if fields.get("kind") != STATE_KIND
    }


def nl_text(name: str) -> str:
    """Return the text of a Dutch corpus file (skipping the test when the corpus is absent)."""
    return corpus_path("nl", name).read_text(encoding="utf-8")


@pytest.fixture
def import_nl(import_text):
    """Return a factory importing a Dutch corpus file as a Dutch guideline: ``import_nl(name)``."""

    def factory(name: str, slug: str | None = None):
        slug = slug or name.removeprefix("wetgeving-").split("-BWBR")[0][:60]
        return import_text(nl_text(name), slug=slug, title=slug, language="nl", label="1")

    return factory


@pytest.fixture
def demo(runner, search_index):
    """Load the demo data and bring the test's index level with it; return the index."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    sync(search_index)
    return search_index


def file_app(directory: Path):
    """Return an app on a new, migrated SQLite file database and an index in ``directory``.

    Tests that commit for real use it, so the shared session database (whose every test rolls
    back) never holds their rows.
    """
    url = f"sqlite:///{directory / 'search.db'}"
    app = create_app(base_config(url, str(directory / "index")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def all_hits(index, q, audience=PUBLIC, **options):
    """Return every hit of a search, page after page."""
    first = find(index, q, audience, **options)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += find(index, q, audience, page=page, **options).hits
    assert len(hits) == first.total
    return hits
