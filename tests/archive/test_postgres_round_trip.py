"""Exported from SQLite and imported into PostgreSQL, the data answers every API read the same.

The test enumerates the GET routes of the ``api`` blueprint from the URL map, fills their
parameters from the data, and compares status, type and body of both apps, as the same
administrator logged in on each (the archive is made with secrets so the password works).
"""

from sqlalchemy import select

from guidelines.adaptation.models import Adaptation
from guidelines.demo.loader import DEMO_PASSWORD
from guidelines.extensions import db
from guidelines.library.models import Guideline
from guidelines.portal.models import Publication
from guidelines.translation.models import Translation
from tests.archive.conftest import ADMIN, run

SEARCHES = ("dose", "Marfan", "enzyme replacement therapy", "aorta", "expertisecentrum")


def parameter_values() -> dict[str, list[dict]]:
    """Return, per URL parameter set, every combination the data offers."""
    guidelines = db.session.scalars(select(Guideline).order_by(Guideline.id)).all()
    versions = [{"slug": g.slug, "label": v.label} for g in guidelines for v in g.versions]
    translations = [
        {
            "slug": t.source_version.guideline.slug,
            "label": t.source_version.label,
            "language": t.language,
        }
        for t in db.session.scalars(select(Translation).order_by(Translation.id))
    ]
    return {
        "": [{}],
        "slug": [{"slug": g.slug} for g in guidelines],
        "label,slug": versions,
        "label,language,slug": translations,
        "adaptation_id": [{"adaptation_id": i} for i in db.session.scalars(select(Adaptation.id))],
        "publication_id": [
            {"publication_id": i} for i in db.session.scalars(select(Publication.id))
        ],
    }


def query_strings(endpoint: str) -> list[str]:
    """Return the query strings worth asking an endpoint for."""
    if endpoint == "api.search_sections":
        return [f"q={q}&lang={lang}" for q in SEARCHES for lang in ("en", "nl")]
    if endpoint == "api.guidelines":
        return ["", "network=bot", "ern=VASCERN", "orpha=ORPHA:355"]
    if endpoint == "api.publications":
        return ["", "network=multisysteem-vasculair-en-hart"]
    return [""]


def api_urls(app) -> list[str]:
    """Return a URL for every GET route of the API and every value the data gives it."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        values = parameter_values()
        diffs = {
            g.slug: [
                f"from={a.label}&to={b.label}"
                for a, b in zip(g.versions, g.versions[1:], strict=False)
            ]
            for g in db.session.scalars(select(Guideline))
        }
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("api.") or "GET" not in rule.methods:
                continue
            parameters = ",".join(sorted(rule.arguments))
            assert parameters in values, f"teach this test the parameters of {rule.rule}"
            assert values[parameters], f"the data gives no values for {rule.rule}"
            for arguments in values[parameters]:
                queries = query_strings(rule.endpoint)
                if rule.endpoint == "api.diff":
                    queries = queries + diffs[arguments["slug"]]
                base = url_for(rule.endpoint, **arguments)
                urls += [f"{base}?{query}" if query else base for query in queries]
    return urls


def differences(expected, actual, path: str = "") -> list[str]:
    """Return the paths where two JSON values differ, with both values (the first ten)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = sorted(expected.keys() | actual.keys())
        found = [
            d for k in keys for d in differences(expected.get(k), actual.get(k), f"{path}.{k}")
        ]
    elif isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        found = [f"{path}: length {len(expected)} != {len(actual)}"] * (
            len(expected) != len(actual)
        )
        pairs = zip(expected, actual, strict=False)
        found += [d for i, (e, a) in enumerate(pairs) for d in differences(e, a, f"{path}[{i}]")]
    else:
        found = [] if expected == actual else [f"{path}: {expected!r:.200} != {actual!r:.200}"]
    return found[:10]


def answers(app, urls: list[str], email: str | None) -> dict[str, tuple]:
    """Return status, type and body of every URL, asked as ``email`` (None: anonymous)."""
    client = app.test_client()
    if email is not None:
        login = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert login.status_code == 302
    result = {}
    for url in urls:
        response = client.get(url, headers={"Accept-Language": "en"})
        body = response.get_json() if response.is_json else response.get_data(as_text=True)
        result[url] = (response.status_code, response.mimetype, body)
    return result


def test_postgres_answers_every_api_read_like_sqlite(source_app, empty_postgres_app, tmp_path):
    path = tmp_path / "archive.zip"
    exported = run(source_app, "archive", "export", "--with-secrets", str(path))
    assert exported.exit_code == 0, exported.output
    imported = run(empty_postgres_app, "archive", "import", str(path))
    assert imported.exit_code == 0, imported.output

    urls = api_urls(source_app)
    for email in (ADMIN, "reader@example.org", None):
        expected = answers(source_app, urls, email)
        actual = answers(empty_postgres_app, urls, email)
        assert sum(status == 200 for status, _type, _body in expected.values()) > len(urls) // 2
        for url in urls:
            assert actual[url] == expected[url], (url, differences(expected[url], actual[url]))


def test_new_rows_on_postgres_get_fresh_ids(source_app, empty_postgres_app, tmp_path):
    from guidelines.accounts.operations import create_user
    from guidelines.review.models import AuditEvent

    path = tmp_path / "archive.zip"
    run(source_app, "archive", "export", str(path))
    run(empty_postgres_app, "archive", "import", str(path))
    with empty_postgres_app.app_context():
        highest = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
        user = create_user("new@example.org", "a long enough password")
        db.session.commit()
        assert user.id > 7
        assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) > highest


def test_an_export_from_postgres_equals_the_one_from_sqlite(
    source_app, empty_postgres_app, tmp_path
):
    from tests.archive.test_sqlite_round_trip import members

    first, second = tmp_path / "sqlite.zip", tmp_path / "postgres.zip"
    run(source_app, "archive", "export", "--with-secrets", str(first))
    assert run(empty_postgres_app, "archive", "import", str(first)).exit_code == 0
    exported = run(empty_postgres_app, "archive", "export", "--with-secrets", str(second))
    assert exported.exit_code == 0, exported.output
    before, after = members(first), members(second)
    assert before.keys() == after.keys()
    for name in sorted(before.keys() - {"manifest.json", "tables/audit_events.json"}):
        assert before[name] == after[name], name
