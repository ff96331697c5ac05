"""Pages of the library: networks, ERNs, diseases, guidelines, versions, comparisons, import."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from guidelines.accounts.models import Role
from guidelines.accounts.permissions import role_required
from guidelines.extensions import db
from guidelines.library import queries
from guidelines.library.forms import ImportForm
from guidelines.library.operations import ImportRequest, import_version
from guidelines.library.uploads import ImportRefused, decode_upload, slug_from_filename
from guidelines.rendering import render_for_reader
from guidelines.text import diff_versions

bp = Blueprint("library", __name__)


@bp.route("/")
def index():
    """Show the front page: the networks and the guidelines."""
    return render_template(
        "library/index.html",
        networks=queries.list_networks(),
        guidelines=queries.list_guidelines(),
    )


@bp.route("/erns")
def erns():
    """List the European Reference Networks and the Flemish networks that follow each."""
    return render_template(
        "library/erns.html", erns=queries.list_erns(), counts=queries.guideline_counts_by_ern()
    )


@bp.route("/networks")
def networks():
    """List the Flemish networks with the ERNs each follows."""
    return render_template("library/networks.html", networks=queries.list_networks())


@bp.route("/networks/<code>")
def network(code: str):
    """Show one Flemish network and the guidelines of the ERNs it follows."""
    network = queries.network_or_404(code)
    return render_template(
        "library/network.html", network=network, guidelines=queries.list_guidelines(network=code)
    )


@bp.route("/diseases")
def diseases():
    """List the diseases (by ORPHAcode) that have guidelines."""
    return render_template("library/diseases.html", diseases=queries.list_diseases())


@bp.route("/diseases/<code>")
def disease(code: str):
    """List the guidelines for one ORPHAcode."""
    number = queries.orpha_number_or_400(code)
    return render_template(
        "library/disease.html",
        code=f"ORPHA:{number}",
        disease=queries.disease_by_number(number),
        guidelines=queries.list_guidelines(orpha=f"ORPHA:{number}"),
    )


@bp.route("/guidelines")
def guidelines():
    """List guidelines, filtered by network, ERN or ORPHAcode."""
    filters = {key: request.args.get(key) or None for key in ("network", "ern", "orpha")}
    return render_template(
        "library/guidelines.html",
        guidelines=queries.list_guidelines(**filters),
        filters=filters,
        networks=queries.list_networks(),
        erns=queries.list_erns(),
    )


@bp.route("/guidelines/<slug>")
def guideline(slug: str):
    """Show a guideline and its versions."""
    guideline = queries.guideline_or_404(slug)
    return render_template("library/guideline.html", guideline=guideline)


@bp.route("/guidelines/<slug>/versions/<label>")
def version(slug: str, label: str):
    """Show one source version rendered, with its table of contents."""
    guideline = queries.guideline_or_404(slug)
    version = queries.version_or_404(guideline, label)
    return render_template(
        "library/version.html",
        guideline=guideline,
        version=version,
        document=render_for_reader(version.markdown),
    )


@bp.route("/guidelines/<slug>/versions/<label>/markdown")
def version_markdown(slug: str, label: str):
    """Send the exact Markdown text of a version."""
    version = queries.version_or_404(queries.guideline_or_404(slug), label)
    return current_app.response_class(
        version.markdown,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'inline; filename="{slug}-{label}.md"'},
    )


@bp.route("/guidelines/<slug>/compare")
def compare(slug: str):
    """Compare two versions side by side or inline, with a summary per unit."""
    guideline = queries.guideline_or_404(slug)
    if len(guideline.versions) < 2:
        flash(_("This guideline has only one version: there is nothing to compare yet."), "info")
        return redirect(url_for(".guideline", slug=slug))
    older, newer = _compared_versions(guideline)
    view = "inline" if request.args.get("view") == "inline" else "side"
    return render_template(
        "library/compare.html",
        guideline=guideline,
        older=older,
        newer=newer,
        view=view,
        diff=diff_versions(older.markdown, newer.markdown),
    )


def _compared_versions(guideline):
    """Return the (from, to) versions named in the query, defaulting to the last two."""
    versions = guideline.versions
    to_label = request.args.get("to") or versions[-1].label
    newer = queries.version_or_404(guideline, to_label)
    default_from = newer.previous or versions[0]
    older = queries.version_or_404(guideline, request.args.get("from") or default_from.label)
    return older, newer


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def import_page():
    """Import a European guideline version from an uploaded Markdown file."""
    form = ImportForm()
    form.ern.choices = [SelectChoice("", "—")] + [
        SelectChoice(e.code, f"{e.code} — {e.name}") for e in queries.list_erns()
    ]
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = decode_upload(
                upload.read(),
                max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                name=upload.filename or _("The file"),
            )
            result = import_version(text, _import_request(form, upload.filename), user=current_user)
        except ImportRefused as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("library/import.html", form=form), 422
        db.session.commit()
        version = result.version
        if result.imported:
            flash(
                _(
                    "Imported version %(label)s of %(title)s.",
                    label=version.label,
                    title=version.guideline.title,
                ),
                "success",
            )
        else:
            flash(
                _(
                    "This text is already version %(label)s of %(title)s; nothing was imported.",
                    label=version.label,
                    title=version.guideline.title,
                ),
                "info",
            )
        return redirect(url_for(".version", slug=version.guideline.slug, label=version.label))
    if form.errors:
        return render_template("library/import.html", form=form), 422
    return render_template("library/import.html", form=form)


def _import_request(form: ImportForm, filename: str | None) -> ImportRequest:
    return ImportRequest(
        slug=form.slug.data or None,
        label=form.label.data or None,
        title=form.title.data or None,
        ern=form.ern.data or None,
        language=form.language.data or None,
        published=form.published.data,
        change_note=form.change_note.data or None,
        default_slug=slug_from_filename(filename or "") or None,
    )
