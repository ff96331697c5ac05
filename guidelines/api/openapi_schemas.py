"""The JSON Schemas of the API's requests and answers, for the OpenAPI document.

Each schema names the fields the view functions of ``guidelines.api`` return; the allowed
values come from the constants of the code that makes them, so the two cannot disagree.
``tests/api/test_openapi.py`` checks real answers against these schemas: an answer object
has exactly the documented fields (``additionalProperties`` is false).
"""

from guidelines.adaptation.decisions import DECISIONS
from guidelines.adaptation.rebasing import ACTIONS_BY_OUTCOME
from guidelines.review.submissions import STATUSES as SUBMISSION_STATUSES
from guidelines.search.query import KINDS as SEARCH_KINDS
from guidelines.text.diff import CHANGES
from guidelines.text.rebase import OUTCOMES
from guidelines.text.significance import FLAGS
from guidelines.translation.models import STATUSES as SEGMENT_STATUSES

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE_TIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256, hex"}
EMAIL_OR_NULL = {"type": ["string", "null"], "description": "the user's e-mail address"}
STRING_OR_NULL = {"type": ["string", "null"]}
RESOLUTION_ACTIONS = sorted({a for actions in ACTIONS_BY_OUTCOME.values() for a in actions})


def ref(name: str) -> dict:
    """Return a reference to the component schema ``name``."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """Return ``schema`` that also allows null."""
    if "type" in schema and "$ref" not in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return schema | {"type": [*kinds, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict, description: str | None = None) -> dict:
    """Return the schema of a list of ``items``."""
    schema = {"type": "array", "items": items}
    return schema | {"description": description} if description else schema


def answer(properties: dict, description: str, *, optional: tuple[str, ...] = ()) -> dict:
    """Return the schema of an answer object: these fields and no other."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


GUIDELINE_FIELDS = {
    "slug": STRING,
    "title": STRING,
    "ern": nullable(STRING) | {"description": "code of the European Reference Network"},
    "source_language": STRING,
    "orpha": array(STRING, "ORPHA codes of the diseases it covers"),
    "latest_version": nullable(STRING) | {"description": "label of the newest version"},
    "url": URL,
}
VERSION_FIELDS = {
    "label": STRING,
    "sha256": SHA256,
    "published": nullable({"type": "string", "format": "date"}),
    "imported_at": DATE_TIME,
    "change_note": STRING_OR_NULL,
}
REVISION = answer(
    {
        "id": INTEGER,
        "number": INTEGER | {"description": "1, 2, ... within the adaptation"},
        "kind": STRING | {"description": "start, edit, rebase, ..."},
        "parent": nullable(INTEGER) | {"description": "id of the parent revision"},
        "sha256": SHA256,
        "base_sha256": SHA256,
        "base_version": STRING_OR_NULL,
        "message": STRING_OR_NULL,
        "author": EMAIL_OR_NULL,
        "created_at": DATE_TIME,
    },
    "A saved state of an adaptation's text.",
)
PUBLICATION_FIELDS = {
    "id": INTEGER,
    "guideline": STRING,
    "network": STRING,
    "title": STRING_OR_NULL,
    "locale": STRING,
    "sha256": SHA256,
    "revision": INTEGER | {"description": "number of the published revision"},
    "published_at": DATE_TIME,
    "approved_by": EMAIL_OR_NULL,
    "published_by": EMAIL_OR_NULL,
    "superseded": BOOLEAN,
    "based_on": answer(
        {
            "guideline": STRING,
            "version": STRING,
            "sha256": SHA256,
            "translation": nullable(
                answer(
                    {"language": STRING, "sha256": nullable(SHA256)},
                    "The frozen translation it was adapted from.",
                )
            ),
            "newer_version": nullable(STRING) | {"description": "a newer source version, if any"},
        },
        "The source version (and translation) the publication adapts.",
    ),
    "url": URL,
}

