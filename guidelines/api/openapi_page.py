"""The page /api/docs: the OpenAPI document of the JSON API, rendered on the server.

No script and nothing from elsewhere: the page works under the Content-Security-Policy.
"""

from flask import render_template


def schema_view(schema: dict) -> dict:
    """Return a schema as the page shows it: type, reference, values and nested fields."""
    if "$ref" in schema:
        return {"ref": schema["$ref"].rsplit("/", 1)[-1]}
    kinds = schema.get("type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    view = {
        "types": [k for k in kinds if k != "null"],
        "nullable": "null" in kinds,
        "format": schema.get("format") or schema.get("contentMediaType"),
        "description": schema.get("description"),
        "enum": schema.get("enum"),
        "any_of": [schema_view(s) for s in schema.get("anyOf", []) if s != {"type": "null"}],
        "fields": [
            {"name": name, "required": name in schema.get("required", ()), "schema": schema_view(s)}
            for name, s in schema.get("properties", {}).items()
        ],
    }
    if {"type": "null"} in schema.get("anyOf", []):
        view["nullable"] = True
    if isinstance(schema.get("items"), dict):
        view["item_schema"] = schema_view(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        view["value_schema"] = schema_view(schema["additionalProperties"])
    return view


def page_view(document: dict) -> dict:
    """Return the document arranged for the page: operations grouped by tag, schemas."""
    responses = document["components"]["responses"]
    groups = {tag["name"]: [] for tag in document["tags"]}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            answers = []
            for code, answer in operation["responses"].items():
                if "$ref" in answer:
                    answer = responses[answer["$ref"].rsplit("/", 1)[-1]]
                answers.append({"code": code, **_content_view(answer)})
            groups[operation["tags"][0]].append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation["summary"],
                    "description": operation.get("description"),
                    "parameters": [
                        p | {"schema": schema_view(p["schema"])} for p in operation["parameters"]
                    ],
                    "body": _content_view(operation["requestBody"])
                    if "requestBody" in operation
                    else None,
                    "responses": answers,
                    "write": "csrfToken" in str(operation["security"]),
                }
            )
    return {
        "info": document["info"],
        "tags": [
            {"name": t["name"], "description": t["description"], "operations": groups[t["name"]]}
            for t in document["tags"]
            if groups[t["name"]]
        ],
        "schemas": [
            {"name": name, "schema": schema_view(schema)}
            for name, schema in document["components"]["schemas"].items()
        ],
    }


def _content_view(part: dict) -> dict:
    return {
        "description": part.get("description"),
        "content": [
            {"type": media, "schema": schema_view(spec.get("schema", {}))}
            for media, spec in part.get("content", {}).items()
        ],
    }


def docs_page():
    """Show the API's description as a page (no script, no external resource)."""
    from guidelines.api.openapi import build_document

    return render_template("api/docs.html", api=page_view(build_document()))
