"""The permission matrix: every route and API endpoint × every role, with the expected status.

Each row of ``MATRIX`` is one (rule, method) of ``app.url_map``: the URL to call in the world
built below, the request body, and the status expected for each role, in the column order of
``ROLES``. A route added without a row (or a row left behind by a removed route) fails
``test_every_route_has_a_row`` / ``test_every_row_has_a_route``.

Web pages are called with a session cookie (the role logs in through ``/login``); API routes
with ``Authorization: Bearer <token>``. Anonymous calls carry neither.

The world is built once per module in a transaction that is rolled back at the end; each test
runs inside a savepoint of it that is rolled back afterwards, so writes do not leak.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from guidelines.accounts.operations import create_user
from guidelines.accounts.tokens import create_token
from guidelines.adaptation.operations import current_state, justify, save_revision, start_adaptation
from guidelines.extensions import db
from guidelines.library.operations import ImportRequest, import_version
from guidelines.review import workflow
from guidelines.review.notifications import Notification
from guidelines.translation import exchange, memory
from guidelines.translation.operations import start_translation
from tests.adaptation.conftest import V1, V2
from tests.conftest import PASSWORD, ConnectionBoundSession, FreshContextClient

# anonymous, reader (no network), author of bot, author of another network, translator (no
# network), reviewer of bot, admin (no network).
ROLES = ("anonymous", "reader", "author", "other_author", "translator", "reviewer", "admin")

# Shorthands for the request bodies below; ``w`` is the world (see ``world``).
R2_CHANGED = V1.replace("Offer bisphosphonates", "Offer oral bisphosphonates")
NEW_GUIDELINE = b"# Imported for the permission matrix\n\nSome text.\n"


def form(**fields) -> Callable[[dict], dict]:
    return lambda w: {"data": {k: v.format(**w) for k, v in fields.items()}}


def api_json(**fields) -> Callable[[dict], dict]:
    return lambda w: {"json": {k: v(w) if callable(v) else v for k, v in fields.items()}}


def po_upload(w: dict) -> dict:
    return {"data": {"file": (io.BytesIO(w["po"]), "nl.po")}, "content_type": "multipart/form-data"}


def import_upload(w: dict) -> dict:
    return {
        "data": {
            "file": (io.BytesIO(NEW_GUIDELINE), "matrix.md"),
            "slug": "permission-matrix",
            "label": "1",
        },
        "content_type": "multipart/form-data",
    }


def po_body(w: dict) -> dict:
    return {"data": w["po"], "content_type": "text/x-gettext-translation"}


ADAPTATION = "/adaptations/{adaptation}"
VERSION = "/guidelines/bone-care/versions/2.0"
TRANSLATION = VERSION + "/translations/nl"
API_TRANSLATION = "/api/v1" + TRANSLATION

# (rule, method, url, body, expected statuses in the order of ROLES)
#                                                      anon reader author other transl review admin
MATRIX = [
    # --- library (public) ---
    ("/", "GET", "/", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/erns", "GET", "/erns", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/networks", "GET", "/networks", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/networks/<code>", "GET", "/networks/bot", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/diseases", "GET", "/diseases", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/diseases/<code>", "GET", "/diseases/ORPHA:166", None, (200,) * 7),
    ("/guidelines", "GET", "/guidelines", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/guidelines/<slug>", "GET", "/guidelines/bone-care", None, (200,) * 7),
    ("/guidelines/<slug>/compare", "GET", "/guidelines/bone-care/compare", None, (200,) * 7),
    ("/guidelines/<slug>/impact", "GET", "/guidelines/bone-care/impact", None, (200,) * 7),
    ("/guidelines/<slug>/versions/<label>", "GET", VERSION, None, (200,) * 7),
    (
        "/guidelines/<slug>/versions/<label>/markdown",
        "GET",
        VERSION + "/markdown",
        None,
        (200,) * 7,
    ),
    # --- import: authors (of any network) and admins ---
    ("/import", "GET", "/import", None, (302, 403, 200, 200, 403, 403, 200)),
    ("/import", "POST", "/import", import_upload, (302, 403, 302, 302, 403, 403, 302)),
    # --- accounts ---
    ("/login", "GET", "/login", None, (200, 200, 200, 200, 200, 200, 200)),
    ("/login", "POST", "/login", form(email="nobody@example.org", password="wrong"), (200,) * 7),
    ("/logout", "POST", "/logout", None, (302, 302, 302, 302, 302, 302, 302)),
    ("/account/logout-everywhere", "POST", "/account/logout-everywhere", None, (302,) * 7),
    ("/account/tokens", "GET", "/account/tokens", None, (302, 200, 200, 200, 200, 200, 200)),
    ("/account/tokens", "POST", "/account/tokens", form(name="script"), (302,) + (200,) * 6),
    # The token belongs to the author: everyone else is told it does not exist.
    (
        "/account/tokens/<int:token_id>/revoke",
        "POST",
        "/account/tokens/{author_token_id}/revoke",
        None,
        (302, 404, 302, 404, 404, 404, 404),
    ),
    # --- adaptations: drafts for the network's members (and admins); writes for its authors ---
    ("/adaptations", "GET", "/adaptations", None, (200, 200, 200, 200, 200, 200, 200)),
    (
        "/adaptations/<int:adaptation_id>",
        "GET",
        ADAPTATION,
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/decisions",
        "GET",
        ADAPTATION + "/decisions",
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/decisions.csv",
        "GET",
        ADAPTATION + "/decisions.csv",
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/decisions/<path:key>",
        "POST",
        ADAPTATION + "/decisions/R2",
        form(justification="The RIZIV reimburses only the oral form."),
        (302, 404, 302, 404, 404, 403, 302),
    ),
    (
        "/adaptations/<int:adaptation_id>/diff",
        "GET",
        ADAPTATION + "/diff",
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/edit",
        "GET",
        ADAPTATION + "/edit",
        None,
        (302, 404, 200, 404, 404, 403, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/edit",
        "POST",
        ADAPTATION + "/edit",
        lambda w: {"data": {"parent_revision": w["current_number"], "markdown": w["edited"]}},
        (302, 404, 302, 404, 404, 403, 302),
    ),
    (
        "/adaptations/<int:adaptation_id>/rebase",
        "GET",
        ADAPTATION + "/rebase?to=2.0",
        None,
        (302, 404, 200, 404, 404, 403, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/rebase",
        "POST",
        ADAPTATION + "/rebase?to=2.0",
        form(parent_revision="{current_number}"),
        (302, 404, 200, 404, 404, 403, 200),
    ),
    (
        "/adaptations/<int:adaptation_id>/review",
        "GET",
        ADAPTATION + "/review",
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    # The current revision is in review already: the author and admin get a flash and a redirect.
    (
        "/adaptations/<int:adaptation_id>/submit",
        "POST",
        ADAPTATION + "/submit",
        None,
        (302, 404, 302, 404, 404, 403, 302),
    ),
    (
        "/adaptations/preview",
        "POST",
        "/adaptations/preview",
        form(markdown="# Hi"),
        (302,) + (200,) * 6,
    ),
    (
        "/guidelines/<slug>/adapt",
        "GET",
        "/guidelines/bone-care/adapt",
        None,
        (302, 403, 200, 200, 403, 403, 200),
    ),
    (
        "/guidelines/<slug>/adapt",
        "POST",
        "/guidelines/bone-care/adapt",
        form(network="bot", version="2.0", locale="nl-BE"),
        (302, 403, 302, 200, 403, 403, 302),
    ),
    # --- review workflow (the in-review revision) ---
    (
        "/revisions/<int:revision_id>/comments",
        "POST",
        "/revisions/{in_review}/comments",
        form(text="Cite the RIZIV rule."),
        (302, 404, 302, 404, 404, 302, 302),
    ),
    (
        "/revisions/<int:revision_id>/exception",
        "POST",
        "/revisions/{in_review}/exception",
        form(reason="The only other reviewer is on leave this month."),
        (302, 404, 403, 404, 404, 403, 302),
    ),
    (
        "/revisions/<int:revision_id>/review",
        "POST",
        "/revisions/{in_review}/review",
        form(decision="approve", comment="Clear."),
        (302, 404, 403, 404, 404, 302, 302),
    ),
    # Not approved yet: reviewers and admins get a flash and a redirect, authors a refusal.
    (
        "/revisions/<int:revision_id>/publish",
        "POST",
        "/revisions/{in_review}/publish",
        None,
        (302, 404, 403, 404, 404, 302, 302),
    ),
    ("/inbox", "GET", "/inbox", None, (302, 200, 200, 200, 200, 200, 200)),
    ("/inbox/read", "POST", "/inbox/read", None, (302, 302, 302, 302, 302, 302, 302)),
    ("/admin/audit", "GET", "/admin/audit", None, (302, 403, 403, 403, 403, 403, 200)),
    ("/admin/audit.csv", "GET", "/admin/audit.csv", None, (302, 403, 403, 403, 403, 403, 200)),
    # --- translations: readable by all; written by translators, authors, reviewers, admins ---
    (
        "/guidelines/<slug>/versions/<label>/translations",
        "GET",
        VERSION + "/translations",
        None,
        (200,) * 7,
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations",
        "POST",
        VERSION + "/translations",
        form(language="de"),
        (403, 403, 302, 302, 302, 302, 302),
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>",
        "GET",
        TRANSLATION,
        None,
        (200,) * 7,
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>/document",
        "GET",
        TRANSLATION + "/document",
        None,
        (200,) * 7,
    ),
    # Incomplete: those who may freeze get a flash and a redirect.
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>/freeze",
        "POST",
        TRANSLATION + "/freeze",
        None,
        (302, 403, 403, 403, 302, 302, 302),
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>/po",
        "GET",
        TRANSLATION + "/po",
        None,
        (200,) * 7,
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>/po",
        "POST",
        TRANSLATION + "/po",
        po_upload,
        (302, 403, 200, 200, 200, 200, 200),
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>/segments/<path:key>",
        "GET",
        TRANSLATION + "/segments/{segment}",
        None,
        (200,) * 7,
    ),
    (
        "/guidelines/<slug>/versions/<label>/translations/<language>/segments/<path:key>",
        "POST",
        TRANSLATION + "/segments/{segment}",
        form(target="{segment_target}", status="translated"),
        (403, 403, 302, 302, 302, 302, 302),
    ),
    # --- search (everyone; what each role finds is tested in tests/search) ---
    ("/search", "GET", "/search?q=bone", None, (200,) * 7),
    ("/portal/search", "GET", "/portal/search?q=bone", None, (200,) * 7),
    ("/api/v1/search", "GET", "/api/v1/search?q=bone&lang=en", None, (200,) * 7),
    # --- API description (everyone) ---
    ("/api/v1/openapi.json", "GET", "/api/v1/openapi.json", None, (200,) * 7),
    ("/api/docs", "GET", "/api/docs", None, (200,) * 7),
    # --- portal (public) ---
    ("/portal", "GET", "/portal", None, (200,) * 7),
    ("/portal/erns/<code>", "GET", "/portal/erns/BOND", None, (200,) * 7),
    ("/portal/networks/<code>", "GET", "/portal/networks/bot", None, (200,) * 7),
    (
        "/portal/publications/<int:publication_id>",
        "GET",
        "/portal/publications/{publication}",
        None,
        (200,) * 7,
    ),
    (
        "/portal/publications/<int:publication_id>.html",
        "GET",
        "/portal/publications/{publication}.html",
        None,
        (200,) * 7,
    ),
    (
        "/portal/publications/<int:publication_id>.md",
        "GET",
        "/portal/publications/{publication}.md",
        None,
        (200,) * 7,
    ),
    # --- API: read-only library and publications (public) ---
    ("/api/v1/guidelines", "GET", "/api/v1/guidelines", None, (200,) * 7),
    ("/api/v1/guidelines/<slug>", "GET", "/api/v1/guidelines/bone-care", None, (200,) * 7),
    (
        "/api/v1/guidelines/<slug>/diff",
        "GET",
        "/api/v1/guidelines/bone-care/diff?from=1.0&to=2.0",
        None,
        (200,) * 7,
    ),
    ("/api/v1/guidelines/<slug>/versions/<label>", "GET", "/api/v1" + VERSION, None, (200,) * 7),
    ("/api/v1/publications", "GET", "/api/v1/publications", None, (200,) * 7),
    (
        "/api/v1/publications/<int:publication_id>",
        "GET",
        "/api/v1/publications/{publication}",
        None,
        (200,) * 7,
    ),
    # --- API: adaptations ---
    (
        "/api/v1/adaptations",
        "POST",
        "/api/v1/adaptations",
        api_json(guideline="bone-care", network="bot", base_version="2.0"),
        (401, 403, 201, 403, 403, 403, 201),
    ),
    (
        "/api/v1/adaptations/<int:adaptation_id>",
        "GET",
        "/api/v1" + ADAPTATION,
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    (
        "/api/v1/adaptations/<int:adaptation_id>/decisions",
        "GET",
        "/api/v1" + ADAPTATION + "/decisions",
        None,
        (404, 404, 200, 404, 404, 200, 200),
    ),
    (
        "/api/v1/adaptations/<int:adaptation_id>/decisions/<path:key>",
        "PUT",
        "/api/v1" + ADAPTATION + "/decisions/R2",
        api_json(justification="The RIZIV reimburses only the oral form."),
        (401, 404, 200, 404, 404, 403, 200),
    ),
    (
        "/api/v1/adaptations/<int:adaptation_id>/rebase",
        "POST",
        "/api/v1" + ADAPTATION + "/rebase",
        api_json(base_version="2.0"),
        (401, 404, 200, 404, 404, 403, 200),
    ),
    # The current revision is in review already: 400 for those let through.
    (
        "/api/v1/adaptations/<int:adaptation_id>/submit",
        "POST",
        "/api/v1" + ADAPTATION + "/submit",
        None,
        (401, 404, 400, 404, 404, 403, 400),
    ),
    (
        "/api/v1/adaptations/<int:adaptation_id>/text",
        "PUT",
        "/api/v1" + ADAPTATION + "/text",
        api_json(
            parent_revision=lambda w: w["current_revision_id"], markdown=lambda w: w["edited"]
        ),
        (401, 404, 201, 404, 404, 403, 201),
    ),
    # --- API: review ---
    (
        "/api/v1/revisions/<int:revision_id>/review",
        "POST",
        "/api/v1/revisions/{in_review}/review",
        api_json(decision="approve", comment="Clear."),
        (401, 404, 403, 404, 404, 200, 200),
    ),
    (
        "/api/v1/revisions/<int:revision_id>/publish",
        "POST",
        "/api/v1/revisions/{in_review}/publish",
        None,
        (401, 404, 403, 404, 404, 400, 400),
    ),
    # --- API: translations ---
    (
        "/api/v1/guidelines/<slug>/versions/<label>/translations/<language>",
        "GET",
        API_TRANSLATION,
        None,
        (200,) * 7,
    ),
    (
        "/api/v1/guidelines/<slug>/versions/<label>/translations/<language>/freeze",
        "POST",
        API_TRANSLATION + "/freeze",
        None,
        (401, 403, 403, 403, 400, 400, 400),
    ),
    (
        "/api/v1/guidelines/<slug>/versions/<label>/translations/<language>/po",
        "GET",
        API_TRANSLATION + "/po",
        None,
        (200,) * 7,
    ),
    (
        "/api/v1/guidelines/<slug>/versions/<label>/translations/<language>/po",
        "POST",
        API_TRANSLATION + "/po",
        po_body,
        (401, 403, 200, 200, 200, 200, 200),
    ),
    (
        "/api/v1/guidelines/<slug>/versions/<label>/translations/<language>/segments/<path:key>",
        "PUT",
        API_TRANSLATION + "/segments/{segment}",
        api_json(target=lambda w: w["segment_target"], status="translated"),
        (401, 403, 200, 200, 200, 200, 200),
    ),
]


@dataclass(frozen=True)
class Row:
    rule: str
    method: str
    url: str
    body: Callable[[dict], dict] | None
    expected: dict[str, int]


ROWS = {}
for _rule, _method, _url, _body, _statuses in MATRIX:
    assert len(_statuses) == len(ROLES), f"{_method} {_rule}: {len(_statuses)} statuses"
    assert (_rule, _method) not in ROWS, f"{_method} {_rule} has two rows"
    _expected = dict(zip(ROLES, _statuses, strict=True))
    ROWS[(_rule, _method)] = Row(_rule, _method, _url, _body, _expected)


def routes(app) -> set[tuple[str, str]]:
    """Return every (rule, method) the app answers, HEAD and OPTIONS aside."""
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_row(app):
    missing = sorted(routes(app) - set(ROWS))
    assert not missing, "Routes without a row in the permission matrix:\n" + "\n".join(
        f"  {method} {rule}" for rule, method in missing
    )


def test_every_row_has_a_route(app):
    stale = sorted(set(ROWS) - routes(app))
    assert not stale, (
        "Rows of the permission matrix for routes that no longer exist:\n"
        + "\n".join(f"  {method} {rule}" for rule, method in stale)
    )


# --- the world ---


def build_world() -> dict:
    """Build the guideline, adaptation, publication, translation, users and tokens; return ids."""
    users = {
        "reader": create_user("reader@example.org", PASSWORD, role="reader"),
        "author": create_user("author@example.org", PASSWORD, role="author", networks=("bot",)),
        "other_author": create_user(
            "other@example.org", PASSWORD, role="author", networks=("metabole-aandoeningen",)
        ),
        "translator": create_user("translator@example.org", PASSWORD, role="translator"),
        "reviewer": create_user(
            "reviewer@example.org", PASSWORD, role="reviewer", networks=("bot",)
        ),
        "admin": create_user("admin@example.org", PASSWORD, role="admin"),
    }
    db.session.commit()
    first = import_version(V1, ImportRequest(slug="bone-care", label="1.0", ern="BOND")).version
    second = import_version(V2, ImportRequest(slug="bone-care", label="2.0")).version
    db.session.commit()
    author, reviewer = users["author"], users["reviewer"]
    network = next(n for n in author.networks if n.code == "bot")
    adaptation = start_adaptation(first.guideline, network, user=author, version=first)
    db.session.commit()

    def adapt(text: str, key: str):
        save_revision(
            adaptation,
            parent_number=adaptation.current_revision.number,
            markdown=text,
            message="local",
            user=author,
        )
        justify(adaptation, key, "adapted", "The RIZIV reimburses it this way.", author)
        db.session.commit()
        return adaptation.current_revision

    # Revision 2 is approved and published; revision 3 is in review.
    published = adapt(V1.replace("2 years", "3 years"), "R1")
    workflow.submit(adaptation, author)
    workflow.review(published, "approve", "Clear.", reviewer)
    publication = workflow.publish(published, reviewer)
    db.session.commit()
    in_review = adapt(R2_CHANGED.replace("2 years", "3 years"), "R2")
    workflow.submit(adaptation, author)
    db.session.commit()

    translation = start_translation(second, "nl")
    db.session.commit()
    segment = translation.segments[0]
    created = {role: create_token(user, "matrix") for role, user in users.items()}
    tokens = {role: secret for role, (_token, secret) in created.items()}
    author_token_id = created["author"][0].id
    db.session.commit()
    assert db.session.scalar(select(Notification.id).limit(1)) is not None
    state = current_state(adaptation)
    return {
        "emails": {role: user.email for role, user in users.items()},
        "tokens": tokens,
        "author_token_id": author_token_id,
        "adaptation": adaptation.id,
        "in_review": in_review.id,
        "current_number": str(state.revision.number),
        "current_revision_id": state.revision.id,
        "edited": state.text.replace("Refer to", "Always refer to"),
        "publication": publication.id,
        "segment": segment.key,
        "segment_target": f"NL {segment.source}",
        "po": exchange.export_translation_po(translation),
    }


@pytest.fixture(scope="module")
def world_connection(app):
    """Build the world once, in a transaction rolled back when the module is done."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": ConnectionBoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        memory.forget_indexes()
        try:
            world = build_world()
            db.session.remove()
            world["cookies"] = log_in_everyone(app, world)
            yield connection, world
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
            memory.forget_indexes()


