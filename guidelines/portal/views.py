"""The public portal: published Flemish guidelines, per network and per ERN, for everyone."""

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from guidelines.extensions import db
from guidelines.library.models import Ern, Network
from guidelines.portal import pages
from guidelines.portal.downloads import download_stylesheet, html_download, markdown_download
from guidelines.portal.fragments import document_fragment
from guidelines.portal.models import Publication
from guidelines.portal.visibility import current_publications
from guidelines.rendering import render_for_reader

bp = Blueprint("portal", __name__, url_prefix="/portal")


@bp.route("")
def index():
    """Show the published guidelines of every Flemish network and of every ERN."""
    publications = current_publications()
    by_ern: dict[int, list[Publication]] = {}
    for publication in publications:
        if publication.guideline.ern_id is not None:
            by_ern.setdefault(publication.guideline.ern_id, []).append(publication)
    erns = [ern for ern in _all(Ern, Ern.code) if ern.id in by_ern]
    return render_template(
        "portal/index.html",
        networks=_all(Network, Network.code),
        by_network={
            network_id: [p for p in publications if p.network_id == network_id]
            for network_id in {p.network_id for p in publications}
        },
        erns=erns,
        by_ern=by_ern,
    )


@bp.route("/networks/<code>")
def network(code: str):
    """Show the published guidelines of one Flemish network."""
    network = _by_code_or_404(Network, code)
    return render_template(
        "portal/network.html",
        network=network,
        publications=current_publications(network_id=network.id),
    )


@bp.route("/erns/<code>")
def ern(code: str):
    """Show the Flemish guidelines based on the guidelines of one ERN."""
    ern = _by_code_or_404(Ern, code)
    return render_template(
        "portal/ern.html", ern=ern, publications=current_publications(ern_id=ern.id)
    )


@bp.route("/publications/<int:publication_id>")
def publication(publication_id: int):
    """Show one publication to read: its text, what it rests on and who published it."""
    key = pages.page_key(publication_id) if pages.cacheable() else None
    if key is not None and (page := pages.fresh_page(key)) is not None:
        return page
    generation = pages.write_generation()
    loaded = pages.load_publication(publication_id)
    if loaded is None:
        abort(404)
    if key is not None and (page := pages.checked_page(key, loaded)) is not None:
        return page
    publication = loaded.publication
    text_language = publication.text_language
    page = render_template(
        "portal/publication.html",
        publication=publication,
        text_language=text_language,
        document_html=document_fragment(publication, text_language),
        current=loaded.current,
        newer_source=loaded.newer_source,
    )
    if key is not None:
        pages.keep_page(key, loaded, page, generation)
    return page


@bp.route("/publications/<int:publication_id>.md")
def publication_markdown(publication_id: int):
    """Send the exact Markdown text of a publication as a file."""
    return markdown_download(_publication_or_404(publication_id))


@bp.route("/publications/<int:publication_id>.html")
def publication_html(publication_id: int):
    """Send a publication as one self-contained HTML file."""
    publication = _publication_or_404(publication_id)
    return html_download(
        publication,
        render_template(
            "portal/download.html",
            publication=publication,
            document=render_for_reader(publication.markdown),
            stylesheet=download_stylesheet(current_app.static_folder),
        ),
    )


def _all(model, order):
    return list(db.session.scalars(select(model).order_by(order)))


def _by_code_or_404(model, code: str):
    found = db.session.scalar(select(model).where(model.code == code))
    if found is None:
        abort(404)
    return found


def _publication_or_404(publication_id: int) -> Publication:
    publication = db.session.get(Publication, publication_id)
    if publication is None:
        abort(404)
    return publication
