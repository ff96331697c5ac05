"""The public portal: published guidelines for everyone, with what each rests on."""

import hashlib
from datetime import date

import pytest

from guidelines.adaptation.operations import justify, save_revision, start_adaptation
from guidelines.extensions import db
from guidelines.review import workflow
from tests.adaptation.conftest import V1


@pytest.fixture
def reviewer(make_user):
    """Return a reviewer of the network 'bot'."""
    return make_user(role="reviewer", networks=("bot",))


@pytest.fixture
def publish(adaptation, author, reviewer):
    """Return a function that saves ``markdown`` as a revision, has it approved and publishes it."""

    def publish_text(markdown: str, reason="RIZIV reimburses one scan.", adaptation=adaptation):
        revision = save_revision(
            adaptation,
            parent_number=adaptation.current_revision.number,
            markdown=markdown,
            message="Local practice",
            user=author,
        )
        justify(adaptation, "R1", "adapted", reason, author)
        workflow.submit(adaptation, author)
        workflow.review(revision, "approve", "ok", reviewer)
        publication = workflow.publish(revision, reviewer)
        db.session.commit()
        return publication

    return publish_text


@pytest.fixture
def publication(publish):
    """Return the first publication of the adaptation of 'bone-care' by 'bot'."""
    return publish(V1.replace("every 2 years", "every 3 years"))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def reading_url(publication) -> str:
    return f"/portal/publications/{publication.id}"


@pytest.mark.parametrize("url", ["/portal", "/portal/networks/bot", "/portal/erns/BOND"])
def test_anonymous_sees_the_publication_listed(client, publication, url):
    assert reading_url(publication) in page(client, url)


def test_network_page_lists_nothing_of_other_networks(client, publication):
    assert reading_url(publication) not in page(client, "/portal/networks/metabole-aandoeningen")


def test_unknown_network_and_ern_are_404(client):
    assert client.get("/portal/networks/nope").status_code == 404
    assert client.get("/portal/erns/NOPE").status_code == 404


def test_drafts_are_not_listed(client, adaptation):
    assert "/portal/publications/" not in page(client, "/portal")


def test_reading_view_shows_the_text_as_cards(client, publication):
    text = page(client, reading_url(publication))
    assert 'class="recommendation' in text
    assert "every 3 years" in text
    assert 'class="toc"' in text


def test_reading_view_states_what_the_text_rests_on(client, publication):
    text = page(client, reading_url(publication) + "?lang=en")
    assert "Based on Bone care version 1.0" in text
    assert "of BOND." in text
    assert publication.sha256 in text
    assert publication.approved_by.display_name in text


@pytest.fixture
def single_version_publication(publish, import_text, author):
    """Return a publication of 'scan-care', whose only version 1.0 was published 1 March 2024."""
    version = import_text(V1, slug="scan-care", label="1.0", ern="BOND", published=date(2024, 3, 1))
    network = next(n for n in author.networks if n.code == "bot")
    adaptation = start_adaptation(version.guideline, network, user=author, version=version)
    db.session.commit()
    return publish(V1.replace("every 2 years", "every 3 years"), adaptation=adaptation)


def test_no_newer_version_notice_when_the_source_is_the_latest(client, single_version_publication):
    text = page(client, reading_url(single_version_publication) + "?lang=en")
    assert "The Flemish update is under way" not in text


def test_based_on_statement_gives_the_european_publication_date(client, single_version_publication):
    text = page(client, reading_url(single_version_publication) + "?lang=en")
    assert "Based on Bone care version 1.0 (published March 1, 2024) of BOND." in text


def test_newer_european_version_is_announced(client, publication, import_text):
    # The adaptation rests on version 1.0, and 2.0 exists already.
    text = page(client, reading_url(publication) + "?lang=en")
    assert "A newer European version exists: version 2.0." in text
    import_text(V1.replace("Scan", "Image"), slug="bone-care", label="3.0")
    text = page(client, reading_url(publication) + "?lang=en")
    assert "A newer European version exists: version 3.0." in text
    assert "The Flemish update is under way" in text


def test_superseded_publication_stays_readable_and_links_the_current_one(
    client, publication, publish
):
    first_url = reading_url(publication)
    assert "superseded" not in page(client, first_url + "?lang=en")
    second = publish(V1.replace("every 2 years", "every 4 years"), reason="Four years here.")
    old = page(client, first_url + "?lang=en")
    assert "This publication has been superseded" in old
    assert f'href="{reading_url(second)}"' in old
    assert "every 3 years" in old
    assert "superseded" not in page(client, reading_url(second) + "?lang=en")
    home = page(client, "/portal")
    assert reading_url(second) in home and f'href="{first_url}"' not in home


def test_markdown_download_is_the_exact_text(client, publication):
    response = client.get(reading_url(publication) + ".md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data == publication.markdown.encode("utf-8")
    assert hashlib.sha256(response.data).hexdigest() == publication.sha256


def test_html_download_is_one_file_without_script(client, publication):
    response = client.get(reading_url(publication) + ".html?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert "<style>" in text and ".recommendation" in text
    assert "<script" not in text.lower()
    assert '<link rel="stylesheet"' not in text
    assert 'class="recommendation' in text
    assert "Based on Bone care version 1.0" in text
    assert publication.sha256 in text


@pytest.mark.parametrize("suffix", ["", ".md", ".html"])
def test_unknown_publication_is_404(client, suffix):
    assert client.get(f"/portal/publications/999999{suffix}").status_code == 404


@pytest.mark.parametrize("url", ["/portal", "/portal/networks/bot", "/portal/erns/BOND"])
def test_portal_pages_send_the_content_security_policy(client, publication, url):
    policy = client.get(url).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


def test_reading_view_sends_the_content_security_policy(client, publication):
    response = client.get(reading_url(publication))
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" not in response.get_data(as_text=True)
