"""Read the audit log: filters from a query string, and the CSV export."""

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from guidelines.review.models import AuditEvent

PER_PAGE = 50
CSV_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "summary",
    "before",
    "after",
    "via",
    "remote_addr",
    "api_token_id",
)
# A cell starting with one of these runs as a formula in spreadsheets (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator filters the log on; empty fields do not filter."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple["AuditFilter", list[str]]:
        """Read the filters from a query string; return them and the names of unreadable dates."""
        values: dict = {
            name: args.get(name, "").strip()
            for name in ("action", "actor", "object_type", "object_id")
        }
        invalid = []
        for name in ("date_from", "date_to"):
            raw = args.get(name, "").strip()
            try:
                values[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                values[name] = None
                invalid.append(name)
        return cls(**values), invalid

    @property
    def active(self) -> bool:
        return any(getattr(self, field.name) for field in fields(self))

    def as_args(self) -> dict[str, str]:
        """Return the filters that are set, as query-string arguments."""
        return {
            field.name: str(value)
            for field in fields(self)
            if (value := getattr(self, field.name)) not in ("", None)
        }

    def statement(self) -> Select:
        """Return the select of the matching events, newest first."""
        query = select(AuditEvent).order_by(AuditEvent.id.desc())
        if self.action:
            query = query.where(AuditEvent.action.startswith(self.action, autoescape=True))
        if self.actor:
            query = query.where(
                AuditEvent.actor_label.contains(self.actor.lower(), autoescape=True)
            )
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.object_id:
            query = query.where(AuditEvent.object_id == self.object_id)
        if self.date_from:
            query = query.where(AuditEvent.at >= _start_of(self.date_from))
        if self.date_to:
            # The "to" day is included: everything before the next day's start.
            query = query.where(AuditEvent.at < _start_of(self.date_to + timedelta(days=1)))
        return query


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def csv_lines(events: Iterator[AuditEvent]) -> Iterator[str]:
    """Yield the CSV export of ``events``: a header, then one line per event."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(CSV_COLUMNS)
    for event in events:
        yield line(
            _cell(event.at_utc.isoformat() if column == "at" else getattr(event, column))
            for column in CSV_COLUMNS
        )


def _cell(value) -> str:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
