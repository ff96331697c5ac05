"""Adaptations: revisions as verified patches, no lost update, integrity errors."""

import pytest
from sqlalchemy import text

from guidelines.adaptation.models import Revision, RevisionIntegrityError
from guidelines.adaptation.operations import (
    AdaptationError,
    NotAllowed,
    StaleRevision,
    current_state,
    save_revision,
    start_adaptation,
)
from guidelines.extensions import db
from guidelines.text import sha256_text
from tests.adaptation.conftest import V1


def test_start_uses_the_source_text_as_base_and_first_revision(adaptation):
    state = current_state(adaptation)
    assert state.base == V1 and state.text == V1
    revision = adaptation.current_revision
    assert (revision.number, revision.kind, revision.base_sha256) == (1, "start", sha256_text(V1))


def test_save_stores_a_patch_that_reproduces_the_text(adaptation, author):
    local = V1.replace("every 2 years", "every 3 years")
    revision = save_revision(
        adaptation, parent_number=1, markdown=local, message="RIZIV", user=author
    )
    db.session.commit()
    db.session.expire_all()
    assert revision.result_sha256 == sha256_text(local)
    assert len(revision.patch) < len(local) / 2
    assert current_state(adaptation).text == local


def test_stale_save_is_refused_and_names_the_current_revision(adaptation, author):
    save_revision(adaptation, parent_number=1, markdown=V1 + "\nMine.\n", message="", user=author)
    db.session.commit()
    with pytest.raises(StaleRevision) as raised:
        save_revision(
            adaptation, parent_number=1, markdown=V1 + "\nTheirs.\n", message="", user=author
        )
    assert raised.value.current.number == 2
    assert raised.value.attempted_text == V1 + "\nTheirs.\n"
    assert current_state(adaptation).text == V1 + "\nMine.\n"


def test_saving_the_same_text_again_is_refused(adaptation, author):
    with pytest.raises(AdaptationError, match="Nothing changed"):
        save_revision(adaptation, parent_number=1, markdown=V1, message="", user=author)


def test_author_of_another_network_may_not_start_or_save(guideline_versions, make_user, adaptation):
    outsider = make_user(role="author", networks=("metabole-aandoeningen",))
    first, _ = guideline_versions
    with pytest.raises(NotAllowed):
        start_adaptation(first.guideline, adaptation.network, user=outsider, version=first)
    with pytest.raises(NotAllowed):
        save_revision(adaptation, parent_number=1, markdown=V1 + "x", message="", user=outsider)


def test_reviewer_may_not_save(adaptation, make_user):
    reviewer = make_user(role="reviewer", networks=("bot",))
    with pytest.raises(NotAllowed):
        save_revision(adaptation, parent_number=1, markdown=V1 + "x", message="", user=reviewer)


def test_tampered_patch_is_an_integrity_error_naming_the_revision(adaptation, author):
    revision = save_revision(
        adaptation,
        parent_number=1,
        markdown=V1.replace("2 years", "3 years"),
        message="",
        user=author,
    )
    db.session.commit()
    tampered = Revision.pack_patch(revision.patch.replace("3", "4"))
    db.session.execute(
        text("UPDATE revisions SET patch_zlib = :patch WHERE id = :id"),
        {"patch": tampered, "id": revision.id},
    )
    db.session.expire_all()
    with pytest.raises(RevisionIntegrityError, match=f"Revision 2 of adaptation {adaptation.id}"):
        current_state(adaptation)


def test_garbled_patch_bytes_are_an_integrity_error(adaptation, author):
    revision = save_revision(
        adaptation, parent_number=1, markdown=V1 + "x\n", message="", user=author
    )
    db.session.commit()
    db.session.execute(
        text("UPDATE revisions SET patch_zlib = :patch WHERE id = :id"),
        {"patch": b"not zlib", "id": revision.id},
    )
    db.session.expire_all()
    with pytest.raises(RevisionIntegrityError, match="unreadable patch"):
        current_state(adaptation)


def test_tampered_base_text_is_an_integrity_error(adaptation):
    sha = adaptation.current_revision.base_sha256
    db.session.execute(
        text("UPDATE document_texts SET markdown = :m WHERE sha256 = :s"), {"m": V1 + "!", "s": sha}
    )
    db.session.expire_all()
    with pytest.raises(Exception, match="no longer matches its SHA-256"):
        current_state(adaptation)
