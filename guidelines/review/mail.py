"""E-mail for notifications: off unless MAIL_SERVER is set; sent only after the commit.

A notification written in a transaction that rolls back must not have gone out by mail, so
messages wait in the session and leave when it commits.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from guidelines.extensions import db

log = logging.getLogger(__name__)
_PENDING = "pending_mail"


def mail_enabled() -> bool:
    """Tell whether the app is configured to send e-mail."""
    return has_app_context() and bool(current_app.config.get("MAIL_SERVER"))


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send an e-mail once the current transaction commits (nothing when mail is off)."""
    if not mail_enabled() or not to:
        return
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_SENDER") or "guidelines@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    settings = {
        key: current_app.config.get(key)
        for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")
    }
    db.session.info.setdefault(_PENDING, []).append((message, settings))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session) -> None:
    for message, settings in session.info.pop(_PENDING, []):
        try:
            _send(message, settings)
        except (OSError, smtplib.SMTPException):
            # The change is committed and the in-app notification stands; a mail server that
            # is down must not turn a saved review into an error page.
            log.exception("Could not send the e-mail %r to %s", message["Subject"], message["To"])


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def _send(message: EmailMessage, settings: dict) -> None:
    with smtplib.SMTP(
        settings["MAIL_SERVER"], int(settings["MAIL_PORT"] or 25), timeout=10
    ) as smtp:
        if settings["MAIL_USE_TLS"]:
            smtp.starttls()
        if settings["MAIL_USERNAME"]:
            smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
