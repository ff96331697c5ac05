"""The outbox: written in the changing transaction, and the indexer's progress over it."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from guidelines.extensions import db
from guidelines.library.operations import ImportRequest, import_version
from guidelines.review import workflow
from guidelines.search.models import SearchOutboxEntry
from guidelines.search.outbox import OutboxRow, Progress, advance, pending
from tests.adaptation.conftest import V1

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
GRACE = 120.0


def outbox() -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(SearchOutboxEntry.entity, SearchOutboxEntry.entity_id).order_by(
            SearchOutboxEntry.seq
        )
    )
    return [tuple(row) for row in rows]


def test_importing_a_version_writes_a_row_for_its_guideline(app_ctx):
    before = outbox()
    version = import_version(V1, ImportRequest(slug="outbox-care", label="1")).version
    db.session.flush()
    # Not committed yet: the row sits in the same transaction as the version.
    # (Each flush of the import writes one; the indexer refreshes the guideline once.)
    assert set(outbox()[len(before) :]) == {("guideline", version.guideline_id)}
    db.session.commit()
    assert ("guideline", version.guideline_id) in outbox()


def test_a_rolled_back_import_leaves_no_row(app_ctx):
    before = outbox()
    import_version(V1, ImportRequest(slug="outbox-rolled-back", label="1"))
    db.session.flush()
    assert len(outbox()) > len(before)
    db.session.rollback()
    assert outbox() == before


def test_a_review_decision_writes_a_row_for_the_adaptation(adaptation, author, make_user):
    from guidelines.adaptation.operations import justify, save_revision

    revision = save_revision(
        adaptation,
        parent_number=1,
        markdown=V1.replace("2 years", "3 years"),
        message="",
        user=author,
    )
    justify(adaptation, "R1", "adapted", "The RIZIV rule.", author)
    workflow.submit(adaptation, author)
    db.session.commit()
    reviewer = make_user(role="reviewer", networks=("bot",))
    last = db.session.scalar(select(db.func.max(SearchOutboxEntry.seq)))
    workflow.review(revision, "approve", "", reviewer)
    written = db.session.execute(
        select(SearchOutboxEntry.entity, SearchOutboxEntry.entity_id).where(
            SearchOutboxEntry.seq > last
        )
    ).all()
    assert ("adaptation", adaptation.id) in [tuple(row) for row in written]


def test_a_change_that_the_index_ignores_writes_no_row(app_ctx, make_user):
    before = outbox()
    make_user(role="reader")
    assert outbox() == before


def row(seq: int, age: float = 0.0) -> OutboxRow:
    return OutboxRow(seq, "guideline", seq, NOW - timedelta(seconds=age))


def test_contiguous_rows_advance_the_watermark():
    rows = [row(1), row(2), row(3)]
    after = advance(Progress(), rows, [1, 2, 3], now=NOW, grace=GRACE)
    assert after == Progress(3, set())


def test_advance_stops_before_a_row_not_applied():
    rows = [row(1), row(2), row(3)]
    after = advance(Progress(), rows, [1, 3], now=NOW, grace=GRACE)
    assert after == Progress(1, {3})
    assert pending(after, rows) == [row(2)]


def test_a_young_gap_holds_the_watermark_but_later_rows_are_remembered():
    rows = [row(1), row(2), row(4, age=5), row(5, age=5)]
    after = advance(Progress(), rows, [1, 2, 4, 5], now=NOW, grace=GRACE)
    assert after == Progress(2, {4, 5})
    assert pending(after, rows) == []


def test_the_gap_is_passed_once_it_is_older_than_the_grace_period():
    rows = [row(4, age=GRACE + 1), row(5, age=GRACE + 1)]
    after = advance(Progress(2, {4, 5}), rows, [], now=NOW, grace=GRACE)
    assert after == Progress(5, set())


def test_a_filled_gap_is_applied_and_the_watermark_moves_over_it():
    rows = [row(3, age=1), row(4, age=5), row(5, age=5)]
    after = advance(Progress(2, {4, 5}), rows, [3], now=NOW, grace=GRACE)
    assert after == Progress(5, set())


def test_a_gap_at_the_very_start_is_young_too():
    # On PostgreSQL a sequence never rolls back: a fresh index may first see row 57.
    rows = [row(57, age=1)]
    after = advance(Progress(), rows, [57], now=NOW, grace=GRACE)
    assert after == Progress(0, {57})
    old = advance(Progress(), [row(57, age=GRACE * 2)], [57], now=NOW, grace=GRACE)
    assert old == Progress(57, set())


def test_naive_datetimes_from_sqlite_are_read_as_utc():
    naive = OutboxRow(3, "guideline", 3, (NOW - timedelta(seconds=GRACE + 1)).replace(tzinfo=None))
    assert advance(Progress(1), [naive], [3], now=NOW, grace=GRACE) == Progress(3, set())


def test_progress_round_trips_through_json():
    progress = Progress(7, {9, 12})
    assert Progress.from_json(progress.as_json()) == progress
