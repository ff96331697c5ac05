"""The demo data: guidelines with several versions, a user per role, an adaptation."""

from sqlalchemy import func, select

from guidelines.accounts.models import Role, User
from guidelines.adaptation.decisions import decision_register, unjustified
from guidelines.adaptation.models import Adaptation
from guidelines.adaptation.operations import current_state
from guidelines.demo.loader import DEMO_PASSWORD
from guidelines.extensions import db
from guidelines.library.models import Guideline
from guidelines.portal.models import Publication
from guidelines.review import workflow


def test_demo_load_creates_the_whole_library(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    guidelines = db.session.scalars(select(Guideline)).all()
    assert len(guidelines) >= 3 and all(len(g.versions) >= 2 for g in guidelines)
    assert all(g.ern is not None and g.diseases for g in guidelines)
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {role.value for role in Role}


def test_demo_adaptation_is_justified_behind_its_source_and_in_review(runner):
    runner.invoke(args=["demo", "load"])
    adaptation = db.session.scalars(
        select(Adaptation).join(Guideline).where(Guideline.slug == "gaucher-disease-type-1")
    ).one()
    state = current_state(adaptation)
    register = decision_register(adaptation, state.base, state.text)
    assert {r.key: r.decision for r in register if r.decision != "adopted"} == {
        "R3.2": "adapted",
        "VL1": "new",
    }
    assert unjustified(register) == []
    assert adaptation.source_updated
    assert workflow.status_of(state.revision) == "in_review"


def test_demo_publishes_a_translated_adaptation_approved_by_a_second_person(runner):
    runner.invoke(args=["demo", "load"])
    publication = db.session.scalars(select(Publication)).one()
    assert publication.translation is not None and publication.translation.language == "nl"
    assert publication.translation.frozen
    assert publication.revision.base_sha256 == publication.translation.frozen_sha256
    assert publication.approved_by is not None
    assert publication.approved_by.id != publication.revision.author_id
    assert "VL1" in publication.markdown


def test_demo_load_twice_is_refused_and_if_empty_skips(runner):
    runner.invoke(args=["demo", "load"])
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 1 and "already loaded" in again.output
    skipped = runner.invoke(args=["demo", "load", "--if-empty"])
    assert skipped.exit_code == 0 and "was not loaded" in skipped.output
    assert db.session.scalar(select(func.count()).select_from(Guideline)) == 3
