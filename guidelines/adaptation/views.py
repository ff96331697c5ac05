"""Pages of adaptations: start, edit with preview and diff, decisions, impact, rebase."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from guidelines.accounts.models import Role
from guidelines.accounts.permissions import role_required
from guidelines.adaptation import operations, rebasing
from guidelines.adaptation.decisions import decision_register, register_csv, unjustified
from guidelines.adaptation.forms import EditForm, JustificationForm, RebaseForm, StartAdaptationForm
from guidelines.adaptation.impact import impact_report
from guidelines.adaptation.models import Adaptation
from guidelines.extensions import db
from guidelines.library import queries
from guidelines.library.models import Network
from guidelines.portal.visibility import can_view_adaptation
from guidelines.rendering import render_for_reader
from guidelines.text import diff_versions

bp = Blueprint("adaptation", __name__)


def _adaptation_or_404(adaptation_id: int) -> Adaptation:
    adaptation = db.session.get(Adaptation, adaptation_id)
    # Drafts are for the network's members: to anyone else they do not exist (404, not 403).
    if adaptation is None or not can_view_adaptation(current_user, adaptation):
        abort(404, description=_("There is no adaptation %(id)s.", id=adaptation_id))
    return adaptation


def _editable_or_403(adaptation: Adaptation) -> None:
    if not operations.can_edit(current_user, adaptation.network):
        abort(
            403,
            description=_(
                "Only authors of %(network)s may change this adaptation.",
                network=adaptation.network.name,
            ),
        )


@bp.app_template_global()
def can_edit_adaptation(adaptation: Adaptation) -> bool:
    """Tell templates whether the current user may change ``adaptation``."""
    return operations.can_edit(current_user, adaptation.network)


@bp.route("/adaptations")
def adaptations():
    """List the adaptations, with the ones whose source was updated marked."""
    rows = db.session.scalars(select(Adaptation).order_by(Adaptation.id.desc()))
    visible = [a for a in rows if can_view_adaptation(current_user, a)]
    return render_template("adaptation/list.html", adaptations=visible)


@bp.route("/guidelines/<slug>/adapt", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def start(slug: str):
    """Start a Flemish adaptation of a guideline."""
    guideline = queries.guideline_or_404(slug)
    form = StartAdaptationForm()
    networks = [n for n in queries.list_networks() if operations.can_edit(current_user, n)]
    form.network.choices = [SelectChoice(n.code, n.name) for n in networks]
    form.version.choices = [SelectChoice(v.label, v.label) for v in reversed(guideline.versions)]
    if form.validate_on_submit():
        network = db.session.scalar(select(Network).where(Network.code == form.network.data))
        version = queries.version_or_404(guideline, form.version.data)
        try:
            adaptation = operations.start_adaptation(
                guideline,
                network,
                user=current_user,
                version=version,
                locale=form.locale.data,
                title=form.title.data or None,
            )
        except (operations.AdaptationError, operations.NotAllowed) as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Adaptation started on version %(label)s.", label=version.label), "success")
            return redirect(url_for(".edit", adaptation_id=adaptation.id))
    return render_template("adaptation/start.html", guideline=guideline, form=form)


@bp.route("/adaptations/<int:adaptation_id>")
def adaptation(adaptation_id: int):
    """Show an adaptation: its state, revisions, and what still needs a justification."""
    adaptation = _adaptation_or_404(adaptation_id)
    state = operations.current_state(adaptation)
    register = decision_register(adaptation, state.base, state.text)
    return render_template(
        "adaptation/adaptation.html",
        adaptation=adaptation,
        state=state,
        register=register,
        missing=unjustified(register),
        document=render_for_reader(state.text),
        can_edit=operations.can_edit(current_user, adaptation.network),
    )


@bp.route("/adaptations/<int:adaptation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(adaptation_id: int):
    """Edit the adapted text beside its base; a stale save shows both texts to merge."""
    adaptation = _adaptation_or_404(adaptation_id)
    _editable_or_403(adaptation)
    state = operations.current_state(adaptation)
    form = EditForm()
    if request.method == "GET":
        form.parent_revision.data = state.revision.number
        form.markdown.data = state.text
    if form.validate_on_submit():
        try:
            operations.save_revision(
                adaptation,
                parent_number=form.parent_revision.data,
                markdown=form.markdown.data.replace("\r\n", "\n"),
                message=form.message.data or "",
                user=current_user,
            )
        except operations.StaleRevision as stale:
            db.session.rollback()
            return _merge_page(adaptation, stale, form), 409
        except operations.AdaptationError as error:
            flash(str(error), "info")
        else:
            db.session.commit()
            flash(
                _("Saved revision %(number)s.", number=adaptation.current_revision.number),
                "success",
            )
            return redirect(url_for(".edit", adaptation_id=adaptation.id))
    return render_template("adaptation/edit.html", adaptation=adaptation, state=state, form=form)


def _merge_page(adaptation: Adaptation, stale: operations.StaleRevision, form: EditForm):
    state = operations.current_state(adaptation)
    form.parent_revision.data = state.revision.number
    return render_template(
        "adaptation/merge.html",
        adaptation=adaptation,
        state=state,
        form=form,
        mine=stale.attempted_text,
        diff=diff_versions(state.text, stale.attempted_text),
    )


@bp.post("/adaptations/preview")
@login_required
def preview():
    """Render Markdown for the editor's live preview."""
    text = request.form.get("markdown", "")
    return jsonify(html=render_for_reader(text).html)