@pytest.fixture
def world(world_connection):
    """Return the world; whatever the test writes is rolled back afterwards."""
    connection, world = world_connection
    savepoint = connection.begin_nested()
    try:
        yield world
    finally:
        db.session.remove()
        if savepoint.is_active:
            savepoint.rollback()
        memory.forget_indexes()


def new_client(app):
    app.test_client_class = FreshContextClient
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in_everyone(app, world: dict) -> dict[str, str]:
    """Log each role in through the login form once; return its session cookie."""
    cookies = {}
    for role, email in world["emails"].items():
        client = new_client(app)
        login = client.post("/login", data={"email": email, "password": PASSWORD})
        assert login.status_code == 302, f"{role} could not log in"
        cookies[role] = client.get_cookie("session").value
    return cookies


def call(app, world: dict, row: Row, role: str):
    """Make the row's request as ``role``; return the response."""
    client = new_client(app)
    headers = {}
    if role != "anonymous":
        if row.rule.startswith("/api/"):
            headers["Authorization"] = f"Bearer {world['tokens'][role]}"
        else:
            # A fresh client with the role's session cookie: a logout in one test cannot end
            # the session of the next.
            client.set_cookie("session", world["cookies"][role])
    fields = {k: v for k, v in world.items() if isinstance(v, (str, int))}
    url = row.url.format(**fields)
    kwargs = row.body(world) if row.body else {}
    return client.open(url, method=row.method, headers=headers, **kwargs)


