"""The OpenAPI 3.1 description of the JSON API, built from the routes, and its HTML page.

The paths, methods and path parameters come from ``current_app.url_map`` (every rule of the
``api`` blueprint); each operation's summary is its view function's docstring. What the code
cannot tell (query parameters, bodies, answers) is in ``OPERATIONS``, one entry per endpoint.
``tests/api/test_openapi.py`` fails when a route has no entry, or an entry no route, and
checks real answers against the documented schemas. The page /api/docs shows the same document
(``openapi_page.py``).
"""

import re
from collections import defaultdict

from flask import current_app, jsonify, request
from werkzeug.routing import Rule

from guidelines.api.blueprint import bp
from guidelines.api.openapi_bodies import BODY_SCHEMAS
from guidelines.api.openapi_page import docs_page
from guidelines.api.openapi_schemas import ANSWER_SCHEMAS, ref
from guidelines.database import MAX_INTEGER
from guidelines.search.query import KINDS as SEARCH_KINDS
from guidelines.search.query import MAX_FILTER_LENGTH, MAX_PAGE
from guidelines.search.schema import LANGUAGES as SEARCH_LANGUAGES

SCHEMAS = ANSWER_SCHEMAS | BODY_SCHEMAS

READ = "read"  # anyone; a token or session decides what drafts the caller sees
WRITE = "write"  # a token, or a session with the CSRF header

ERRORS = {
    400: "The request is malformed or refused; the message says why.",
    401: "No credentials, or an invalid API token.",
    403: "The caller may not do this.",
    404: "There is no such thing, or the caller may not see it.",
    409: "Someone changed this meanwhile.",
}
ANSWERS = {200: "OK.", 201: "Created."}
TAGS = {
    "Library": "Guidelines, their versions and the changes between them.",
    "Search": "Full-text search of the sections the caller may see.",
    "Adaptations": "Local adaptations: text, decisions, rebase.",
    "Review": "Submission, review and publication of revisions.",
    "Publications": "Published adaptations.",
    "Translations": "Translations of source versions, segment by segment.",
    "Meta": "This description.",
}
PATH_PARAMETERS = {
    "slug": "The guideline's slug.",
    "label": "The version's label.",
    "language": "The translation's language code (nl, fr, de, en).",
    "adaptation_id": "The adaptation's id.",
    "revision_id": "The revision's id.",
    "publication_id": "The publication's id.",
    "key": "A unit or segment key; it may contain slashes.",
}
PO_FILE = "text/x-gettext-translation"


def query(
    name: str, description: str, schema: dict | None = None, *, required: bool = False
) -> dict:
    """Return a query parameter, optional unless ``required``."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def op(
    tag: str,
    ok: dict,
    *,
    errors: tuple[int, ...] = (),
    access: str = READ,
    params: tuple[dict, ...] = (),
    body: dict | None = None,
    description: str | None = None,
) -> dict:
    """Return what an endpoint's code does not tell: answers, errors, parameters, body."""
    # Any call may be refused: 400 for text no database can hold (a NUL character, see
    # guidelines/request_checks.py), 401 for a token that is not valid, even on a read.
    errors = {*errors, 400, 401}
    if access == WRITE:
        errors.add(403)
    errors = tuple(sorted(errors))
    return {
        "tag": tag,
        "ok": ok,
        "errors": errors,
        "access": access,
        "params": list(params),
        "body": body,
        "description": description,
    }


def json_answer(schema: str) -> dict:
    return {"content": {"application/json": {"schema": ref(schema)}}}


