"""The decision register: derived from the diff, justified per unit, exported as CSV."""

import csv
import io

import pytest

from guidelines.adaptation.decisions import decision_register, register_csv, unjustified
from guidelines.adaptation.impact import impact_report
from guidelines.adaptation.operations import AdaptationError, current_state, justify, save_revision
from guidelines.extensions import db
from tests.adaptation.conftest import V1

LOCAL = (
    V1.replace("every 2 years", "every 3 years").replace(  # R1 adapted
        "::: recommendation R3 strength=strong certainty=high direction=for\n"
        "Refer to an expert centre.\n:::\n",
        "::: recommendation R3-VL strength=strong certainty=low direction=for\n"
        "Refer to a Flemish centre of expertise.\n:::\n",
    )  # R3 excluded, R3-VL new
)


@pytest.fixture
def register(adaptation, author):
    save_revision(adaptation, parent_number=1, markdown=LOCAL, message="", user=author)
    db.session.commit()
    state = current_state(adaptation)
    return decision_register(adaptation, state.base, state.text)


def test_decisions_follow_from_the_diff(register):
    assert {row.key: row.decision for row in register} == {
        "R1": "adapted",
        "R2": "adopted",
        "R3": "excluded",
        "R3-VL": "new",
    }


def test_every_non_adopted_unit_needs_a_justification(register):
    assert [row.key for row in unjustified(register)] == ["R1", "R3", "R3-VL"]


def test_justification_settles_a_unit(adaptation, author, register):
    justify(adaptation, "R1", "adapted", "RIZIV reimburses one scan every 3 years.", author)
    state = current_state(adaptation)
    rows = decision_register(adaptation, state.base, state.text)
    assert [row.key for row in unjustified(rows)] == ["R3", "R3-VL"]


def test_empty_justification_is_refused(adaptation, author, register):
    with pytest.raises(AdaptationError, match="Write a justification"):
        justify(adaptation, "R1", "adapted", "   ", author)


def test_justification_of_another_decision_does_not_count(adaptation, author, register):
    justify(adaptation, "R2", "adapted", "Was adapted once.", author)
    state = current_state(adaptation)
    row = next(r for r in decision_register(adaptation, state.base, state.text) if r.key == "R2")
    assert row.decision == "adopted" and not row.justified and not row.needs_justification


def test_register_exports_as_csv(adaptation, author, register):
    justify(adaptation, "R1", "adapted", "Reimbursement, every 3 years.", author)
    state = current_state(adaptation)
    rows = list(
        csv.reader(io.StringIO(register_csv(decision_register(adaptation, state.base, state.text))))
    )
    assert rows[0][:4] == ["unit", "title", "kind", "decision"]
    r1 = next(r for r in rows if r[0] == "R1")
    assert r1[3:6] == ["adapted", "Reimbursement, every 3 years.", "justified"]


def test_impact_report_lists_changed_units_and_affected_adaptations(
    adaptation, author, register, guideline_versions
):
    first, second = guideline_versions
    report = impact_report(first, second, viewer=author)
    assert {u.key: u.change for u in report.changed_units} == {"R1": "changed", "R3": "changed"}
    assert "numbers" in next(u for u in report.units if u.key == "R1").flags
    [affected] = report.adaptations
    assert affected.adaptation.id == adaptation.id
    assert {u.key: u.local_decision for u in affected.units} == {"R1": "adapted", "R3": "excluded"}
    assert adaptation.source_updated
