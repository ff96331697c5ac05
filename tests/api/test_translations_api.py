"""The translation API: segments with status, PUT a segment, PO out and in, freeze."""

import pytest

from guidelines.accounts.tokens import create_token
from guidelines.extensions import db
from guidelines.translation import memory
from guidelines.translation.operations import find_translation
from tests.translation.conftest import DOC_V1, dutch

URL = "/api/v1/guidelines/bone-care/versions/1/translations/nl"


@pytest.fixture(autouse=True)
def _fresh_memory_index():
    memory.forget_indexes()
    yield
    memory.forget_indexes()


@pytest.fixture
def version(import_text):
    return import_text(DOC_V1, slug="bone-care", label="1", ern="BOND")


@pytest.fixture
def bearer(make_user):
    _token, secret = create_token(make_user(role="translator"), "api")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_get_lists_segments_with_status(client, version, bearer):
    body = client.get(URL, headers=bearer).get_json()
    assert body["language"] == "nl" and body["source_language"] == "en"
    assert body["segments"] and {s["status"] for s in body["segments"]} == {"untranslated"}
    assert body["counts"]["untranslated"] == len(body["segments"])


def test_put_segment_then_freeze(client, version, bearer):
    segments = client.get(URL, headers=bearer).get_json()["segments"]
    refused = client.post(f"{URL}/freeze", headers=bearer)
    assert refused.status_code == 400 and "not translated yet" in refused.get_json()["message"]
    for segment in segments:
        response = client.put(
            f"{URL}/segments/{segment['key']}",
            headers=bearer,
            json={"target": dutch(segment["source"]), "status": "translated"},
        )
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "translated"
    frozen = client.post(f"{URL}/freeze", headers=bearer)
    assert frozen.status_code == 201 and len(frozen.get_json()["sha256"]) == 64
    assert client.get(URL, headers=bearer).get_json()["frozen"] is True


def test_put_with_broken_placeholder_is_a_400(client, version, bearer):
    segment = next(
        s for s in client.get(URL, headers=bearer).get_json()["segments"] if "{1}" in s["source"]
    )
    response = client.put(
        f"{URL}/segments/{segment['key']}",
        headers=bearer,
        json={"target": "zonder", "status": "translated"},
    )
    assert response.status_code == 400 and "{1}" in response.get_json()["message"]


def test_anonymous_put_is_401_and_reader_403(client, version, make_user, bearer):
    key = client.get(URL, headers=bearer).get_json()["segments"][0]["key"]
    assert client.put(f"{URL}/segments/{key}", json={"target": "x"}).status_code == 401
    _token, secret = create_token(make_user(role="reader"), "r")
    db.session.commit()
    response = client.put(
        f"{URL}/segments/{key}", json={"target": "x"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 403


def test_po_export_and_import(client, version, bearer):
    po = client.get(f"{URL}/po", headers=bearer)
    assert po.status_code == 200 and b'msgctxt "' in po.data
    segment = client.get(URL, headers=bearer).get_json()["segments"][0]
    body = f'msgctxt "{segment["key"]}"\nmsgid "{segment["source"]}"\nmsgstr "Botzorg"\n'
    report = client.post(
        f"{URL}/po", data=body.encode(), headers=bearer, content_type="text/x-gettext-translation"
    ).get_json()
    assert report["counts"] == {"updated": 1, "unchanged": 0, "rejected": 0}


def test_malformed_po_is_a_400_with_the_line(client, version, bearer):
    response = client.post(
        f"{URL}/po",
        data=b'msgid "open\n',
        headers=bearer,
        content_type="text/x-gettext-translation",
    )
    assert response.status_code == 400 and "line 1" in response.get_json()["message"]


def test_unknown_language_is_404(client, version, bearer):
    response = client.get("/api/v1/guidelines/bone-care/versions/1/translations/xx", headers=bearer)
    assert response.status_code == 404


def test_a_read_without_translator_rights_starts_nothing(client, version):
    assert client.get(URL).status_code == 404
    assert find_translation(version, "nl") is None
