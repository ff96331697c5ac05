"""The Whoosh index on this node: opening it, and keeping it level with the outbox.

Each node keeps its own index in ``SEARCH_INDEX_DIR``; the database is the truth. Only one
process writes at a time: a writer waits for the lock up to a timeout, then gives up with
``IndexBusy`` (the changes stay in the outbox for the next sync). The record of how far the
outbox is applied is a document in the index itself, committed with the changes it describes.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app, has_request_context
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from whoosh import scoring
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import CLEAR

from guidelines.extensions import db
from guidelines.library.models import Ern, Guideline, SourceVersion
from guidelines.search import documents
from guidelines.search.models import SearchOutboxEntry
from guidelines.search.outbox import Progress, advance, pending, rows_after
from guidelines.search.schema import SCHEMA_VERSION, build_schema

STATE_ID = "__state__"
REINDEX_MEMORY_MB = 512
REINDEX_BATCH = 200
STATE_KIND = "_state"

Report = Callable[[int], None]


class IndexBusy(RuntimeError):
    """Another process held the index's write lock for longer than the timeout."""


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: outbox rows applied, entities refreshed, and the new watermark."""

    rows: int
    refreshed: int
    watermark: int
    rebuilt: bool = False


class ListedLengthBM25F(scoring.BM25F):
    """BM25F that reads each document's field length from a list made once per index reader.

    Whoosh looks the length up in a column for every document it scores; a list lookup makes
    a query of common words about a third faster, for a list of one integer per document.
    """

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if hasattr(scorer, "dfl"):
            scorer.dfl = _field_lengths(searcher, fieldname).__getitem__
        return scorer


def _field_lengths(searcher, fieldname: str) -> list[int]:
    reader = searcher.reader()
    cache = reader.__dict__.setdefault("_guidelines_field_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        lengths = cache[fieldname] = [
            reader.doc_field_length(docnum, fieldname, 1)
            for docnum in range(reader.doc_count_all())
        ]
    return lengths


class SearchIndex:
    """The index in one directory, with a searcher per thread that follows its commits.

    The files are read with plain reads, not mapped: whoosh3 copies a mapped segment's
    postings into the heap of every process that opens it (tens of MB per gunicorn worker),
    while reads leave them in the page cache that all workers share. A searcher keeps its
    segment files open, so each is closed when its thread has a newer one, when its thread
    has ended (checked whenever a searcher is opened), and by ``close()``.
    """

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)
        self._ix = None
        self._searchers: dict[int, object] = {}  # by thread ident
        self._lock = threading.Lock()

    @property
    def ix(self):
        with self._lock:
            if self._ix is None:
                self._ix = _open_or_create(self.directory)
            return self._ix

    def searcher(self):
        """Return this thread's searcher, moved on to the latest commit."""
        thread = threading.get_ident()
        searcher = self._searchers.get(thread)
        if searcher is None or not searcher.up_to_date():
            # A new searcher rather than refresh(): refreshing an empty index's fails.
            if searcher is not None:
                searcher.close()
            searcher = self.ix.searcher(weighting=ListedLengthBM25F())
            with self._lock:
                self._searchers[thread] = searcher
                self._close_searchers_of_ended_threads()
        return searcher

    def _close_searchers_of_ended_threads(self) -> None:
        alive = {thread.ident for thread in threading.enumerate()}
        for thread in [ident for ident in self._searchers if ident not in alive]:
            self._searchers.pop(thread).close()

    def close(self) -> None:
        """Close every thread's searcher (the next ``searcher()`` opens a new one)."""
        with self._lock:
            searchers, self._searchers = list(self._searchers.values()), {}
        for searcher in searchers:
            searcher.close()

    def writer(self, timeout: float, *, memory_mb: int = 128):
        """Return a writer, waiting up to ``timeout`` seconds for the lock.

        ``memory_mb`` is how much the writer sorts in memory before spilling to temporary
        files: a full rebuild spends a third of its time there at Whoosh's default of 128.
        """
        try:
            return self.ix.writer(timeout=timeout, delay=0.05, limitmb=memory_mb)
        except LockError as error:
            raise IndexBusy(
                f"The search index in {self.directory} is being written by another process; "
                "its changes will be applied by the next sync."
            ) from error

    def reset(self) -> None:
        """Replace the index with an empty one of the current schema.

        Other threads may be searching: their searchers are not closed here, but are out of
        date from now on, so each thread closes and replaces its own at its next search.
        """
        with self._lock:
            self._ix = _storage(self.directory).create_index(build_schema())


