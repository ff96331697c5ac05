"""Use cases of adaptations: start, save revisions, justify decisions.

Operations change models and flush; the caller (a view, the API or a CLI command) commits.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from guidelines.accounts.models import Role, User
from guidelines.adaptation.models import Adaptation, Justification, Revision
from guidelines.extensions import db
from guidelines.library.models import DocumentText, Guideline, Network, SourceVersion, utcnow
from guidelines.review.audit import record
from guidelines.text import apply_patch, make_patch, sha256_text

DEFAULT_LOCALE = "nl-BE"


class AdaptationError(ValueError):
    """A request on an adaptation that cannot be carried out; the message says why."""


class NotAllowed(PermissionError):
    """The user may not change this adaptation."""


class StaleRevision(Exception):
    """A save that started from a revision which is no longer the current one."""

    def __init__(self, current: Revision, attempted_text: str):
        super().__init__(
            f"Revision {current.number} was saved since you started; merge your text with it."
        )
        self.current = current
        self.attempted_text = attempted_text


def can_edit(user: User | None, network: Network) -> bool:
    """Tell whether ``user`` may write adaptations of ``network`` (its authors and admins)."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.AUTHOR and any(n.id == network.id for n in user.networks)


def check_can_edit(user: User | None, network: Network) -> None:
    """Refuse unless ``user`` may write adaptations of ``network``."""
    if not can_edit(user, network):
        raise NotAllowed(
            _(
                "Only authors of the network %(network)s may change its adaptations.",
                network=network.name,
            )
        )


def start_adaptation(
    guideline: Guideline,
    network: Network,
    *,
    user: User,
    version: SourceVersion | None = None,
    locale: str = DEFAULT_LOCALE,
    title: str | None = None,
) -> Adaptation:
    """Start an adaptation on a source version's text; its first revision is that text."""
    check_can_edit(user, network)
    version = version or guideline.latest_version
    if version is None or version.guideline_id != guideline.id:
        raise AdaptationError(_("Choose a version of this guideline to adapt."))
    adaptation = Adaptation(
        guideline=guideline,
        network=network,
        locale=locale or DEFAULT_LOCALE,
        title=(title or guideline.title)[:300],
        created_by=user,
    )
    db.session.add(adaptation)
    base = base_text_for(version, adaptation.language)
    add_revision(
        adaptation,
        number=1,
        parent=None,
        base=base,
        base_version=version,
        markdown=base.verified_markdown(),
        message=_("Started from version %(label)s.", label=version.label),
        user=user,
        kind="start",
    )
    record(
        "adaptation.start",
        obj=adaptation,
        actor=user,
        summary=(
            f"Started the {network.code} adaptation of {guideline.slug} "
            f"from version {version.label}."
        ),
        after={
            "guideline": guideline.slug,
            "network": network.code,
            "version": version.label,
            "locale": adaptation.locale,
            "base_sha256": base.sha256,
        },
    )
    return adaptation


def frozen_translation(version: SourceVersion, language: str):
    """Return the frozen translation of ``version`` into ``language``, if there is one."""
    from guidelines.translation.models import Translation

    return db.session.scalar(
        select(Translation).where(
            Translation.source_version_id == version.id,
            Translation.language == language,
            Translation.frozen_sha256.is_not(None),
        )
    )


def base_text_for(version: SourceVersion, language: str) -> DocumentText:
    """Return the base text an adaptation in ``language`` rests on for ``version``.

    The source text when the languages agree; else the frozen translation into the
    adaptation's language. Without one, the source text itself: translating first is the
    rule, but an adaptation can start before, and be rebased onto the frozen translation.
    """
    if language != version.guideline.source_language:
        translation = frozen_translation(version, language)
        if translation is not None:
            return translation.frozen_text
    return version.text


def save_revision(
    adaptation: Adaptation, *, parent_number: int, markdown: str, message: str, user: User
) -> Revision:
    """Save ``markdown`` as the next revision, refusing a save that started from an old one."""
    check_can_edit(user, adaptation.network)
    current = adaptation.current_revision
    if parent_number != current.number:
        raise StaleRevision(current, markdown)
    if sha256_text(markdown) == current.result_sha256:
        raise AdaptationError(
            _("Nothing changed since revision %(number)s.", number=current.number)
        )
    revision = add_revision(
        adaptation,
        number=current.number + 1,
        parent=current,
        base=current.base,
        base_version=current.base_version,
        markdown=markdown,
        message=message,
        user=user,
    )
    record(
        "adaptation.revision.save",
        obj=adaptation,
        actor=user,
        summary=f"Saved revision {revision.number} of adaptation {adaptation.id}.",
        before={"revision": current.number, "result_sha256": current.result_sha256},
        after={
            "revision": revision.number,
            "result_sha256": revision.result_sha256,
            "message": revision.message,
        },
    )
    return revision


def add_revision(
    adaptation: Adaptation,
    *,
    number: int,
    parent: Revision | None,
    base: DocumentText,
    base_version: SourceVersion | None,
    markdown: str,
    message: str,
    user: User,
    kind: str = "edit",
) -> Revision:
    base_text = base.verified_markdown()
    patch = make_patch(base_text, markdown)
    result_sha256 = sha256_text(markdown)
    # Invariant 2, on write: the stored patch must give back exactly this text.
    apply_patch(base_text, patch, expected_sha256=result_sha256)
    try:
        # The savepoint keeps the session usable when the unique (adaptation, number) refuses.
        with db.session.begin_nested(), db.session.no_autoflush:
            revision = Revision(
                adaptation=adaptation,
                number=number,
                parent=parent,
                kind=kind,
                base=base,
                base_version=base_version,
                patch_zlib=Revision.pack_patch(patch),
                result_sha256=result_sha256,
                message=message.strip(),
                author=user,
            )
            db.session.add(revision)
    except IntegrityError as error:
        # Another save took this number between our read and our write.
        db.session.expire(adaptation, ["revisions"])
        raise StaleRevision(adaptation.current_revision, markdown) from error
    return revision


def justify(
    adaptation: Adaptation, unit_key: str, decision: str, text: str, user: User
) -> Justification:
    """Record why a unit was adapted, excluded or added (replacing an earlier justification)."""
    check_can_edit(user, adaptation.network)
    text = text.strip()
    if not text:
        raise AdaptationError(
            _("Write a justification for %(key)s: why is it different here?", key=unit_key)
        )
    justification = next((j for j in adaptation.justifications if j.unit_key == unit_key), None)
    before = None
    if justification is None:
        justification = Justification(adaptation=adaptation, unit_key=unit_key)
        db.session.add(justification)
    else:
        before = {
            "decision": justification.decision,
            "text": justification.text,
            "reopened": justification.reopened,
        }
    justification.decision = decision
    justification.text = text
    justification.reopened = False
    justification.reopened_reason = ""
    justification.author = user
    justification.updated_at = utcnow()
    db.session.flush()
    record(
        "adaptation.decision.justify",
        obj=adaptation,
        actor=user,
        summary=f"Justified unit {unit_key} of adaptation {adaptation.id} as {decision}.",
        before=before and {"unit": unit_key, **before},
        after={"unit": unit_key, "decision": decision, "text": text, "reopened": False},
    )
    return justification


@dataclass(frozen=True)
class AdaptationState:
    """The texts an editor works with: the base, the current text, and the revision number."""

    base: str
    text: str
    revision: Revision


def current_state(adaptation: Adaptation) -> AdaptationState:
    """Return the base text and current text of ``adaptation``, both verified."""
    revision = adaptation.current_revision
    return AdaptationState(revision.base.verified_markdown(), revision.text(), revision)
