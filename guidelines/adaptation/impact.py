"""The impact report: what a new European version changes, and which adaptations it touches."""

from dataclasses import dataclass

from sqlalchemy import select

from guidelines.adaptation.decisions import decision_register
from guidelines.adaptation.models import Adaptation
from guidelines.extensions import db
from guidelines.library.models import Guideline, SourceVersion
from guidelines.text.diff import UnitChange, summarize_units


@dataclass(frozen=True)
class AffectedUnit:
    """A unit whose source changed, and what the adaptation had decided for it."""

    key: str
    title: str
    source_change: str
    flags: tuple[str, ...]
    local_decision: str | None  # None: the unit is new in the source


@dataclass(frozen=True)
class AffectedAdaptation:
    """An adaptation based on an older version, and its units the new version changes."""

    adaptation: Adaptation
    base_label: str
    units: list[AffectedUnit]


@dataclass(frozen=True)
class ImpactReport:
    """Per unit, what changed between two source versions, and the adaptations affected."""

    older: SourceVersion
    newer: SourceVersion
    units: list[UnitChange]
    adaptations: list[AffectedAdaptation]

    @property
    def changed_units(self) -> list[UnitChange]:
        return [u for u in self.units if u.change != "unchanged"]


def adaptations_of(guideline: Guideline) -> list[Adaptation]:
    """Return the adaptations of ``guideline``, oldest first."""
    query = (
        select(Adaptation).where(Adaptation.guideline_id == guideline.id).order_by(Adaptation.id)
    )
    return list(db.session.scalars(query))


def impact_report(older: SourceVersion, newer: SourceVersion, *, viewer=None) -> ImpactReport:
    """Compare two versions of a guideline and list the adaptations that rest on the older,
    those ``viewer`` may see (drafts are for their network's members)."""
    from guidelines.portal.visibility import can_view_adaptation

    units = summarize_units(older.markdown, newer.markdown)
    changed = [u for u in units if u.change != "unchanged"]
    affected = []
    for adaptation in adaptations_of(older.guideline):
        if not can_view_adaptation(viewer, adaptation):
            continue
        revision = adaptation.current_revision
        if revision.base_version_id != older.id:
            continue
        register = {
            row.key: row.decision
            for row in decision_register(
                adaptation, revision.base.verified_markdown(), revision.text()
            )
        }
        affected.append(
            AffectedAdaptation(
                adaptation=adaptation,
                base_label=older.label,
                units=[
                    AffectedUnit(u.key, u.title, u.change, u.flags, register.get(u.key))
                    for u in changed
                ],
            )
        )
    return ImpactReport(older, newer, units, affected)
