"""The read-only library API: shapes, errors in JSON, and patches that reproduce versions."""

from guidelines.text import apply_patch, sha256_text
from tests.conftest import corpus_path

OLD = """# Care

## Treatment

::: recommendation R1 strength=conditional certainty=low direction=for
Give 5 mg daily.
:::

::: recommendation R2 strength=strong certainty=high direction=for
Refer to a centre.
:::
"""
NEW = OLD.replace("5 mg", "10 mg").replace("conditional certainty=low", "strong certainty=low")


def test_guideline_list_and_detail(client, import_text):
    import_text(OLD, slug="care", label="1.0", ern="BOND")
    import_text(NEW, slug="care", label="2.0")
    listing = client.get("/api/v1/guidelines").get_json()
    assert [g["slug"] for g in listing["guidelines"]] == ["care"]
    detail = client.get("/api/v1/guidelines/care").get_json()
    assert detail["ern"] == "BOND"
    assert [(v["label"], v["sha256"]) for v in detail["versions"]] == [
        ("1.0", sha256_text(OLD)),
        ("2.0", sha256_text(NEW)),
    ]
    assert set(detail["versions"][0]) >= {"label", "sha256", "published"}


def test_version_has_markdown_html_and_recommendations(client, import_text):
    import_text(OLD, slug="care", label="1.0")
    body = client.get("/api/v1/guidelines/care/versions/1.0").get_json()
    assert body["markdown"] == OLD and body["sha256"] == sha256_text(OLD)
    assert "recommendation" in body["html"]
    assert [
        (r["key"], r["strength"], r["certainty"], r["direction"]) for r in body["recommendations"]
    ] == [
        ("R1", "conditional", "low", "for"),
        ("R2", "strong", "high", "for"),
    ]


def test_diff_lists_units_with_flags_and_a_patch(client, import_text):
    import_text(OLD, slug="care", label="1.0")
    import_text(NEW, slug="care", label="2.0")
    body = client.get("/api/v1/guidelines/care/diff?from=1.0&to=2.0").get_json()
    units = {u["key"]: u for u in body["units"]}
    assert units["R1"]["change"] == "changed"
    assert {"numbers", "strength"} <= set(units["R1"]["flags"])
    assert units["R2"] == {**units["R2"], "change": "unchanged", "flags": []}
    assert apply_patch(OLD, body["patch"]) == NEW


def test_diff_patch_reproduces_every_consecutive_corpus_version(client, import_text):
    files = sorted(corpus_path("versions", "hl7-cpg-methodology").glob("v*.md"))
    pairs = [(path, path.read_text(encoding="utf-8")) for path in files]
    for path, text in pairs:
        import_text(text, slug="methodology", label=path.stem)
    for (old_path, old), (new_path, new) in zip(pairs, pairs[1:], strict=False):
        url = f"/api/v1/guidelines/methodology/diff?from={old_path.stem}&to={new_path.stem}"
        body = client.get(url).get_json()
        assert sha256_text(apply_patch(old, body["patch"])) == sha256_text(new)


def test_unknown_guideline_is_a_json_404(client):
    response = client.get("/api/v1/guidelines/nope")
    assert response.status_code == 404
    assert response.is_json and "nope" in response.get_json()["message"]


def test_unknown_version_is_a_json_404_naming_the_versions(client, import_text):
    import_text(OLD, slug="care", label="1.0")
    response = client.get("/api/v1/guidelines/care/versions/9")
    assert response.status_code == 404 and "1.0" in response.get_json()["message"]


def test_diff_without_labels_is_a_json_400(client, import_text):
    import_text(OLD, slug="care", label="1.0")
    response = client.get("/api/v1/guidelines/care/diff?from=1.0")
    assert response.status_code == 400
    assert "to" in response.get_json()["message"]


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_malformed_orpha_filter_is_a_json_400(client):
    response = client.get("/api/v1/guidelines?orpha=355")
    assert response.status_code == 400
    assert "ORPHA:355" in response.get_json()["message"]
