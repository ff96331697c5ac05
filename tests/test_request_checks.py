"""A NUL character anywhere in a request is a 400 that says so, before any view or database."""

import io

import pytest

from guidelines.accounts.tokens import create_token
from guidelines.extensions import db
from guidelines.library.operations import ImportRequest, import_version
from guidelines.library.uploads import ImportRefused

MESSAGE = "contains a NUL character (code 0)"


@pytest.mark.parametrize(
    "url", ["/guidelines/bone%00care", "/search?q=bone%00", "/api/v1/guidelines?network=%00"]
)
def test_a_nul_in_the_address_or_query_is_a_400(client, url):
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)


def test_a_nul_in_a_json_body_is_a_400_in_json(client, make_user):
    _token, secret = create_token(make_user(role="author"), "script")
    db.session.commit()
    response = client.post(
        "/api/v1/adaptations",
        json={"guideline": "bone-care", "network": ["bot", {"deep": "b\x00t"}]},
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
    )
    assert response.status_code == 400 and MESSAGE in response.get_json()["message"]


def test_an_uploaded_file_with_a_nul_is_refused_naming_the_line(client, auth, make_user):
    auth.login(make_user(role="author").email)
    response = client.post(
        "/import",
        data={"file": (io.BytesIO(b"# Title\n\nText\x00 more\n"), "broken.md"), "slug": "x"},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "contains a NUL character (code 0) on line 3" in response.get_data(as_text=True)


def test_import_refuses_a_text_with_a_nul(app_ctx):
    with pytest.raises(ImportRefused, match="line 2"):
        import_version("# Title\nA\x00B\n", ImportRequest(slug="nul"))


@pytest.mark.parametrize("number", ["0", "2147483648", "99999999999999999999999"])
def test_an_id_out_of_the_database_range_is_a_404(client, auth, make_user, number):
    auth.login(make_user(role="admin").email)
    for url in (f"/adaptations/{number}", f"/api/v1/adaptations/{number}"):
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 404, url
