"""Record state changes in the audit log, in the caller's transaction.

``record`` adds one ``AuditEvent`` and flushes; it never commits. The change and its audit row
are committed (or rolled back) together by the request or CLI command that made them, so a
committed change always has its row and a rolled-back one leaves none.

Actions are short dotted codes, feature first, so a prefix filters a family: version.import;
adaptation.start, adaptation.revision.save, adaptation.rebase, adaptation.decision.justify;
translation.start, translation.segment.update, translation.po.import, translation.freeze;
memory.import; user.create; login.success, login.failure, logout; token.create, token.revoke.
The review workflow adds its own with one call each, e.g. ``record("revision.approve",
obj=revision, summary=...)`` or ``record("revision.approve.exception", ..., after={"reason":
...})``.
"""

import json
import re
from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect

from guidelines.accounts.models import User
from guidelines.extensions import db
from guidelines.review.models import VIA_API_TOKEN, VIA_CLI, VIA_WEB, AuditEvent

_CAMEL_HUMPS = re.compile(r"(?<!^)(?=[A-Z])")


def record(
    action: str,
    *,
    obj: Any = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Add an audit event for ``action`` on ``obj`` (or the named object) and flush it.

    The actor defaults to the caller of the current request (the API token's user, else the
    logged-in user); ``before`` and ``after`` are stored as JSON. Never pass secrets.
    """
    if actor is None:
        actor = current_actor()
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id if object_id is not None else object_id_of(obj)
    if actor_label is None:
        actor_label = actor.email if actor is not None else ""
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=actor_label[:254],
        object_type=object_type or "",
        object_id=str(object_id)[:300] if object_id is not None else "",
        summary=summary,
        before=as_json(before),
        after=as_json(after),
        via=current_via(),
        api_token_id=g.get("api_token_id") if has_request_context() else None,
        remote_addr=request.remote_addr[:45]
        if has_request_context() and request.remote_addr
        else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def current_actor() -> User | None:
    """Return who is acting in this request: the API token's user, the logged-in user, or None."""
    if not has_request_context():
        return None
    if g.get("api_user") is not None:
        return g.api_user
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def current_via() -> str:
    """Return how the change arrives: "api-token", "web" (any other request) or "cli"."""
    if not has_request_context():
        return VIA_CLI
    return VIA_API_TOKEN if g.get("api_user") is not None else VIA_WEB


def object_type_of(obj: Any) -> str:
    """Return the audit name of a model's type: ``SourceVersion`` -> ``source_version``."""
    return _CAMEL_HUMPS.sub("_", type(obj).__name__).lower()


def object_id_of(obj: Any) -> str:
    """Return the primary key of a model instance as text, flushing it first when new."""
    identity = inspect(obj).identity
    if identity is None:
        db.session.flush()
        identity = inspect(obj).identity
    return "/".join(str(part) for part in identity or ())


def as_json(value: Any) -> str | None:
    """Return ``value`` as compact, stable JSON (None stays None)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
