"""The search pages: the workbench's (what the reader may see) and the portal's (published)."""

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from guidelines.extensions import db
from guidelines.library.models import Disease, Ern, Network
from guidelines.search import audience_of, ensure_current
from guidelines.search.documents import PUBLIC
from guidelines.search.index import get_index
from guidelines.search.query import BadSearch, request_from_args, search

bp = Blueprint("search", __name__)


@bp.route("/search")
def results():
    """Search the sections of every guideline text the reader may see."""
    return _search_page("search/results.html", audience_of(current_user), kinds=None)


@bp.route("/portal/search")
def portal_results():
    """Search the published Flemish guidelines, for everyone."""
    return _search_page("search/portal.html", [PUBLIC], kinds=("publication",))


def _search_page(template: str, audience, kinds):
    language = str(get_locale()).split("_")[0]
    error = None
    found = None
    try:
        wanted = request_from_args(
            request.args,
            default_language=language,
            language_arg="language",
            **({"kinds": kinds} if kinds else {}),
        )
    except BadSearch as refused:
        wanted, error = None, str(refused)
    if wanted is not None and wanted.q:
        ensure_current()
        found = search(get_index(), wanted, audience)
    return render_template(
        template,
        wanted=wanted,
        found=found,
        error=error,
        names=facet_names(found.facets if found else {}),
    ), (400 if error else 200)


def facet_names(facets: dict) -> dict[tuple[str, str], str]:
    """Return readable names for the facet values that are codes (networks, ERNs, diseases)."""
    names: dict[tuple[str, str], str] = {}
    codes = {name: [value for value, _count in facets.get(name, ())] for name in facets}
    if codes.get("network"):
        for network in db.session.scalars(
            select(Network).where(Network.code.in_(codes["network"]))
        ):
            names["network", network.code] = network.name
    if codes.get("ern"):
        for ern in db.session.scalars(select(Ern).where(Ern.code.in_(codes["ern"]))):
            names["ern", ern.code] = ern.name
    numbers = [int(code.split(":")[1]) for code in codes.get("orpha", ()) if ":" in code]
    if numbers:
        for disease in db.session.scalars(select(Disease).where(Disease.orpha_number.in_(numbers))):
            if disease.name:
                names["orpha", disease.orpha_code] = disease.name
    return names