@pytest.mark.parametrize(
    ("row", "role"),
    [
        pytest.param(row, role, id=f"{row.method} {row.rule} [{role}]")
        for row in ROWS.values()
        for role in ROLES
    ],
)
def test_permission(app, world, row: Row, role: str):
    response = call(app, world, row, role)
    expected = row.expected[role]
    location = response.headers.get("Location", "")
    assert response.status_code == expected, (
        f"{row.method} {row.url} as {role}: {response.status_code}, expected {expected}"
        + (f" (to {location})" if location else "")
    )
    if expected == 302 and row.rule != "/login":
        # Anonymous users are sent to log in; anyone else who gets a redirect was let through
        # (and, at most, told by a flash why nothing changed).
        sent_to_login = urlsplit(location).path == "/login"
        assert sent_to_login == (role == "anonymous"), f"{role} is sent to {location}"


NOT_MEMBERS = ("anonymous", "reader", "other_author", "translator")


@pytest.mark.parametrize("role", NOT_MEMBERS)
def test_no_page_links_the_draft_for_those_who_may_not_see_it(app, world, role: str):
    draft = re.compile(rf"/adaptations/{world['adaptation']}\b")
    leaks = []
    for row in ROWS.values():
        if row.method == "GET" and row.expected[role] == 200:
            response = call(app, world, row, role)
            if draft.search(response.get_data(as_text=True)):
                leaks.append(row.url)
    assert not leaks, f"{role} sees links to the draft adaptation on: {leaks}"
