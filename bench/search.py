"""Search benchmark: reindex the search corpus as sections, then time queries against FTS5."""

import random
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from whoosh.lang import stopwords_for_language

from bench import corpus
from bench.library import check_summary, import_arguments, make_app, sqlite_url
from bench.report import Result
from bench.timing import median, peak_rss_result, percentile, time_call
from guidelines.extensions import db
from guidelines.library.models import Guideline
from guidelines.search.index import counts_by_kind, get_index, reindex
from guidelines.search.query import (
    SearchRequest,
    allowed_documents,
    filter_query,
    page_of_hits,
    parse,
    search,
)
from guidelines.text.sections import split_sections

QUERIES = 200
SEED = 20240601
LANGUAGE = "en"
AUDIENCE = ["public"]
TARGET_P95_MS = 20.0
TARGET_RATIO = 4.0
TARGET_REINDEX_SECONDS = 90.0
# Whoosh's default tokenizer, so that every word picked is a token of the index.
_TOKEN = re.compile(r"\w+(?:\.?\w+)*")


@dataclass(frozen=True)
class Section:
    """A section as the index holds it: its heading path and its plain text."""

    heading: str
    body: str


@dataclass(frozen=True)
class Timings:
    """The per-query durations of one engine, and how many queries found anything."""

    seconds: list[float]
    with_hits: int
    marked: int = 0

    @property
    def p50_ms(self) -> float:
        """Return the median latency in milliseconds."""
        return median(self.seconds) * 1e3

    @property
    def p95_ms(self) -> float:
        """Return the 95th percentile latency in milliseconds."""
        return percentile(self.seconds, 0.95) * 1e3


def folder_size(folder: Path) -> int:
    """Return the bytes of the files under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def import_corpus(app: Flask, quick: bool) -> tuple[float, int, str, bool]:
    """Migrate the empty database and import the corpus; return seconds, count and summary."""
    paths, expected = import_arguments(quick)
    with app.app_context():
        upgrade()
    start = time.perf_counter()
    outcome = app.test_cli_runner().invoke(args=["guidelines", "import", *paths])
    seconds = time.perf_counter() - start
    summary, complete = check_summary(outcome.output, expected, outcome.exit_code)
    return seconds, expected, summary, complete


def database_sections() -> list[Section]:
    """Return the sections of every source version, split as ``documents.py`` splits them."""
    sections = []
    for guideline_id in db.session.scalars(db.select(Guideline.id).order_by(Guideline.id)).all():
        guideline = db.session.get(Guideline, guideline_id)
        for version in guideline.versions:
            for section in split_sections(version.markdown, title=guideline.title):
                sections.append(Section(" ".join(section.path), section.text))
        db.session.expunge_all()
    return sections


def pick_queries(sections: list[Section], count: int, seed: int = SEED) -> list[str]:
    """Return ``count`` queries of 1-3 words, each word of 4+ letters from one section."""
    stop = stopwords_for_language(LANGUAGE)
    rng = random.Random(seed)
    queries: list[str] = []
    seen: set[str] = set()
    while len(queries) < count:
        section = rng.choice(sections)
        tokens = {t.lower() for t in _TOKEN.findall(section.body)}
        words = sorted(t for t in tokens if len(t) >= 4 and t.isalpha() and t not in stop)
        size = rng.randint(1, 3)
        if len(words) < size:
            continue
        query = " ".join(rng.sample(words, size))
        if query not in seen:
            seen.add(query)
            queries.append(query)
    return queries


def top_hits(index, q: str) -> list:
    """Return the first page of hits with snippets, as ``search()`` makes them, nothing else."""
    searcher = index.searcher()
    request = SearchRequest(q=q, language=LANGUAGE)
    allowed = allowed_documents(searcher, filter_query(request, AUDIENCE))
    return page_of_hits(searcher, parse(q, LANGUAGE), allowed, LANGUAGE, page=1, sort="relevance")


def full_search(index, q: str) -> list:
    """Return the hits of the whole API search: facets, language counts and suggestion too."""
    return search(index, SearchRequest(q=q, language=LANGUAGE), AUDIENCE).hits


def time_queries(queries: list[str], run: Callable[[str], list]) -> Timings:
    """Run every query once to warm up, then time each; count hits and marked snippets."""
    for q in queries:
        run(q)
    seconds, with_hits, marked = [], 0, 0
    for q in queries:
        start = time.perf_counter()
        hits = run(q)
        seconds.append(time.perf_counter() - start)
        with_hits += bool(hits)
        marked += sum("<mark" in str(_snippet(hit)) for hit in hits)
    return Timings(seconds, with_hits, marked)


def _snippet(hit) -> str:
    return hit.snippet if hasattr(hit, "snippet") else hit[1]


def build_fts5(path: Path, sections: list[Section]) -> sqlite3.Connection:
    """Create an FTS5 table of the sections' headings and bodies in the file ``path``."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE sections USING fts5(heading, body, tokenize='porter unicode61')"
    )
    connection.executemany(
        "INSERT INTO sections (heading, body) VALUES (?, ?)",
        [(s.heading, s.body) for s in sections],
    )
    connection.commit()
    return connection