def json_body(schema: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


# An ORPHAcode as parse_orpha_code reads it: ORPHA: and 1 to 7 digits, not all zeros; or
# nothing, which filters nothing out (as an empty form field).
ORPHA_CODE = {
    "type": "string",
    "pattern": "^(?:ORPHA:(?:"
    + "|".join(f"0{{{zeros}}}[1-9][0-9]{{0,{6 - zeros}}}" for zeros in range(7))
    + "))?$",
    "description": "for example ORPHA:355",
}
LABEL = {"type": "string", "minLength": 1}
SEARCH_FILTER = {"type": "string", "maxLength": MAX_FILTER_LENGTH}
# What survives str.strip(): a character that is neither whitespace nor \x1c-\x1f (which
# Python strips and JSON Schema's \s does not match).
SEARCH_WORDS = {"type": "string", "pattern": "[^\\s\\x1c-\\x1f]"}

FILTERS = (
    query("network", "Only guidelines followed by this network (code)."),
    query("ern", "Only guidelines of this European Reference Network (code)."),
    query("orpha", "Only guidelines covering this disease (ORPHA code).", ORPHA_CODE),
)

# One entry per endpoint of the api blueprint: the test fails for a route without one.
OPERATIONS = {
    "api.guidelines": op("Library", {200: json_answer("GuidelineList")}, params=FILTERS),
    "api.guideline": op("Library", {200: json_answer("Guideline")}, errors=(404,)),
    "api.version": op("Library", {200: json_answer("Version")}, errors=(404,)),
    "api.diff": op(
        "Library",
        {200: json_answer("Diff")},
        errors=(400, 404),
        params=(
            query("from", "Label of the older version.", LABEL, required=True),
            query("to", "Label of the newer version.", LABEL, required=True),
        ),
    ),
    "api.search_sections": op(
        "Search",
        {200: json_answer("SearchResults")},
        errors=(400,),
        params=(
            query("q", "The words to search for.", SEARCH_WORDS, required=True),
            query(
                "lang",
                "Which language to search in; by default the caller's.",
                {"type": "string", "enum": list(SEARCH_LANGUAGES)},
            ),
            query("network", "Network code.", SEARCH_FILTER),
            query("ern", "ERN code.", SEARCH_FILTER),
            query("orpha", "ORPHA code.", SEARCH_FILTER),
            query("kind", "Which texts.", {"type": "string", "enum": list(SEARCH_KINDS)}),
            query("strength", "GRADE strength of the recommendations.", SEARCH_FILTER),
            query("certainty", "GRADE certainty of the recommendations.", SEARCH_FILTER),
            query(
                "sort",
                "relevance (default) or date.",
                {"type": "string", "enum": ["relevance", "date"]},
            ),
            query(
                "versions",
                "'all' to search older versions too.",
                {"type": "string", "enum": ["all"]},
            ),
            query(
                "page",
                "Page number, from 1.",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            ),
        ),
    ),
    "api.create_adaptation": op(
        "Adaptations",
        {201: json_answer("Adaptation")},
        errors=(404,),
        access=WRITE,
        body=json_body("NewAdaptation"),
    ),
    "api.adaptation": op("Adaptations", {200: json_answer("Adaptation")}, errors=(404,)),
    "api.save_text": op(
        "Adaptations",
        {201: json_answer("Revision"), 409: json_answer("TextConflict")},
        errors=(404,),
        access=WRITE,
        body=json_body("TextSave"),
    ),
    "api.decisions": op("Adaptations", {200: json_answer("DecisionRegister")}, errors=(404,)),
    "api.justify": op(
        "Adaptations",
        {200: json_answer("Decision")},
        errors=(404,),
        access=WRITE,
        body=json_body("JustificationBody"),
    ),
    "api.rebase": op(
        "Adaptations",
        {
            200: json_answer("RebaseOutcome") | {"description": "Hunks remain unresolved."},
            201: json_answer("RebaseOutcome") | {"description": "Rebased: the new revision."},
            409: json_answer("RebaseConflict"),
        },
        errors=(404,),
        access=WRITE,
        body=json_body("RebaseRequest"),
    ),
    "api.submit": op("Review", {201: json_answer("Submission")}, errors=(404,), access=WRITE),
    "api.review": op(
        "Review",
        {200: json_answer("Submission")},
        errors=(404, 409),
        access=WRITE,
        body=json_body("ReviewDecision"),
        description="403 for an author of the revision (four eyes); 409 when decided already.",
    ),
    "api.publish": op(
        "Review",
        {201: json_answer("PublicationDetail")},
        errors=(404, 409),
        access=WRITE,
        description="409 when the revision is published already.",
    ),
    "api.publications": op(
        "Publications",
        {200: json_answer("PublicationList")},
        params=(
            query("network", "Only this network's publications (code)."),
            query("guideline", "Only this guideline's publications (slug)."),
        ),
    ),
    "api.publication": op("Publications", {200: json_answer("PublicationDetail")}, errors=(404,)),
    "api.translation": op("Translations", {200: json_answer("Translation")}, errors=(404,)),
    "api.update_segment": op(
        "Translations",
        {200: json_answer("Segment")},
        errors=(404,),
        access=WRITE,
        body=json_body("SegmentUpdate"),
    ),
    "api.export_po": op(
        "Translations",
        {200: {"content": {PO_FILE: {"schema": {"type": "string"}}}}},
        errors=(404,),
    ),
    "api.import_po": op(
        "Translations",
        {200: json_answer("PoImport")},
        errors=(404,),
        access=WRITE,
        body={
            "required": True,
            "content": {
                PO_FILE: {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "contentMediaType": PO_FILE}},
                        "required": ["file"],
                    }
                },
            },
        },
    ),
    "api.freeze": op("Translations", {201: json_answer("Frozen")}, errors=(404,), access=WRITE),
    "api.openapi": op("Meta", {200: json_answer("OpenAPIDocument")}),
}

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token, made and revoked at /account/tokens.",
    },
    "cookieAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The session cookie of a logged-in user. Writes also need csrfToken.",
    },
    "csrfToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": "The CSRF token of the session; needed with cookieAuth for writes.",
    },
}
SECURITY = {
    READ: [{}, {"bearerAuth": []}, {"cookieAuth": []}],
    WRITE: [{"bearerAuth": []}, {"cookieAuth": [], "csrfToken": []}],
}

