"""JSON API: ``GET /api/v1/search`` — the sections the caller may see, with facets."""

from flask import jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from guidelines.api.blueprint import api_user, bp
from guidelines.search import audience_of, ensure_current
from guidelines.search.index import get_index
from guidelines.search.query import BadSearch, Hit, request_from_args, search


def hit_json(hit: Hit) -> dict:
    """Return the JSON shape of one hit; ``snippet`` is HTML with the matches in <mark>."""
    return {
        "kind": hit.kind,
        "guideline": hit.guideline,
        "title": hit.title,
        "version": hit.version,
        "locale": hit.locale,
        "language": hit.language,
        "heading": hit.heading,
        "path": hit.path,
        "anchor": hit.anchor,
        "url": request.host_url.rstrip("/") + request.script_root + hit.url,
        "snippet": str(hit.snippet),
        "status": hit.status,
        "networks": list(hit.networks),
        "ern": hit.ern or None,
        "orpha": list(hit.orpha),
        "strength": list(hit.strength),
        "certainty": list(hit.certainty),
        "date": hit.date.isoformat() if hit.date else None,
        "score": round(hit.score, 4),
    }


@bp.get("/search")
def search_sections():
    """Search sections: ?q=&lang=&network=&ern=&orpha=&kind=&strength=&certainty=&sort=&page=."""
    try:
        wanted = request_from_args(request.args, default_language=str(get_locale()))
    except BadSearch as refused:
        raise BadRequest(description=str(refused)) from refused
    if not wanted.q:
        raise BadRequest(description=_("Give the words to search for in ?q=."))
    ensure_current()
    found = search(get_index(), wanted, audience_of(api_user()))
    return jsonify(
        query=wanted.q,
        lang=wanted.language,
        page=wanted.page,
        pages=found.pages,
        total=found.total,
        hits=[hit_json(hit) for hit in found.hits],
        facets={
            name: [{"value": value, "count": count} for value, count in counts]
            for name, counts in found.facets.items()
        },
        suggestion=found.suggestion,
    )
