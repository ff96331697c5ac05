"""Rebasing an adaptation: one revision, only settled hunks, re-opened decisions."""

import pytest

from guidelines.adaptation import rebasing
from guidelines.adaptation.decisions import decision_register
from guidelines.adaptation.operations import (
    AdaptationError,
    current_state,
    justify,
    save_revision,
)
from guidelines.extensions import db
from tests.adaptation.conftest import V1, V2


def adapt(adaptation, author, text):
    save_revision(
        adaptation,
        parent_number=adaptation.current_revision.number,
        markdown=text,
        message="local",
        user=author,
    )
    db.session.commit()


def test_clean_rebase_is_one_new_revision_on_the_new_base(adaptation, author, guideline_versions):
    _first, second = guideline_versions
    local = V1.replace("Offer bisphosphonates", "Offer zoledronic acid (RIZIV)")
    adapt(adaptation, author, local)
    outcome = rebasing.rebase_adaptation(
        adaptation, second, parent_number=2, resolutions={}, user=author
    )
    assert outcome.revision is not None and outcome.revision.kind == "rebase"
    assert [h.outcome for h in outcome.result.hunks] == ["applied"]
    state = current_state(adaptation)
    assert state.base == V2
    assert state.text == V2.replace("Offer bisphosphonates", "Offer zoledronic acid (RIZIV)")
    assert adaptation.current_revision.base_version == second


def test_conflict_saves_nothing_until_settled(adaptation, author, guideline_versions):
    _first, second = guideline_versions
    adapt(adaptation, author, V1.replace("every 2 years", "every 3 years"))
    outcome = rebasing.rebase_adaptation(
        adaptation, second, parent_number=2, resolutions={}, user=author
    )
    assert outcome.revision is None
    conflict = outcome.result.hunks[0]
    assert conflict.outcome == "conflict" and outcome.unresolved == (conflict.index,)
    assert adaptation.current_revision.number == 2  # nothing half-rebased


@pytest.mark.parametrize(
    ("action", "expected"),
    [("mine", "every 3 years"), ("theirs", "every 12 months"), ("edit", "every 18 months")],
)
def test_conflict_resolutions(adaptation, author, guideline_versions, action, expected):
    _first, second = guideline_versions
    adapt(adaptation, author, V1.replace("every 2 years", "every 3 years"))
    hunk = rebasing.preview(adaptation, second).result.hunks[0]
    text = hunk.new_base.replace("every 12 months", "every 18 months") if action == "edit" else None
    resolutions = {hunk.index: rebasing.Resolution(action, text)}
    outcome = rebasing.rebase_adaptation(
        adaptation, second, parent_number=2, resolutions=resolutions, user=author
    )
    assert outcome.revision is not None
    assert f"Scan the spine {expected}." in current_state(adaptation).text
    assert "Refer every adult to an expert centre." in current_state(adaptation).text


def test_a_choice_that_does_not_fit_the_outcome_is_refused(adaptation, author, guideline_versions):
    _first, second = guideline_versions
    adapt(adaptation, author, V1.replace("every 2 years", "every 3 years"))
    with pytest.raises(AdaptationError, match="cannot be settled with confirm"):
        rebasing.rebase_adaptation(
            adaptation,
            second,
            parent_number=2,
            resolutions={0: rebasing.Resolution("confirm")},
            user=author,
        )


def test_rebase_reopens_justifications_of_units_whose_source_changed(
    adaptation, author, guideline_versions
):
    _first, second = guideline_versions
    adapt(adaptation, author, V1.replace("Refer to an expert centre.", "Refer to UZ Leuven."))
    justify(adaptation, "R3", "adapted", "The Flemish reference centre.", author)
    db.session.commit()
    hunk = rebasing.preview(adaptation, second).result.hunks[0]
    outcome = rebasing.rebase_adaptation(
        adaptation,
        second,
        parent_number=2,
        # Keep the local edit, whichever way the rebase classified it.
        resolutions={hunk.index: rebasing.Resolution("confirm" if hunk.merged else "mine")},
        user=author,
    )
    assert "UZ Leuven" in current_state(adaptation).text
    assert outcome.reopened == ("R3",)
    state = current_state(adaptation)
    row = next(r for r in decision_register(adaptation, state.base, state.text) if r.key == "R3")
    assert row.reopened and row.needs_justification


def test_rebase_onto_the_current_base_is_refused(adaptation, author, guideline_versions):
    first, _second = guideline_versions
    with pytest.raises(AdaptationError, match="already based on version 1.0"):
        rebasing.preview(adaptation, first)
