"""Writing the outbox, and reading how far an index has applied it.

Every flush that adds or changes a record the index shows writes outbox rows on the same
connection, so they commit or roll back with the change itself (DESIGN.md, invariant 6). The
indexer never trusts a gap in the numbers at once: on PostgreSQL a transaction that drew a
lower number can commit after one that drew a higher, so a gap is waited for until it is older
than the grace period, and only then taken for a rolled-back transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from guidelines.search.models import SearchOutboxEntry

#: A session's ``info`` key: outbox rows were written in the open transaction.
PENDING = "search_outbox_pending"
#: A session's ``info`` key: outbox rows were committed since the indexer last ran.
COMMITTED = "search_outbox_committed"


def changes_of(instance) -> Iterable[tuple[str, int]]:
    """Return the (entity, id) pairs whose documents change with ``instance``."""
    name = type(instance).__name__
    if name == "SourceVersion":
        # A new version changes which version is current, and the notices of the others.
        yield "guideline", instance.guideline_id
    elif name == "Guideline":
        yield "guideline", instance.id
    elif name == "Translation":
        yield "translation", instance.id
    elif name == "SegmentTranslation":
        yield "translation", instance.translation_id
    elif name == "Adaptation":
        yield "adaptation", instance.id
    elif name in ("Revision", "Submission", "Publication"):
        yield "adaptation", instance.adaptation_id
    elif name in ("Network", "Ern", "Disease"):
        # Reference data: which networks follow which ERN decides who sees what.
        yield "everything", 0


def enqueue(session: Session, changes: Iterable[tuple[str, int]]) -> None:
    """Write outbox rows for ``changes`` in the session's transaction."""
    rows = [
        {"entity": entity, "entity_id": entity_id, "created_at": datetime.now(UTC)}
        for entity, entity_id in dict.fromkeys(changes)
        if entity_id is not None
    ]
    if rows:
        session.connection().execute(insert(SearchOutboxEntry), rows)
        session.info[PENDING] = True


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _flush_context) -> None:
    changed = [*session.new, *session.deleted]
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    changes = [change for instance in changed for change in changes_of(instance)]
    if changes:
        enqueue(session, changes)


@event.listens_for(Session, "after_commit")
def _remember_commit(session: Session) -> None:
    if session.info.pop(PENDING, False):
        session.info[COMMITTED] = True


@event.listens_for(Session, "after_soft_rollback")
def _forget_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def latest_seq(session: Session) -> int:
    """Return the highest outbox number written so far (0 for none)."""
    return session.scalar(select(func.coalesce(func.max(SearchOutboxEntry.seq), 0)))


@dataclass
class Progress:
    """How far an index has applied the outbox.

    Every row up to ``watermark`` is applied; so are the rows in ``applied`` above it, which
    wait behind a gap that may still fill.
    """

    watermark: int = 0
    applied: set[int] = field(default_factory=set)

    def as_json(self) -> dict:
        return {"watermark": self.watermark, "applied": sorted(self.applied)}

    @classmethod
    def from_json(cls, data: dict) -> Progress:
        return cls(int(data.get("watermark", 0)), {int(seq) for seq in data.get("applied", ())})


@dataclass(frozen=True)
class OutboxRow:
    """The part of an outbox row the indexer reads."""

    seq: int
    entity: str
    entity_id: int
    created_at: datetime


def rows_after(session: Session, watermark: int, limit: int | None = None) -> list[OutboxRow]:
    """Return the outbox rows above ``watermark``, in order."""
    query = (
        select(
            SearchOutboxEntry.seq,
            SearchOutboxEntry.entity,
            SearchOutboxEntry.entity_id,
            SearchOutboxEntry.created_at,
        )
        .where(SearchOutboxEntry.seq > watermark)
        .order_by(SearchOutboxEntry.seq)
    )
    if limit is not None:
        query = query.limit(limit)
    return [OutboxRow(*row) for row in session.execute(query)]


def advance(
    progress: Progress,
    rows: list[OutboxRow],
    applied: Iterable[int],
    *,
    now: datetime,
    grace: float,
) -> Progress:
    """Return the progress after applying ``applied`` of ``rows`` (all rows above the mark).

    The watermark moves over applied rows, and over a gap only once the row after it is older
    than ``grace`` seconds: a transaction that drew a number in the gap and has not committed
    by then is taken to have rolled back.
    """
    done = progress.applied | set(applied)
    watermark = progress.watermark
    limit = now - timedelta(seconds=grace)
    for row in rows:
        if row.seq <= watermark:
            continue
        if row.seq != watermark + 1 and _aware(row.created_at) > limit:
            break  # a young gap: its transaction may still commit
        if row.seq not in done:
            break
        watermark = row.seq
    return Progress(watermark, {seq for seq in done if seq > watermark})


def pending(progress: Progress, rows: list[OutboxRow]) -> list[OutboxRow]:
    """Return the rows not yet applied."""
    return [row for row in rows if row.seq > progress.watermark and row.seq not in progress.applied]


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