_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()


def get_index(directory: str | None = None) -> SearchIndex:
    """Return the index of ``directory`` (default: the app's), shared within the process."""
    directory = directory or current_app.config["SEARCH_INDEX_DIR"]
    with _indexes_lock:
        index = _indexes.get(directory)
        if index is None:
            index = _indexes[directory] = SearchIndex(directory)
        return index


def _storage(directory: Path) -> FileStorage:
    return FileStorage(str(directory), supports_mmap=False)


def _open_or_create(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    storage = _storage(directory)
    if storage.index_exists():
        return storage.open_index()
    # Two processes starting at once must not both create it.
    with open(directory / ".create.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not storage.index_exists():
            return storage.create_index(build_schema())
        return storage.open_index()


@atexit.register
def _close_all() -> None:
    with _indexes_lock:
        indexes = list(_indexes.values())
    for index in indexes:
        index.close()


def read_state(searcher) -> tuple[Progress, int | None]:
    """Return the outbox progress recorded in an index, and the schema version it was built for."""
    stored = searcher.document(id=STATE_ID)
    if not stored:
        return Progress(), None
    data = json.loads(stored["state"])
    return Progress.from_json(data), data.get("schema")


def _write_state(writer, progress: Progress) -> None:
    state = progress.as_json() | {"schema": SCHEMA_VERSION}
    writer.update_document(id=STATE_ID, kind=STATE_KIND, state=json.dumps(state))


def outdated(index: SearchIndex) -> bool:
    """Tell whether the index was built by another schema version (or never built)."""
    return read_state(index.searcher())[1] != SCHEMA_VERSION


def lag(index: SearchIndex) -> int:
    """Return how many outbox rows this node's index has not applied yet."""
    progress, _schema = read_state(index.searcher())
    return len(pending(progress, rows_after(db.session, progress.watermark)))


def sync(index: SearchIndex | None = None, *, timeout: float | None = None, report=None):
    """Apply the outbox rows this index has not seen; rebuild it if its schema is outdated."""
    index = index or get_index()
    config = current_app.config
    timeout = config["SEARCH_WRITER_TIMEOUT"] if timeout is None else timeout
    writer = index.writer(timeout)
    try:
        progress, schema = read_state(writer.searcher())
        if schema != SCHEMA_VERSION:
            writer.cancel()
            return reindex(index, timeout=timeout, report=report)
        rows = rows_after(db.session, progress.watermark)
        todo = pending(progress, rows)
        entities = list(dict.fromkeys((row.entity, row.entity_id) for row in todo))
        if ("everything", 0) in entities:
            writer.cancel()
            return reindex(index, timeout=timeout, report=report)
        for number, (entity, entity_id) in enumerate(entities, 1):
            _refresh(writer, entity, entity_id)
            if report:
                report(number)
        after = advance(
            progress,
            rows,
            [row.seq for row in todo],
            now=datetime.now(UTC),
            grace=config["SEARCH_OUTBOX_GRACE_SECONDS"],
        )
        if after == progress:
            writer.cancel()
        else:
            _write_state(writer, after)
            writer.commit()
        _release_memory()
        return SyncResult(rows=len(todo), refreshed=len(entities), watermark=after.watermark)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def reindex(index: SearchIndex | None = None, *, timeout: float | None = None, report=None):
    """Rebuild the index from the database; ``report(n)`` is called per guideline done."""
    index = index or get_index()
    config = current_app.config
    timeout = config["SEARCH_WRITER_TIMEOUT"] if timeout is None else timeout
    searcher = index.searcher()
    if read_state(searcher)[1] != SCHEMA_VERSION and searcher.schema != build_schema():
        index.reset()
    # Read the outbox before the data: whatever is committed by now is in what follows.
    now = datetime.now(UTC)
    grace = config["SEARCH_OUTBOX_GRACE_SECONDS"]
    settled = _settled_seq(now, grace)
    rows = rows_after(db.session, settled)
    progress = advance(Progress(settled), rows, [row.seq for row in rows], now=now, grace=grace)
    writer = index.writer(timeout, memory_mb=REINDEX_MEMORY_MB)
    try:
        ids = db.session.scalars(select(Guideline.id).order_by(Guideline.id)).all()
        number = 0
        for start in range(0, len(ids), REINDEX_BATCH):
            for guideline in _guidelines(ids[start : start + REINDEX_BATCH]):
                for document in documents.guideline_documents(guideline):
                    writer.add_document(**document)
                number += 1
                if report:
                    report(number)
            _release_memory()  # keep memory flat over thousands of guidelines
        _write_state(writer, progress)
        writer.commit(mergetype=CLEAR)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    _release_memory()
    return SyncResult(
        rows=len(rows), refreshed=len(ids), watermark=progress.watermark, rebuilt=True
    )


def _guidelines(ids: list[int]) -> list[Guideline]:
    """Load guidelines with what their documents read, in a few queries rather than many."""
    return db.session.scalars(
        select(Guideline)
        .where(Guideline.id.in_(ids))
        .order_by(Guideline.id)
        .options(
            selectinload(Guideline.versions).joinedload(SourceVersion.text),
            selectinload(Guideline.diseases),
            joinedload(Guideline.ern).selectinload(Ern.networks),
        )
    ).all()


def _release_memory() -> None:
    """Let the session forget the records it loaded for indexing (commands only: a request
    still holds its user and whatever its view loaded)."""
    if not has_request_context():
        db.session.expunge_all()


def guideline_count() -> int:
    """Return how many guidelines a reindex walks through (for a progress bar)."""
    return db.session.scalar(select(func.count(Guideline.id)))


def _settled_seq(now: datetime, grace: float) -> int:
    """Return the highest outbox number below which no transaction can still be open."""
    limit = now - timedelta(seconds=grace)
    return db.session.scalar(
        select(func.coalesce(func.max(SearchOutboxEntry.seq), 0)).where(
            SearchOutboxEntry.created_at <= limit
        )
    )


def _refresh(writer, entity: str, entity_id: int) -> None:
    """Replace the documents of one entity with what the database holds now."""
    from guidelines.adaptation.models import Adaptation
    from guidelines.translation.models import Translation

    if entity == "guideline":
        writer.delete_by_term("guideline_id", str(entity_id))
        record = db.session.get(Guideline, entity_id)
        produce = documents.guideline_documents
    elif entity == "translation":
        writer.delete_by_term("owner", f"translation:{entity_id}")
        record = db.session.get(Translation, entity_id)
        produce = documents.translation_documents
    elif entity == "adaptation":
        writer.delete_by_term("owner", f"adaptation:{entity_id}")
        record = db.session.get(Adaptation, entity_id)
        produce = documents.adaptation_documents
    else:
        raise ValueError(f"Unknown outbox entity {entity!r}")
    if record is not None:
        for document in produce(record):
            writer.add_document(**document)


def counts_by_kind(index: SearchIndex) -> dict[str, int]:
    """Return how many section documents of each kind the index holds."""
    searcher = index.searcher()
    reader = searcher.reader()
    counts = {}
    for term in reader.lexicon("kind"):
        kind = term.decode("utf-8")
        if kind != STATE_KIND:
            counts[kind] = sum(
                1 for _doc in reader.postings("kind", term).all_ids() if not reader.is_deleted(_doc)
            )
    return counts