_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTER_SCHEMAS = {
    # Every integer in an API path is a row id: it cannot pass the largest an INTEGER holds.
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER},
    "path": {"type": "string"},
    "default": {"type": "string", "pattern": "^[^/]+$"},
}


def api_rules() -> list[Rule]:
    """Return the rules of the api blueprint, in path order."""
    rules = [r for r in current_app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    return sorted(rules, key=lambda r: (r.rule, sorted(r.methods)))


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """Return ``rule`` as an OpenAPI path (``{slug}``) and its path parameters."""
    parameters = []
    for match in _ARGUMENT.finditer(rule):
        name, converter = match["name"], match["converter"] or "default"
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": PATH_PARAMETERS.get(name, name),
                "schema": dict(_CONVERTER_SCHEMAS.get(converter, _CONVERTER_SCHEMAS["default"])),
            }
        )
    return _ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule), parameters


def _operation(rule: Rule, method: str, entry: dict, parameters: list[dict]) -> dict:
    doc = (current_app.view_functions[rule.endpoint].__doc__ or "").strip()
    summary, _newline, rest = doc.partition("\n")
    name = rule.endpoint.removeprefix("api.")
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    responses = {
        str(code): {"description": ERRORS.get(code) or ANSWERS.get(code, "OK")} | answer
        for code, answer in entry["ok"].items()
    }
    for code in entry["errors"]:
        responses.setdefault(str(code), {"$ref": f"#/components/responses/E{code}"})
    operation = {
        "operationId": name if len(methods) == 1 else f"{name}_{method.lower()}",
        "tags": [entry["tag"]],
        "summary": summary,
        "parameters": parameters + entry["params"],
        "responses": dict(sorted(responses.items())),
        "security": SECURITY[entry["access"]],
    }
    description = " ".join(part for part in (rest.strip(), entry["description"]) if part)
    if description:
        operation["description"] = description
    if entry["body"]:
        operation["requestBody"] = entry["body"]
    return operation


def build_document() -> dict:
    """Return the OpenAPI 3.1 document of every route of the api blueprint."""
    paths: dict[str, dict] = defaultdict(dict)
    for rule in api_rules():
        entry = OPERATIONS.get(rule.endpoint)
        if entry is None:
            continue  # tests/api/test_openapi.py refuses this
        path, parameters = openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths[path][method.lower()] = _operation(rule, method, entry, parameters)
    error_responses = {
        f"E{code}": {"description": text} | json_answer("Error") for code, text in ERRORS.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Guideline workbench JSON API",
            "version": "1",
            "description": (
                "Reading is public; with a token or a session the caller also finds what "
                "they may see. Writing needs an author (or admin) of the adaptation's network. "
                "Errors are JSON: {error, message}."
            ),
        },
        "servers": [{"url": request.script_root or "/"}],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": dict(paths),
        "components": {
            "schemas": SCHEMAS,
            "responses": error_responses,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


@bp.get("/openapi.json")
def openapi():
    """Return this OpenAPI 3.1 description of the JSON API."""
    return jsonify(build_document())


@bp.record_once
def _register_docs_page(state) -> None:
    # The page is not part of the versioned API (/api/v1): it sits at /api/docs.
    state.app.add_url_rule("/api/docs", endpoint="api_docs", view_func=docs_page)