@bp.route("/adaptations/<int:adaptation_id>/diff")
def diff(adaptation_id: int):
    """Show the adaptation against its base, side by side or inline."""
    adaptation = _adaptation_or_404(adaptation_id)
    state = operations.current_state(adaptation)
    view = "inline" if request.args.get("view") == "inline" else "side"
    return render_template(
        "adaptation/diff.html",
        adaptation=adaptation,
        state=state,
        view=view,
        diff=diff_versions(state.base, state.text),
    )


@bp.route("/adaptations/<int:adaptation_id>/decisions")
def decisions(adaptation_id: int):
    """Show the decision register, with a justification form per unit for its authors."""
    adaptation = _adaptation_or_404(adaptation_id)
    state = operations.current_state(adaptation)
    return render_template(
        "adaptation/decisions.html",
        adaptation=adaptation,
        state=state,
        register=decision_register(adaptation, state.base, state.text),
        can_edit=operations.can_edit(current_user, adaptation.network),
        form=JustificationForm(),
    )


@bp.post("/adaptations/<int:adaptation_id>/decisions/<path:key>")
@login_required
def justify(adaptation_id: int, key: str):
    """Save the justification of one unit's decision."""
    adaptation = _adaptation_or_404(adaptation_id)
    _editable_or_403(adaptation)
    state = operations.current_state(adaptation)
    rows = {r.key: r for r in decision_register(adaptation, state.base, state.text)}
    if key not in rows:
        abort(404, description=_("The register has no unit %(key)s.", key=key))
    form = JustificationForm()
    if form.validate_on_submit():
        operations.justify(
            adaptation, key, rows[key].decision, form.justification.data, current_user
        )
        db.session.commit()
        flash(_("Justification of %(key)s saved.", key=key), "success")
    else:
        flash(_("Write a justification before saving."), "error")
    return redirect(
        url_for(".decisions", adaptation_id=adaptation.id, _anchor=f"unit-{rows[key].anchor}")
    )


@bp.route("/adaptations/<int:adaptation_id>/decisions.csv")
def decisions_csv(adaptation_id: int):
    """Download the decision register as CSV."""
    adaptation = _adaptation_or_404(adaptation_id)
    state = operations.current_state(adaptation)
    body = register_csv(decision_register(adaptation, state.base, state.text))
    filename = f"decisions-{adaptation.guideline.slug}-{adaptation.network.code}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/guidelines/<slug>/impact")
def impact(slug: str):
    """Show what a newer European version changes, and which adaptations it affects."""
    guideline = queries.guideline_or_404(slug)
    if len(guideline.versions) < 2:
        flash(_("This guideline has only one version: there is no impact to report."), "info")
        return redirect(url_for("library.guideline", slug=slug))
    newer = queries.version_or_404(
        guideline, request.args.get("to") or guideline.versions[-1].label
    )
    default_from = newer.previous or guideline.versions[0]
    older = queries.version_or_404(guideline, request.args.get("from") or default_from.label)
    return render_template(
        "adaptation/impact.html",
        guideline=guideline,
        report=impact_report(older, newer, viewer=current_user),
    )


@bp.route("/adaptations/<int:adaptation_id>/rebase", methods=["GET", "POST"])
@login_required
def rebase(adaptation_id: int):
    """Rebase onto a newer European version; conflicts are settled here, hunk by hunk."""
    adaptation = _adaptation_or_404(adaptation_id)
    _editable_or_403(adaptation)
    guideline = adaptation.guideline
    target = queries.version_or_404(
        guideline, request.values.get("to") or guideline.versions[-1].label
    )
    form = RebaseForm()
    if form.validate_on_submit():
        resolutions = rebasing.resolutions_from_form(request.form)
        try:
            outcome = rebasing.rebase_adaptation(
                adaptation,
                target,
                parent_number=form.parent_revision.data,
                resolutions=resolutions,
                user=current_user,
                message=form.message.data or "",
            )
        except operations.StaleRevision:
            db.session.rollback()
            flash(
                _("Someone saved a revision meanwhile: the rebase was worked out again on it."),
                "error",
            )
            return redirect(url_for(".rebase", adaptation_id=adaptation.id, to=target.label))
        except operations.AdaptationError as error:
            flash(str(error), "error")
            return redirect(url_for(".rebase", adaptation_id=adaptation.id, to=target.label))
        if outcome.revision is not None:
            db.session.commit()
            flash(
                _(
                    "Rebased onto version %(label)s as revision %(number)s.",
                    label=target.label,
                    number=outcome.revision.number,
                ),
                "success",
            )
            return redirect(url_for(".decisions", adaptation_id=adaptation.id))
        flash(_("Settle every hunk marked below before the rebase can be saved."), "error")
    elif form.is_submitted() and form.parent_revision.errors:
        flash(_("The form arrived damaged. Reload the page and try again."), "error")
    try:
        preview = rebasing.preview(adaptation, target)
    except operations.AdaptationError as error:
        flash(str(error), "info")
        return redirect(url_for(".adaptation", adaptation_id=adaptation.id))
    form.parent_revision.data = str(adaptation.current_revision.number)
    return render_template(
        "adaptation/rebase.html", adaptation=adaptation, target=target, preview=preview, form=form
    )
