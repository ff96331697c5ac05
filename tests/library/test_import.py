"""Importing source versions: exact bytes, idempotence, refusals that change nothing."""

import hashlib

import pytest
from sqlalchemy import func, select

from guidelines.extensions import db
from guidelines.library.models import DocumentText, Guideline, ImmutableRecordError, SourceVersion
from guidelines.library.operations import ImportRequest, import_version
from guidelines.library.uploads import (
    ImportRefused,
    decode_upload,
    read_metadata,
    slug_from_filename,
)
from tests.conftest import corpus_path

TEXT = "# Demo guideline\n\nSome text.\n"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_stores_text_under_its_sha256(import_text):
    version = import_text(TEXT, slug="demo", label="1")
    assert version.sha256 == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert version.markdown == TEXT


def test_import_takes_title_from_first_heading(import_text):
    version = import_text("Intro\n\n## Bone health\n\ntext\n", slug="bones")
    assert version.guideline.title == "Bone health"


def test_import_reads_front_matter(app_ctx):
    text = (
        "---\ntitle: Gaucher care\nslug: gaucher-care\nern: MetabERN\nversion: '2.1'\n"
        "published: 2024-03-01\norpha: [ORPHA:355]\nchange_note: Doses updated.\n---\n# G\n"
    )
    version = import_version(text, ImportRequest()).version
    assert (version.guideline.slug, version.guideline.title) == ("gaucher-care", "Gaucher care")
    assert version.guideline.ern.code == "MetabERN"
    assert [d.orpha_code for d in version.guideline.diseases] == ["ORPHA:355"]
    assert (version.label, version.published_on.isoformat()) == ("2.1", "2024-03-01")
    assert version.change_note == "Doses updated."


def test_same_text_again_says_which_version_it_is(import_text, app_ctx):
    first = import_text(TEXT, slug="demo", label="1")
    again = import_version(TEXT, ImportRequest(slug="demo", label="7"))
    assert again.status == "already_present"
    assert again.version.id == first.id
    assert count(SourceVersion) == 1


def test_new_text_under_existing_label_is_refused(import_text, app_ctx):
    import_text(TEXT, slug="demo", label="1")
    with pytest.raises(ImportRefused, match="already has a version 1"):
        import_version(TEXT + "More.\n", ImportRequest(slug="demo", label="1"))


def test_versions_are_immutable(import_text):
    version = import_text(TEXT, slug="demo", label="1")
    version.change_note = "rewritten history"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()


def test_identical_text_in_two_guidelines_is_stored_once(import_text):
    import_text(TEXT, slug="one")
    import_text(TEXT, slug="two")
    assert count(DocumentText) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"# Title\n\xff\xfe broken", "not valid UTF-8 \\(byte 9, line 2\\)"),
        (b"x" * 101, "the limit is 100 bytes"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, message):
    with pytest.raises(ImportRefused, match=message):
        decode_upload(data, max_bytes=100, name="guideline.md")


def test_unknown_ern_is_refused_and_nothing_changes(app_ctx):
    with pytest.raises(ImportRefused, match="Unknown ERN 'NOPE'"):
        import_version(TEXT, ImportRequest(slug="x", ern="NOPE"))
    db.session.rollback()
    assert count(Guideline) == 0


def test_malformed_orphacode_is_refused(app_ctx):
    with pytest.raises(ImportRefused, match="ORPHA:355"):
        import_version("---\norpha: [Gaucher]\n---\n# G\n", ImportRequest(slug="g"))


def test_invalid_front_matter_is_refused():
    with pytest.raises(ImportRefused, match="front matter"):
        read_metadata("---\ntitle: [unclosed\n---\n# G\n")


def test_bad_slug_is_refused(app_ctx):
    with pytest.raises(ImportRefused, match="cannot be a slug"):
        import_version(TEXT, ImportRequest(slug="Not A Slug!"))


def test_malformed_recommendation_is_refused(app_ctx):
    text = "# G\n\n::: recommendation R1 strength=strongest\nDo it.\n:::\n"
    with pytest.raises(ImportRefused, match="strongest"):
        import_version(text, ImportRequest(slug="g"))


def test_slug_from_filename():
    assert slug_from_filename("folder/Gaucher Disease (type 1).md") == "gaucher-disease-type-1"


@pytest.mark.parametrize("folder", ["hl7-cpg-methodology", "hl7-cpg-examples-chf"])
def test_corpus_versions_keep_their_exact_bytes(folder, import_text):
    """Every real version stored keeps the SHA-256 of its file."""
    files = sorted(corpus_path("versions", folder).glob("v*.md"))
    for path in files:
        data = path.read_bytes()
        version = import_text(data.decode("utf-8"), slug=folder, label=path.stem)
        assert version.sha256 == hashlib.sha256(data).hexdigest()
    db.session.expire_all()
    stored = db.session.scalars(
        select(SourceVersion)
        .join(Guideline)
        .where(Guideline.slug == folder)
        .order_by(SourceVersion.id)
    )
    assert [v.markdown.encode("utf-8") for v in stored] == [p.read_bytes() for p in files]