ANSWER_SCHEMAS = {
    "Error": answer(
        {"error": STRING | {"description": "the HTTP status name"}, "message": STRING},
        "Every refusal: the status name and a message in the caller's language.",
    ),
    "GuidelineSummary": answer(GUIDELINE_FIELDS, "A guideline in a list."),
    "GuidelineList": answer({"guidelines": array(ref("GuidelineSummary"))}, "Guidelines."),
    "VersionSummary": answer(VERSION_FIELDS, "A version in a guideline's list."),
    "Guideline": answer(
        GUIDELINE_FIELDS | {"versions": array(ref("VersionSummary"), "oldest first")},
        "A guideline with its versions.",
    ),
    "Version": answer(
        VERSION_FIELDS
        | {
            "guideline": STRING,
            "markdown": STRING,
            "html": STRING | {"description": "the Markdown rendered as HTML"},
            "toc": array(
                answer({"level": INTEGER, "title": STRING, "anchor": STRING}, "A heading.")
            ),
            "recommendations": array(
                answer(
                    {
                        "key": STRING,
                        "text": STRING,
                        "strength": STRING_OR_NULL,
                        "certainty": STRING_OR_NULL,
                        "direction": STRING_OR_NULL,
                        "anchor": STRING,
                    },
                    "A recommendation with its GRADE strength, certainty and direction.",
                )
            ),
        },
        "One version of a guideline: text, HTML, headings and recommendations.",
    ),
    "Diff": answer(
        {
            "guideline": STRING,
            "from": STRING,
            "to": STRING,
            "from_sha256": SHA256,
            "to_sha256": SHA256,
            "units": array(
                answer(
                    {
                        "key": STRING,
                        "title": STRING_OR_NULL,
                        "kind": STRING,
                        "change": {"type": "string", "enum": list(CHANGES)},
                        "flags": array({"type": "string", "enum": list(FLAGS)}),
                    },
                    "A unit (section or recommendation) and how it changed.",
                )
            ),
            "patch": STRING | {"description": "diff-match-patch patch from older to newer"},
        },
        "The changes between two versions.",
    ),
    "SearchHit": answer(
        {
            "kind": {"type": "string", "enum": list(SEARCH_KINDS)},
            "guideline": STRING,
            "title": STRING,
            "version": STRING,
            "locale": STRING,
            "language": STRING,
            "heading": STRING,
            "path": STRING,
            "anchor": STRING,
            "url": URL,
            "snippet": STRING | {"description": "HTML, escaped, the matches in <mark>"},
            "status": STRING,
            "networks": array(STRING),
            "ern": STRING_OR_NULL,
            "orpha": array(STRING),
            "strength": array(STRING),
            "certainty": array(STRING),
            "date": nullable(DATE_TIME),
            "score": {"type": "number"},
        },
        "A section found.",
    ),
    "SearchResults": answer(
        {
            "query": STRING,
            "lang": STRING,
            "page": INTEGER,
            "pages": INTEGER,
            "total": INTEGER,
            "hits": array(ref("SearchHit")),
            "facets": {
                "type": "object",
                "description": "per facet (network, ern, ...), its values with counts",
                "additionalProperties": array(
                    answer({"value": STRING, "count": INTEGER}, "A facet value.")
                ),
            },
            "suggestion": nullable(STRING) | {"description": "the corrected query"},
        },
        "A page of search results.",
    ),
    "Revision": REVISION,
    "Decision": answer(
        {
            "key": STRING,
            "title": STRING_OR_NULL,
            "kind": STRING,
            "decision": {"type": "string", "enum": list(DECISIONS)},
            "flags": array(STRING),
            "justification": STRING_OR_NULL,
            "justified": BOOLEAN,
            "needs_justification": BOOLEAN,
            "reopened": BOOLEAN,
        },
        "A row of the decision register.",
    ),
    "Adaptation": answer(
        {
            "id": INTEGER,
            "guideline": STRING,
            "network": STRING,
            "locale": STRING,
            "title": STRING_OR_NULL,
            "source_updated": BOOLEAN,
            "current_revision": ref("Revision"),
            "current_revision_id": INTEGER,
            "base": answer(
                {"sha256": SHA256, "version": STRING_OR_NULL, "markdown": STRING},
                "The base text the current revision adapts.",
            ),
            "revisions": array(ref("Revision")),
            "decisions": array(ref("Decision")),
            "url": URL,
            "markdown": STRING,
        },
        "An adaptation with its current revision, base, text and decisions.",
    ),
    "DecisionRegister": answer(
        {"adaptation": INTEGER, "revision": INTEGER, "decisions": array(ref("Decision"))},
        "The decision register of the current revision.",
    ),
    "TextConflict": answer(
        {
            "error": STRING,
            "message": STRING,
            "current_revision": ref("Revision"),
            "current_markdown": STRING,
            "your_markdown": STRING,
        },
        "The parent is not the current revision: merge and save again.",
    ),
    "RebaseConflict": answer(
        {"error": STRING, "message": STRING, "current_revision": ref("Revision")},
        "A revision was saved meanwhile: rebase again from it.",
    ),
    "RebaseOutcome": answer(
        {
            "rebased": BOOLEAN,
            "revision": nullable(ref("Revision")),
            "unresolved": array(INTEGER, "indices of hunks still to settle"),
            "reopened": array(STRING, "keys of decisions to justify again"),
            "clean": BOOLEAN,
            "hunks": array(
                answer(
                    {
                        "index": INTEGER,
                        "outcome": {"type": "string", "enum": list(OUTCOMES)},
                        "reason": STRING_OR_NULL,
                        "old_base": STRING_OR_NULL,
                        "new_base": STRING_OR_NULL,
                        "local": STRING_OR_NULL,
                        "merged": STRING_OR_NULL,
                        "actions": array({"type": "string", "enum": RESOLUTION_ACTIONS}),
                    },
                    "A hunk of the rebase and the actions that settle it.",
                )
            ),
        },
        "A rebase attempt.",
    ),
    "Segment": answer(
        {
            "key": STRING,
            "kind": STRING,
            "path": STRING_OR_NULL,
            "source": STRING,
            "target": STRING_OR_NULL,
            "status": {"type": "string", "enum": list(SEGMENT_STATUSES)},
            "previous_source": STRING_OR_NULL,
            "flags": array(STRING),
            "origin": STRING_OR_NULL,
            "updated_by": EMAIL_OR_NULL,
            "updated_at": nullable(DATE_TIME),
        },
        "A segment of a translation.",
    ),
    "Translation": answer(
        {
            "guideline": STRING,
            "version": STRING,
            "source_language": STRING,
            "language": STRING,
            "counts": answer(
                {status: INTEGER for status in SEGMENT_STATUSES}, "Segments per status."
            ),
            "complete": BOOLEAN,
            "frozen": BOOLEAN,
            "frozen_sha256": nullable(SHA256),
            "segments": array(ref("Segment")),
        },
        "A translation of a source version, segment by segment.",
    ),
    "PoImport": answer(
        {
            "counts": answer(
                {"updated": INTEGER, "unchanged": INTEGER, "rejected": INTEGER},
                "Entries per outcome.",
            ),
            "entries": array(
                answer(
                    {
                        "key": STRING_OR_NULL,
                        "status": {"type": "string", "enum": ["updated", "unchanged", "rejected"]},
                        "reason": STRING_OR_NULL,
                        "fuzzy": BOOLEAN,
                    },
                    "What became of one PO entry.",
                )
            ),
        },
        "The outcome of a PO import, entry by entry.",
    ),
    "Frozen": answer(
        {"sha256": SHA256, "frozen_at": DATE_TIME, "language": STRING},
        "The base text frozen from a complete translation.",
    ),
    "Submission": answer(
        {
            "revision": INTEGER,
            "adaptation": INTEGER,
            "status": {"type": "string", "enum": list(SUBMISSION_STATUSES)},
            "submitted_by": EMAIL_OR_NULL,
            "submitted_at": DATE_TIME,
            "reviewer": EMAIL_OR_NULL,
            "reviewed_at": nullable(DATE_TIME),
            "comment": STRING_OR_NULL,
            "four_eyes_exception": STRING_OR_NULL,
        },
        "A revision submitted for review.",
    ),
    "Publication": answer(PUBLICATION_FIELDS, "A publication in a list."),
    "PublicationDetail": answer(
        PUBLICATION_FIELDS | {"markdown": STRING}, "A publication with its text."
    ),
    "PublicationList": answer(
        {"publications": array(ref("Publication"), "newest first")}, "Publications."
    ),
    "OpenAPIDocument": {"type": "object", "description": "An OpenAPI 3.1 document."},
}
