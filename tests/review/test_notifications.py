"""Notifications: who hears about what, in the inbox and (when configured) by e-mail."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from guidelines.extensions import db
from guidelines.review.notifications import Notification, notify, unread_count
from tests.adaptation.conftest import V1, V2


class Mailbox:
    """An SMTP handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    """Return a local TCP port nobody listens on (aiosmtpd cannot start on port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """Run a real local SMTP server and point the app's mail settings at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield mailbox
    controller.stop()


def wait_for(mailbox, count, seconds=5.0):
    deadline = time.monotonic() + seconds
    while len(mailbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return mailbox.messages


def test_a_new_european_version_reaches_the_networks_that_follow_its_ern(import_text, make_user):
    member = make_user(role="author", networks=("bot",))
    other = make_user(role="author", networks=("metabole-aandoeningen",))
    import_text(V1, slug="bone-care", label="1.0", ern="BOND")
    import_text(V2, slug="bone-care", label="2.0")
    recipients = set(db.session.scalars(select(Notification.user_id)))
    assert member.id in recipients and other.id not in recipients


def test_unread_count(app_ctx, make_user):
    user = make_user()
    notify([user], "Hello", kind="test")
    assert unread_count(user) == 1


def test_mail_is_sent_after_the_commit_through_a_real_smtp_server(app_ctx, make_user, smtp_server):
    user = make_user(email="tine@example.org")
    notify(
        [user],
        "Revision 2 of Bone care awaits your review.",
        kind="submission",
        link="/adaptations/1/review",
    )
    assert smtp_server.messages == []  # nothing leaves before the commit
    db.session.commit()
    [message] = wait_for(smtp_server, 1)
    assert message.rcpt_tos == ["tine@example.org"]
    assert b"awaits your review" in message.content


def test_a_rolled_back_notification_sends_no_mail(app_ctx, make_user, smtp_server):
    user = make_user(email="bart@example.org")
    notify([user], "Never sent", kind="test")
    db.session.rollback()
    db.session.commit()
    time.sleep(0.3)
    assert smtp_server.messages == []


def test_mail_is_off_by_default(app, app_ctx, make_user):
    assert not app.config.get("MAIL_SERVER")
    user = make_user()
    notify([user], "In the inbox only", kind="test")
    assert db.session.info.get("pending_mail") is None
