"""The library's pages: browsing, reading, comparing, importing, and who may import."""

import io

import pytest

OLD = """# Bone care

## Scans

::: recommendation R1 strength=strong certainty=low direction=for
Scan every 2 years.
:::
"""
NEW = OLD.replace("2 years", "12 months")


@pytest.fixture
def two_versions(import_text):
    import_text(OLD, slug="bone-care", label="1.0", ern="BOND", orpha=("ORPHA:666",))
    return import_text(NEW, slug="bone-care", label="1.1")


@pytest.mark.parametrize(
    "path", ["/", "/erns", "/networks", "/networks/bot", "/diseases", "/guidelines", "/login"]
)
def test_public_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_erns_page_lists_all_24_with_flemish_networks(client):
    page = client.get("/erns").get_data(as_text=True)
    for code in ("BOND", "MetabERN", "VASCERN", "EURO-NMD", "eUROGEN", "TRANSPLANT-CHILD"):
        assert code in page
    assert "neuromusculaire-aandoeningen" in page or "Neuromusculaire aandoeningen" in page


def test_network_page_lists_guidelines_of_its_erns(client, two_versions):
    assert "Bone care" in client.get("/networks/bot").get_data(as_text=True)
    other = client.get("/networks/neuromusculaire-aandoeningen").get_data(as_text=True)
    assert "Bone care" not in other


def test_disease_page_lists_guidelines_by_orphacode(client, two_versions):
    assert "Bone care" in client.get("/diseases/ORPHA:666").get_data(as_text=True)
    assert "Bone care" not in client.get("/diseases/ORPHA:355").get_data(as_text=True)


def test_malformed_orphacode_page_is_a_400_that_says_how(client):
    response = client.get("/diseases/gaucher")
    assert response.status_code == 400
    assert "ORPHA:355" in response.get_data(as_text=True)


def test_version_page_renders_with_table_of_contents(client, two_versions):
    page = client.get("/guidelines/bone-care/versions/1.0").get_data(as_text=True)
    assert 'href="#s-scans"' in page
    assert "recommendation-strong" in page


def test_compare_side_by_side_and_inline(client, two_versions):
    side = client.get("/guidelines/bone-care/compare?from=1.0&to=1.1").get_data(as_text=True)
    assert "<del>" in side and "<ins>" in side and "12 months" in side
    inline = client.get("/guidelines/bone-care/compare?from=1.0&to=1.1&view=inline")
    assert inline.status_code == 200 and "<ins>" in inline.get_data(as_text=True)


def test_version_markdown_download_is_exact(client, two_versions):
    response = client.get("/guidelines/bone-care/versions/1.0/markdown")
    assert response.get_data(as_text=True) == OLD
    assert response.mimetype == "text/markdown"


def test_unknown_version_page_is_404(client, two_versions):
    assert client.get("/guidelines/bone-care/versions/7").status_code == 404


def upload(client, data: bytes, filename: str = "guide.md", **fields):
    form = {"file": (io.BytesIO(data), filename), **fields}
    return client.post("/import", data=form, content_type="multipart/form-data")


def test_anonymous_user_is_sent_to_login_for_import(client):
    response = client.get("/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert upload(client, b"# X\n").status_code == 302


def test_reader_cannot_import(client, auth, make_user):
    reader = make_user(role="reader")
    auth.login(reader.email)
    assert client.get("/import").status_code == 403
    assert upload(client, b"# X\n").status_code == 403


def test_author_imports_through_the_form(client, auth, make_user):
    author = make_user(role="author", networks=("bot",))
    auth.login(author.email)
    response = upload(client, b"# Fracture care\n\ntext\n", "fracture-care.md", ern="BOND")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/guidelines/fracture-care/versions/1")
    page = client.get("/guidelines/fracture-care").get_data(as_text=True)
    assert "Fracture care" in page and author.email in page


def test_upload_of_invalid_utf8_says_why_and_imports_nothing(client, auth, make_user):
    auth.login(make_user(role="author").email)
    response = upload(client, b"# Caf\xe9\n", "cafe.md")
    assert response.status_code == 422
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert client.get("/guidelines/cafe").status_code == 404


def test_empty_upload_is_refused(client, auth, make_user):
    auth.login(make_user(role="admin").email)
    response = upload(client, b"", "empty.md")
    assert response.status_code == 422


def test_oversized_upload_says_the_limit(client, auth, make_user, app, monkeypatch):
    # A small limit keeps the request in memory (werkzeug's test client leaks large bodies).
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 2000)
    auth.login(make_user(role="author").email)
    limit = app.config["MAX_UPLOAD_BYTES"]
    response = upload(client, b"# Big\n" + b"x" * limit, "huge.md")
    assert response.status_code == 422
    assert f"{limit:,}" in response.get_data(as_text=True)


def test_script_in_a_guideline_is_shown_as_text(client, import_text):
    import_text("# T\n\n<script>alert(1)</script>\n", slug="xss", label="1")
    page = client.get("/guidelines/xss/versions/1").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_pages_send_a_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
