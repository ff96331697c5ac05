"""The administrator's audit log: filter it, page through it, export it as CSV."""

from flask import Blueprint, Response, render_template, request, stream_with_context

from guidelines.accounts.models import Role
from guidelines.accounts.permissions import role_required
from guidelines.extensions import db
from guidelines.library.models import utcnow
from guidelines.review.audit_query import PER_PAGE, AuditFilter, csv_lines
from guidelines.review.models import AuditEvent

bp = Blueprint("review", __name__)


@bp.get("/admin/audit")
@role_required(Role.ADMIN)
def audit():
    """List the audit events matching the filters, newest first, 50 a page."""
    filters, invalid_dates = AuditFilter.from_args(request.args)
    page = db.paginate(
        filters.statement(),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
        error_out=False,
    )
    object_types = db.session.scalars(
        db.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    ).all()
    return render_template(
        "review/audit.html",
        page=page,
        filters=filters,
        invalid_dates=invalid_dates,
        object_types=[t for t in object_types if t],
    )


@bp.get("/admin/audit.csv")
@role_required(Role.ADMIN)
def audit_csv():
    """Export every audit event matching the filters as CSV (all columns)."""
    filters, _invalid_dates = AuditFilter.from_args(request.args)
    statement = filters.statement().execution_options(yield_per=500)

    def lines():
        # Opened only once the response is read, and closed even when the client goes away
        # mid-way: on PostgreSQL this is a server-side cursor.
        events = db.session.scalars(statement)
        try:
            yield from csv_lines(events)
        finally:
            events.close()

    filename = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
