"""JSON API: the read-only library (guidelines, versions, diffs)."""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from guidelines.api.blueprint import bp
from guidelines.library import queries
from guidelines.library.models import Guideline, SourceVersion
from guidelines.review.models import as_utc
from guidelines.text import render_markdown
from guidelines.text.diff import summarize_units
from guidelines.text.patches import make_patch


def guideline_summary(guideline: Guideline) -> dict:
    """Return the JSON shape of a guideline in lists."""
    latest = guideline.latest_version
    return {
        "slug": guideline.slug,
        "title": guideline.title,
        "ern": guideline.ern.code if guideline.ern else None,
        "source_language": guideline.source_language,
        "orpha": [d.orpha_code for d in guideline.diseases],
        "latest_version": latest.label if latest else None,
        "url": url_for("api.guideline", slug=guideline.slug, _external=True),
    }


def version_summary(version: SourceVersion) -> dict:
    """Return the JSON shape of a version in a guideline's list."""
    return {
        "label": version.label,
        "sha256": version.sha256,
        "published": version.published_on.isoformat() if version.published_on else None,
        "imported_at": as_utc(version.imported_at).isoformat(),
        "change_note": version.change_note,
    }


@bp.get("/guidelines")
def guidelines():
    """List guidelines; filter with ?network=, ?ern= or ?orpha=."""
    filters = {key: request.args.get(key) or None for key in ("network", "ern", "orpha")}
    return jsonify(guidelines=[guideline_summary(g) for g in queries.list_guidelines(**filters)])


@bp.get("/guidelines/<slug>")
def guideline(slug: str):
    """Return a guideline with its versions."""
    guideline = queries.guideline_or_404(slug)
    return jsonify(
        guideline_summary(guideline)
        | {"versions": [version_summary(v) for v in guideline.versions]}
    )


@bp.get("/guidelines/<slug>/versions/<label>")
def version(slug: str, label: str):
    """Return one version: its Markdown, rendered HTML and recommendations."""
    version = queries.version_or_404(queries.guideline_or_404(slug), label)
    markdown = version.markdown
    document = render_markdown(markdown)
    return jsonify(
        version_summary(version)
        | {
            "guideline": slug,
            "markdown": markdown,
            "html": document.html,
            "toc": [{"level": h.level, "title": h.title, "anchor": h.anchor} for h in document.toc],
            "recommendations": [
                {
                    "key": r.key,
                    "text": r.text,
                    "strength": r.strength,
                    "certainty": r.certainty,
                    "direction": r.direction,
                    "anchor": r.anchor,
                }
                for r in document.recommendations
            ],
        }
    )


@bp.get("/guidelines/<slug>/diff")
def diff(slug: str):
    """Compare two versions: per-unit changes and the patch from the older to the newer."""
    guideline = queries.guideline_or_404(slug)
    labels = {key: request.args.get(key) for key in ("from", "to")}
    missing = [key for key, value in labels.items() if not value]
    if missing:
        raise BadRequest(
            description=_(
                "Give both versions to compare: ?from=<label>&to=<label> (missing: %(missing)s).",
                missing=", ".join(missing),
            )
        )
    older = queries.version_or_404(guideline, labels["from"])
    newer = queries.version_or_404(guideline, labels["to"])
    old_text, new_text = older.markdown, newer.markdown
    return jsonify(
        {
            "guideline": slug,
            "from": older.label,
            "to": newer.label,
            "from_sha256": older.sha256,
            "to_sha256": newer.sha256,
            "units": [
                {
                    "key": unit.key,
                    "title": unit.title,
                    "kind": unit.kind,
                    "change": unit.change,
                    "flags": list(unit.flags),
                }
                for unit in summarize_units(old_text, new_text)
            ],
            "patch": make_patch(old_text, new_text),
        }
    )
