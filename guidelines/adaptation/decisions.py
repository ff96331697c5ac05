"""The decision register: per unit, adopted / adapted / excluded / new, and why.

It is derived from the diff between the base text and the adapted text, so it can never
disagree with the text; only the justifications are stored.
"""

import csv
import io
from dataclasses import dataclass

from guidelines.adaptation.models import Adaptation, Justification
from guidelines.text.diff import summarize_units

# The change of a unit from base to adaptation, named as the ADAPTE / GRADE-ADOLOPMENT decision.
DECISION_FOR_CHANGE = {
    "unchanged": "adopted",
    "changed": "adapted",
    "removed": "excluded",
    "added": "new",
}
DECISIONS = tuple(DECISION_FOR_CHANGE.values())


@dataclass(frozen=True)
class DecisionRow:
    """One unit of the register: its decision and the justification that stands for it."""

    key: str
    title: str
    kind: str
    decision: str
    anchor: str
    flags: tuple[str, ...]
    justification: Justification | None

    @property
    def justified(self) -> bool:
        """Tell whether a justification stands: same decision, not re-opened since."""
        j = self.justification
        return j is not None and j.decision == self.decision and not j.reopened

    @property
    def needs_justification(self) -> bool:
        return self.decision != "adopted" and not self.justified

    @property
    def reopened(self) -> bool:
        return self.justification is not None and self.justification.reopened


def decision_register(adaptation: Adaptation, base: str, text: str) -> list[DecisionRow]:
    """Return the register of ``adaptation`` for the given base text and adapted text."""
    justifications = {j.unit_key: j for j in adaptation.justifications}
    return [
        DecisionRow(
            key=unit.key,
            title=unit.title,
            kind=unit.kind,
            decision=DECISION_FOR_CHANGE[unit.change],
            anchor=unit.anchor,
            flags=unit.flags,
            justification=justifications.get(unit.key),
        )
        for unit in summarize_units(base, text)
    ]


def unjustified(rows: list[DecisionRow]) -> list[DecisionRow]:
    """Return the rows that still need a justification before the revision can be submitted."""
    return [row for row in rows if row.needs_justification]


def register_csv(rows: list[DecisionRow]) -> str:
    """Return the register as CSV: key, title, kind, decision, justification, status."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit", "title", "kind", "decision", "justification", "status", "author"])
    for row in rows:
        j = row.justification
        status = "justified" if row.justified else ("needed" if row.needs_justification else "")
        if row.reopened:
            status = "reopened"
        writer.writerow(
            [
                row.key,
                row.title,
                row.kind,
                row.decision,
                j.text if j else "",
                status,
                j.author.email if j and j.author else "",
            ]
        )
    return out.getvalue()
