"""Rebasing an adaptation onto a newer European version, as one new revision.

The text core (``guidelines.text.rebase``) decides each local hunk's outcome; this module
collects a person's resolutions, refuses to save while any hunk is unsettled (nothing is
half-rebased), saves the result as one revision, and re-opens the justifications of units
whose source changed.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from guidelines.accounts.models import User
from guidelines.adaptation.models import Adaptation, Revision
from guidelines.adaptation.operations import (
    AdaptationError,
    StaleRevision,
    add_revision,
    check_can_edit,
    frozen_translation,
)
from guidelines.extensions import db
from guidelines.library.models import DocumentText, SourceVersion
from guidelines.review.audit import record
from guidelines.text import rebase
from guidelines.text.diff import summarize_units
from guidelines.text.rebase import APPLIED, CONFLICT, NEEDS_CONFIRMATION, RebaseHunk, RebaseResult

# What a person may choose for a hunk that did not apply by itself.
ACTIONS_BY_OUTCOME = {
    NEEDS_CONFIRMATION: ("confirm", "theirs"),
    CONFLICT: ("mine", "theirs", "edit"),
}


@dataclass(frozen=True)
class Resolution:
    """A person's choice for one hunk: confirm the merge, keep mine, take theirs, or edit."""

    action: str
    text: str | None = None


@dataclass(frozen=True)
class RebasePreview:
    """The rebase of an adaptation's current text onto ``target``, before anything is saved."""

    adaptation: Adaptation
    target: SourceVersion
    from_version: SourceVersion | None
    result: RebaseResult
    base: DocumentText

    def count(self, outcome: str) -> int:
        """Return how many hunks have ``outcome``."""
        return len(self.result.of(outcome))

    @property
    def pending(self) -> tuple[RebaseHunk, ...]:
        return tuple(h for h in self.result.hunks if h.outcome != APPLIED)


@dataclass(frozen=True)
class RebaseOutcome:
    """A rebase attempt: the hunks, and the revision saved, or the hunks still unsettled."""

    result: RebaseResult
    revision: Revision | None
    unresolved: tuple[int, ...]
    reopened: tuple[str, ...] = ()


def target_base(adaptation: Adaptation, target: SourceVersion) -> DocumentText:
    """Return the base text of ``target`` of the same layer as the current base.

    An adaptation resting on a frozen translation moves to the frozen translation of the new
    version; one resting on the source text moves to the new source text.
    """
    if target.guideline_id != adaptation.guideline_id:
        raise AdaptationError(
            _("Version %(label)s is not a version of this guideline.", label=target.label)
        )
    current = adaptation.current_revision
    if current.base_version is not None and target.id < current.base_version.id:
        raise AdaptationError(
            _(
                "Version %(label)s is older than version %(base)s, on which the adaptation rests: "
                "rebase only onto a newer version.",
                label=target.label,
                base=current.base_version.label,
            )
        )
    if current.base_version is None or current.base_sha256 == current.base_version.text_sha256:
        base = target.text
    else:
        translation = frozen_translation(target, adaptation.language)
        if translation is None:
            raise AdaptationError(
                _(
                    "This adaptation rests on a translation: freeze the %(language)s translation "
                    "of version %(label)s first, then rebase onto it.",
                    language=adaptation.language,
                    label=target.label,
                )
            )
        base = translation.frozen_text
    if base.sha256 == current.base_sha256:
        raise AdaptationError(
            _("The adaptation is already based on version %(label)s.", label=target.label)
        )
    return base


def preview(adaptation: Adaptation, target: SourceVersion) -> RebasePreview:
    """Work out the rebase of the current revision onto ``target`` without saving it."""
    base = target_base(adaptation, target)
    revision = adaptation.current_revision
    result = rebase(revision.base.verified_markdown(), revision.text(), base.verified_markdown())
    return RebasePreview(adaptation, target, revision.base_version, result, base)


def parse_resolutions(raw) -> dict[int, Resolution]:
    """Read resolutions sent as JSON: {"<hunk>": "confirm" | {"action": ..., "text": ...}}."""
    if raw is None:
        return {}
    if isinstance(raw, list):
        raw = {str(item.get("hunk")): item for item in raw if isinstance(item, dict)}
    if not isinstance(raw, dict):
        raise AdaptationError(_("resolutions must be an object: hunk number -> choice."))
    resolutions = {}
    for key, value in raw.items():
        if not str(key).isdecimal():
            raise AdaptationError(_("%(key)s is not a hunk number.", key=key))
        if isinstance(value, str):
            value = {"action": value}
        if not isinstance(value, dict) or not isinstance(value.get("action"), str):
            raise AdaptationError(_("Hunk %(key)s: give an action.", key=key))
        text = value.get("text")
        if text is not None and not isinstance(text, str):
            raise AdaptationError(_("Hunk %(key)s: the text must be a string.", key=key))
        resolutions[int(key)] = Resolution(value["action"], text)
    return resolutions


