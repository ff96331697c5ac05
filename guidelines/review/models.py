"""The audit log: one row per state change, never updated or deleted.

Two guards keep it append-only. The ORM refuses to update or delete an ``AuditEvent``, also
through bulk ``update()``/``delete()`` statements; on PostgreSQL a trigger (created by the
migration) refuses UPDATE, DELETE and TRUNCATE of the table from any client. SQLite has no
such trigger here: there the ORM guard is the only one.
"""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from guidelines.accounts.models import utcnow
from guidelines.extensions import db

VIA_WEB = "web"
VIA_API_TOKEN = "api-token"
VIA_CLI = "cli"


class AuditLogIsAppendOnly(RuntimeError):
    """An attempt to change or remove a row of the audit log."""


class AuditEvent(db.Model):
    """Who did what, when, to which object, with the values before and after (JSON)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # No ON DELETE: a user who appears in the log cannot be deleted, only deactivated.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The actor's e-mail at the time (for a failed login: the e-mail that was tried).
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(12), default=VIA_CLI)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    # The personal API token the change came through (via == "api-token"), so the writes of a
    # leaked token can be traced. Tokens are revoked, never deleted.
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)

    actor = relationship("User")
    api_token = relationship("ApiToken")

    @property
    def at_utc(self) -> datetime:
        """Return ``at`` as an aware UTC datetime (SQLite hands back naive ones)."""
        return as_utc(self.at)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a naive datetime is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be changed: the log is append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be deleted: the log is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # Bulk update() and delete() statements bypass the mapper events above.
    if (state.is_update or state.is_delete) and getattr(state.statement, "table", None) is not None:
        if state.statement.table.name == AuditEvent.__tablename__:
            raise AuditLogIsAppendOnly("the audit log is append-only: no UPDATE or DELETE")
