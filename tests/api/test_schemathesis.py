"""Schemathesis fuzzes the JSON API of a running app: no answer is a 5xx, and every answer
(status code, content type, body) is the one the OpenAPI document describes.

The app really runs: werkzeug serves it, in a process of its own, on a free local port and a
database of its own filled with the demo data; Schemathesis reads
http://127.0.0.1:PORT/api/v1/openapi.json and sends real HTTP requests. We chose that over
Schemathesis's WSGI integration because the findings must hold for the app as deployed: a
real socket, the app's own commits on its own connections (not the rolled-back transaction
of the other tests), and on PostgreSQL the same database server CI uses. The cost is small:
one process serving, a second or two to start.

Reproducible: a fixed seed, Hypothesis derandomized and without its example database, no
literals mined from elsewhere, a fresh database and a server process of its own per run: the
same code sends the same requests in the same order every time, and gets the same answers.
Run it alone with: pytest tests/api/test_schemathesis.py
"""

import importlib
import json
import os
import pkgutil
import subprocess
import sys

import pytest
import schemathesis
from flask_migrate import upgrade
from schemathesis.engine import events, from_schema
from sqlalchemy import create_engine, make_url, select, text

import guidelines
from guidelines import create_app
from guidelines.accounts.models import User
from guidelines.accounts.tokens import create_token
from guidelines.adaptation.models import Adaptation, Justification, Revision
from guidelines.api.openapi import build_document
from guidelines.demo.loader import load_demo
from guidelines.extensions import db
from guidelines.library.models import Guideline, Network, SourceVersion
from guidelines.portal.models import Publication
from guidelines.translation.models import SegmentTranslation
from tests.conftest import REPO, reset_database

SEED = 20261205
# Per operation and phase; with ~20 operations this keeps a pass near a minute on 2 cores.
MAX_EXAMPLES = 10
STATEFUL_EXAMPLES = 5
FUZZ_DATABASE = "guidelines_schemathesis"
# How often a path or body parameter takes a real value of the demo data rather than a
# generated one: often enough to reach the code behind the 404s, not so often that the
# generated values go untried.
REAL_VALUE_PROBABILITY = 0.7
# Schemathesis's default for positive_data_acceptance.
ACCEPTED_STATUSES = ["2xx", "3xx", 401, 403, 404, 409, 429, "5xx"]


def fuzz_database_url(tmp_path_factory) -> str:
    """Return an empty database for the served app: SQLite, or a PostgreSQL database of its own.

    On PostgreSQL it is not TEST_DATABASE_URL's database: the other tests expect that one to
    hold nothing but the migrations' reference data, and this app commits for real.
    """
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.db'}"
    url = make_url(test_url).set(database=FUZZ_DATABASE)
    server = create_engine(
        make_url(test_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": FUZZ_DATABASE}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{FUZZ_DATABASE}"'))
    server.dispose()
    rendered = url.render_as_string(hide_password=False)
    reset_database(rendered)
    return rendered


def demo_values() -> dict[str, list]:
    """Return real identifiers of the demo data, for the generator to use now and then."""

    def distinct(column, limit: int = 12) -> list:
        return list(db.session.scalars(select(column).distinct().order_by(column).limit(limit)))

    return {
        "slugs": distinct(Guideline.slug),
        "labels": distinct(SourceVersion.label),
        "languages": ["nl", "en", "fr", "de"],
        "networks": distinct(Network.code),
        "adaptations": distinct(Adaptation.id),
        "revisions": distinct(Revision.id),
        "publications": distinct(Publication.id),
        "keys": distinct(Justification.unit_key) + distinct(SegmentTranslation.key, 6),
    }


def import_every_module(package) -> None:
    """Import all of ``package`` before the run.

    Hypothesis draws some strings from the literals of the project's modules loaded so far:
    without this, the requests would depend on what the other tests of the session happened
    to import.
    """
    for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        importlib.import_module(module.name)


# The server's own process: Hypothesis reseeds the `random` module for every example it runs,
# and in one process with it the app would draw the same "random" names (Whoosh's segment
# names, for one) again and again. Warnings are errors there too, as under pytest.
SERVE = """
import json, logging, sys
from werkzeug.serving import make_server
from guidelines import create_app

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
server = make_server("127.0.0.1", 0, create_app(json.loads(sys.argv[1])), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture(scope="module")
def running_api(tmp_path_factory):
    """Serve the app with the demo data on a free local port; yield its URL, token and values."""
    folder = tmp_path_factory.mktemp("schemathesis-app")
    config = {
        "SECRET_KEY": "schemathesis",
        "SQLALCHEMY_DATABASE_URI": fuzz_database_url(tmp_path_factory),
        "SEARCH_INDEX_DIR": str(folder / "search-index"),
    }
    import_every_module(guidelines)
    app = create_app(config)
    with app.app_context():
        upgrade()
        load_demo()
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        _token, secret = create_token(admin, "schemathesis")
        db.session.commit()
        values = demo_values()
        db.session.remove()
        db.engine.dispose()  # from here on, only the server's process uses the database
    log = folder / "server.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-W", "error", "-c", SERVE, json.dumps(config)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        port = int(server.stdout.readline() or 0)
        assert port, f"the app did not start:\n{log.read_text()}"
        yield {"url": f"http://127.0.0.1:{port}", "token": secret, "values": values, "log": log}
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()


def schemathesis_config(values: dict[str, list], token: str) -> schemathesis.Config:
    """Return the run's configuration: fixed seed, real demo values, the checks we want."""

    def real(dictionary: str) -> dict:
        return {"dictionary": dictionary, "probability": REAL_VALUE_PROBABILITY}

    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "dictionaries": {name: {"values": found} for name, found in values.items() if found},
            "parameters": {
                "path.slug": real("slugs"),
                "path.label": real("labels"),
                "path.language": real("languages"),
                "path.adaptation_id": real("adaptations"),
                "path.revision_id": real("revisions"),
                "path.publication_id": real("publications"),
                "path.key": real("keys"),
                "query.network": real("networks"),
                "query.guideline": real("slugs"),
                "query.from": real("labels"),
                "query.to": real("labels"),
                "body.guideline": real("slugs"),
                "body.network": real("networks"),
                "body.base_version": real("labels"),
                "body.parent_revision": real("revisions"),
            },
            "phases": {"stateful": {"generation": {"max-examples": STATEFUL_EXAMPLES}}},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                # Hypothesis derandomized, and without its example database: a failure found
                # once would otherwise be replayed first next time, on this machine only.
                "deterministic": True,
                "database": "none",
            },
            # Reads go out anonymously (Schemathesis also tries bearer tokens of its own
            # making); writes carry an administrator's token, so the write paths really run
            # rather than stop at 401.
            "operations": [
                {
                    "include-method": ["POST", "PUT"],
                    "headers": {"Authorization": f"Bearer {token}"},
                    # A write the schema allows may still be refused by the workflow (submit
                    # twice, publish unapproved, freeze incomplete): that is a 400 with the
                    # reason, which no JSON Schema can foresee. Reads get no such allowance.
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*ACCEPTED_STATUSES, 400],
                        }
                    },
                }
            ],
            # A cache would let one run's findings steer the next: not reproducible.
            "cache": {"enabled": False},
            # Schemathesis would also mine literals from the project's Python source: the
            # requests would change with every unrelated edit, and with the order in which a
            # set of those literals happens to iterate (PYTHONHASHSEED). Not reproducible.
            "analysis": {"constants": {"enabled": False}},
            "workers": 1,
        }
    )


