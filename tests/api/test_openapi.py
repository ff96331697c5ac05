"""The OpenAPI description: one entry per API route, a sound document, answers that match it,
and the /api/docs page built from it under the Content-Security-Policy."""

import re

import pytest

from guidelines.accounts.tokens import create_token
from guidelines.api.openapi import OPERATIONS, api_rules, build_document
from guidelines.extensions import db
from guidelines.search.index import sync
from tests.adaptation.conftest import V1

# ---- A JSON Schema check for the keywords the document uses (jsonschema is not installed) --

ANNOTATIONS = {"description", "format", "contentMediaType"}
CHECKED = {
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "anyOf",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
}
TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def resolve(document: dict, pointer: str) -> dict:
    assert pointer.startswith("#/"), f"only local references: {pointer}"
    node = document
    for part in pointer[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"unresolvable $ref {pointer}"
        node = node[part]
    return node


def errors_of(value, schema: dict, document: dict, where: str = "$") -> list[str]:
    """Return where ``value`` breaks ``schema`` (empty when it conforms)."""
    unknown = set(schema) - CHECKED - ANNOTATIONS
    assert not unknown, f"the test's validator does not know {unknown}"
    if "$ref" in schema:
        return errors_of(value, resolve(document, schema["$ref"]), document, where)
    if "anyOf" in schema:
        if not any(not errors_of(value, s, document, where) for s in schema["anyOf"]):
            return [f"{where}: {value!r} matches none of anyOf"]
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(TYPES[kind](value) for kind in kinds):
            return [f"{where}: {value!r} is not {kinds}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
        problems.append(f"{where}: {value!r} is below {schema['minimum']}")
    if "maximum" in schema and TYPES["number"](value) and value > schema["maximum"]:
        problems.append(f"{where}: {value!r} is above {schema['maximum']}")
    if "minLength" in schema and isinstance(value, str) and len(value) < schema["minLength"]:
        problems.append(f"{where}: {value!r} is shorter than {schema['minLength']}")
    if "maxLength" in schema and isinstance(value, str) and len(value) > schema["maxLength"]:
        problems.append(f"{where}: {value!r} is longer than {schema['maxLength']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [
            f"{where}: {name} is missing"
            for name in schema.get("required", ())
            if name not in value
        ]
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                problems += errors_of(item, properties[name], document, f"{where}.{name}")
            elif extra is False:
                problems.append(f"{where}: {name} is not documented")
            elif isinstance(extra, dict):
                problems += errors_of(item, extra, document, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += errors_of(item, schema["items"], document, f"{where}[{index}]")
    return problems


@pytest.mark.parametrize(
    ("value", "schema", "wrong"),
    [
        ({"a": 1}, {"type": "object", "properties": {"a": {"type": "integer"}}}, False),
        ({"a": True}, {"type": "object", "properties": {"a": {"type": "integer"}}}, True),
        ({}, {"type": "object", "required": ["a"]}, True),
        ({"b": 1}, {"type": "object", "properties": {}, "additionalProperties": False}, True),
        (None, {"type": ["string", "null"]}, False),
        (["x", 2], {"type": "array", "items": {"type": "string"}}, True),
        ("c", {"type": "string", "enum": ["a", "b"]}, True),
        (None, {"anyOf": [{"type": "integer"}, {"type": "null"}]}, False),
        ("x", {"$ref": "#/components/schemas/Int"}, True),
    ],
)
def test_the_schema_check_itself(value, schema, wrong):
    document = {"components": {"schemas": {"Int": {"type": "integer"}}}}
    assert bool(errors_of(value, schema, document)) == wrong


# ---- The document cannot drift from the routes ---------------------------------------------


@pytest.fixture
def document(app_ctx):
    with app_ctx.test_request_context():
        return build_document()


def test_every_api_route_has_an_entry(app_ctx):
    missing = sorted({rule.endpoint for rule in api_rules()} - set(OPERATIONS))
    assert not missing, f"describe these endpoints in guidelines/api/openapi.py: {missing}"


def test_every_entry_names_an_api_route(app_ctx):
    stale = sorted(set(OPERATIONS) - {rule.endpoint for rule in api_rules()})
    assert not stale, f"OPERATIONS describes endpoints that no longer exist: {stale}"


def test_every_route_and_method_is_in_the_document(app_ctx, document):
    documented = {
        (path, method.upper()) for path, methods in document["paths"].items() for method in methods
    }
    routes = {
        (re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in api_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routes


def walk(node, where="$"):
    """Yield (where, node) for every dict of a JSON document."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}[{index}]")


def test_the_document_is_sound(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    tags = {tag["name"] for tag in document["tags"]}
    schemes = set(document["components"]["securitySchemes"])
    assert {"bearerAuth", "cookieAuth", "csrfToken"} <= schemes
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    operation_ids = []
    for path, methods in document["paths"].items():
        in_path = re.findall(r"\{(\w+)\}", path)
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            assert method in {"get", "put", "post", "delete", "patch"}, where
            operation_ids.append(operation["operationId"])
            assert operation["summary"], f"{where}: give the view function a docstring"
            assert set(operation["tags"]) <= tags, where
            declared = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
            assert sorted(declared) == sorted(in_path), f"{where}: path parameters {declared}"
            assert all(p["required"] for p in operation["parameters"] if p["in"] == "path")
            names = [(p["name"], p["in"]) for p in operation["parameters"]]
            assert len(names) == len(set(names)), f"{where}: a parameter is declared twice"
            assert operation["responses"], where
            assert all(re.fullmatch(r"[1-5]\d\d", code) for code in operation["responses"])
            for requirement in operation["security"]:
                assert set(requirement) <= schemes, where
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"
    for where, node in walk(document):
        if "$ref" in node:
            resolve(document, node["$ref"])  # fails on a dangling reference
        if where.startswith("$/components/schemas") or "/schema" in where:
            if "type" in node and isinstance(node.get("type"), str | list):
                kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
                assert set(kinds) <= set(TYPES), f"{where}: {kinds}"


def test_every_schema_uses_only_checked_keywords(document):
    for name, schema in document["components"]["schemas"].items():
        errors_of(None, schema, document, name)  # asserts on an unknown keyword, at each level
        for _where, node in walk(schema):
            if "type" in node and not isinstance(node.get("type"), dict):
                assert not (set(node) - CHECKED - ANNOTATIONS), f"{name}: {set(node)}"


def test_openapi_json_is_served_to_anyone(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["openapi"] == "3.1.0"
    assert "/api/v1/guidelines/{slug}/versions/{label}" in body["paths"]
    key = body["paths"]["/api/v1/adaptations/{adaptation_id}/decisions/{key}"]["put"]
    adaptation_id = next(p for p in key["parameters"] if p["name"] == "adaptation_id")
    assert adaptation_id["schema"]["type"] == "integer"


# ---- Real answers match the documented schemas ---------------------------------------------


def documented_schema(document: dict, method: str, path: str, status: int) -> dict:
    operation = document["paths"][path][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {path} does not document status {status}"
    if "$ref" in response:
        response = resolve(document, response["$ref"])
    return response["content"]["application/json"]["schema"]


def assert_documented(document, response, method: str, path: str, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    problems = errors_of(body, documented_schema(document, method, path, status), document)
    assert not problems, f"{method} {path} {status}:\n" + "\n".join(problems)
    return body


V2 = V1.replace("every 2 years", "every 12 months")


def test_library_answers_match_the_document(client, import_text, document):
    import_text(V1, slug="bone-care", label="1.0", ern="BOND", orpha=("ORPHA:666",))
    import_text(V2, slug="bone-care", label="2.0")
    base = "/api/v1/guidelines"
    calls = [
        ("/api/v1/guidelines", base, 200),
        ("/api/v1/guidelines/{slug}", f"{base}/bone-care", 200),
        ("/api/v1/guidelines/{slug}/versions/{label}", f"{base}/bone-care/versions/1.0", 200),
        ("/api/v1/guidelines/{slug}/diff", f"{base}/bone-care/diff?from=1.0&to=2.0", 200),
        ("/api/v1/guidelines/{slug}", f"{base}/no-such-guideline", 404),
        ("/api/v1/guidelines/{slug}/diff", f"{base}/bone-care/diff?from=1.0", 400),
        ("/api/v1/publications", "/api/v1/publications", 200),
    ]
    for path, url, status in calls:
        assert_documented(document, client.get(url), "GET", path, status)


def test_search_answers_match_the_document(client, import_text, search_index, document):
    import_text(V1, slug="bone-care", label="1.0", ern="BOND", orpha=("ORPHA:666",))
    sync(search_index)
    found = assert_documented(
        document, client.get("/api/v1/search?q=spine&lang=en"), "GET", "/api/v1/search", 200
    )
    assert found["hits"] and found["facets"]
    assert_documented(document, client.get("/api/v1/search?lang=en"), "GET", "/api/v1/search", 400)


def test_adaptation_answers_match_the_document(client, author, adaptation, document):
    _token, secret = create_token(author, "openapi")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    path = "/api/v1/adaptations/{adaptation_id}"
    url = f"/api/v1/adaptations/{adaptation.id}"
    assert_documented(document, client.get(url), "GET", path, 404)  # a draft, to a stranger
    body = assert_documented(document, client.get(url, headers=bearer), "GET", path, 200)
    register = client.get(f"{url}/decisions", headers=bearer)
    assert_documented(document, register, "GET", f"{path}/decisions", 200)
    edit = {
        "parent_revision": body["current_revision_id"],
        "markdown": body["markdown"] + "\nMore.",
    }
    saved = client.put(f"{url}/text", json=edit, headers=bearer)
    assert_documented(document, saved, "PUT", f"{path}/text", 201)
    stale = client.put(f"{url}/text", json=edit | {"markdown": "Another text.\n"}, headers=bearer)
    assert_documented(document, stale, "PUT", f"{path}/text", 409)
    refused = client.put(f"{url}/text", json={"markdown": "no parent"}, headers=bearer)
    assert_documented(document, refused, "PUT", f"{path}/text", 400)
    anonymous = client.post("/api/v1/adaptations", json={"guideline": "bone-care"})
    assert_documented(document, anonymous, "POST", "/api/v1/adaptations", 401)


# ---- The page ------------------------------------------------------------------------------


def test_docs_page_shows_every_operation_without_scripts(client, document):
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert "<script" not in page and " style=" not in page and "<style" not in page
    for reference in re.findall(r'(?:src|href)="([^"#]*)"', page):
        assert not re.match(r"(?:https?:)?//", reference), f"external resource {reference}"
    assert 'href="/api/v1/openapi.json"' in page
    for methods in document["paths"].values():
        for operation in methods.values():
            assert f'id="op-{operation["operationId"]}"' in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "api-docs.css" in page


def test_docs_page_speaks_the_interface_language(client):
    page = client.get("/api/docs?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "API documentation" not in page
