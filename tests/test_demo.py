"""The demo data: guidelines with several versions, a user per role, an adaptation."""

from sqlalchemy import func, select

from guidelines.accounts.models import Role, User
from guidelines.adaptation.decisions import decision_register, unjustified
from guidelines.adaptation.models import Adaptation
from guidelines.adaptation.operations import current_state
from guidelines.demo.loader import DEMO_PASSWORD
from guidelines.extensions import db
from guidelines.library.models import Guideline


def test_demo_load_creates_the_whole_library(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    guidelines = db.session.scalars(select(Guideline)).all()
    assert len(guidelines) >= 3 and all(len(g.versions) >= 2 for g in guidelines)
    assert all(g.ern is not None and g.diseases for g in guidelines)
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {role.value for role in Role}


def test_demo_adaptation_is_justified_and_behind_its_source(runner):
    runner.invoke(args=["demo", "load"])
    adaptation = db.session.scalars(select(Adaptation)).one()
    state = current_state(adaptation)
    register = decision_register(adaptation, state.base, state.text)
    assert {r.key: r.decision for r in register if r.decision != "adopted"} == {
        "R3.2": "adapted",
        "VL1": "new",
    }
    assert unjustified(register) == []
    assert adaptation.source_updated


def test_demo_load_twice_is_refused_and_if_empty_skips(runner):
    runner.invoke(args=["demo", "load"])
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 1 and "already loaded" in again.output
    skipped = runner.invoke(args=["demo", "load", "--if-empty"])
    assert skipped.exit_code == 0 and "was not loaded" in skipped.output
    assert db.session.scalar(select(func.count()).select_from(Guideline)) == 3