def failure_report(event) -> list[str]:
    """Return what failed in one finished scenario: the check, its message, a curl command."""
    found = []
    for checks in event.recorder.checks.values():
        for check in checks:
            info = check.failure_info
            if info is None:
                continue
            failure = info.failure
            found.append(
                f"{event.recorder.label} [{event.phase.value}] {check.name}: "
                f"{failure.title}\n{failure.message}\n{info.code_sample}"
            )
    return found


def test_api_answers_as_documented(running_api):
    # The engine is what `schemathesis run` drives: every phase (examples, coverage, fuzzing,
    # stateful), the checks and the seed from the configuration. Its pytest integration
    # (schemathesis.pytest.from_fixture) would suit us too, but it breaks on pytest 9.2: it
    # renames the test node through Node._nodeid, which pytest no longer has.
    schema = schemathesis.openapi.from_url(
        f"{running_api['url']}/api/v1/openapi.json",
        config=schemathesis_config(running_api["values"], running_api["token"]),
    )
    problems = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            problems += failure_report(event)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            problems.append(f"Schemathesis could not run: {event!r}")
        elif isinstance(event, events.EngineFinished):
            problems += [f"{failure.title}: {failure.message}" for failure in event.failures]
    if problems:
        log = running_api["log"].read_text(errors="replace")[-20_000:]
        pytest.fail(
            f"{len(problems)} findings:\n\n" + "\n\n".join(problems) + f"\n\nServer log:\n{log}"
        )


# ---- What the fuzzing found, one behaviour a test, so a regression shows without it ------


@pytest.fixture
def bearer(author):
    """Return the headers that carry an author's API token."""
    _token, secret = create_token(author, "regression")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_a_method_the_route_lacks_is_405_with_its_allow_header(client):
    response = client.delete("/api/v1/guidelines")
    assert response.status_code == 405 and response.is_json
    assert "GET" in response.headers["Allow"]


def test_an_id_beyond_any_row_is_404_not_a_server_error(client, bearer):
    response = client.post(f"/api/v1/revisions/{2**70}/publish", headers=bearer)
    assert response.status_code == 404 and response.is_json


def test_a_parent_revision_beyond_any_id_is_refused(client, bearer, adaptation):
    url = f"/api/v1/adaptations/{adaptation.id}"
    for body in ({"markdown": "Text.\n", "parent_revision": 2**70}, {"parent_revision": -1}):
        response = client.put(f"{url}/text", json={"markdown": "Text.\n"} | body, headers=bearer)
        assert response.status_code == 400, body
        response = client.post(f"{url}/rebase", json={"base_version": "2.0"} | body, headers=bearer)
        assert response.status_code == 400, body


@pytest.mark.parametrize("resolutions", [{"first": "confirm"}, {"²": "confirm"}, "confirm"])
def test_rebase_refuses_resolutions_that_name_no_hunk_with_a_message(
    client, bearer, adaptation, resolutions
):
    response = client.post(
        f"/api/v1/adaptations/{adaptation.id}/rebase",
        json={"base_version": "2.0", "resolutions": resolutions},
        headers=bearer,
    )
    assert response.status_code == 400 and response.get_json()["message"]


def test_a_locale_longer_than_the_column_is_refused(client, bearer, guideline_versions):
    body = {"guideline": "bone-care", "network": "bot", "locale": "nl-BE-" + "x" * 11}
    response = client.post("/api/v1/adaptations", json=body, headers=bearer)
    assert response.status_code == 400 and "locale" in response.get_json()["message"]


def test_a_read_with_a_token_that_is_not_valid_is_a_documented_401(client, app_ctx):
    response = client.get("/api/v1/guidelines", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    with app_ctx.test_request_context():
        documented = build_document()["paths"]["/api/v1/guidelines"]["get"]["responses"]
    assert {"400", "401"} <= set(documented)
