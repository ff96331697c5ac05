"""The publication page, kept whole for readers who are not logged in (portal/pages.py)."""

import pytest
from sqlalchemy import event, update

from guidelines.adaptation.models import Adaptation
from guidelines.extensions import db
from tests.adaptation.conftest import V1
from tests.portal.test_portal import reading_url

ENGLISH = {"Accept-Language": "en"}


def english_page(client, url: str) -> str:
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def statements(app):
    """Return the list of SQL statements run from now on."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_kept_page_is_served_without_asking_the_database(client, publication, statements):
    first = english_page(client, reading_url(publication))
    statements.clear()
    assert english_page(client, reading_url(publication)) == first
    assert statements == []


def test_each_language_has_its_own_page(client, publication):
    english = english_page(client, reading_url(publication))
    dutch = client.get(reading_url(publication), headers={"Accept-Language": "nl"})
    assert '<html lang="en">' in english
    assert '<html lang="nl">' in dutch.get_data(as_text=True)


def test_a_newer_publication_shows_at_once(client, publication, publish):
    assert "superseded" not in english_page(client, reading_url(publication))
    second = publish(V1.replace("every 2 years", "every 4 years"), reason="Four years here.")
    old = english_page(client, reading_url(publication))
    assert "This publication has been superseded" in old
    assert f'href="{reading_url(second)}"' in old


def test_a_change_made_elsewhere_shows_after_the_recheck_interval(
    app, client, publication, monkeypatch
):
    assert "Bone care in Flanders" not in english_page(client, reading_url(publication))
    # An UPDATE statement flushes nothing: to this process it looks like another one's write.
    db.session.execute(
        update(Adaptation)
        .where(Adaptation.id == publication.adaptation_id)
        .values(title="Bone care in Flanders")
    )
    assert "Bone care in Flanders" not in english_page(client, reading_url(publication))
    monkeypatch.setitem(app.config, "PORTAL_PAGE_RECHECK_SECONDS", 0)
    assert "Bone care in Flanders" in english_page(client, reading_url(publication))


def test_logged_in_readers_get_the_page_rendered_for_them(client, auth, publication, make_user):
    english_page(client, reading_url(publication))
    reader = make_user(role="reader")
    auth.login(reader.email)
    text = english_page(client, reading_url(publication))
    assert reader.display_name in text