def fts5_search(connection: sqlite3.Connection) -> Callable[[str], list]:
    """Return a function running a query on FTS5: its top 10 by rank with body snippets."""
    sql = (
        "SELECT heading, snippet(sections, 1, '<mark>', '</mark>', ' … ', 32) "
        "FROM sections WHERE sections MATCH ? ORDER BY rank LIMIT 10"
    )

    def run(q: str) -> list:
        match = " ".join('"' + word.replace('"', '""') + '"' for word in q.split())
        return connection.execute(sql, (match,)).fetchall()

    return run


def run(quick: bool) -> list[Result]:
    """Import the corpus, reindex it, and time the same queries on our search and on FTS5."""
    with sqlite_url() as url, tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        index_dir = Path(folder) / "index"
        app = make_app(url)
        app.config["SEARCH_INDEX_DIR"] = str(index_dir)
        return measure(app, index_dir, Path(folder) / "fts5.db", quick)


def measure(app: Flask, index_dir: Path, fts_path: Path, quick: bool) -> list[Result]:
    """Run the benchmark on an app whose database and index folder are fresh."""
    import_seconds, expected, summary, imported = import_corpus(app, quick)
    with app.app_context():
        index = get_index(str(index_dir))
        reindex_seconds = time_call(lambda: reindex(index))
        indexed = sum(counts_by_kind(index).values())
        sections = database_sections()
        queries = pick_queries(sections, QUERIES)
        ours = time_queries(queries, lambda q: top_hits(index, q))
        full = time_queries(queries, lambda q: full_search(index, q))
        index.searcher().close()
        db.engine.dispose()
    start = time.perf_counter()
    connection = build_fts5(fts_path, sections)
    fts_seconds = time.perf_counter() - start
    fts = time_queries(queries, fts5_search(connection))
    connection.close()
    return results(
        quick=quick,
        expected=expected,
        import_row=(import_seconds, summary, imported),
        reindex_seconds=reindex_seconds,
        index_bytes=folder_size(index_dir),
        indexed=indexed,
        sections=len(sections),
        ours=ours,
        full=full,
        fts=fts,
        fts_seconds=fts_seconds,
        fts_bytes=fts_path.stat().st_size,
        queries=queries,
    )


def results(
    *,
    quick: bool,
    expected: int,
    import_row: tuple[float, str, bool],
    reindex_seconds: float,
    index_bytes: int,
    indexed: int,
    sections: int,
    ours: Timings,
    full: Timings,
    fts: Timings,
    fts_seconds: float,
    fts_bytes: int,
    queries: list[str],
) -> list[Result]:
    """Return the table rows of the benchmark."""
    import_seconds, summary, imported = import_row
    # --quick indexes a slice of the corpus, so its reindex target is the same share.
    reindex_target = TARGET_REINDEX_SECONDS * expected / len(corpus.search_documents())
    count = len(queries)
    words = sum(len(q.split()) for q in queries) / count
    agreement = f"queries with hits: ours {ours.with_hits}/{count}, FTS5 {fts.with_hits}/{count}"
    all_hit = ours.with_hits == count
    ratio = ours.p95_ms / fts.p95_ms
    same = "same sections" if indexed == sections else f"FTS5 has {sections}"
    return [
        Result(
            f"search: import {expected} docs (setup)",
            import_seconds,
            "s",
            note=summary,
            complete=imported,
        ),
        Result(
            f"search: full reindex, {expected} docs",
            reindex_seconds,
            "s",
            reindex_target,
            f"{indexed} section documents; {same}",
            complete=indexed > 0,
        ),
        Result("search: index size on disk", index_bytes / 2**20, "MB", note="Whoosh"),
        Result(
            "search: top 10 + snippets, p50",
            ours.p50_ms,
            "ms",
            note=f"{count} queries, {words:.1f} words avg, warm; {agreement}",
            complete=all_hit,
        ),
        Result(
            "search: top 10 + snippets, p95",
            ours.p95_ms,
            "ms",
            TARGET_P95_MS,
            f"{ours.marked} snippets marked",
            complete=all_hit,
        ),
        Result(
            "search: p95 / FTS5 p95 (with snippets)",
            ratio,
            "×",
            TARGET_RATIO,
            f"{ours.p95_ms:.2f} ms vs {fts.p95_ms:.2f} ms",
        ),
        Result(
            "search: full API search, p50",
            full.p50_ms,
            "ms",
            note="facets, language counts, suggestion",
        ),
        Result("search: full API search, p95", full.p95_ms, "ms"),
        Result("FTS5: build (porter unicode61)", fts_seconds, "s", note=f"{sections} rows"),
        Result("FTS5: size on disk", fts_bytes / 2**20, "MB"),
        Result("FTS5: top 10 + snippet(), p50", fts.p50_ms, "ms", note="same queries, warm"),
        Result(
            "FTS5: top 10 + snippet(), p95",
            fts.p95_ms,
            "ms",
            note=f"{fts.marked} snippets marked",
        ),
        peak_rss_result("search"),
    ]