def resolutions_from_form(form) -> dict[int, Resolution]:
    """Read resolutions from the rebase page: fields ``hunk-<i>`` and ``hunk-<i>-text``."""
    resolutions = {}
    for name, action in form.items():
        index = name.removeprefix("hunk-")
        if name.startswith("hunk-") and index.isdecimal() and action:
            text = form.get(f"hunk-{index}-text")
            resolutions[int(index)] = Resolution(
                action, text.replace("\r\n", "\n") if text else text
            )
    return resolutions


def _settle(result: RebaseResult, resolutions: dict[int, Resolution]):
    """Return (confirmed indices, conflict texts, unresolved indices), refusing bad choices."""
    hunks = {hunk.index: hunk for hunk in result.hunks}
    unknown = sorted(set(resolutions) - set(hunks))
    if unknown:
        raise AdaptationError(
            _("There is no hunk %(numbers)s.", numbers=", ".join(map(str, unknown)))
        )
    confirmed, texts, unresolved = [], {}, []
    for index, hunk in hunks.items():
        if hunk.outcome == APPLIED:
            continue
        choice = resolutions.get(index)
        if choice is None:
            unresolved.append(index)
            continue
        if choice.action not in ACTIONS_BY_OUTCOME[hunk.outcome]:
            raise AdaptationError(
                _(
                    "Hunk %(index)s (%(outcome)s) cannot be settled with %(action)s; choose one of "
                    "%(allowed)s.",
                    index=index,
                    outcome=hunk.outcome,
                    action=choice.action,
                    allowed=", ".join(ACTIONS_BY_OUTCOME[hunk.outcome]),
                )
            )
        if choice.action == "confirm":
            confirmed.append(index)
        elif choice.action == "mine":
            texts[index] = hunk.local
        elif choice.action == "edit":
            if choice.text is None:
                raise AdaptationError(_("Hunk %(index)s: write the text to use.", index=index))
            texts[index] = choice.text
        # "theirs": the new base's text stays as it is.
    return confirmed, texts, tuple(unresolved)


def rebase_adaptation(
    adaptation: Adaptation,
    target: SourceVersion,
    *,
    parent_number: int,
    resolutions: dict[int, Resolution] | None,
    user: User,
    message: str = "",
) -> RebaseOutcome:
    """Rebase onto ``target``; once every hunk is settled, save the result as one revision."""
    check_can_edit(user, adaptation.network)
    current = adaptation.current_revision
    if parent_number != current.number:
        raise StaleRevision(current, "")
    planned = preview(adaptation, target)
    confirmed, texts, unresolved = _settle(planned.result, resolutions or {})
    if unresolved:
        return RebaseOutcome(planned.result, None, unresolved)
    text = planned.result.apply(confirmed, texts)
    old_label = current.base_version.label if current.base_version else current.base_sha256[:12]
    revision = add_revision(
        adaptation,
        number=current.number + 1,
        parent=current,
        base=planned.base,
        base_version=target,
        markdown=text,
        user=user,
        kind="rebase",
        message=message
        or _("Rebased from version %(old)s onto version %(new)s.", old=old_label, new=target.label),
    )
    reopened = _reopen_changed_units(
        adaptation, current.base.verified_markdown(), planned.base.verified_markdown(), target
    )
    record(
        "adaptation.rebase",
        obj=adaptation,
        actor=user,
        summary=(
            f"Rebased adaptation {adaptation.id} from version {old_label} onto version "
            f"{target.label} as revision {revision.number}."
        ),
        before={
            "revision": current.number,
            "base_version": old_label,
            "base_sha256": current.base_sha256,
        },
        after={
            "revision": revision.number,
            "base_version": target.label,
            "base_sha256": planned.base.sha256,
            "hunks": {
                outcome: len(planned.result.of(outcome))
                for outcome in sorted({h.outcome for h in planned.result.hunks})
            },
            "reopened": list(reopened),
        },
    )
    return RebaseOutcome(planned.result, revision, (), reopened)


def _reopen_changed_units(
    adaptation: Adaptation, old_base: str, new_base: str, target: SourceVersion
):
    """Re-open the justifications of units whose European source changed."""
    changed = {u.key for u in summarize_units(old_base, new_base) if u.change != "unchanged"}
    reopened = []
    for justification in adaptation.justifications:
        if justification.unit_key in changed:
            justification.reopened = True
            justification.reopened_reason = _(
                "Version %(label)s of the European guideline changed this unit.",
                label=target.label,
            )
            reopened.append(justification.unit_key)
    db.session.flush()
    return tuple(reopened)


def outcome_json(outcome: RebaseOutcome, revision_json) -> dict:
    """Return the JSON shape of a rebase attempt."""
    return {
        "rebased": outcome.revision is not None,
        "revision": revision_json(outcome.revision) if outcome.revision else None,
        "unresolved": list(outcome.unresolved),
        "reopened": list(outcome.reopened),
        "clean": outcome.result.clean,
        "hunks": [
            {
                "index": h.index,
                "outcome": h.outcome,
                "reason": h.reason,
                "old_base": h.old_base,
                "new_base": h.new_base,
                "local": h.local,
                "merged": h.merged,
                "actions": list(ACTIONS_BY_OUTCOME.get(h.outcome, ())),
            }
            for h in outcome.result.hunks
        ],
    }
