"""The request bodies of the JSON API, as JSON Schema (the answers are in openapi_schemas)."""

from guidelines.adaptation.models import MAX_LOCALE_LENGTH
from guidelines.api.openapi_schemas import (
    INTEGER,
    RESOLUTION_ACTIONS,
    SEGMENT_STATUSES,
    STRING,
    ref,
)


def request_body(properties: dict, description: str, *, required: tuple[str, ...]) -> dict:
    """Return the schema of a request object; fields not named here are ignored."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(required),
    }


BODY_SCHEMAS = {
    "NewAdaptation": request_body(
        {
            "guideline": STRING | {"description": "slug"},
            "network": STRING | {"description": "network code"},
            "base_version": STRING | {"description": "label; the latest version if absent"},
            "locale": STRING | {"maxLength": MAX_LOCALE_LENGTH, "description": "default nl-BE"},
            "title": STRING,
        },
        "The adaptation to start.",
        required=("guideline", "network"),
    ),
    "TextSave": request_body(
        {
            "parent_revision": {
                "anyOf": [INTEGER, ref("Revision")],
                "description": "id of the revision the text was edited from",
            },
            "markdown": STRING,
            "message": STRING,
        },
        "A new revision of the text.",
        required=("parent_revision", "markdown"),
    ),
    "JustificationBody": request_body(
        {"justification": STRING}, "Why the unit is decided so.", required=("justification",)
    ),
    "RebaseRequest": request_body(
        {
            "base_version": STRING | {"description": "label of the new base version"},
            "resolutions": {
                "type": "object",
                "description": "hunk index -> action, or {action, text} to edit",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "string", "enum": RESOLUTION_ACTIONS},
                        request_body(
                            {
                                "action": {"type": "string", "enum": RESOLUTION_ACTIONS},
                                "text": STRING,
                            },
                            "An action, with the text for 'edit'.",
                            required=("action",),
                        ),
                    ]
                },
            },
            "parent_revision": INTEGER | {"description": "default: the current revision"},
        },
        "The version to rebase onto and how to settle its hunks.",
        required=("base_version",),
    ),
    "SegmentUpdate": request_body(
        {
            "target": STRING,
            "status": {"type": "string", "enum": list(SEGMENT_STATUSES)},
        },
        "A segment's new target text and status.",
        required=("target",),
    ),
    "ReviewDecision": request_body(
        {"decision": {"type": "string", "enum": ["approve", "request_changes"]}, "comment": STRING},
        "The reviewer's decision.",
        required=("decision",),
    ),
}
