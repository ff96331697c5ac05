"""Every form of the web interface answers hostile input with a page, never with a 500.

Each POST route of the site (the JSON API has its own checks: tests/api/test_schemathesis.py)
gets the same set of bad bodies as an administrator, who passes every permission check, so the
input reaches the form and the operation behind it: nothing, absurd values in every field name
the forms know, bytes that are not UTF-8, empty and non-UTF-8 files, and ids that do not exist.
The test fails on a route it does not know how to address, so a new form cannot be left out.
"""

import io

import pytest
from flask import current_app
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from guidelines.adaptation.operations import justify, save_revision
from guidelines.extensions import db
from guidelines.review import workflow
from tests.adaptation.conftest import V1, adaptation, author, guideline_versions  # noqa: F401

HOSTILE_VALUES = (
    "",
    "\x00",
    " ",
    "-1",
    "99999999999999999999999",
    "1e309",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\u202e\ufeffé" * 20,
    "x" * 70_000,
)
NOT_UTF8 = b"\xff\xfe\xc3\x28 \xed\xa0\x80"


def form_field_names() -> set[str]:
    """Return the name of every field of every form of the application."""
    names = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("guidelines."):
            names.update(
                name for name, value in vars(form).items() if isinstance(value, UnboundField)
            )
    return names


@pytest.fixture
def world(client, auth, adaptation, author, make_user):  # noqa: F811
    """Return URL values for every kind of parameter, with a submitted revision and a token."""
    local = V1.replace("every 2 years", "every 3 years")
    save_revision(adaptation, parent_number=1, markdown=local, message="", user=author)
    justify(adaptation, "R1", "adapted", "RIZIV rule.", author)
    submission = workflow.submit(adaptation, author)
    db.session.commit()
    admin = make_user(role="admin", networks=("bot",))
    auth.login(admin.email)
    client.post("/account/tokens", data={"name": "mine"})
    from guidelines.accounts.tokens import ApiToken

    token = db.session.query(ApiToken).filter_by(user_id=admin.id).one()
    return {
        "slug": "bone-care",
        "label": "1.0",
        "language": "nl",
        "adaptation_id": adaptation.id,
        "revision_id": submission.revision_id,
        "key": "R1",
        "token_id": token.id,
    }


def post_routes() -> list:
    """Return the site's POST routes, the two that log out last (they end the session)."""
    return sorted(
        (
            rule
            for rule in current_app.url_map.iter_rules()
            if "POST" in (rule.methods or ()) and not rule.endpoint.startswith("api.")
        ),
        key=lambda rule: ("logout" in rule.endpoint, rule.rule),
    )


def hostile_bodies(field_names: set[str]):
    """Yield (description, keyword arguments of client.post) for each bad body."""
    yield "nothing", {}
    for value in HOSTILE_VALUES:
        yield f"every field = {value[:12]!r}", {"data": dict.fromkeys(field_names, value)}
    yield (
        "not UTF-8",
        {
            "data": b"email=" + NOT_UTF8 + b"&markdown=" + NOT_UTF8 + b"&target=" + NOT_UTF8,
            "content_type": "application/x-www-form-urlencoded",
        },
    )
    for name, content in (("empty.md", b""), ("latin1.po", NOT_UTF8), ("nul.md", b"\x00" * 64)):
        yield (
            f"file {name}",
            {
                "data": {"file": (io.BytesIO(content), name), "slug": "x", "label": "1"},
                "content_type": "multipart/form-data",
            },
        )


def test_every_form_answers_hostile_input_without_a_server_error(client, world):
    fields = form_field_names()
    assert {"markdown", "justification", "target", "file", "email"} <= fields
    for rule in post_routes():
        missing = set(rule.arguments) - set(world)
        assert not missing, f"{rule.rule}: add a value for {missing} to the world fixture"
        urls = [rule.build(world)[1]]
        if rule.arguments:
            unknown = {name: 987654 if name.endswith("_id") else "no-such" for name in world}
            urls.append(rule.build(unknown)[1])
        for url in urls:
            for description, body in hostile_bodies(fields):
                response = client.post(url, headers={"Accept-Language": "en"}, **body)
                assert response.status_code < 500, (url, description)
